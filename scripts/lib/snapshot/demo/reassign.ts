// An MQL routed again (TA_Lead_RouteAtMql), as the engine does it: (1) at the MQL, when its owner counts as
// unassigned under the MQL to SQL policy (rules/reroute.ts ownerUnassigned: a queue, an inactive user, a user in
// Reroute_Owners__c, or one out of office more than Reroute_Away_Days__c days past the MQL); (2) when SlaMonitorJob
// reassigns it, still uncontacted Reassign_After_Hours__c business hours past its contact deadline (sla.ts reassignAt:
// the check that does it), its owner excluded. Either way the lead is routed by the routing rules at that instant
// (routing.ts routeAgain), with its Routing_Decision__c row and the capacity moved; the new owner gets the MQL
// hand-off task (a reassigned lead's due a fresh contact window, the old owner's open one deleted) and works the lead:
// a reassigned lead's touch is drawn again for the new owner from the reassignment on (a random draw the demo makes
// only for those leads). Only from the engine's install on.
import type { Assignment } from '../../rules/routing.ts';
import { ownerUnassigned } from '../../rules/reroute.ts';
import type { LeadRun } from './arrivals.ts';
import { mqlTask } from './handoffs.ts';
import { routeAgain } from './routing.ts';
import { reassignAt, reassignmentOf } from './sla.ts';
import { isQueueId, ptoAt, type DemoState } from './state.ts';

/** Applies an assignment to the lead routed at `at`: owner, rule, Routing_Decision__c (funnel.ts assign). */
export type Assign = (s: DemoState, r: LeadRun, a: Assignment) => void;

/** Routes the lead again at `at` and places it (Routed_At__c and the decision's instant are `at`). */
function reroute(s: DemoState, r: LeadRun, at: number, exclude: string | null, assign: Assign): void {
  const a = routeAgain(s, r, at, exclude);
  r.routedAt = at;
  assign(s, r, a);
}

/** TA_Lead_RouteAtMql at the MQL of `mql`: the lead is routed again when its owner counts as unassigned then. */
export function rerouteAtMql(s: DemoState, r: LeadRun, mql: number, assign: Assign): void {
  const sla = s.rules.sla;
  // an MQL at the insert is routed by the insert (TA_Lead_Route; RouteAtMql reads the owner before the update)
  if (mql < s.installedAt || mql > s.asOf || mql <= r.routedAt) return;
  const rep = s.repById.get(r.ownerId);
  // Out_Of_Office_Until__c of the owner's row at the MQL: the end of the PTO it is in (the desk's rows)
  const pto = rep && ptoAt(rep, mql);
  const isQueue = isQueueId(r.ownerId);
  // the common case, decided without ownerUnassigned's inputs: an active user at work, no Reroute_Owners__c
  if (!isQueue && rep?.active !== false && !pto && !sla?.policy.rerouteOwners?.length) return;
  const { unassigned } = ownerUnassigned({
    owner: {
      id: r.ownerId,
      isQueue,
      active: rep?.active ?? true, // every demo user but an inactive rep is active
      outOfOfficeUntil: pto ? new Date(pto[1]).toISOString() : null,
    },
    policy: sla?.policy ?? null,
    now: new Date(mql).toISOString(),
  });
  if (unassigned) reroute(s, r, mql, null, assign);
}

/**
 * The first touch of the MQL of `mql`, drawn as `touch` for its owner: when the SLA monitor reassigns the lead
 * before that touch, the lead is routed again with its owner excluded and the touch is the new owner's, drawn from
 * the reassignment on (`draw`, the rep's behaviour: null, never).
 */
export function reassignUntouched(
  s: DemoState,
  r: LeadRun,
  mql: number,
  touch: number | null,
  draw: (from: number) => number | null,
  assign: Assign,
): number | null {
  const re = reassignAt(s, r, mql, touch);
  if (!re) return touch;
  reroute(s, r, re.at, re.fromId, assign);
  return draw(re.at);
}

/** When the lead's current owner took it for the clock of `mql`: the reassignment, else the MQL. */
export const takenAt = (r: LeadRun, mql: number): number => reassignmentOf(r, mql)?.at ?? mql;

/**
 * The MQL hand-off task of the clock of `mql` (handoffs.ts mqlTask): the owner's, due at the contact deadline; for a
 * reassigned lead the new owner's, given at the reassignment and due a fresh contact window (engine/handoffs.ts
 * personHandoffs' reassigned branch), the old owner's open task deleted (never written).
 */
export function mqlTasks(
  s: DemoState,
  r: LeadRun,
  mql: number,
  contactDue: number | null,
  touch: number | null,
): void {
  const re = reassignmentOf(r, mql);
  if (re) mqlTask(s, r, re.at, null, touch);
  else mqlTask(s, r, mql, contactDue, touch);
}
