// The scheduled jobs of the org, as the engine model runs them: the nightly engagement decay refresh
// (EngagementDecayJob) and the SLA monitor (SlaMonitorJob). Both change records through the same trigger
// chain as a user's edit would.
import { evaluateSla, slaLeadOf, type SlaResult, type SlaStatus } from '../rules/sla.ts';
import { parseInstant } from '../rules/types.ts';
import { MQL_HANDOFF, MQL_TASK_PREFIX, dayIn, handoffPolicy } from './handoffs.ts';
import { traced, type EngineState, type SlaEventRow, type TaskRow } from './state.ts';
import { savePerson, type PersonObject } from './triggers.ts';

/** EngagementDecayJob: touches every unconverted Lead and every Contact with an engagement score. */
export function runDecayJob(state: EngineState): void {
  for (const obj of ['Lead', 'Contact'] as const) {
    const ids = [...state.records[obj].values()]
      .filter((r) => Number(r.Engagement_Score__c ?? 0) > 0 && r.IsConverted !== true)
      .map((r) => r.Id);
    for (const id of ids) savePerson(state, obj, id, {}, false);
  }
}

/**
 * SlaMonitorJob: every open clock (SLA_Clock__c = 'Open'; Leads not converted) is evaluated at `now`. A status
 * change is stored and logged (Warning, Breached, Met; none for a return to On Track); a new breach escalates
 * (Manager or Owner: a task for that user; Queue: a Lead moves to the queue); a qualify window passed on an MQL
 * recycles it with the policy's reason; a qualified record or a passed qualify window closes the clock. A Lead MQL
 * still uncontacted Reassign_After_Hours__c business hours past its contact deadline is reassigned once per clock:
 * SLA_Reassigned_At__c is set and the same update routes it with its owner excluded (TA_Lead_RouteAtMql), its new
 * owner gets the MQL hand-off, a Reassigned event is logged and the old owner gets a task; the clock continues.
 */
export function runSlaMonitor(state: EngineState): void {
  checkClocks(state, false);
}

/**
 * SlaAlarmJob: the monitor over the clocks whose SLA_Next_Check__c is due (at or before `now`) only, what the
 * one-off alarm scheduled for the earliest next check runs when it fires.
 */
export function runSlaAlarm(state: EngineState): void {
  checkClocks(state, true);
}

/** The earliest SLA_Next_Check__c of an open clock: when the alarm is scheduled (null: none pending). */
export function nextSlaAlarm(state: EngineState): string | null {
  let best: string | null = null;
  for (const obj of ['Lead', 'Contact'] as PersonObject[]) {
    for (const r of state.records[obj].values()) {
      const at = r.SLA_Next_Check__c as string | null | undefined;
      if (r.SLA_Clock__c === 'Open' && r.IsConverted !== true && at && (best === null || at < best))
        best = at;
    }
  }
  return best;
}

function checkClocks(state: EngineState, dueOnly: boolean): void {
  const found = handoffPolicy(state.config, MQL_HANDOFF);
  if (!found) return;
  const { policy, calendar } = found;
  const day = dayIn(state.now, calendar.timeZone); // ActivityDate of the tasks the monitor gives
  for (const obj of ['Lead', 'Contact'] as PersonObject[]) {
    const open = [...state.records[obj].values()].filter(
      (r) =>
        r.SLA_Clock__c === 'Open' &&
        r.IsConverted !== true &&
        (!dueOnly ||
          (typeof r.SLA_Next_Check__c === 'string' &&
            parseInstant(r.SLA_Next_Check__c, 'SLA_Next_Check__c') <= parseInstant(state.now, 'now'))),
    );
    for (const rec of open) {
      const managerId = state.users.get(String(rec.OwnerId))?.managerId ?? null;
      const lead = slaLeadOf(rec, obj, managerId, state.now);
      if (!lead) {
        savePerson(state, obj, rec.Id, { SLA_Clock__c: null, SLA_Next_Check__c: null }, false);
        continue;
      }
      const r = evaluateSla({ policy, calendar, lead, touches: [], now: state.now });
      const check = checkClock(r, rec.SLA_Status__c, lead.qualifiedAt ?? null, state.now);
      const change: Record<string, unknown> = {};
      if (r.nextCheckAt !== (rec.SLA_Next_Check__c ?? null)) change.SLA_Next_Check__c = r.nextCheckAt;
      const log = (e: SlaLog, escalatedTo: string | null = null) =>
        state.slaEvents.push({ recordId: rec.Id, policy: policy.name, at: state.now, escalatedTo, ...e });
      let escalationTask: TaskRow | null = null; // inserted after the save, as SlaMonitorJob.apply does
      if (check.status) {
        change.SLA_Status__c = check.status;
        if (check.logged) log(check.logged);
        if (check.escalated && r.escalateTo) {
          if (
            r.escalationKind === 'Queue' &&
            obj === 'Lead' &&
            (r.reassign || state.queues.has(r.escalateTo))
          ) {
            // a reassignment in the same run takes the place of the move to the queue
            if (!r.reassign) change.OwnerId = `queue:${r.escalateTo}`;
            log(check.escalated);
          } else if (r.escalationKind === 'Queue' && String(rec.OwnerId ?? '').startsWith('queue:')) {
            // no such queue, and a queue owns the record: nobody to give the task (SlaMonitorJob.assignQueue)
            log(check.escalated);
          } else {
            const to = r.escalationKind === 'Queue' ? String(rec.OwnerId) : r.escalateTo;
            escalationTask = {
              id: `T-esc-${rec.Id}-${state.now}`,
              whoId: rec.Id,
              ownerId: to,
              createdAt: state.now,
              subject: `SLA breached: ${r.breachedWindow} window missed`,
              due: day, // the check's day in the policy's business calendar (as the reassignment's task)
              priority: 'High',
            };
            log(check.escalated, to);
          }
        }
      }
      if (check.recycled) {
        change.Lifecycle_Stage__c = 'Lead';
        change.Recycle_Reason__c = r.autoRecycleReason;
        log(check.recycled);
      }
      const reassignFrom = r.reassign ? String(rec.OwnerId ?? '') : null;
      if (reassignFrom !== null) change.SLA_Reassigned_At__c = state.now;
      if (check.close) change.SLA_Clock__c = null;
      if (!Object.keys(change).length) continue;
      if (reassignFrom !== null) {
        dropHandoffTask(state, rec.Id, reassignFrom);
        const mark = traced(state, 'SlaMonitorJob', 0); // no run of its own: the budget's 'leads reassigned' reads
        if (mark) mark.when = ['reassigned'];
      }
      const saved = savePerson(state, obj, rec.Id, change, false, { excludeOwner: reassignFrom });
      // the monitor's tasks after the save (whose update gave a reassigned lead's new owner its hand-off task)
      if (escalationTask) {
        traced(state, 'Task insert'); // the escalation task's insert path
        state.tasks.push(escalationTask);
      }
      if (reassignFrom !== null)
        tellOldOwner(state, rec.Id, reassignFrom, String(saved.OwnerId ?? ''), {
          policy: policy.name,
          dueAt: r.reassignDue,
          day,
        });
    }
  }
}

/** An SLA_Event__c a check logs: its type and the instants SlaMonitorJob writes on it (ISO text or epoch ms). */
export interface SlaLog<T = string> {
  type: string;
  dueAt: T; // Due_At__c
  breachedAt: T | null; // Breached_At__c
  metAt: T | null; // Met_At__c
}

/** What one check of a clock does (SlaMonitorJob.decide), short of escalating and reassigning. */
export interface ClockCheck<T = string> {
  status: SlaStatus | null; // the SLA_Status__c to store (null: unchanged)
  logged: SlaLog<T> | null; // Warning, Breached or Met (none for a return to On Track)
  escalated: SlaLog<T> | null; // a new breach: the Escalated event (its target is the caller's)
  recycled: SlaLog<T> | null; // an MQL past its qualify window recycled with the policy's reason
  close: boolean; // qualified or past the qualify window: SLA_Clock__c blank
}

/** The part of an evaluation (evaluateSla, or evaluateSlaMs with epoch-ms instants) a check acts on. */
type Evaluation<T> = Pick<SlaResult, 'status' | 'breachedWindow' | 'autoRecycleReason' | 'clockClosed'> & {
  contactDue: T;
  qualifyDue: T;
};

/**
 * SlaMonitorJob.decide for one evaluation `r` of a clock whose stored status is `stored`, at `now`: a new status is
 * stored and logged (At Risk as a Warning; none for On Track), a new breach escalates; Due_At__c is the qualify due
 * for a qualify-window breach and for a recycle, else the contact due; Met_At__c is when it was qualified. Pure:
 * the engine model's monitor and the demo generator (snapshot/demo/sla.ts) both log through it.
 */
export function checkClock<T>(
  r: Evaluation<T>,
  stored: unknown,
  qualifiedAt: T | null,
  now: T,
): ClockCheck<T> {
  const changed = r.status !== stored;
  const dueAt = r.breachedWindow === 'Qualify' ? r.qualifyDue : r.contactDue;
  const event = (type: string): SlaLog<T> => ({
    type,
    dueAt,
    breachedAt: type === 'Breached' ? now : null,
    metAt: type === 'Met' ? qualifiedAt : null,
  });
  return {
    status: changed ? r.status : null,
    logged: changed && r.status !== 'On Track' ? event(r.status === 'At Risk' ? 'Warning' : r.status) : null,
    escalated: changed && r.status === 'Breached' ? event('Escalated') : null,
    recycled: r.autoRecycleReason
      ? { type: 'Recycled', dueAt: r.qualifyDue, breachedAt: null, metAt: null }
      : null,
    close: r.clockClosed,
  };
}

/**
 * Before a reassignment (SlaMonitorJob.apply): the leaving owner's open MQL hand-off task is deleted, so the new owner
 * gets only the fresh one (Salesforce would otherwise move the stale task to the new owner with the open activities).
 */
function dropHandoffTask(state: EngineState, recordId: string, from: string): void {
  const stale = (t: TaskRow) =>
    t.whoId === recordId && t.ownerId === from && t.subject.startsWith(MQL_TASK_PREFIX);
  for (let i = state.tasks.length - 1; i >= 0; i--) if (stale(state.tasks[i])) state.tasks.splice(i, 1);
}

/**
 * A saved reassignment: a Reassigned event naming the new owner (a user), due at the reassign due the clock passed,
 * and a task for the old owner (a user), due the check's day.
 */
function tellOldOwner(
  state: EngineState,
  recordId: string,
  from: string,
  to: string,
  check: Pick<SlaEventRow, 'policy' | 'dueAt'> & { day: string | null },
): void {
  const user = (id: string) => !!id && !id.startsWith('queue:');
  state.slaEvents.push({
    recordId,
    type: 'Reassigned',
    policy: check.policy,
    at: state.now,
    escalatedTo: user(to) ? to : null,
    dueAt: check.dueAt,
    breachedAt: null,
    metAt: null,
  });
  if (!user(from)) return;
  traced(state, 'Task insert'); // the old owner's task, in the monitor's one task insert
  state.tasks.push({
    id: `T-reassigned-${recordId}-${state.now}`,
    whoId: recordId,
    ownerId: from,
    createdAt: state.now,
    subject: 'SLA: lead reassigned to another rep (not contacted in time)',
    due: check.day,
    priority: 'Normal',
  });
}
