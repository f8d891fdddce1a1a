// Business-hours arithmetic on a Business_Calendar__mdt: working days, a daily window in the calendar's own
// time zone, holidays. Time-zone offsets come from Intl, so daylight-saving changes are handled per day.
import { RuleInputError, formatInstant, parseInstant } from './types.ts';

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One Business_Calendar__mdt record (Workdays__c and Holidays__c split into lists). */
export interface BusinessCalendar {
  name?: string; // DeveloperName
  timeZone: string; // Time_Zone__c (IANA, e.g. America/New_York)
  workdays: Weekday[]; // Workdays__c ("Mon;Tue;Wed;Thu;Fri")
  dayStart: string; // Day_Start__c ("09:00", local)
  dayEnd: string; // Day_End__c ("17:00", local)
  holidays: string[]; // Holidays__c (ISO dates, local)
}

interface LocalDate {
  y: number;
  m: number; // 1..12
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RuleInputError(
        `time zone "${timeZone}" is not an IANA zone (e.g. America/New_York, Europe/Berlin)`,
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock fields (year, month, day, hour, minute, second) of an instant in a time zone. */
function wallClock(ms: number, timeZone: string): Record<string, number> {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return p;
}

function localDate(ms: number, timeZone: string): LocalDate {
  const p = wallClock(ms, timeZone);
  return { y: p.year, m: p.month, d: p.day };
}

/** UTC offset of the zone at an instant, in ms (New York in winter: -5 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = wallClock(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall-clock time (date + minutes since midnight) in a zone. */
export function localToInstant(date: LocalDate, minutes: number, timeZone: string): number {
  const guess = Date.UTC(date.y, date.m - 1, date.d, 0, minutes);
  const first = guess - zoneOffsetMs(guess, timeZone);
  const second = guess - zoneOffsetMs(first, timeZone);
  return second;
}

function parseHm(v: string, what: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(v).trim());
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59) {
    throw new RuleInputError(`${what} "${v}" must be HH:mm (e.g. 09:00)`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

interface Prepared {
  cal: BusinessCalendar;
  start: number;
  end: number;
  workdays: Set<number>;
  holidays: Set<string>;
}

function prepare(cal: BusinessCalendar): Prepared {
  const start = parseHm(cal.dayStart, 'Day_Start__c');
  const end = parseHm(cal.dayEnd, 'Day_End__c');
  if (end <= start)
    throw new RuleInputError(`Day_End__c ${cal.dayEnd} must be after Day_Start__c ${cal.dayStart}`);
  const workdays = new Set<number>();
  for (const w of cal.workdays) {
    const i = WEEKDAYS.indexOf(w);
    if (i < 0) throw new RuleInputError(`Workdays__c value "${w}" must be one of ${WEEKDAYS.join(';')}`);
    workdays.add(i);
  }
  if (workdays.size === 0)
    throw new RuleInputError('Workdays__c is empty; list at least one day, e.g. Mon;Tue;Wed;Thu;Fri');
  for (const h of cal.holidays) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h))
      throw new RuleInputError(`Holidays__c value "${h}" must be an ISO date (2026-12-25)`);
  }
  formatter(cal.timeZone);
  return { cal, start, end, workdays, holidays: new Set(cal.holidays) };
}

function iso(d: LocalDate): string {
  return `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
}

function nextDay(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.y, d.m - 1, d.d + 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The business window [start, end) of a local date in UTC ms, or null on a non-working day or holiday. */
function windowOf(p: Prepared, d: LocalDate): [number, number] | null {
  const key = `${p.cal.timeZone}|${p.start}|${p.end}|${iso(d)}`;
  let w = windowCache.get(key);
  if (w === undefined) {
    const weekday = new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay();
    w = p.workdays.has(weekday)
      ? [localToInstant(d, p.start, p.cal.timeZone), localToInstant(d, p.end, p.cal.timeZone)]
      : null;
    if (windowCache.size > 100_000) windowCache.clear();
    windowCache.set(key, w);
  }
  return w && !p.holidays.has(iso(d)) ? w : null;
}

/** Windows per zone, hours and local date: pure, so memoised (Intl calls dominate otherwise). */
const windowCache = new Map<string, [number, number] | null>();

const MAX_DAYS = 3700; // ten years: a calendar with no business time at all fails clearly instead of looping

/**
 * Adds business hours to an instant: time counts only inside the daily window on working days that are not
 * holidays. A start outside the window begins at the next window; a due time that lands exactly on a day's end
 * stays there. Zero hours returns the start unchanged.
 */
export function addBusinessHours(calendar: BusinessCalendar, start: string, hours: number): string {
  return formatInstant(addBusinessMs(calendar, parseInstant(start, 'start'), Math.round(hours * 3_600_000)));
}

export function addBusinessMs(calendar: BusinessCalendar, startMs: number, amountMs: number): number {
  if (!Number.isFinite(amountMs) || amountMs < 0) {
    throw new RuleInputError(`business hours to add must be a number ≥ 0 (got ${amountMs / 3_600_000})`);
  }
  if (amountMs === 0) return startMs;
  const p = prepare(calendar);
  let remaining = amountMs;
  let day: LocalDate = localDate(startMs, p.cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    const w = windowOf(p, day);
    if (!w) continue;
    const from = Math.max(startMs, w[0]);
    if (from >= w[1]) continue;
    if (remaining <= w[1] - from) return from + remaining;
    remaining -= w[1] - from;
  }
  throw new RuleInputError(
    `calendar ${calendar.name ?? calendar.timeZone} has no business time within ten years`,
  );
}

/** Business time between two instants in ms (0 when end ≤ start). */
export function businessMsBetween(calendar: BusinessCalendar, startMs: number, endMs: number): number {
  if (endMs <= startMs) return 0;
  const p = prepare(calendar);
  let total = 0;
  let day: LocalDate = localDate(startMs, p.cal.timeZone);
  for (let i = 0; i < MAX_DAYS * 10; i++, day = nextDay(day)) {
    const w = windowOf(p, day);
    if (w) {
      if (w[0] >= endMs) break;
      total += Math.max(0, Math.min(endMs, w[1]) - Math.max(startMs, w[0]));
    } else if (localToInstant(day, 0, p.cal.timeZone) >= endMs) {
      break;
    }
  }
  return total;
}

/** Business minutes between two ISO instants, rounded down. */
export function businessMinutesBetween(calendar: BusinessCalendar, start: string, end: string): number {
  return Math.floor(
    businessMsBetween(calendar, parseInstant(start, 'start'), parseInstant(end, 'end')) / 60_000,
  );
}
