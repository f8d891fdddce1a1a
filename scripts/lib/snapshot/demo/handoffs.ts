// The hand-off tasks the engine gives at the demo's hand-offs, built by engine/handoffs.ts as HandoffTriggerService
// builds them from the SLA policies (Create_Task__c, Recipient__c, Recipient_Queue__c, the contact window on the
// policy's business calendar): the MQL alert's "Contact new MQL ..." task and the SQL follow-up on the lead, the
// "<stage> follow-up" of a deal entering a stage with a "Stage <stage>" policy, the customer-success hand-off of a
// won deal, and the Re-engagement task of a lead that comes back (rules/handoff.ts reengagement: a high-intent
// signal after a recycle or a dormant spell). Only from the engine's install on; a queue recipient gets no task
// (HandoffService.deliver). Who completes them, and when, is the people's part: the rep's first touch completes the
// MQL task, the conversion the SQL one, leaving the stage the stage one; customer success and the owner of a
// returning lead do theirs by the due time. Otherwise a task is open.
import {
  alertTask,
  CS_HANDOFF,
  handoffPolicy,
  MQL_HANDOFF,
  nameOf,
  personAlert,
  REENGAGEMENT,
  reengageAlert,
  SQL_HANDOFF,
  stageAlert,
  wonAlert,
  type Alert,
  type HandoffAt,
  type HandoffDeal,
} from '../../engine/handoffs.ts';
import { reengagement } from '../../rules/handoff.ts';
import type { SlaPolicy } from '../../rules/sla.ts';
import type { LeadRun } from './arrivals.ts';
import { followUpTask } from './history.ts';
import { signalCode } from './rules.ts';
import { DAY, isQueueId, type DemoState } from './state.ts';

/** A demo owner as planHandoff takes it. */
const owner = (id: string) => ({ id, isQueue: isQueueId(id) });

/** The policy of a hand-off at `at`, or null when it is off or `at` is outside the engine's time. */
function policyAt(s: DemoState, handoff: string, at: number): HandoffAt | null {
  if (at < s.installedAt || at > s.asOf) return null;
  const found = handoffPolicy(s.rules.config, handoff);
  return found ? { ...found, at: new Date(at).toISOString() } : null;
}

/** The alert's task (if the engine makes one), open or done at `doneAt` (when the people got to it by asOf). */
function give(s: DemoState, at: number, alert: Alert, doneAt: number | null): void {
  const t = alertTask(alert);
  if (!t) return;
  followUpTask(s, { ...t, at, doneAt: doneAt !== null && doneAt >= at && doneAt <= s.asOf ? doneAt : null });
}

/** A lead that became an MQL at `at`: its owner's task, due at the SLA's contact deadline, done at the touch. */
export function mqlTask(
  s: DemoState,
  r: LeadRun,
  at: number,
  contactDue: number | null,
  touchAt: number | null,
): void {
  const h = policyAt(s, MQL_HANDOFF, at);
  if (!h) return;
  const p = {
    id: r.id,
    name: nameOf(r.rec, true),
    owner: owner(r.ownerId),
    contactDue: contactDue === null ? null : new Date(contactDue).toISOString(),
  };
  give(s, at, personAlert(h, MQL_HANDOFF, p), touchAt);
}

/** A lead accepted as SQL at `at`: the follow-up task, done at the conversion. */
export function sqlTask(s: DemoState, r: LeadRun, at: number, convertAt: number | null): void {
  const h = policyAt(s, SQL_HANDOFF, at);
  if (!h) return;
  const p = { id: r.id, name: nameOf(r.rec, true), owner: owner(r.ownerId), contactDue: null };
  give(s, at, personAlert(h, SQL_HANDOFF, p), convertAt);
}

/** A deal by Id, name and owner, as the hand-offs name it. */
export const handoffDeal = (id: string, name: string, ownerId: string): HandoffDeal => ({
  id,
  name,
  owner: owner(ownerId),
});

/** A deal that entered `stage` at `at` (an update: not the stage it was created in), done when it moves on. */
export function stageTask(
  s: DemoState,
  deal: HandoffDeal,
  stage: string,
  at: number,
  leftAt: number | null,
): void {
  const h = policyAt(s, `Stage ${stage}`, at);
  if (h) give(s, at, stageAlert(h, deal, stage), leftAt);
}

/** A deal won at `at`: the customer-success hand-off (the account's active owner's), done by its due time. */
export function wonTask(s: DemoState, deal: HandoffDeal, accountOwnerId: string, at: number): void {
  const h = policyAt(s, CS_HANDOFF, at);
  if (!h) return;
  const active = s.repById.get(accountOwnerId)?.active !== false;
  const alert = wonAlert(h, deal, active ? accountOwnerId : null);
  give(s, at, alert, Date.parse(alert.plan.taskDue));
}

/** The Re-engagement policy's high-intent signals by the code the demo's events carry (rules.ts signalCode). */
const returnSignals = new WeakMap<SlaPolicy, Map<number, string>>();

function highIntent(s: DemoState, policy: SlaPolicy): Map<number, string> {
  let codes = returnSignals.get(policy);
  if (!codes) {
    codes = new Map((policy.signals ?? []).map((name) => [signalCode(s.rules, name.trim()), name.trim()]));
    returnSignals.set(policy, codes);
  }
  return codes;
}

const iso = (t: number) => new Date(t).toISOString();

/** When the lead was recycled, if it is recycled just after its event at `at` is rescored (LeadRun.recycles). */
function recycledWhen(r: LeadRun, at: number): number | null {
  for (let i = 0; i < r.recycles.length; i += 2)
    if (r.recycles[i] <= at && at < r.recycles[i + 1]) return r.recycles[i];
  return null;
}

/**
 * The Re-engagement tasks of a lead's events (TA_EngagementEvent_Reengage: each event is its own insert, as it
 * happens): a high-intent signal from the lead once recycled, or after Dormant_Days__c without engagement. Events
 * from the conversion on belong to the contact, whose returns the demo does not follow.
 */
export function reengageTasks(s: DemoState, r: LeadRun): void {
  const found = r.eventCount ? handoffPolicy(s.rules.config, REENGAGEMENT) : null;
  if (!found || !found.policy.signals?.length) return;
  const codes = highIntent(s, found.policy);
  const dormantMs = (found.policy.dormantDays ?? 0) * DAY;
  const end = Math.min(r.convertedAt ?? Infinity, s.asOf);
  for (let k = 0; k < r.eventCount; k++) {
    const at = r.at[k];
    const signal = codes.get(r.signal[k]);
    if (signal === undefined || at < s.installedAt) continue;
    if (at >= end) break;
    const recycledAt = recycledWhen(r, at);
    const recycled = recycledAt !== null;
    const dormant = dormantMs > 0 && k > 0 && at - r.at[k - 1] >= dormantMs;
    if (!recycled && !dormant) continue; // what reengagement() would refuse, without building its inputs
    const back = reengagement({
      policy: found.policy,
      signal,
      at: iso(at),
      // the stage after the event's rescore: Lead while recycled (an event that makes it an MQL again ends that);
      // no other stage changes the answer
      stage: recycled ? 'Lead' : null,
      recycledAt: recycled ? iso(recycledAt) : null,
      lastEngagementAt: k > 0 ? iso(r.at[k - 1]) : null,
    });
    if (!back.reengaged) continue;
    const rep = s.repById.get(r.ownerId);
    const who = { ...owner(r.ownerId), active: rep?.active ?? false };
    const alert = reengageAlert(
      { ...found, at: iso(at) },
      { id: r.id, name: nameOf(r.rec, true), owner: who },
      signal,
    );
    give(s, at, alert, Date.parse(alert.plan.taskDue));
  }
}
