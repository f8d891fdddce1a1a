// Hand-offs: who is told when a record changes hands (MQL to the routed rep, SQL to the AE, a won deal to customer
// success, a meeting booked), on which channels, and when the follow-up task is due. Pure: the instant is an input.
// The Apex twin is HandoffService.plan; tests/vectors/handoff.json holds both to the same answers.
import { addBusinessHours, type BusinessCalendar } from './calendar.ts';
import type { SlaPolicy } from './sla.ts';
import { MS_PER_DAY, MS_PER_HOUR, RuleInputError, parseInstant, roundHalfUp } from './types.ts';

/** How many engagement rules the alert lists ("top signals"). */
export const TOP_SIGNALS = 3;

/** One line of Score_Breakdown__c (ScoringService.Line). */
export interface BreakdownLine {
  rule: string;
  model: string; // Fit | Engagement | Negative
  points: number;
  events?: number | null;
}

export interface HandoffInput {
  policy: Pick<
    SlaPolicy,
    | 'name'
    | 'contactWithinHours'
    | 'sendNotification'
    | 'sendEmail'
    | 'createTask'
    | 'recipient'
    | 'recipientQueue'
  >;
  calendar: BusinessCalendar;
  /** The hand-off instant (the engine clock at the save). */
  at: string;
  /**
   * The record's owner after the hand-off: a user, or a queue (a lead routed to a fallback queue). An inactive user
   * (`active: false`) is never told: the hand-off goes to Recipient_Queue__c, else to nobody.
   */
  owner: { id: string; isQueue: boolean; active?: boolean };
  /** The account's owner (a won deal's account); null when there is none. */
  accountOwnerId?: string | null;
  /** SLA_Contact_Due__c when the record's SLA clock already set the contact deadline (MQL to SQL). */
  contactDue?: string | null;
  /** Score_Breakdown__c lines (the MQL alert's top signals); none for deals. */
  lines?: BreakdownLine[] | null;
}

export interface HandoffRecipient {
  kind: 'User' | 'Queue';
  /** A user Id, a queue Id (a queue-owned record) or a queue DeveloperName (Recipient_Queue__c). */
  id: string;
}

export interface HandoffPlan {
  recipient: HandoffRecipient | null;
  notification: boolean;
  email: boolean;
  task: boolean;
  /** When the follow-up task is due: the record's contact deadline, else the policy's contact window from `at`. */
  taskDue: string;
  topSignals: { rule: string; points: number; events: number }[];
}

/**
 * Who gets a hand-off and on which channels. Recipient__c: Owner (blank) → the record owner (a queue owner stays a
 * queue); Account Owner → the account's owner, else Recipient_Queue__c, else the record owner; Queue →
 * Recipient_Queue__c. A queue gets the notification only (tasks and e-mails need a user).
 */
export function planHandoff(input: HandoffInput): HandoffPlan {
  const { policy } = input;
  if (!(policy.contactWithinHours > 0))
    throw new RuleInputError(`SLA policy ${policy.name}: Contact_Within_Hours__c must be > 0`);
  const recipient = recipientOf(input);
  const user = recipient?.kind === 'User';
  return {
    recipient,
    notification: policy.sendNotification === true && recipient !== null,
    email: policy.sendEmail === true && user,
    task: policy.createTask === true && user,
    taskDue: input.contactDue ?? addBusinessHours(input.calendar, input.at, policy.contactWithinHours),
    topSignals: topSignals(input.lines ?? []),
  };
}

function recipientOf(input: HandoffInput): HandoffRecipient | null {
  const { policy, owner } = input;
  const queue = policy.recipientQueue?.trim()
    ? { kind: 'Queue' as const, id: policy.recipientQueue.trim() }
    : null;
  const inactive = !owner.isQueue && owner.active === false;
  const ownerRecipient = inactive
    ? queue
    : owner.id
      ? { kind: owner.isQueue ? ('Queue' as const) : ('User' as const), id: owner.id }
      : null;
  switch (policy.recipient ?? 'Owner') {
    case 'Account Owner':
      return input.accountOwnerId ? { kind: 'User', id: input.accountOwnerId } : (queue ?? ownerRecipient);
    case 'Queue':
      if (!queue)
        throw new RuleInputError(
          `SLA policy ${policy.name}: Recipient_Queue__c is required for a Queue recipient`,
        );
      return queue;
    default:
      return ownerRecipient;
  }
}

/** The engagement rules that scored most: positive points, highest first (ties by rule name), at most TOP_SIGNALS. */
export function topSignals(lines: BreakdownLine[]): { rule: string; points: number; events: number }[] {
  return lines
    .filter((l) => l.model === 'Engagement' && l.points > 0)
    .map((l) => ({ rule: l.rule, points: roundHalfUp(l.points, 1), events: l.events ?? 0 }))
    .sort((a, b) => b.points - a.points || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0))
    .slice(0, TOP_SIGNALS);
}

export interface ReengagementInput {
  policy: Pick<SlaPolicy, 'name' | 'dormantDays' | 'signals'>;
  /** The signal of the Engagement_Event__c just saved. */
  signal: string;
  /** When it occurred. */
  at: string;
  /** The Lead/Contact's Lifecycle_Stage__c and Recycled_Date__c after the event's rescore. */
  stage: string | null;
  recycledAt: string | null;
  /** The person's latest engagement before this event (null: none). */
  lastEngagementAt: string | null;
  /** The moment of the save (RevOpsClock.now()); absent or null: no recency check. */
  now?: string | null;
}

/**
 * Re-engagement counts only events that occurred at most this many hours before now: an older event (history
 * backfilled by `revops engagement import`, a delivery retried for days) still scores, but alerts and re-routes
 * nobody. HandoffService.REENGAGEMENT_RECENT_HOURS.
 */
export const REENGAGEMENT_RECENT_HOURS = 48;

/**
 * True when an event that occurred `at` may still be a return at `now` (HandoffService.isRecent): at most
 * REENGAGEMENT_RECENT_HOURS before it; a later `at` (clock skew) counts too.
 */
export function isRecent(at: string, now: string): boolean {
  return parseInstant(now, 'now') - parseInstant(at, 'at') <= REENGAGEMENT_RECENT_HOURS * MS_PER_HOUR;
}

/**
 * Re-engagement: a high-intent signal (Signals__c, case-insensitive) from a record that was recycled (stage Lead with
 * a Recycled_Date__c) or dormant (its previous engagement at least Dormant_Days__c days before this one). A first-ever
 * engagement is not a return, nor is an event that occurred more than REENGAGEMENT_RECENT_HOURS before `now`.
 */
export function reengagement(input: ReengagementInput): {
  reengaged: boolean;
  reason: 'Recycled' | 'Dormant' | null;
} {
  const wanted = new Set((input.policy.signals ?? []).map((s) => s.trim().toLowerCase()).filter(Boolean));
  const none = { reengaged: false, reason: null };
  if (!wanted.has(input.signal.trim().toLowerCase())) return none;
  if (input.now != null && !isRecent(input.at, input.now)) return none;
  if (input.stage === 'Lead' && input.recycledAt) return { reengaged: true, reason: 'Recycled' };
  const days = input.policy.dormantDays ?? 0;
  if (days > 0 && input.lastEngagementAt) {
    const gap = parseInstant(input.at, 'at') - parseInstant(input.lastEngagementAt, 'lastEngagementAt');
    if (gap >= days * MS_PER_DAY) return { reengaged: true, reason: 'Dormant' };
  }
  return none;
}
