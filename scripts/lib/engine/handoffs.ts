// Hand-offs in the engine model: who is told and what task they get when a record changes hands, as
// HandoffTriggerService finds them (MQL to SQL and SQL to AE on a Lead/Contact save, Closed Won to CS and "Stage
// <stage>" on a deal save, Re-engagement on new engagement) and HandoffService.deliver sends them: the tasks first,
// then the notifications, then the e-mails. Subjects and titles are the Apex ones; the deadline is worded as
// Datetime.format('EEE d MMM yyyy HH:mm z', calendar time zone) words it for an en_US user.
import type { RevOpsConfig } from '../config/index.ts';
import type { BusinessCalendar } from '../rules/calendar.ts';
import { isRecent, planHandoff, reengagement, type HandoffPlan } from '../rules/handoff.ts';
import type { SlaPolicy } from '../rules/sla.ts';
import { parseInstant } from '../rules/types.ts';
import {
  isConversionContact,
  nextId,
  traced,
  type EngineRecord,
  type EngineState,
  type EngagementRow,
  type TaskRow,
} from './state.ts';

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

/** A hand-off's active policy and its business calendar in a config (RevOpsConfig.slaPolicy), or null. */
export function handoffPolicy(
  config: RevOpsConfig,
  handoff: string,
): { policy: SlaPolicy; calendar: BusinessCalendar } | null {
  const policy = config.slaPolicies.find((p) => p.handoff === handoff && p.active !== false);
  if (!policy) return null;
  const calendar = config.businessCalendars.find((c) => c.name === policy.businessCalendar);
  if (!calendar)
    throw new Error(`SLA policy ${policy.name}: business calendar ${policy.businessCalendar} is missing`);
  return { policy, calendar };
}

/** RevOpsConfig.slaPolicy: the active policy of a hand-off, or null. */
export function activePolicy(state: EngineState, handoff: string): SlaPolicy | null {
  return handoffPolicy(state.config, handoff)?.policy ?? null;
}

const DUE_FORMATS = new Map<string, Intl.DateTimeFormat>();
const DAY_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** One formatter per time zone and use (building an Intl.DateTimeFormat costs far more than using one). */
function formatIn(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
  locale: string,
): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    cache.set(timeZone, f);
  }
  return f;
}

/** HandoffService.formatDue: 'EEE d MMM yyyy HH:mm z' in the time zone (en_US names). */
export function formatDue(at: string | null, timeZone: string): string {
  if (!at) return '';
  const parts = formatIn(
    DUE_FORMATS,
    timeZone,
    {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    },
    'en-US',
  ).formatToParts(new Date(at));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('weekday')} ${p('day')} ${p('month')} ${p('year')} ${p('hour')}:${p('minute')} ${p('timeZoneName')}`;
}

/** The day (YYYY-MM-DD) of an instant in a time zone (HandoffTriggerService.dayIn). */
export function dayIn(at: string | null, timeZone: string): string | null {
  if (!at) return null;
  return formatIn(
    DAY_FORMATS,
    timeZone,
    { year: 'numeric', month: '2-digit', day: '2-digit' },
    'en-CA',
  ).format(new Date(at));
}

/** HandoffTriggerService.nameOf: "First Last (Company)" (the company for a Lead only). */
export function nameOf(rec: Readonly<Record<string, unknown>>, isLead: boolean): string {
  const name = `${String(rec.FirstName ?? '')} ${String(rec.LastName ?? '')}`.trim();
  const company = isLead ? String(rec.Company ?? '').trim() : '';
  return name + (company ? ` (${company})` : '');
}

function ownerOf(rec: EngineRecord) {
  const id = String(rec.OwnerId ?? '');
  return { id, isQueue: id.startsWith('queue:') };
}

/** A hand-off's policy, calendar and moment: what every alert below is planned from. */
export interface HandoffAt {
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  /** The save's instant (the engine clock). */
  at: string;
}

/** A record's owner as planHandoff takes it. */
export type HandoffOwner = { id: string; isQueue: boolean; active?: boolean };

/**
 * The MQL alert (task due at the contact deadline `contactDue`, else the policy's contact window) or the SQL
 * hand-off (HandoffTriggerService.personHandoffs), for a person by Id and name (nameOf).
 */
export function personAlert(
  h: HandoffAt,
  handoff: typeof MQL_HANDOFF | typeof SQL_HANDOFF,
  p: { id: string; name: string; owner: HandoffOwner; contactDue: string | null },
): Alert {
  const mql = handoff === MQL_HANDOFF;
  const plan = planHandoff({ ...h, owner: p.owner, contactDue: mql ? p.contactDue : null });
  const due = formatDue(plan.taskDue, h.calendar.timeZone);
  return {
    recordId: p.id,
    isPerson: true,
    plan,
    title: mql ? `New MQL: ${p.name}` : `SQL handed over: ${p.name}`,
    taskSubject: mql ? `${MQL_TASK_PREFIX}${p.name} by ${due}` : `Follow up on SQL ${p.name} by ${due}`,
    priority: mql ? 'High' : 'Normal',
    dueDate: dayIn(plan.taskDue, h.calendar.timeZone),
  };
}

/** A deal by Id, name and owner. */
export interface HandoffDeal {
  id: string;
  name: string;
  owner: HandoffOwner;
}

/** The Closed Won hand-off to customer success (the account's active owner, else the policy's queue or owner). */
export function wonAlert(h: HandoffAt, deal: HandoffDeal, accountOwnerId: string | null): Alert {
  const plan = planHandoff({ ...h, owner: deal.owner, accountOwnerId });
  return {
    recordId: deal.id,
    isPerson: false,
    plan,
    title: `Closed Won, over to CS: ${deal.name}`,
    taskSubject: `Customer-success hand-off: ${deal.name} by ${formatDue(plan.taskDue, h.calendar.timeZone)}`,
    priority: 'High',
    dueDate: dayIn(plan.taskDue, h.calendar.timeZone),
  };
}

/** The "Stage <stage>" policy's alert for a deal that just entered `stage`. */
export function stageAlert(h: HandoffAt, deal: HandoffDeal, stage: string): Alert {
  const plan = planHandoff({ ...h, owner: deal.owner });
  return {
    recordId: deal.id,
    isPerson: false,
    plan,
    title: `${stage}: ${deal.name}`,
    taskSubject: `${stage} follow-up: ${deal.name} by ${formatDue(plan.taskDue, h.calendar.timeZone)}`,
    priority: 'Normal',
    dueDate: dayIn(plan.taskDue, h.calendar.timeZone),
  };
}

/** The policy of a hand-off at `at` in the engine's config, or null when it is off. */
function handoffAt(state: EngineState, handoff: string): HandoffAt | null {
  const found = handoffPolicy(state.config, handoff);
  return found ? { ...found, at: state.now } : null;
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
  // the contact a conversion creates carries its lead's MQL stage and date: its lead already had the hand-off
  if (!isLead && old === null && isConversionContact(rec)) return;
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
  const h = handoff ? handoffAt(state, handoff) : null;
  if (!handoff || !h) return;
  const contactDue = reassigned ? null : ((rec.SLA_Contact_Due__c as string | null) ?? null);
  deliver(state, [
    personAlert(h, handoff, { id: rec.Id, name: nameOf(rec, isLead), owner: ownerOf(rec), contactDue }),
  ]);
}

/**
 * TA_Opportunity_CsHandoff and TA_Opportunity_StageTask (after update of Opportunity): a deal that just closed won
 * goes to customer success (the account's active owner, else Recipient_Queue__c, else the deal owner); a deal that
 * entered a stage with a "Stage <stage>" policy gets that policy's task for its owner.
 */
export function dealHandoffs(state: EngineState, deal: EngineRecord, old: EngineRecord): void {
  const d = { id: deal.Id, name: String(deal.Name), owner: ownerOf(deal) };
  const won = deal.IsWon === true && old.IsWon !== true ? handoffAt(state, CS_HANDOFF) : null;
  if (won) {
    const account = deal.AccountId ? state.records.Account.get(String(deal.AccountId)) : undefined;
    const accountOwner = account ? String(account.OwnerId ?? '') : '';
    const active = accountOwner !== '' && state.users.get(accountOwner)?.active !== false;
    deliver(state, [wonAlert(won, d, active ? accountOwner : null)]);
  }
  const stage = String(deal.StageName);
  const h = deal.StageName !== old.StageName ? handoffAt(state, `Stage ${stage}`) : null;
  if (h) deliver(state, [stageAlert(h, d, stage)]);
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
  const h = handoffAt(state, REENGAGEMENT);
  if (!h || !(h.policy.signals ?? []).length) return;
  const policy = h.policy;
  const newIds = new Set(inserted.map((e) => e.id));
  const firstByPerson = firstReturns(policy, inserted, state.now, (e) => e.leadId ?? e.contactId);
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
    alerts.push(
      reengageAlert(
        h,
        {
          id: personId,
          name: nameOf(person, !!lead),
          owner: { ...owner, active: owner.isQueue || (state.users.get(owner.id)?.active ?? false) },
        },
        e.signal,
      ),
    );
  }
  deliver(state, alerts);
}

/** A re-engaged person's alert: the owner (or the policy's queue for a deactivated owner) follows up. */
export function reengageAlert(
  h: HandoffAt,
  p: { id: string; name: string; owner: HandoffOwner },
  signal: string,
): Alert {
  const plan = planHandoff({ ...h, owner: p.owner });
  return {
    recordId: p.id,
    isPerson: true,
    plan,
    title: `Back: ${p.name} (${signal})`,
    taskSubject: `Re-engaged: ${p.name}, ${signal}; follow up by ${formatDue(plan.taskDue, h.calendar.timeZone)}`,
    priority: 'High',
    dueDate: dayIn(plan.taskDue, h.calendar.timeZone),
  };
}

/** The task HandoffService.deliver inserts for an alert (a user recipient only), or null. */
export function alertTask(a: Alert): {
  whoId: string | null;
  whatId: string | null;
  ownerId: string;
  subject: string;
  due: string | null;
  reminder: string;
  priority: string;
} | null {
  if (!a.plan.task || !a.plan.recipient) return null;
  return {
    whoId: a.isPerson ? a.recordId : null,
    whatId: a.isPerson ? null : a.recordId,
    ownerId: a.plan.recipient.id,
    subject: a.taskSubject.slice(0, 255),
    due: a.dueDate,
    reminder: a.plan.taskDue,
    priority: a.priority,
  };
}

/**
 * Tasks the engine gives a person's owner (HandoffService.insertEngineTasks: hand-off and no-show follow-ups): the
 * Task trigger runs without TA_Task_FirstTouch, since a task for the owner is not the owner's touch.
 */
export function insertEngineTasks(state: EngineState, rows: Omit<TaskRow, 'id' | 'createdAt'>[]): void {
  if (rows.length) traced(state, 'Task insert', rows.length);
  for (const row of rows) state.tasks.push({ ...row, id: nextId(state, 'T'), createdAt: state.now });
}

/**
 * HandoffService.deliver: the tasks (a user recipient only; a hand-off task is never the owner's touch), then the
 * notifications (a queue named by Recipient_Queue__c must exist), then the e-mails (a user recipient only).
 */
export function deliver(state: EngineState, alerts: Alert[]): void {
  insertEngineTasks(
    state,
    alerts.map(alertTask).filter((t) => t !== null),
  );
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
