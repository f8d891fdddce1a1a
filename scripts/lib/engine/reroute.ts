// TA_EngagementEvent_Reroute (RoutingTriggerService.rerouteReengaged), after the rescore and before the re-engagement
// alert: a recycled or dormant lead or contact that returns with one of the Re-engagement policy's high-intent signals
// while its owner counts as unassigned (inactive, a queue, listed, away too long) is touched, and its own update routes
// it (a lead: TA_Lead_RouteAtMql by the Lead rules; a contact: TA_Contact_Route by the Contact rules, looked at only
// when an active Contact rule exists), so the alert that follows goes to the new owner.
import { reengagement } from '../rules/handoff.ts';
import { firstReturns } from './handoffs.ts';
import { parseInstant } from '../rules/types.ts';
import type { EngagementRow, EngineState } from './state.ts';
import { hasRules, ownerIsUnassigned, savePerson, type PersonObject } from './triggers.ts';

const REENGAGEMENT = 'Re-engagement';

export function rerouteReengaged(state: EngineState, inserted: EngagementRow[]): void {
  const policy =
    state.config.slaPolicies.find((p) => p.handoff === REENGAGEMENT && p.active !== false) ?? null;
  if (!policy || !(policy.signals ?? []).length) return;
  const contacts = hasRules(state, 'Contact');
  const newIds = new Set(inserted.map((e) => e.id));
  const firstByPerson = firstReturns(
    policy,
    inserted,
    state.now,
    (e) => e.leadId ?? (contacts ? e.contactId : null),
  );
  // the org routes the leads, then the contacts (two touches)
  const due: [PersonObject, string][] = [];
  for (const [personId, e] of firstByPerson) {
    const obj: PersonObject = e.leadId === personId ? 'Lead' : 'Contact';
    const rec = state.records[obj].get(personId);
    if (!rec || rec.IsConverted === true) continue;
    let last: string | null = null;
    for (const x of state.events) {
      if (newIds.has(x.id) || (obj === 'Lead' ? x.leadId : x.contactId) !== personId) continue;
      if (
        last === null ||
        parseInstant(x.occurredAt, 'Occurred_At__c') > parseInstant(last, 'Occurred_At__c')
      )
        last = x.occurredAt;
    }
    const back = reengagement({
      policy,
      signal: e.signal,
      at: e.occurredAt,
      stage: (rec.Lifecycle_Stage__c as string | null) ?? null,
      recycledAt: (rec.Recycled_Date__c as string | null) ?? null,
      lastEngagementAt: last,
      now: state.now,
    });
    if (back.reengaged && ownerIsUnassigned(state, String(rec.OwnerId ?? ''), REENGAGEMENT))
      due.push([obj, personId]);
  }
  for (const [obj, id] of [...due.filter((d) => d[0] === 'Lead'), ...due.filter((d) => d[0] === 'Contact')])
    savePerson(state, obj, id, {}, false, { reroute: true });
}
