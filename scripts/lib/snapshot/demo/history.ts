// Writers of the history rows the org's triggers and jobs append: Lifecycle_Transition__c (one row per move the
// rules make, lifecycle.ts) and SLA_Event__c, both only from the engine's install on (the objects did not exist
// before), the reps' activity (Task), and the task the SLA monitor gives a manager it escalates to.
import type { LifecycleMove } from '../../rules/lifecycle.ts';
import { dayIn } from '../../engine/handoffs.ts';
import { newId, noteActivity, write, type DemoState } from './state.ts';

/** A lifecycle move of a Lead (leadId) or Contact (contactId): the rule's move (lifecycle.ts saveStage makes it). */
export interface Transition {
  leadId: string | null;
  contactId: string | null;
  at: number;
  /** The user who saved the record. */
  by: string;
  move: LifecycleMove;
}

/** The Lifecycle_Transition__c row of a move, as LifecycleService.historyRow writes it. */
export function transition(s: DemoState, t: Transition): void {
  if (t.at < s.installedAt || t.at > s.asOf) return;
  const m = t.move;
  write(s, 'Lifecycle_Transition__c', {
    Id: newId(s, 'Lifecycle_Transition__c'),
    Lead__c: t.leadId,
    Contact__c: t.contactId,
    Record_Id__c: t.leadId ?? t.contactId,
    Object_Type__c: t.leadId ? 'Lead' : 'Contact',
    From_Stage__c: m.from,
    To_Stage__c: m.to,
    Transitioned_At__c: t.at,
    Transitioned_By__c: t.by,
    Reason__c: m.message.slice(0, 255),
    Reason_Code__c: m.reasonCode,
    Is_Recycle__c: m.isRecycle,
    CreatedDate: t.at,
  });
}

/** What some SLA events carry beyond the common fields. */
export interface SlaEventExtra {
  Breached_At__c?: number;
  Escalated_To__c?: string;
  Met_At__c?: number;
}

export function slaEvent(
  s: DemoState,
  leadId: string,
  at: number,
  type: string,
  due: number,
  extra?: SlaEventExtra,
): void {
  if (at < s.installedAt || at > s.asOf) return;
  // every row in one shape (a spread of the extra fields made a shape per kind for the CSV writer)
  write(s, 'SLA_Event__c', {
    Id: newId(s, 'SLA_Event__c'),
    Lead__c: leadId,
    Record_Id__c: leadId,
    Policy__c: s.rules.sla?.policy.name ?? null,
    Event_Type__c: type,
    Due_At__c: due,
    Occurred_At__c: at,
    CreatedDate: at,
    Breached_At__c: extra?.Breached_At__c ?? null,
    Escalated_To__c: extra?.Escalated_To__c ?? null,
    Met_At__c: extra?.Met_At__c ?? null,
  });
}

export interface TaskRow {
  whoId: string | null;
  whatId: string | null;
  ownerId: string;
  at: number;
  kind: 'Call' | 'Email';
  subject: string;
}

export function task(s: DemoState, t: TaskRow): void {
  if (t.at > s.asOf) return;
  const { whoId, whatId, ownerId, subject, at } = t;
  writeTask(s, { whoId, whatId, ownerId, subject, at, due: at, doneAt: at }, t.kind);
}

/** An open task the engine gives someone (due on `due`, a day), or one the person has done at `doneAt`. */
export interface FollowUpTask {
  whoId: string | null;
  whatId: string | null;
  ownerId: string;
  subject: string;
  at: number;
  /** ActivityDate: a day (YYYY-MM-DD, as the engine sets it) or an instant (its UTC day). */
  due: string | number | null;
  doneAt: number | null;
}

export function followUpTask(s: DemoState, t: FollowUpTask): void {
  if (t.at < s.installedAt || t.at > s.asOf) return;
  writeTask(s, t, null);
}

/** A Task row, every row in one shape: a call or e-mail (`type`), else a plain task. */
function writeTask(s: DemoState, t: FollowUpTask, type: 'Call' | 'Email' | null): void {
  write(s, 'Task', {
    Id: newId(s, 'Task'),
    WhoId: t.whoId,
    WhatId: t.whatId,
    OwnerId: t.ownerId,
    Subject: t.subject,
    Type: type,
    TaskSubtype: type ?? 'Task',
    Status: t.doneAt === null ? 'Not Started' : 'Completed',
    ActivityDate: t.due,
    CompletedDateTime: t.doneAt,
    CreatedDate: t.at,
  });
  // a closed task dates its record's LastActivityDate by its due date (a lead's reaches its account at conversion)
  const record = t.whatId ?? t.whoId;
  if (record && t.doneAt !== null)
    noteActivity(s, record, typeof t.due === 'string' ? Date.parse(t.due) : (t.due ?? t.doneAt));
}

/** The day SlaMonitorJob's tasks are due: the day of the check at `at` in the SLA policy's business calendar. */
export function monitorDay(s: DemoState, at: number): string | number {
  const zone = s.rules.sla?.calendar.timeZone;
  return zone ? dayIn(new Date(at).toISOString(), zone)! : at;
}

/** The task SlaMonitorJob gives the manager a breached clock escalates to: open, due the day of the breach. */
export function escalationTask(
  s: DemoState,
  leadId: string,
  managerId: string,
  at: number,
  window: 'Contact' | 'Qualify',
): void {
  followUpTask(s, {
    whoId: leadId,
    whatId: null,
    ownerId: managerId,
    subject: `SLA breached: ${window} window missed`,
    at,
    due: monitorDay(s, at),
    doneAt: null,
  });
}
