import { describe, expect, it } from 'vitest';
import {
  addBusinessHours,
  businessMinutesBetween,
  localToInstant,
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
