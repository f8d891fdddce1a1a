// SLA: the MQL→SQL handoff clock on business hours. Due times for first contact and for qualify-or-reject,
// status (On Track / At Risk / Breached / Met), first touch by the owner, escalation target on breach (a Contact
// never goes to a queue), reassignment of a Lead still uncontacted Reassign_After_Hours__c business hours after its
// contact deadline (once per clock), auto-recycle, whether the clock is closed, and speed-to-lead. Pure: `now` is an
// input.
// `slaLeadOf` is how the hourly monitor (SlaMonitorJob) reads a Lead or Contact record into an SlaLead.
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from './calendar.ts';
import { DEFAULT_FALLBACK_QUEUE } from './routing.ts';
import { MS_PER_HOUR, MS_PER_MINUTE, RuleInputError, formatInstant, parseInstant } from './types.ts';

/** One SLA_Policy__mdt record. */
export interface SlaPolicy {
  name: string; // DeveloperName
  handoff: string; // Handoff__c ("MQL to SQL")
  businessCalendar: string; // Business_Calendar__c (Business_Calendar__mdt DeveloperName)
  contactWithinHours: number; // Contact_Within_Hours__c (business hours)
  qualifyWithinHours: number; // Qualify_Within_Hours__c (business hours)
  warningPercent: number; // Warning_Percent__c (At Risk from this % of the window)
  escalateTo: 'Manager' | 'Queue'; // Escalate_To__c
  escalationQueue?: string | null; // Escalation_Queue__c
  autoRecycleReason?: string | null; // Auto_Recycle_Reason__c
  active?: boolean; // Active__c
  // what a hand-off of this policy sends (rules/handoff.ts): channels, recipient, and a meeting's stage move
  sendNotification?: boolean; // Send_Notification__c
  sendEmail?: boolean; // Send_Email__c
  createTask?: boolean; // Create_Task__c
  recipient?: 'Owner' | 'Account Owner' | 'Queue' | null; // Recipient__c (blank = Owner)
  recipientQueue?: string | null; // Recipient_Queue__c
  meetingAdvancesTo?: 'SQL' | null; // Meeting_Advances_To__c
  dormantDays?: number | null; // Dormant_Days__c (re-engagement)
  signals?: string[]; // Signals__c (re-engagement), ';'-separated in the record
  rerouteOwners?: string[]; // Reroute_Owners__c (MQL, re-engagement: owners whose records are routed again)
  rerouteAwayDays?: number | null; // Reroute_Away_Days__c (an owner away longer than this is routed around)
  reassignAfterHours?: number | null; // Reassign_After_Hours__c (business hours after the contact deadline; blank: off)
}

/** A task, call or e-mail logged on the lead (Task/Event rows). */
export interface Touch {
  at: string;
  ownerId: string; // who logged it
  type?: string; // 'Task' | 'Call' | 'Email'
}

export interface SlaLead {
  startedAt: string; // when the clock started (MQL date / routed at)
  ownerId: string;
  managerId?: string | null; // the owner's manager (User.ManagerId)
  firstTouchAt?: string | null; // First_Touch_At__c already recorded
  qualifiedAt?: string | null; // accepted or rejected by sales (SQL or recycle)
  objectType?: 'Lead' | 'Contact' | null; // blank = Lead; a Contact cannot be owned by a queue
  stage?: string | null; // Lifecycle_Stage__c; only an MQL is auto-recycled or reassigned (blank = MQL)
  reassignedAt?: string | null; // SLA_Reassigned_At__c: this clock was already reassigned (once per clock)
}

export interface SlaInput {
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  lead: SlaLead;
  touches: Touch[];
  now: string;
}

export type SlaStatus = 'On Track' | 'At Risk' | 'Breached' | 'Met';

export interface SlaResult {
  contactDue: string; // SLA_Contact_Due__c
  qualifyDue: string; // SLA_Qualify_Due__c
  firstTouchAt: string | null; // First_Touch_At__c
  status: SlaStatus; // SLA_Status__c
  phase: 'Contact' | 'Qualify' | 'Done';
  breachedWindow: 'Contact' | 'Qualify' | null;
  elapsedPercent: number; // business hours used of the current window, in percent, 0 decimals
  escalateTo: string | null; // user Id or queue on breach
  // Manager: a task for the owner's manager; Queue (Leads only): the record moves to the queue; Owner (a Contact
  // whose owner has no manager): the owner keeps it and gets the escalation task.
  escalationKind: 'Manager' | 'Queue' | 'Owner' | null;
  autoRecycleReason: string | null; // set when the qualify window is breached and the policy recycles
  // When an uncontacted Lead MQL is routed again (its owner excluded): Reassign_After_Hours__c business hours after
  // the contact deadline; null when the policy does not reassign or the record is a Contact. The clock continues:
  // due times stay, so the breach stays on record and the new owner works the rest of the qualify window.
  reassignDue: string | null;
  // true at the first evaluation past reassignDue while the lead is still uncontacted, unqualified, an MQL, its clock
  // open and not yet reassigned (reassignedAt blank): the monitor reassigns it now.
  reassign: boolean;
  clockClosed: boolean; // qualified, or the qualify window has passed: the monitor stops checking it
  // SLA_Next_Check__c: the first instant after `now` at which the status, the recycle or the clock can change (the
  // warning instant of the current window while On Track, one second past each deadline not yet passed and past the
  // reassignment due while it can still happen); null once
  // the clock is closed. The SLA alarm (SlaAlarmJob) fires then instead of waiting for the hourly monitor.
  nextCheckAt: string | null;
  speedToLeadMinutes: number | null; // Speed_To_Lead_Minutes__c (wall clock, rounded down)
  businessMinutesToFirstTouch: number | null;
}

/** The owner's first touch at or after the clock start and not after `now` (plus any recorded one). */
export function firstTouch(lead: SlaLead, touches: Touch[], startMs: number, nowMs: number): number | null {
  let best = lead.firstTouchAt ? parseInstant(lead.firstTouchAt, 'lead.firstTouchAt') : null;
  for (const t of touches) {
    if (t.ownerId !== lead.ownerId) continue;
    const at = parseInstant(t.at, 'touch.at');
    if (at < startMs || at > nowMs) continue;
    if (best === null || at < best) best = at;
  }
  return best;
}

/** Who a breached clock escalates to, and as what. */
export function escalation(
  policy: SlaPolicy,
  lead: Pick<SlaLead, 'ownerId' | 'managerId' | 'objectType'>,
): { escalateTo: string | null; escalationKind: SlaResult['escalationKind'] } {
  // Contacts cannot be queue-owned: the manager whatever the policy says, else the owner keeps it
  if (lead.objectType === 'Contact')
    return {
      escalationKind: lead.managerId ? 'Manager' : 'Owner',
      escalateTo: lead.managerId || lead.ownerId,
    };
  if (policy.escalateTo === 'Manager' && lead.managerId)
    return { escalationKind: 'Manager', escalateTo: lead.managerId };
  return { escalationKind: 'Queue', escalateTo: policy.escalationQueue || DEFAULT_FALLBACK_QUEUE };
}

/** The business-time arithmetic of a calendar: prepared once (prepareCalendar) for many clocks, or per call. */
export interface SlaHours {
  addMs(startMs: number, amountMs: number): number;
  msBetween(startMs: number, endMs: number): number;
}

/** evaluateSla's input in epoch ms: the clock's start, its first touch and qualification, already read. */
export interface SlaClockInput {
  policy: SlaPolicy;
  hours: SlaHours;
  lead: Pick<SlaLead, 'ownerId' | 'managerId' | 'objectType' | 'stage' | 'reassignedAt'>;
  start: number;
  touch: number | null;
  qualified: number | null;
  now: number;
}

type Instants = 'contactDue' | 'qualifyDue' | 'firstTouchAt' | 'reassignDue' | 'nextCheckAt';

/** evaluateSla's result with its instants in epoch ms (not rounded to the second). */
export type SlaTimes = Omit<SlaResult, Instants> & {
  contactDue: number;
  qualifyDue: number;
  firstTouchAt: number | null;
  reassignDue: number | null;
  nextCheckAt: number | null;
};

function checkWindows(policy: SlaPolicy): void {
  if (!(policy.contactWithinHours > 0) || !(policy.qualifyWithinHours > 0)) {
    throw new RuleInputError(
      `SLA policy ${policy.name}: Contact_Within_Hours__c and Qualify_Within_Hours__c must be > 0`,
    );
  }
}

/** Evaluates the SLA of one lead at `now`. */
export function evaluateSla(input: SlaInput): SlaResult {
  const { policy, calendar, lead } = input;
  checkWindows(policy);
  const start = parseInstant(lead.startedAt, 'lead.startedAt');
  const now = parseInstant(input.now, 'now');
  const t = evaluateSlaMs({
    policy,
    hours: {
      addMs: (from, amount) => addBusinessMs(calendar, from, amount),
      msBetween: (from, to) => businessMsBetween(calendar, from, to),
    },
    lead,
    start,
    touch: firstTouch(lead, input.touches, start, now),
    qualified: lead.qualifiedAt ? parseInstant(lead.qualifiedAt, 'lead.qualifiedAt') : null,
    now,
  });
  const format = (ms: number | null) => (ms === null ? null : formatInstant(ms));
  return {
    ...t,
    contactDue: formatInstant(t.contactDue),
    qualifyDue: formatInstant(t.qualifyDue),
    firstTouchAt: format(t.firstTouchAt),
    reassignDue: format(t.reassignDue),
    nextCheckAt: format(t.nextCheckAt),
  };
}

/** evaluateSla on epoch-ms instants (what it runs once the ISO input is read), for callers that hold numbers. */
export function evaluateSlaMs(input: SlaClockInput): SlaTimes {
  const { policy, hours, lead, start, now, qualified } = input;
  checkWindows(policy);
  const contactWindow = Math.round(policy.contactWithinHours * MS_PER_HOUR);
  const qualifyWindow = Math.round(policy.qualifyWithinHours * MS_PER_HOUR);
  const contactDue = hours.addMs(start, contactWindow);
  const qualifyDue = hours.addMs(start, qualifyWindow);
  const touch = input.touch;

  const contactLate = (touch ?? qualified ?? now) > contactDue; // qualifying is a contact too
  const qualifyLate = (qualified ?? now) > qualifyDue;
  const phase: SlaResult['phase'] = qualified !== null ? 'Done' : touch !== null ? 'Qualify' : 'Contact';
  const window = phase === 'Contact' ? contactWindow : qualifyWindow;
  const elapsed = hours.msBetween(start, qualified ?? now);
  const elapsedPercent = Math.min(100, Math.floor((elapsed / window) * 100));

  let status: SlaStatus;
  let breachedWindow: SlaResult['breachedWindow'] = null;
  if (contactLate) breachedWindow = 'Contact';
  else if (qualifyLate) breachedWindow = 'Qualify';
  if (breachedWindow) status = 'Breached';
  else if (phase === 'Done') status = 'Met';
  else {
    // A blank Warning_Percent__c means "warn only at the deadline" (100 %), as the Apex twin does.
    const warnAt = Number.isFinite(policy.warningPercent) ? policy.warningPercent : 100;
    status = elapsed >= (window * warnAt) / 100 ? 'At Risk' : 'On Track';
  }

  const { escalateTo, escalationKind } =
    status === 'Breached' ? escalation(policy, lead) : { escalateTo: null, escalationKind: null };
  const warnPercent = Number.isFinite(policy.warningPercent) ? policy.warningPercent : 100;
  const clockClosed = qualified !== null || now > qualifyDue;
  const isMql = !lead.stage || lead.stage === 'MQL';
  const reassignHours = policy.reassignAfterHours ?? null;
  if (reassignHours !== null && !(reassignHours > 0)) {
    throw new RuleInputError(
      `SLA policy ${policy.name}: Reassign_After_Hours__c must be > 0 (blank: never reassign)`,
    );
  }
  const reassignDue =
    reassignHours !== null && lead.objectType !== 'Contact'
      ? hours.addMs(contactDue, Math.round(reassignHours * MS_PER_HOUR))
      : null;
  // still reassignable: uncontacted, an MQL, open, not yet reassigned in this clock
  const reassignable =
    reassignDue !== null && phase === 'Contact' && isMql && !clockClosed && !lead.reassignedAt;
  const reassign = reassignable && now > reassignDue;
  const nextCheckAt = clockClosed
    ? null
    : nextCheckAfter(now, [
        status === 'On Track' ? hours.addMs(start, Math.ceil((window * warnPercent) / 100)) : null,
        phase === 'Contact' && !contactLate ? contactDue + 1000 : null,
        reassignable && !reassign ? reassignDue + 1000 : null,
        qualifyDue + 1000,
      ]);
  const autoRecycleReason =
    qualified === null && now > qualifyDue && isMql && policy.autoRecycleReason
      ? policy.autoRecycleReason
      : null;

  return {
    contactDue,
    qualifyDue,
    firstTouchAt: touch,
    status,
    phase,
    breachedWindow,
    elapsedPercent,
    escalateTo,
    escalationKind,
    autoRecycleReason,
    reassignDue,
    reassign,
    clockClosed,
    nextCheckAt,
    speedToLeadMinutes: touch === null ? null : Math.floor((touch - start) / MS_PER_MINUTE),
    businessMinutesToFirstTouch:
      touch === null ? null : Math.floor(hours.msBetween(start, touch) / MS_PER_MINUTE),
  };
}

/** The earliest candidate instant after `now` (null candidates are skipped), or null. */
function nextCheckAfter(now: number, candidates: (number | null)[]): number | null {
  let best: number | null = null;
  for (const c of candidates) if (c !== null && c > now && (best === null || c < best)) best = c;
  return best;
}

/**
 * How the SLA monitor reads a Lead or Contact into an SlaLead: the clock starts at MQL_Date__c; qualifiedAt is the
 * earliest of SQL_Date__c and Recycled_Date__c at or after it, and a record no longer in MQL without either
 * (converted straight to Opportunity, set to Customer) counts as qualified when it entered its current stage
 * (Lifecycle_Stage_Entered_At__c, else `now`). Null when the record has no MQL_Date__c (nothing to evaluate).
 */
export function slaLeadOf(
  record: Record<string, unknown>,
  objectType: 'Lead' | 'Contact',
  managerId: string | null,
  now: string,
): SlaLead | null {
  const mql = (record.MQL_Date__c as string | null | undefined) ?? null;
  if (!mql) return null;
  const start = parseInstant(mql, 'MQL_Date__c');
  const stage = (record.Lifecycle_Stage__c as string | null | undefined) ?? null;
  const candidates = [record.SQL_Date__c, record.Recycled_Date__c];
  if (stage && stage !== 'MQL') candidates.push(record.Lifecycle_Stage_Entered_At__c ?? now);
  let best: number | null = null;
  for (const c of candidates) {
    if (typeof c !== 'string' || !c) continue;
    const at = parseInstant(c, 'qualifiedAt');
    if (at >= start && (best === null || at < best)) best = at;
  }
  return {
    startedAt: mql,
    ownerId: String(record.OwnerId ?? ''),
    managerId,
    firstTouchAt: (record.First_Touch_At__c as string | null | undefined) ?? null,
    qualifiedAt: best === null ? null : formatInstant(best),
    objectType,
    stage,
    reassignedAt:
      objectType === 'Lead' ? ((record.SLA_Reassigned_At__c as string | null | undefined) ?? null) : null,
  };
}
