// Hand-offs in the engine model: who is told and what task they get when a record changes hands, as
// HandoffTriggerService finds them (MQL to SQL and SQL to AE on a Lead/Contact save, Closed Won to CS and "Stage
// <stage>" on a deal save, Re-engagement on new engagement) and HandoffService.deliver sends them: the tasks first,
// then the notifications, then the e-mails. Subjects and titles are the Apex ones; the deadline is worded as
// Datetime.format('EEE d MMM yyyy HH:mm z', calendar time zone) words it for an en_US user.
import type { BusinessCalendar } from '../rules/calendar.ts';
import { isRecent, planHandoff, reengagement, type HandoffPlan } from '../rules/handoff.ts';
import type { SlaPolicy } from '../rules/sla.ts';
import { parseInstant } from '../rules/types.ts';
import { nextId, traced, type EngineRecord, type EngineState, type EngagementRow } from './state.ts';

export const MQL_HANDOFF = 'MQL to SQL';
export const SQL_HANDOFF = 'SQL to AE';
export const CS_HANDOFF = 'Closed Won to CS';
export const REENGAGEMENT = 'Re-engagement';
/** The subject an MQL hand-off task starts with (HandoffTriggerService.MQL_TASK_PREFIX). */
export const MQL_TASK_PREFIX = 'Contact new MQL ';

/** One hand-off to deliver (HandoffService.Alert). */
export interface Alert {
  recordId: string;
  /** Lead/Contact tasks name the person (WhoId), a deal's its record (WhatId). */
  isPerson: boolean;
  plan: HandoffPlan;
  title: string;
  taskSubject: string;
  priority: string;
  /** ActivityDate: the deadline's day in the policy calendar's time zone. */
  dueDate: string | null;
}

/** RevOpsConfig.slaPolicy: the active policy of a hand-off, or null. */
export function activePolicy(state: EngineState, handoff: string): SlaPolicy | null {
  return state.config.slaPolicies.find((p) => p.handoff === handoff && p.active !== false) ?? null;
}

function calendarFor(state: EngineState, policy: SlaPolicy): BusinessCalendar {
  const cal = state.config.businessCalendars.find((c) => c.name === policy.businessCalendar);
  if (!cal)
    throw new Error(`SLA policy ${policy.name}: business calendar ${policy.businessCalendar} is missing`);
  return cal;
}

/** HandoffService.formatDue: 'EEE d MMM yyyy HH:mm z' in the time zone (en_US names). */
export function formatDue(at: string | null, timeZone: string): string {
  if (!at) return '';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(at));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('weekday')} ${p('day')} ${p('month')} ${p('year')} ${p('hour')}:${p('minute')} ${p('timeZoneName')}`;
}

/** The day (YYYY-MM-DD) of an instant in a time zone (HandoffTriggerService.dayIn). */
export function dayIn(at: string | null, timeZone: string): string | null {
  if (!at) return null;
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

/** HandoffTriggerService.nameOf: "First Last (Company)" (the company for a Lead only). */
export function nameOf(rec: EngineRecord, isLead: boolean): string {
  const name = `${String(rec.FirstName ?? '')} ${String(rec.LastName ?? '')}`.trim();
  const company = isLead ? String(rec.Company ?? '').trim() : '';
  return name + (company ? ` (${company})` : '');
}

function ownerOf(rec: EngineRecord) {
  const id = String(rec.OwnerId ?? '');
  return { id, isQueue: id.startsWith('queue:') };
}

/**
 * TA_Lead_Handoff / TA_Contact_Handoff (HandoffTriggerService.personHandoffs), after the save: a record that just
 * became an MQL gets the MQL alert (task due at SLA_Contact_Due__c), one that just moved to SQL the AE's follow-up.
 */
export function personHandoffs(
  state: EngineState,
  isLead: boolean,
  rec: EngineRecord,
  old: EngineRecord | null,
): void {
  if (isLead && rec.IsConverted === true) return;
  const stage = rec.Lifecycle_Stage__c;
  const mqlAt = (rec.MQL_Date__c as string | null | undefined) ?? null;
  // a lead the SLA monitor just reassigned: its new owner gets the MQL alert, the task due a fresh contact window
  const reassigned =
    isLead &&
    old !== null &&
    !!rec.SLA_Reassigned_At__c &&
    rec.SLA_Reassigned_At__c !== old.SLA_Reassigned_At__c;
  const handoff =
    stage === 'MQL' && ((mqlAt && (old === null || old.MQL_Date__c !== mqlAt)) || reassigned)
      ? MQL_HANDOFF
      : old !== null && stage === 'SQL' && old.Lifecycle_Stage__c !== 'SQL'
        ? SQL_HANDOFF
        : null;
  const policy = handoff ? activePolicy(state, handoff) : null;
  if (!handoff || !policy) return;
  const cal = calendarFor(state, policy);
  const plan = planHandoff({
    policy,
    calendar: cal,
    at: state.now,
    owner: ownerOf(rec),
    contactDue:
      handoff === MQL_HANDOFF && !reassigned ? ((rec.SLA_Contact_Due__c as string | null) ?? null) : null,
  });
  const name = nameOf(rec, isLead);
  const due = formatDue(plan.taskDue, cal.timeZone);
  const mql = handoff === MQL_HANDOFF;
  deliver(state, [
    {
      recordId: rec.Id,
      isPerson: true,
      plan,
      title: mql ? `New MQL: ${name}` : `SQL handed over: ${name}`,
      taskSubject: mql ? `${MQL_TASK_PREFIX}${name} by ${due}` : `Follow up on SQL ${name} by ${due}`,
      priority: mql ? 'High' : 'Normal',
      dueDate: dayIn(plan.taskDue, cal.timeZone),
    },
  ]);
}

/**
 * TA_Opportunity_CsHandoff and TA_Opportunity_StageTask (after update of Opportunity): a deal that just closed won
 * goes to customer success (the account's active owner, else Recipient_Queue__c, else the deal owner); a deal that
 * entered a stage with a "Stage <stage>" policy gets that policy's task for its owner.
 */
export function dealHandoffs(state: EngineState, deal: EngineRecord, old: EngineRecord): void {
  if (deal.IsWon === true && old.IsWon !== true) {
    const policy = activePolicy(state, CS_HANDOFF);
    if (policy) {
      const account = deal.AccountId ? state.records.Account.get(String(deal.AccountId)) : undefined;
      const accountOwner = account ? String(account.OwnerId ?? '') : '';
      const active = accountOwner !== '' && state.users.get(accountOwner)?.active !== false;
      const cal = calendarFor(state, policy);
      const plan = planHandoff({
        policy,
        calendar: cal,
        at: state.now,
        owner: ownerOf(deal),
        accountOwnerId: active ? accountOwner : null,
      });
      deliver(state, [
        {
          recordId: deal.Id,
          isPerson: false,
          plan,
          title: `Closed Won, over to CS: ${String(deal.Name)}`,
          taskSubject: `Customer-success hand-off: ${String(deal.Name)} by ${formatDue(plan.taskDue, cal.timeZone)}`,
          priority: 'High',
          dueDate: dayIn(plan.taskDue, cal.timeZone),
        },
      ]);
    }
  }
  const policy =
    deal.StageName !== old.StageName ? activePolicy(state, `Stage ${String(deal.StageName)}`) : null;
  if (!policy) return;
  const cal = calendarFor(state, policy);
  const plan = planHandoff({ policy, calendar: cal, at: state.now, owner: ownerOf(deal) });
  deliver(state, [
    {
      recordId: deal.Id,
      isPerson: false,
      plan,
      title: `${String(deal.StageName)}: ${String(deal.Name)}`,
      taskSubject: `${String(deal.StageName)} follow-up: ${String(deal.Name)} by ${formatDue(plan.taskDue, cal.timeZone)}`,
      priority: 'Normal',
      dueDate: dayIn(plan.taskDue, cal.timeZone),
    },
  ]);
}

/**
 * The first event per person of an insert that may be a return (HandoffService.firstReturns): one of the
 * Re-engagement policy's high-intent signals, recent at `now` (a backfill is no return). `personOf` picks the person.
 */
export function firstReturns(
  policy: SlaPolicy,
  inserted: EngagementRow[],
  now: string,
  personOf: (e: EngagementRow) => string | null,
): Map<string, EngagementRow> {
  const highIntent = new Set((policy.signals ?? []).map((s) => s.trim().toLowerCase()));
  const first = new Map<string, EngagementRow>();
  for (const e of inserted) {
    const person = personOf(e);
    if (
      person &&
      !first.has(person) &&
      highIntent.has(e.signal.trim().toLowerCase()) &&
      isRecent(e.occurredAt, now)
    )
      first.set(person, e);
  }
  return first;
}

/**
 * TA_EngagementEvent_Reengage (HandoffTriggerService.reengagements), after the rescore: the first high-intent event
 * per person of this insert, from a recycled or dormant Lead (unconverted)/Contact, alerts the owner, or
 * Recipient_Queue__c when the owner has been deactivated. "Dormant" compares with the person's latest event saved
 * before this insert.
 */
export function reengagements(state: EngineState, inserted: EngagementRow[]): void {
  const policy = activePolicy(state, REENGAGEMENT);
  if (!policy || !(policy.signals ?? []).length) return;
  const newIds = new Set(inserted.map((e) => e.id));
  const firstByPerson = firstReturns(policy, inserted, state.now, (e) => e.leadId ?? e.contactId);
  const cal = calendarFor(state, policy);
  const alerts: Alert[] = [];
  for (const [personId, e] of firstByPerson) {
    const lead = state.records.Lead.get(personId);
    const person = lead ?? state.records.Contact.get(personId);
    if (!person || (lead && lead.IsConverted === true)) continue;
    let last: string | null = null;
    for (const x of state.events) {
      if (newIds.has(x.id) || (x.leadId !== personId && x.contactId !== personId)) continue;
      if (
        last === null ||
        parseInstant(x.occurredAt, 'Occurred_At__c') > parseInstant(last, 'Occurred_At__c')
      )
        last = x.occurredAt;
    }
    const r = reengagement({
      policy,
      signal: e.signal,
      at: e.occurredAt,
      stage: (person.Lifecycle_Stage__c as string | null) ?? null,
      recycledAt: (person.Recycled_Date__c as string | null) ?? null,
      lastEngagementAt: last,
      now: state.now,
    });
    if (!r.reengaged) continue;
    const owner = ownerOf(person);
    const plan = planHandoff({
      policy,
      calendar: cal,
      at: state.now,
      owner: { ...owner, active: owner.isQueue || (state.users.get(owner.id)?.active ?? false) },
    });
    const name = nameOf(person, !!lead);
    alerts.push({
      recordId: personId,
      isPerson: true,
      plan,
      title: `Back: ${name} (${e.signal})`,
      taskSubject: `Re-engaged: ${name}, ${e.signal}; follow up by ${formatDue(plan.taskDue, cal.timeZone)}`,
      priority: 'High',
      dueDate: dayIn(plan.taskDue, cal.timeZone),
    });
  }
  deliver(state, alerts);
}

/**
 * HandoffService.deliver: the tasks (a user recipient only; a hand-off task is never the owner's touch), then the
 * notifications (a queue named by Recipient_Queue__c must exist), then the e-mails (a user recipient only).
 */
export function deliver(state: EngineState, alerts: Alert[]): void {
  const tasks = alerts.filter((a) => a.plan.task && a.plan.recipient).length;
  if (tasks) traced(state, 'Task insert', tasks);
  for (const a of alerts) {
    if (!a.plan.task || !a.plan.recipient) continue;
    state.tasks.push({
      id: nextId(state, 'T'),
      whoId: a.isPerson ? a.recordId : null,
      whatId: a.isPerson ? null : a.recordId,
      ownerId: a.plan.recipient.id,
      createdAt: state.now,
      subject: a.taskSubject.slice(0, 255),
      due: a.dueDate,
      reminder: a.plan.taskDue,
      priority: a.priority,
    });
  }
  for (const a of alerts) {
    const r = a.plan.recipient;
    if (!a.plan.notification || !r) continue;
    const byName = r.kind === 'Queue' && !r.id.startsWith('queue:');
    if (byName && !state.queues.has(r.id)) continue; // SlaEngineData.queueId finds none: logged, not sent
    const to = byName ? `queue:${r.id}` : r.id;
    state.notifications.push({
      recordId: a.recordId,
      channel: 'notification',
      to,
      title: a.title,
      at: state.now,
    });
  }
  for (const a of alerts) {
    if (!a.plan.email || !a.plan.recipient) continue;
    state.notifications.push({
      recordId: a.recordId,
      channel: 'email',
      to: a.plan.recipient.id,
      title: a.title,
      at: state.now,
    });
  }
}
