// TA_EngagementEvent_Reroute (RoutingTriggerService.rerouteReengaged), after the rescore and before the re-engagement
// alert: a recycled or dormant lead that returns with one of the Re-engagement policy's high-intent signals while its
// owner counts as unassigned (inactive, a queue, listed, away too long) is touched, and its Lead update routes it
// (TA_Lead_RouteAtMql), so the alert that follows goes to the new owner.
import { reengagement } from '../rules/handoff.ts';
import { parseInstant } from '../rules/types.ts';
import type { EngagementRow, EngineState } from './state.ts';
import { ownerIsUnassigned, savePerson } from './triggers.ts';

const REENGAGEMENT = 'Re-engagement';

export function rerouteReengaged(state: EngineState, inserted: EngagementRow[]): void {
  const policy =
    state.config.slaPolicies.find((p) => p.handoff === REENGAGEMENT && p.active !== false) ?? null;
  if (!policy || !(policy.signals ?? []).length) return;
  const wanted = new Set((policy.signals ?? []).map((s) => s.trim().toLowerCase()));
  const newIds = new Set(inserted.map((e) => e.id));
  const firstByLead = new Map<string, EngagementRow>();
  for (const e of inserted)
    if (e.leadId && wanted.has(e.signal.trim().toLowerCase()) && !firstByLead.has(e.leadId))
      firstByLead.set(e.leadId, e);
  for (const [leadId, e] of firstByLead) {
    const lead = state.records.Lead.get(leadId);
    if (!lead || lead.IsConverted === true) continue;
    let last: string | null = null;
    for (const x of state.events) {
      if (newIds.has(x.id) || x.leadId !== leadId) continue;
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
      stage: (lead.Lifecycle_Stage__c as string | null) ?? null,
      recycledAt: (lead.Recycled_Date__c as string | null) ?? null,
      lastEngagementAt: last,
    });
    if (back.reengaged && ownerIsUnassigned(state, String(lead.OwnerId ?? ''), REENGAGEMENT))
      savePerson(state, 'Lead', leadId, {}, false, { reroute: true });
  }
}
