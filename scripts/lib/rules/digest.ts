// Lead activity digest: which reps get their daily e-mail in this hourly run, and what is in it. Twin of
// LeadDigestService.plan (Apex), held to it by the golden vectors tests/vectors/digest.json.
//
// A rep is due when the run's instant, in the rep's own time zone (User.TimeZoneSidKey), falls in the setting's
// send hour and the rep has had no digest on that local date yet. Daylight-saving time and half- or
// quarter-hour zones follow from the zone's offset at that instant, so the hourly run meets each local hour
// once a day (a local hour that a spring-forward skips gets no digest that day; the repeated hour of a
// fall-back sends once, the second run sees today's digest).
//
// The digest holds the rep's leads and contacts (by owner) that did something high-intent in the 24 hours up to
// the run: an event whose signal is in Signals__c, or a return visit (a visit to the web site, WEB_VISIT_SIGNALS,
// after at least Return_Visit_Days__c days without any engagement). Grouped by person; people ordered by intent
// (the best-ranked signal first: Signals__c order, a return visit after every listed signal), then by how many
// items they have, then the latest first; at most Max_Leads__c people, the rest counted.
import { zoneOffsetMs } from './calendar.ts';
import { MS_PER_DAY, MS_PER_HOUR, RuleInputError, formatInstant, parseInstant } from './types.ts';

/** Engagement_Event__c signals that are a visit to the web site (a page, a form): what a return visit can be. */
export const WEB_VISIT_SIGNALS = [
  'Pricing Page',
  'Demo Request',
  'Case Study',
  'Content Download',
  'Webinar',
];

const WEB_VISITS = new Set(WEB_VISIT_SIGNALS.map((v) => v.toLowerCase()));

/** A signal (any case, trimmed or not) that is a visit to the web site: one that can be a return visit. */
export function isWebVisit(signal: string | null | undefined): boolean {
  return WEB_VISITS.has((signal ?? '').trim().toLowerCase());
}
/** The digest covers the 24 hours up to the run. */
export const DIGEST_WINDOW_HOURS = 24;

/** Lead_Digest_Setting__mdt (record Default). */
export interface DigestSetting {
  active: boolean;
  /** Send_Hour__c: the local hour (0-23) of the rep's morning the digest goes out. */
  sendHour: number;
  /** Signals__c: the high-intent signals, most telling first. */
  signals: string[];
  /** Return_Visit_Days__c: days without engagement before a web visit counts as a return (null: no return visits). */
  returnVisitDays: number | null;
  /** Max_Leads__c: people listed per digest. */
  maxLeads: number;
}

export interface DigestRep {
  id: string;
  /** User.TimeZoneSidKey (IANA). */
  timeZone: string;
  /** The local date (YYYY-MM-DD) of the rep's last digest, null when none (Lead_Digest__c). */
  lastSentOn: string | null;
}

export interface DigestPerson {
  id: string;
  object: 'Lead' | 'Contact';
  name: string;
  ownerId: string;
  /** The person's latest engagement at or before the window's start (null: none known). */
  lastEngagementBefore: string | null;
}

export interface DigestEvent {
  id: string;
  personId: string;
  signal: string;
  occurredAt: string;
}

export interface DigestInput {
  now: string;
  setting: DigestSetting;
  reps: DigestRep[];
  people: DigestPerson[];
  events: DigestEvent[];
}

export interface DigestItem {
  eventId: string;
  signal: string;
  kind: 'High intent' | 'Return visit';
  occurredAt: string;
  /** The event's time in the rep's zone, "YYYY-MM-DD HH:mm". */
  localTime: string;
  /** Whole days without engagement before this event, when it is a return (else null). */
  returnAfterDays: number | null;
}

export interface DigestLead {
  personId: string;
  object: 'Lead' | 'Contact';
  name: string;
  items: DigestItem[];
}

export interface Digest {
  repId: string;
  timeZone: string;
  /** The rep's local date of this run: the date the digest is recorded under. */
  localDate: string;
  leads: DigestLead[];
  /** People left out past Max_Leads__c. */
  omittedLeads: number;
}

export interface DigestPlan {
  /** Reps whose send hour it is and who had no digest today (an empty digest sends nothing). */
  due: string[];
  digests: Digest[];
}

/** Local wall clock of an instant in a zone: date "YYYY-MM-DD", hour 0-23, and "YYYY-MM-DD HH:mm". */
export function localClock(ms: number, timeZone: string): { date: string; hour: number; text: string } {
  const local = new Date(ms + zoneOffsetMs(ms, timeZone));
  const text = local.toISOString().slice(0, 16).replace('T', ' ');
  return { date: text.slice(0, 10), hour: local.getUTCHours(), text };
}

function checkSetting(s: DigestSetting): void {
  if (!Number.isInteger(s.sendHour) || s.sendHour < 0 || s.sendHour > 23) {
    throw new RuleInputError(`Send_Hour__c must be a whole hour from 0 to 23, not ${s.sendHour}`);
  }
  if (!Number.isInteger(s.maxLeads) || s.maxLeads < 1) {
    throw new RuleInputError(`Max_Leads__c must be a whole number of at least 1, not ${s.maxLeads}`);
  }
}

/** Which reps are due in this run, and each due rep's digest (only those with something to report). */
export function planDigests(input: DigestInput): DigestPlan {
  const plan: DigestPlan = { due: [], digests: [] };
  if (!input.setting.active) return plan;
  checkSetting(input.setting);
  const now = parseInstant(input.now, 'now');
  const windowStart = now - DIGEST_WINDOW_HOURS * MS_PER_HOUR;
  const dueReps = new Map<string, { rep: DigestRep; date: string }>();
  for (const rep of input.reps) {
    const clock = localClock(now, rep.timeZone);
    if (clock.hour === input.setting.sendHour && rep.lastSentOn !== clock.date) {
      plan.due.push(rep.id);
      dueReps.set(rep.id, { rep, date: clock.date });
    }
  }
  const byPerson = new Map<string, DigestEvent[]>();
  for (const e of input.events) {
    const list = byPerson.get(e.personId) ?? [];
    list.push(e);
    byPerson.set(e.personId, list);
  }
  const leadsOf = new Map<string, DigestLead[]>();
  for (const person of input.people) {
    const owner = dueReps.get(person.ownerId);
    if (!owner) continue;
    const items = itemsOf(person, byPerson.get(person.id) ?? [], input.setting, windowStart, now, owner.rep);
    if (!items.length) continue;
    const list = leadsOf.get(owner.rep.id) ?? [];
    list.push({ personId: person.id, object: person.object, name: person.name, items });
    leadsOf.set(owner.rep.id, list);
  }
  for (const repId of plan.due) {
    const leads = (leadsOf.get(repId) ?? []).sort((a, b) => compareLeads(a, b, input.setting.signals));
    if (!leads.length) continue;
    const { rep, date } = dueReps.get(repId)!;
    plan.digests.push({
      repId,
      timeZone: rep.timeZone,
      localDate: date,
      leads: leads.slice(0, input.setting.maxLeads),
      omittedLeads: Math.max(0, leads.length - input.setting.maxLeads),
    });
  }
  return plan;
}

/** One person's digest lines: the high-intent events and return visits inside the window, newest first. */
function itemsOf(
  person: DigestPerson,
  events: DigestEvent[],
  setting: DigestSetting,
  windowStart: number,
  now: number,
  rep: DigestRep,
): DigestItem[] {
  const intent = new Set(setting.signals.map((s) => s.trim().toLowerCase()));
  const timed = events
    .map((e) => ({ e, at: parseInstant(e.occurredAt, `event ${e.id} occurredAt`) }))
    .filter((x) => x.at <= now)
    .sort((a, b) => a.at - b.at || cmp(a.e.id, b.e.id));
  let previous = person.lastEngagementBefore
    ? parseInstant(person.lastEngagementBefore, `person ${person.id} lastEngagementBefore`)
    : null;
  const items: DigestItem[] = [];
  for (const { e, at } of timed) {
    const signal = e.signal.trim().toLowerCase();
    const gapDays = previous === null || at <= previous ? null : Math.floor((at - previous) / MS_PER_DAY);
    const isReturn =
      setting.returnVisitDays !== null &&
      setting.returnVisitDays > 0 &&
      isWebVisit(signal) &&
      previous !== null &&
      at - previous >= setting.returnVisitDays * MS_PER_DAY;
    if (at > windowStart && (intent.has(signal) || isReturn)) {
      items.push({
        eventId: e.id,
        signal: e.signal,
        kind: intent.has(signal) ? 'High intent' : 'Return visit',
        occurredAt: formatInstant(at),
        localTime: localClock(at, rep.timeZone).text,
        returnAfterDays: isReturn ? gapDays : null,
      });
    }
    previous = previous === null ? at : Math.max(previous, at);
  }
  return items.reverse();
}

/** A person's intent rank: the position of their best signal in Signals__c; a return visit ranks after them all. */
function rankOf(lead: DigestLead, signals: string[]): number {
  const order = signals.map((s) => s.trim().toLowerCase());
  return Math.min(
    ...lead.items.map((i) =>
      i.kind === 'High intent' ? order.indexOf(i.signal.trim().toLowerCase()) : order.length,
    ),
  );
}

function compareLeads(a: DigestLead, b: DigestLead, signals: string[]): number {
  return (
    rankOf(a, signals) - rankOf(b, signals) ||
    b.items.length - a.items.length ||
    cmp(b.items[0].occurredAt, a.items[0].occurredAt) ||
    cmp(a.personId, b.personId)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
