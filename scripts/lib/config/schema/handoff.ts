// Handoff: SLA_Policy__mdt (how fast a handed-off lead must be worked) and Business_Calendar__mdt (the business
// hours that clock runs in).
import { WEEKDAYS } from '../../rules/calendar.ts';
import { RECYCLE_REASONS } from '../../rules/lifecycle.ts';
import { check, HHMM, isBlank, minutes, num, str, type TypeDef } from './fields.ts';

/** Messages used both for a value of the wrong type and by the check that mirrors the validation rule. */
const MSG = {
  contactHours: 'Contact_Within_Hours__c must be a number of business hours greater than 0',
  qualifyHours: 'Qualify_Within_Hours__c must be at least Contact_Within_Hours__c',
  warning: 'Warning_Percent__c must be between 1 and 99',
  escalation: 'Escalate_To__c is required, and Escalation_Queue__c must be set when escalating to a Queue',
};

export const SLA_POLICY: TypeDef = {
  type: 'SLA_Policy',
  fields: [
    { api: 'Handoff__c', key: 'handoff', kind: 'text', required: true },
    { api: 'Business_Calendar__c', key: 'businessCalendar', kind: 'text', required: true },
    {
      api: 'Contact_Within_Hours__c',
      key: 'contactWithinHours',
      kind: 'number',
      message: MSG.contactHours,
    },
    {
      api: 'Qualify_Within_Hours__c',
      key: 'qualifyWithinHours',
      kind: 'number',
      message: MSG.qualifyHours,
    },
    {
      api: 'Warning_Percent__c',
      key: 'warningPercent',
      kind: 'number',
      message: MSG.warning,
    },
    {
      api: 'Escalate_To__c',
      key: 'escalateTo',
      kind: 'picklist',
      options: ['Manager', 'Queue'],
      message: MSG.escalation,
    },
    { api: 'Escalation_Queue__c', key: 'escalationQueue', kind: 'text' },
    { api: 'Auto_Recycle_Reason__c', key: 'autoRecycleReason', kind: 'text' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
    // what a hand-off of this policy sends (rules/handoff.ts, HandoffService.cls)
    { api: 'Send_Notification__c', key: 'sendNotification', kind: 'checkbox', default: false },
    { api: 'Send_Email__c', key: 'sendEmail', kind: 'checkbox', default: false },
    { api: 'Create_Task__c', key: 'createTask', kind: 'checkbox', default: false },
    { api: 'Recipient__c', key: 'recipient', kind: 'picklist', options: ['Owner', 'Account Owner', 'Queue'] },
    { api: 'Recipient_Queue__c', key: 'recipientQueue', kind: 'text' },
    { api: 'Meeting_Advances_To__c', key: 'meetingAdvancesTo', kind: 'picklist', options: ['SQL'] },
    { api: 'Dormant_Days__c', key: 'dormantDays', kind: 'number' },
    { api: 'Signals__c', key: 'signals', kind: 'list' },
    // who counts as unassigned when a lead becomes an MQL or re-engages (rules/reroute.ts)
    { api: 'Reroute_Owners__c', key: 'rerouteOwners', kind: 'list' },
    { api: 'Reroute_Away_Days__c', key: 'rerouteAwayDays', kind: 'number' },
    // MQL to SQL: business hours after the contact deadline when an uncontacted lead is routed again (rules/sla.ts)
    { api: 'Reassign_After_Hours__c', key: 'reassignAfterHours', kind: 'number' },
  ],
  checks: (r) => {
    const contact = num(r, 'Contact_Within_Hours__c');
    const qualify = num(r, 'Qualify_Within_Hours__c');
    const warn = num(r, 'Warning_Percent__c');
    const esc = str(r, 'Escalate_To__c');
    const recycle = str(r, 'Auto_Recycle_Reason__c');
    const reassign = num(r, 'Reassign_After_Hours__c');
    return [
      ...check(contact === null || contact <= 0, 'Contact_Within_Hours__c', MSG.contactHours),
      ...check(
        qualify === null || (contact !== null && qualify < contact),
        'Qualify_Within_Hours__c',
        MSG.qualifyHours,
      ),
      ...check(warn === null || warn < 1 || warn > 99, 'Warning_Percent__c', MSG.warning),
      ...check(
        esc === '' || (esc === 'Queue' && isBlank(r.Escalation_Queue__c)),
        'Escalation_Queue__c',
        MSG.escalation,
      ),
      ...check(
        recycle !== '' && !(RECYCLE_REASONS as readonly string[]).includes(recycle),
        'Auto_Recycle_Reason__c',
        `Auto_Recycle_Reason__c must be a Recycle_Reason__c value: ${RECYCLE_REASONS.join(', ')}`,
      ),
      ...check(
        num(r, 'Dormant_Days__c') !== null && (num(r, 'Dormant_Days__c') ?? 0) < 1,
        'Dormant_Days__c',
        'Dormant_Days__c must be at least 1 day (blank: only recycled records re-engage)',
      ),
      ...check(
        (num(r, 'Reroute_Away_Days__c') ?? 1) < 1,
        'Reroute_Away_Days__c',
        'Reroute_Away_Days__c must be at least 1 day (blank: out of office never re-routes)',
      ),
      ...check(
        reassign !== null && reassign <= 0,
        'Reassign_After_Hours__c',
        'Reassign_After_Hours__c must be a number of business hours greater than 0 (blank: never reassign)',
      ),
      ...check(
        reassign !== null && contact !== null && qualify !== null && contact + reassign >= qualify,
        'Reassign_After_Hours__c',
        'Contact_Within_Hours__c + Reassign_After_Hours__c must be less than Qualify_Within_Hours__c, so the lead is reassigned before its qualify deadline',
      ),
      ...check(
        str(r, 'Recipient__c') === 'Queue' && isBlank(r.Recipient_Queue__c),
        'Recipient_Queue__c',
        'Recipient_Queue__c must name a queue (its DeveloperName) when Recipient__c is Queue',
      ),
    ];
  },
};

export const BUSINESS_CALENDAR: TypeDef = {
  type: 'Business_Calendar',
  fields: [
    { api: 'Time_Zone__c', key: 'timeZone', kind: 'text', required: true },
    {
      api: 'Workdays__c',
      key: 'workdays',
      kind: 'list',
      required: true,
      options: WEEKDAYS,
      message:
        'Workdays__c must list days as Mon;Tue;Wed;Thu;Fri (three-letter English names separated by ";")',
    },
    { api: 'Day_Start__c', key: 'dayStart', kind: 'text', required: true },
    { api: 'Day_End__c', key: 'dayEnd', kind: 'text', required: true },
    { api: 'Holidays__c', key: 'holidays', kind: 'list' },
  ],
  checks: (r) => {
    const tz = str(r, 'Time_Zone__c');
    const start = str(r, 'Day_Start__c');
    const end = str(r, 'Day_End__c');
    let knownZone = true;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      knownZone = false;
    }
    const holidays = (r.Holidays__c as string[] | null) ?? [];
    const badDay = holidays.find(
      (d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)),
    );
    return [
      ...check(
        !/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(tz) || !knownZone,
        'Time_Zone__c',
        'Time_Zone__c must be an IANA time zone such as America/New_York or Europe/Berlin (or UTC)',
      ),
      ...check(
        !HHMM.test(start) || !HHMM.test(end),
        'Day_Start__c',
        'Day_Start__c and Day_End__c must be times in 24-hour HH:MM form, e.g. 09:00 and 17:00',
      ),
      ...check(
        HHMM.test(start) && HHMM.test(end) && minutes(end) <= minutes(start),
        'Day_End__c',
        'Day_End__c must be later than Day_Start__c',
      ),
      ...check(
        badDay !== undefined,
        'Holidays__c',
        `Holidays__c must hold ISO dates (YYYY-MM-DD) separated by ";" or new lines; '${badDay}' is not one`,
      ),
    ];
  },
};

/** The types of this file, in the order TYPE_DEFS lists them. */
export const HANDOFF_TYPES: TypeDef[] = [SLA_POLICY, BUSINESS_CALENDAR];
