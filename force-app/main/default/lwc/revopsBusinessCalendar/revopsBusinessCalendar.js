/**
 * Business-hours arithmetic in the calendar's own time zone (Business_Calendar__mdt as the
 * SLA controller returns it), so the SLA timer counts down on the client without calling Apex.
 *
 * calendar = { timeZone: 'America/New_York', workdays: ['Mon', ...], dayStart: '09:00',
 *              dayEnd: '17:00', holidays: ['2026-12-25', ...] }
 */
import { formatLabel } from 'c/revopsFormat';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MINUTE = 60000;
const MAX_DAYS = 800;
const formats = new Map();

function partsFormat(timeZone) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Wall-clock parts of an instant in a time zone. */
function zonedParts(ms, timeZone) {
  const parts = {};
  for (const part of partsFormat(timeZone).formatToParts(new Date(ms))) {
    parts[part.type] = Number(part.value);
  }
  return parts;
}

/** Offset of the zone from UTC at an instant, in ms (wall clock minus UTC). */
function offsetAt(ms, timeZone) {
  const p = zonedParts(ms, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wall - Math.floor(ms / MINUTE) * MINUTE;
}

/** The instant at which the zone's wall clock shows the given local date and minute of day. */
function zonedInstant(year, month, day, minutes, timeZone) {
  const wall = Date.UTC(year, month - 1, day) + minutes * MINUTE;
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
}

function minuteOfDay(hhmm) {
  const [hours, minutes] = String(hhmm).split(':').map(Number);
  return hours * 60 + (minutes || 0);
}

function isoDate(year, month, day) {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Business milliseconds from one instant to another; negative when `to` is before `from`.
 * @param {number} from epoch ms
 * @param {number} to epoch ms
 * @param {object} calendar the business calendar
 * @returns {number} business ms
 */
export function businessMillisBetween(from, to, calendar) {
  if (to < from) {
    return -businessMillisBetween(to, from, calendar);
  }
  const workdays = new Set(calendar.workdays);
  const holidays = new Set(calendar.holidays || []);
  const startMinute = minuteOfDay(calendar.dayStart);
  const endMinute = minuteOfDay(calendar.dayEnd);
  const first = zonedParts(from, calendar.timeZone);
  let total = 0;
  for (let i = 0; i < MAX_DAYS; i++) {
    const date = new Date(Date.UTC(first.year, first.month - 1, first.day + i));
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const open = zonedInstant(year, month, day, startMinute, calendar.timeZone);
    if (open >= to) {
      break;
    }
    if (workdays.has(DAY_NAMES[date.getUTCDay()]) && !holidays.has(isoDate(year, month, day))) {
      const close = zonedInstant(year, month, day, endMinute, calendar.timeZone);
      total += Math.max(0, Math.min(close, to) - Math.max(open, from));
    }
  }
  return total;
}

/** The span templates in English: {0} hours, {1} minutes, {2} seconds (the SLA timer passes its custom labels). */
export const SPAN_TEMPLATES = { hours: '{0} h {1} min {2} s', minutes: '{1} min {2} s' };

/**
 * A business-time span as a rep reads it: "3 h 07 min 05 s", "45 min 00 s".
 * @param {number} ms milliseconds (sign ignored)
 * @param {{hours: string, minutes: string}} templates with {0} hours, {1} minutes, {2} seconds
 * @returns {string} the text
 */
export function formatSpan(ms, templates = SPAN_TEMPLATES) {
  const totalSeconds = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const mm = hours > 0 ? String(minutes).padStart(2, '0') : String(minutes);
  const ss = String(seconds).padStart(2, '0');
  return formatLabel(hours > 0 ? templates.hours : templates.minutes, hours, mm, ss);
}

/**
 * The live state of one SLA deadline. A deadline met after it passed is Breached, as the server records it
 * (SlaService, rules/sla.ts): its remainingMs is then the business time it was late by, and it no longer runs.
 * @param {object} args { now, due, metAt, windowHours, warningPercent, calendar }
 * @returns {{status: string, remainingMs: number, done: boolean}} status is On Track, At Risk, Breached or Met;
 *          done when the deadline was met (on time or late), so it no longer counts down
 */
export function deadlineState({ now, due, metAt, windowHours, warningPercent, calendar }) {
  const dueMs = Date.parse(due);
  if (metAt) {
    const metMs = Date.parse(metAt);
    const remainingMs = businessMillisBetween(metMs, dueMs, calendar);
    return { status: metMs > dueMs ? 'Breached' : 'Met', remainingMs, done: true };
  }
  const remainingMs = businessMillisBetween(now, dueMs, calendar);
  if (now >= dueMs) {
    return { status: 'Breached', remainingMs, done: false };
  }
  const windowMs = Number(windowHours) * 3600000;
  const elapsedPercent = windowMs > 0 ? ((windowMs - remainingMs) / windowMs) * 100 : 0;
  return {
    status: elapsedPercent >= Number(warningPercent) ? 'At Risk' : 'On Track',
    remainingMs,
    done: false,
  };
}
