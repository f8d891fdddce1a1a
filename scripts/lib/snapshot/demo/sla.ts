// The SLA history of a demo MQL as the org writes it, by stepping the rules at the moments the org evaluates the
// clock: the clock starts at the MQL (SlaService.startClocks: a Started event, the first check at the warning
// instant); the rep's first touch is logged by SlaService.recordFirstTouch (engine/meetings.ts firstTouchLog: Met
// within the contact window, else Breached); and SlaMonitorJob checks the clock (evaluateSla, logged as
// engine/jobs.ts checkClock says: Warning, Breached with the Escalated event and the manager's task, Met, Recycled,
// with the Due_At__c, Breached_At__c and Met_At__c the job writes) when the SLA alarm fires at SLA_Next_Check__c and
// at the hourly run. Only the checks that can change something are run: every alarm, the first hourly run after a
// touch or the rep's decision, and an hourly run that lands between a deadline and its alarm a second later (the
// hourly runs between them find nothing new). The clock closes when qualified, past the qualify window (the
// monitor's auto-recycle, at the check that finds it) or at conversion. The monitor's reassignment of a lead still
// uncontacted Reassign_After_Hours__c business hours past its contact deadline is found by reassignAt (the check that
// would do it, from evaluateSlaMs' reassign decision) before the touch is known (reassign.ts routes the lead and draws
// the new owner's touch); runClock logs it (Reassigned, Due_At__c the reassign due, Escalated_To__c the new owner)
// and writeClock gives the old owner its task. Not played: the move of a lead escalated to a queue; a first touch on
// a closed clock still sets First_Touch_At__c.
import { evaluateSlaMs } from '../../rules/sla.ts';
import { checkClock, type SlaLog } from '../../engine/jobs.ts';
import { firstTouchLog } from '../../engine/meetings.ts';
import { escalationTask, followUpTask, monitorDay, slaEvent, type SlaEventExtra } from './history.ts';
import { HOUR, isQueueId, type DemoState } from './state.ts';
import type { LeadRun } from './arrivals.ts';

/** The hourly SLA monitor's first run strictly after `t`. */
const runAfter = (t: number): number => Math.floor(t / HOUR) * HOUR + HOUR;

/** An SLA_Event__c of the clock (epoch ms), with the escalation target and window of an Escalated one. */
interface ClockEvent {
  type: string;
  due: number;
  extra?: SlaEventExtra;
  window?: 'Contact' | 'Qualify';
}

/** What one touch or check did: the status it stored (null: unchanged) and the events it logged. */
interface ClockStep {
  at: number;
  status: string | null;
  events: ClockEvent[];
}

/** An MQL's clock from its start up to the snapshot or its closing check (conversion is applied when written). */
export interface SlaClock {
  mql: number;
  contactDue: number;
  steps: ClockStep[];
  /** When the monitor recycled the MQL (its qualify window passed before the rep's decision), else null. */
  recycledAt: number | null;
}

/** An instant as a Datetime field holds it (whole seconds), as the org's clock reads it. */
const stored = (t: number): number => Math.floor(t / 1000) * 1000;

/** The monitor's reassignment of a clock: at the check `at`, past `due` (the reassign due), from one owner to another. */
export interface Reassignment {
  mql: number;
  at: number;
  due: number;
  fromId: string;
  fromManager: string | null;
}

/** Each lead's latest reassigned clock (a lead has one clock at a time; a later MQL starts a new one). */
const reassignments = new WeakMap<LeadRun, Reassignment>();

/** The reassignment of the lead's clock started at `mql`, or null. */
export function reassignmentOf(r: LeadRun, mql: number): Reassignment | null {
  const x = reassignments.get(r);
  return x && x.mql === mql ? x : null;
}

/**
 * When SlaMonitorJob reassigns the MQL of `mql` whose owner first touches it at `touch` (null: never): the first
 * check past the reassign due (its alarm one second after it, or an hourly run before that), if evaluateSlaMs
 * decides to reassign there (still uncontacted, an MQL, its clock open; Reassign_After_Hours__c set), in the
 * engine's time. The rep decides only after the touch or days later (funnel.ts), so the lead is still an MQL.
 */
export function reassignAt(s: DemoState, r: LeadRun, mql: number, touch: number | null): Reassignment | null {
  const sla = s.rules.sla;
  if (!sla || sla.policy.reassignAfterHours == null || mql < s.installedAt) return null;
  const input = {
    policy: sla.policy,
    hours: sla.hours,
    lead: { ownerId: r.ownerId, managerId: null, stage: 'MQL' },
    start: stored(mql),
    touch: null,
    qualified: null,
  };
  const due = evaluateSlaMs({ ...input, now: input.start }).reassignDue;
  if (due === null) return null;
  const at = Math.min(runAfter(due), due + 1000);
  if (at > s.asOf || (touch !== null && touch <= at)) return null;
  if (!evaluateSlaMs({ ...input, now: at }).reassign) return null;
  const x = { mql, at, due, fromId: r.ownerId, fromManager: r.owner?.managerId ?? null };
  reassignments.set(r, x);
  return x;
}

function logged(e: SlaLog<number>, extra?: SlaEventExtra): ClockEvent {
  return {
    type: e.type,
    due: e.dueAt,
    extra: {
      ...extra,
      ...(e.breachedAt === null ? {} : { Breached_At__c: e.breachedAt }),
      ...(e.metAt === null ? {} : { Met_At__c: e.metAt }),
    },
  };
}

/**
 * Steps an MQL's clock: the rep touches at `touch` (null: never) and decides at `decidedAt` (SQL or a recycle,
 * leaving the lead in `decidedStage`) unless the monitor recycles it first (recycledAt). Pure: writes nothing.
 */
export function runClock(
  s: DemoState,
  r: LeadRun,
  mql: number,
  due: { contactDue: number; qualifyDue: number },
  touch: number | null,
  decidedAt: number,
  decidedStage: string,
): SlaClock {
  const { policy, hours } = s.rules.sla!;
  const start = stored(mql);
  const re = reassignmentOf(r, mql);
  // until the monitor reassigns it, the clock is the old owner's (a breach escalates to that owner's manager)
  const owned = (ownerId: string, managerId: string | null, reassignedAt: number | null) => ({
    ownerId,
    managerId,
    stage: 'MQL',
    reassignedAt: reassignedAt === null ? null : new Date(reassignedAt).toISOString(),
  });
  let lead = re ? owned(re.fromId, re.fromManager, null) : owned(r.ownerId, r.owner?.managerId ?? null, null);
  let decided = { ...lead, stage: decidedStage };
  let touched = false;
  const evaluate = (now: number) => {
    const qualified = decidedAt <= now;
    return evaluateSlaMs({
      policy,
      hours,
      lead: qualified ? decided : lead,
      start,
      touch: touched ? stored(touch!) : null,
      qualified: qualified ? stored(decidedAt) : null,
      now,
    });
  };
  const clock: SlaClock = { mql, contactDue: due.contactDue, steps: [], recycledAt: null };
  let status = 'On Track';
  let alarm = evaluate(start).nextCheckAt ?? Infinity; // SLA_Next_Check__c at the start: the warning instant
  let last = start;
  // the first hourly run after the rep's decision, and after the touch, finds it (when no alarm came first); an
  // hourly run between a deadline and its alarm (one second after it) sees the breach first
  const runs = [runAfter(decidedAt), touch === null ? Infinity : runAfter(touch)];
  for (const d of [due.contactDue, due.qualifyDue]) if (runAfter(d) < d + 1000) runs.push(runAfter(d));
  if (re) runs.push(re.at);
  for (let guard = 0; guard < 100; guard++) {
    const touchAt = touch !== null && !touched && touch >= mql ? touch : Infinity;
    let at = alarm;
    for (const h of runs) if (h > last && h < at) at = h;
    if (Math.min(at, touchAt) > s.asOf) return clock;
    if (touchAt <= at) {
      touched = true;
      const log = firstTouchLog(touchAt, due.contactDue, status);
      if (log) {
        const extra = log.type === 'Met' ? { Met_At__c: touchAt } : { Breached_At__c: touchAt };
        clock.steps.push({
          at: touchAt,
          status: log.type === 'Breached' ? 'Breached' : null,
          events: [{ type: log.type, due: due.contactDue, extra }],
        });
        if (log.type === 'Breached') status = 'Breached';
      }
      continue;
    }
    const res = evaluate(at);
    const check = checkClock(res, status, decidedAt <= at ? stored(decidedAt) : null, at);
    alarm = res.nextCheckAt ?? Infinity;
    last = at;
    const events: ClockEvent[] = [];
    if (check.logged) events.push(logged(check.logged));
    if (check.escalated) {
      // Escalated_To__c (a User lookup) names the manager; an escalation to a queue leaves it blank (SlaMonitorJob
      // writes the queue in Detail__c, which the snapshot does not read) and the demo's lead keeps its owner
      const to = res.escalationKind === 'Queue' ? undefined : (res.escalateTo ?? undefined);
      events.push({ ...logged(check.escalated, { Escalated_To__c: to }), window: res.breachedWindow! });
    }
    if (re && at === re.at) {
      if (!res.reassign) throw new Error(`SLA clock of lead ${r.id}: no reassignment at its check`);
      // Escalated_To__c names the new owner when a user (Detail__c, not read by the snapshot, names both)
      const to = isQueueId(r.ownerId) ? undefined : r.ownerId;
      events.push({ type: 'Reassigned', due: re.due, extra: { Escalated_To__c: to } });
      lead = owned(r.ownerId, r.owner?.managerId ?? null, at);
      decided = { ...lead, stage: decidedStage };
    }
    if (check.recycled) {
      events.push(logged(check.recycled));
      clock.recycledAt = at;
    }
    if (check.status || events.length) clock.steps.push({ at, status: check.status, events });
    if (check.status) status = check.status;
    if (check.close) return clock;
  }
  throw new Error(`SLA clock of lead ${r.id}: no end after 100 checks`);
}

/**
 * The clock's rows: Started, then what each touch and check logged before the lead was converted (conversion
 * closes the clock) and up to the snapshot, the manager's task of each escalation to a user and the old owner's
 * task of a reassignment (open, due that day); and SLA_Status__c,
 * the status the last of them stored.
 */
export function writeClock(s: DemoState, r: LeadRun, clock: SlaClock): void {
  slaEvent(s, r.id, clock.mql, 'Started', clock.contactDue);
  const closedAt = r.convertedAt ?? Infinity;
  let status = 'On Track';
  for (const step of clock.steps) {
    if (step.at >= closedAt) break;
    for (const e of step.events) {
      slaEvent(s, r.id, step.at, e.type, e.due, e.extra);
      const to = e.extra?.Escalated_To__c;
      if (e.type === 'Escalated' && to) escalationTask(s, r.id, to, step.at, e.window!);
      const from = e.type === 'Reassigned' ? reassignmentOf(r, clock.mql)!.fromId : '';
      if (from && !isQueueId(from))
        followUpTask(s, {
          whoId: r.id,
          whatId: null,
          ownerId: from,
          subject: 'SLA: lead reassigned to another rep (not contacted in time)',
          at: step.at,
          due: monitorDay(s, step.at),
          doneAt: null,
        });
    }
    if (step.status) status = step.status;
  }
  r.rec.SLA_Status__c = status;
}
