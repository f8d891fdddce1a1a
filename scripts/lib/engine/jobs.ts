// The scheduled jobs of the org, as the engine model runs them: the nightly engagement decay refresh
// (EngagementDecayJob) and the SLA monitor (SlaMonitorJob). Both change records through the same trigger
// chain as a user's edit would.
import { evaluateSla } from '../rules/sla.ts';
import type { EngineRecord, EngineState } from './state.ts';
import { calendarOf, handoffPolicy, savePerson, type PersonObject } from './triggers.ts';

/** EngagementDecayJob: touches every unconverted Lead and every Contact with an engagement score. */
export function runDecayJob(state: EngineState): void {
  for (const obj of ['Lead', 'Contact'] as const) {
    const ids = [...state.records[obj].values()]
      .filter((r) => Number(r.Engagement_Score__c ?? 0) > 0 && r.IsConverted !== true)
      .map((r) => r.Id);
    for (const id of ids) savePerson(state, obj, id, {}, false);
  }
}

/** When sales accepted (SQL) or rejected (recycled) the record after its MQL date. */
function qualifiedAt(rec: EngineRecord): string | null {
  const mql = String(rec.MQL_Date__c);
  let best: string | null = null;
  for (const f of ['SQL_Date__c', 'Recycled_Date__c']) {
    const at = rec[f] as string | null | undefined;
    if (at && at >= mql && (best === null || at < best)) best = at;
  }
  return best;
}

const OPEN = new Set(['On Track', 'At Risk', 'Breached']);

/**
 * SlaMonitorJob: every open clock (MQL not yet accepted or rejected, not converted) is evaluated at `now`:
 * status changes are logged (Warning, Breached, Met), a breach escalates to the owner's manager with a task
 * (a Lead without a manager goes to the escalation queue; a Contact keeps its owner), and a breached qualify
 * window recycles the record with the policy's reason.
 */
export function runSlaMonitor(state: EngineState): void {
  const policy = handoffPolicy(state);
  if (!policy) return;
  const calendar = calendarOf(state, policy);
  for (const obj of ['Lead', 'Contact'] as PersonObject[]) {
    const open = [...state.records[obj].values()].filter(
      (r) =>
        r.MQL_Date__c &&
        r.IsConverted !== true &&
        OPEN.has(String(r.SLA_Status__c)) &&
        r.SLA_Recycled__c !== true &&
        !(r.SLA_Status__c === 'Breached' && r.Lifecycle_Stage__c !== 'MQL'),
    );
    for (const rec of open) {
      const owner = state.users.get(String(rec.OwnerId));
      const managerId = owner?.managerId ?? null;
      const r = evaluateSla({
        policy,
        calendar,
        lead: {
          startedAt: String(rec.MQL_Date__c),
          ownerId: String(rec.OwnerId),
          managerId,
          firstTouchAt: (rec.First_Touch_At__c as string | null) ?? null,
          qualifiedAt: qualifiedAt(rec),
        },
        touches: [],
        now: state.now,
      });
      const change: Record<string, unknown> = {};
      const previous = rec.SLA_Status__c;
      if (r.status !== previous) {
        change.SLA_Status__c = r.status;
        const type = r.status === 'At Risk' ? 'Warning' : r.status;
        state.slaEvents.push({ recordId: rec.Id, type, at: state.now, escalatedTo: null });
        if (r.status === 'Breached' && r.escalateTo) {
          const toManager = managerId !== null && r.escalateTo === managerId;
          if (toManager) {
            state.tasks.push({
              id: `T-esc-${rec.Id}-${state.now}`,
              whoId: rec.Id,
              ownerId: managerId,
              createdAt: state.now,
              subject: `SLA breached: ${r.breachedWindow} window missed`,
            });
          } else if (obj === 'Lead') {
            change.OwnerId = `queue:${r.escalateTo}`;
          }
          state.slaEvents.push({
            recordId: rec.Id,
            type: 'Escalated',
            at: state.now,
            escalatedTo: toManager ? managerId : obj === 'Lead' ? `queue:${r.escalateTo}` : null,
          });
        }
      }
      if (r.autoRecycleReason && rec.Lifecycle_Stage__c === 'MQL') {
        change.Lifecycle_Stage__c = 'Lead';
        change.Recycle_Reason__c = r.autoRecycleReason;
        state.slaEvents.push({ recordId: rec.Id, type: 'Recycled', at: state.now, escalatedTo: null });
      }
      if (Object.keys(change).length) savePerson(state, obj, rec.Id, change, false);
    }
  }
}
