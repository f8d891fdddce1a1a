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

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A local date as whole days since 1970-01-01 (the day number of Date.UTC(y, m - 1, d)). */
function dayNumber(d: LocalDate): number {
  return Date.UTC(d.y, d.m - 1, d.d) / DAY_MS;
}

function dateOfDay(day: number): LocalDate {
  const t = new Date(day * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/**
 * Zone offsets per UTC hour, kept only for hours whose offset is the same at its first and last millisecond
 * (every hour but the few holding a daylight-saving change; zones change offset at most once an hour).
 */
const hourOffsets = new Map<string, Map<number, number>>();

/** The local date (day number) of an instant: Intl's wall-clock date, from the hour's offset when known. */
function localDay(ms: number, timeZone: string): number {
  let zone = hourOffsets.get(timeZone);
  if (!zone) hourOffsets.set(timeZone, (zone = new Map()));
  const hour = Math.floor(ms / HOUR_MS);
  let offset = zone.get(hour);
  if (offset === undefined) {
    if (zone.size > 200_000) zone.clear();
    // the UTC day's 24 hours at once when the offset is the same at its first and last millisecond (every day
    // but the two a year holding a daylight-saving change); else this hour alone, when the same at both ends
    const day0 = Math.floor(ms / DAY_MS) * 24;
    const dayStart = zoneOffsetMs(day0 * HOUR_MS, timeZone);
    if (dayStart === zoneOffsetMs(day0 * HOUR_MS + DAY_MS - 1, timeZone)) {
      for (let h = day0; h < day0 + 24; h++) zone.set(h, dayStart);
      offset = dayStart;
    } else {
      const first = zoneOffsetMs(hour * HOUR_MS, timeZone);
      if (first !== zoneOffsetMs(hour * HOUR_MS + HOUR_MS - 1, timeZone))
        return dayNumber(localDate(ms, timeZone));
      zone.set(hour, (offset = first));
    }
  }
  // offsets are whole seconds, so the wall clock (whole seconds) and ms + offset fall on the same date
  return Math.floor((Math.floor(ms / 1000) * 1000 + offset) / DAY_MS);
}

/** A validated Business_Calendar__mdt with its business window per local day, for many calls. */
export interface PreparedCalendar {
  readonly calendar: BusinessCalendar;
  /** addBusinessMs on this calendar. */
  addMs(startMs: number, amountMs: number): number;
  /** businessMsBetween on this calendar. */
  msBetween(startMs: number, endMs: number): number;
}

interface Prepared {
  cal: BusinessCalendar;
  start: number;
  end: number;
  workdays: Set<number>;
  /** Holidays__c as local day numbers (a date that does not exist, e.g. 2026-02-30, is never a holiday). */
  holidays: Set<number>;
  /** Window [start, end) in UTC ms per local day number, null on a non-working day or holiday. */
  windows: Map<number, [number, number] | null>;
  /** Local midnight instant per local day number. */
  midnights: Map<number, number>;
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
  const zoneKey = `${cal.timeZone}|${start}|${end}`;
  let windows = windowCache.get(zoneKey);
  if (!windows) windowCache.set(zoneKey, (windows = new Map()));
  let midnights = midnightCache.get(cal.timeZone);
  if (!midnights) midnightCache.set(cal.timeZone, (midnights = new Map()));
  return { cal, start, end, workdays, holidays: holidayDays(cal.holidays), windows, midnights };
}

/** Holiday lists as day-number sets, by their text (every unprepared call prepares its calendar again). */
const holidaySets = new Map<string, Set<number>>();

/** Local day numbers of ISO dates (validated by prepare); a date that does not exist matches no day. */
function holidayDays(list: string[]): Set<number> {
  const key = list.join(';');
  let days = holidaySets.get(key);
  if (!days) {
    days = new Set();
    for (const h of list) {
      const day = Date.UTC(Number(h.slice(0, 4)), Number(h.slice(5, 7)) - 1, Number(h.slice(8, 10))) / DAY_MS;
      if (iso(dateOfDay(day)) === h) days.add(day);
    }
    if (holidaySets.size > 100) holidaySets.clear();
    holidaySets.set(key, days);
  }
  return days;
}

/**
 * Validates a calendar once for many calls (the same errors as addBusinessMs and businessMsBetween raise). The
 * calendar is read now: changing it afterwards does not change the prepared one.
 */
export function prepareCalendar(calendar: BusinessCalendar): PreparedCalendar {
  const p = prepare({ ...calendar, workdays: [...calendar.workdays], holidays: [...calendar.holidays] });
  return {
    calendar: p.cal,
    addMs: (startMs, amountMs) => addMs(p, startMs, amountMs),
    msBetween: (startMs, endMs) => msBetween(p, startMs, endMs),
  };
}

function iso(d: LocalDate): string {
  return `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
}

/** The business window [start, end) of a local day in UTC ms, or null on a non-working day or holiday. */
function windowOf(p: Prepared, day: number): [number, number] | null {
  let w = p.windows.get(day);
  if (w === undefined) {
    const d = dateOfDay(day);
    const weekday = (day + 4) % 7 >= 0 ? (day + 4) % 7 : ((day + 4) % 7) + 7; // 1970-01-01 was a Thursday
    w = p.workdays.has(weekday)
      ? [localToInstant(d, p.start, p.cal.timeZone), localToInstant(d, p.end, p.cal.timeZone)]
      : null;
    if (p.windows.size > 100_000) p.windows.clear();
    p.windows.set(day, w);
  }
  return w && !p.holidays.has(day) ? w : null;
}

function midnightOf(p: Prepared, day: number): number {
  let m = p.midnights.get(day);
  if (m === undefined) {
    m = localToInstant(dateOfDay(day), 0, p.cal.timeZone);
    if (p.midnights.size > 100_000) p.midnights.clear();
    p.midnights.set(day, m);
  }
  return m;
}

/**
 * Windows per zone and hours (the weekday decides between a window and null), and local midnights per zone, by
 * local day number: pure, so memoised (Intl calls dominate otherwise). Holidays are applied per calendar.
 */
const windowCache = new Map<string, Map<number, [number, number] | null>>();
const midnightCache = new Map<string, Map<number, number>>();

const MAX_DAYS = 3700; // ten years: a calendar with no business hours at all fails clearly instead of looping

/**
 * Adds business hours to an instant: time counts only inside the daily window on working days that are not
 * holidays. A start outside the window begins at the next window; a due time that lands exactly on a day's end
 * stays there. Zero hours returns the start unchanged.
 */
export function addBusinessHours(calendar: BusinessCalendar, start: string, hours: number): string {
  return formatInstant(addBusinessMs(calendar, parseInstant(start, 'start'), Math.round(hours * 3_600_000)));
}

export function addBusinessMs(calendar: BusinessCalendar, startMs: number, amountMs: number): number {
  checkAmount(amountMs);
  if (amountMs === 0) return startMs;
  return addMs(prepare(calendar), startMs, amountMs);
}

function checkAmount(amountMs: number): void {
  if (!Number.isFinite(amountMs) || amountMs < 0) {
    throw new RuleInputError(`business hours to add must be a number ≥ 0 (got ${amountMs / 3_600_000})`);
  }
}

function addMs(p: Prepared, startMs: number, amountMs: number): number {
  checkAmount(amountMs);
  if (amountMs === 0) return startMs;
  let remaining = amountMs;
  let day = localDay(startMs, p.cal.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day++) {
    const w = windowOf(p, day);
    if (!w) continue;
    const from = Math.max(startMs, w[0]);
    if (from >= w[1]) continue;
    if (remaining <= w[1] - from) return from + remaining;
    remaining -= w[1] - from;
  }
  throw new RuleInputError(
    `calendar ${p.cal.name ?? p.cal.timeZone} has no business hours within ten years (check its working days, daily window and holidays)`,
  );
}

/** The business hours between two instants, in ms (0 when end ≤ start). */
export function businessMsBetween(calendar: BusinessCalendar, startMs: number, endMs: number): number {
  if (endMs <= startMs) return 0;
  return msBetween(prepare(calendar), startMs, endMs);
}

function msBetween(p: Prepared, startMs: number, endMs: number): number {
  if (endMs <= startMs) return 0;
  let total = 0;
  let day = localDay(startMs, p.cal.timeZone);
  for (let i = 0; i < MAX_DAYS * 10; i++, day++) {
    const w = windowOf(p, day);
    if (w) {
      if (w[0] >= endMs) break;
      total += Math.max(0, Math.min(endMs, w[1]) - Math.max(startMs, w[0]));
    } else if (midnightOf(p, day) >= endMs) {
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
