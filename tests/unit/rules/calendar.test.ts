import { describe, expect, it } from 'vitest';
import {
  addBusinessHours,
  addBusinessMs,
  businessMinutesBetween,
  businessMsBetween,
  localToInstant,
  prepareCalendar,
  zoneOffsetMs,
  type BusinessCalendar,
} from '../../../scripts/lib/rules/calendar.ts';

const ny: BusinessCalendar = {
  timeZone: 'America/New_York',
  workdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  dayStart: '09:00',
  dayEnd: '17:00',
  holidays: ['2026-12-25'],
};
const H = 3_600_000;

describe('business calendar', () => {
  it('reads time-zone offsets from Intl on both sides of a DST change', () => {
    expect(zoneOffsetMs(Date.parse('2026-03-06T12:00:00Z'), 'America/New_York')).toBe(-5 * H);
    expect(zoneOffsetMs(Date.parse('2026-03-09T12:00:00Z'), 'America/New_York')).toBe(-4 * H);
    expect(zoneOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'Australia/Sydney')).toBe(10 * H);
    expect(zoneOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * H);
  });

  it('converts local opening hours to UTC per day, so 09:00 stays 09:00 local across DST', () => {
    expect(new Date(localToInstant({ y: 2026, m: 3, d: 6 }, 540, 'America/New_York')).toISOString()).toBe(
      '2026-03-06T14:00:00.000Z',
    );
    expect(new Date(localToInstant({ y: 2026, m: 3, d: 9 }, 540, 'America/New_York')).toISOString()).toBe(
      '2026-03-09T13:00:00.000Z',
    );
  });

  it('is consistent: business minutes between start and start + h hours is h × 60', () => {
    const starts = [
      '2026-03-06T20:00:00Z',
      '2026-03-07T03:00:00Z',
      '2026-10-30T19:00:00Z',
      '2026-12-24T21:30:00Z',
    ];
    for (const start of starts) {
      for (const h of [0.25, 1, 4, 8, 48, 100]) {
        const due = addBusinessHours(ny, start, h);
        expect(businessMinutesBetween(ny, start, due), `${start} + ${h}`).toBe(h * 60);
      }
    }
  });

  it('never returns a due time outside business hours or on a holiday', () => {
    for (let i = 0; i < 200; i++) {
      const start = new Date(Date.parse('2026-12-20T00:00:00Z') + i * 47 * 60_000).toISOString();
      const due = new Date(addBusinessHours(ny, start, 3));
      const local = due.toLocaleString('en-US', {
        timeZone: 'America/New_York',
        hourCycle: 'h23',
        weekday: 'short',
        hour: 'numeric',
        minute: 'numeric',
        month: 'numeric',
        day: 'numeric',
      });
      expect(local).not.toMatch(/Sat|Sun|12\/25/);
      const [hh, mm] = local.split(' ').at(-1)!.split(':').map(Number);
      expect(hh * 60 + mm).toBeGreaterThan(9 * 60);
      expect(hh * 60 + mm).toBeLessThanOrEqual(17 * 60);
    }
  });

  it('rejects a calendar the admin got wrong, saying which field and the format', () => {
    expect(() => addBusinessHours({ ...ny, timeZone: 'Eastern' }, '2026-03-02T15:00:00Z', 1)).toThrow(/IANA/);
    expect(() => addBusinessHours({ ...ny, dayStart: '9am' }, '2026-03-02T15:00:00Z', 1)).toThrow(
      /Day_Start__c "9am" must be HH:mm/,
    );
    expect(() => addBusinessHours({ ...ny, dayEnd: '08:00' }, '2026-03-02T15:00:00Z', 1)).toThrow(
      /Day_End__c/,
    );
    expect(() => addBusinessHours({ ...ny, workdays: [] }, '2026-03-02T15:00:00Z', 1)).toThrow(
      /Workdays__c is empty/,
    );
    expect(() => addBusinessHours({ ...ny, holidays: ['25/12/2026'] }, '2026-03-02T15:00:00Z', 1)).toThrow(
      /ISO date/,
    );
  });
});

describe('prepareCalendar', () => {
  // The arithmetic as it was before the prepared calendar: Intl's local date of the start, then day by day.
  const wall = (ms: number, timeZone: string) => {
    const p: Record<string, number> = {};
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    for (const part of f.formatToParts(new Date(ms)))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    return { y: p.year, m: p.month, d: p.day };
  };
  const next = (d: { y: number; m: number; d: number }) => {
    const t = new Date(Date.UTC(d.y, d.m - 1, d.d + 1));
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
  };
  const hm = (v: string) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3));
  const refWindow = (
    cal: BusinessCalendar,
    d: { y: number; m: number; d: number },
  ): [number, number] | null => {
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][
      new Date(Date.UTC(d.y, d.m - 1, d.d)).getUTCDay()
    ];
    const iso = `${d.y}-${String(d.m).padStart(2, '0')}-${String(d.d).padStart(2, '0')}`;
    if (!cal.workdays.includes(day as never) || cal.holidays.includes(iso)) return null;
    return [
      localToInstant(d, hm(cal.dayStart), cal.timeZone),
      localToInstant(d, hm(cal.dayEnd), cal.timeZone),
    ];
  };
  const refAdd = (cal: BusinessCalendar, start: number, amount: number): number => {
    if (amount === 0) return start;
    let remaining = amount;
    for (let d = wall(start, cal.timeZone), i = 0; i < 3700; i++, d = next(d)) {
      const w = refWindow(cal, d);
      if (!w) continue;
      const from = Math.max(start, w[0]);
      if (from >= w[1]) continue;
      if (remaining <= w[1] - from) return from + remaining;
      remaining -= w[1] - from;
    }
    throw new Error('no business hours');
  };
  const refBetween = (cal: BusinessCalendar, start: number, end: number): number => {
    let total = 0;
    for (let d = wall(start, cal.timeZone), i = 0; end > start && i < 37_000; i++, d = next(d)) {
      const w = refWindow(cal, d);
      if (w) {
        if (w[0] >= end) break;
        total += Math.max(0, Math.min(end, w[1]) - Math.max(start, w[0]));
      } else if (localToInstant(d, 0, cal.timeZone) >= end) break;
    }
    return total;
  };

  it('adds and measures business hours like the day-by-day arithmetic, across zones and DST changes', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const calendars: BusinessCalendar[] = [
      ny,
      {
        timeZone: 'Europe/Berlin',
        workdays: ['Mon', 'Tue', 'Wed', 'Thu'],
        dayStart: '00:00',
        dayEnd: '03:30',
        holidays: ['2026-03-30'],
      },
      {
        timeZone: 'Australia/Lord_Howe',
        workdays: ['Sun', 'Mon', 'Sat'],
        dayStart: '01:30',
        dayEnd: '23:45',
        holidays: [],
      },
      {
        timeZone: 'America/Santiago',
        workdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
        dayStart: '00:00',
        dayEnd: '24:00',
        holidays: ['2026-09-06'],
      },
      {
        timeZone: 'Asia/Kolkata',
        workdays: ['Fri'],
        dayStart: '09:15',
        dayEnd: '18:00',
        holidays: ['2026-10-02'],
      },
      { timeZone: 'UTC', workdays: ['Wed'], dayStart: '22:00', dayEnd: '23:00', holidays: [] },
    ];
    const from = Date.UTC(2025, 9, 20);
    for (const cal of calendars) {
      const prepared = prepareCalendar(cal);
      // every 10 minutes (plus some ms) within a day and a half of each offset change in the 400 days
      const starts: number[] = [];
      for (let h = from; h < from + 400 * 86_400_000; h += H) {
        if (zoneOffsetMs(h, cal.timeZone) === zoneOffsetMs(h + H, cal.timeZone)) continue;
        for (let t = h - 36 * H; t < h + 36 * H; t += 600_000)
          starts.push(t + Math.floor(rnd() * 3) * 29_999);
      }
      for (const start of starts) {
        const amount = Math.floor(rnd() * 30 * H);
        expect(prepared.addMs(start, amount), `${cal.timeZone} +${amount} from ${start}`).toBe(
          refAdd(cal, start, amount),
        );
        const end = start + Math.floor(rnd() * 3 * 86_400_000);
        expect(prepared.msBetween(start, end), `${cal.timeZone} ${start}..${end}`).toBe(
          refBetween(cal, start, end),
        );
      }
      for (let k = 0; k < 300; k++) {
        // starts near midnights and DST changes too: whole hours and half hours as well as arbitrary ms
        const start =
          from +
          Math.floor(rnd() * 400) * 86_400_000 +
          (k % 3 === 0 ? Math.floor(rnd() * 48) * 1_800_000 : Math.floor(rnd() * 86_400_000));
        const amount = k % 7 === 0 ? 0 : Math.floor(rnd() * 60 * H);
        const end = start + Math.floor(rnd() * 20 * 86_400_000) - 86_400_000;
        const want = refAdd(cal, start, amount);
        expect(prepared.addMs(start, amount), `${cal.timeZone} +${amount} from ${start}`).toBe(want);
        expect(addBusinessMs(cal, start, amount)).toBe(want);
        const between = refBetween(cal, start, end);
        expect(prepared.msBetween(start, end), `${cal.timeZone} ${start}..${end}`).toBe(between);
        expect(businessMsBetween(cal, start, end)).toBe(between);
      }
    }
  });

  it('validates once, with the errors of the unprepared calls, and ignores later changes to the calendar', () => {
    expect(() => prepareCalendar({ ...ny, dayEnd: '08:00' })).toThrow(/Day_End__c 08:00 must be after/);
    expect(() => prepareCalendar({ ...ny, timeZone: 'Mars/Olympus' })).toThrow(/is not an IANA zone/);
    const cal: BusinessCalendar = { ...ny, holidays: [...ny.holidays] };
    const prepared = prepareCalendar(cal);
    cal.holidays.push('2026-12-24');
    cal.dayEnd = '10:00';
    const start = Date.parse('2026-12-24T14:00:00Z');
    expect(prepared.addMs(start, H)).toBe(start + H);
    expect(() => prepared.addMs(start, -1)).toThrow(/must be a number ≥ 0/);
  });
});
