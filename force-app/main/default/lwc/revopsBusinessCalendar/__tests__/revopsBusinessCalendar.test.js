import { businessMillisBetween, deadlineState, formatSpan } from 'c/revopsBusinessCalendar';

const NEW_YORK = {
  timeZone: 'America/New_York',
  workdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  dayStart: '09:00',
  dayEnd: '17:00',
  holidays: ['2026-11-26'],
};
const hours = (from, to, calendar = NEW_YORK) =>
  businessMillisBetween(Date.parse(from), Date.parse(to), calendar) / 3600000;

describe('c/revopsBusinessCalendar', () => {
  it('counts only the hours inside the working day', () => {
    expect(hours('2026-11-24T12:00:00Z', '2026-11-24T23:00:00Z')).toBe(8);
  });

  it('skips holidays and weekends', () => {
    // Wednesday 15:00 to Monday 10:00: 2 h Wednesday, Thanksgiving off, 8 h Friday, weekend off, 1 h Monday.
    expect(hours('2026-11-25T20:00:00Z', '2026-11-30T15:00:00Z')).toBe(11);
  });

  it('keeps the business day in local time across a daylight-saving change', () => {
    // Friday 09:00 EST to Monday 10:00 EDT (clocks moved on Sunday 8 March 2026).
    expect(hours('2026-03-06T14:00:00Z', '2026-03-09T14:00:00Z')).toBe(9);
  });

  it('uses the calendar time zone, not the browser one', () => {
    const tokyo = { ...NEW_YORK, timeZone: 'Asia/Tokyo', holidays: [] };
    // 00:00Z-09:00Z is 09:00-18:00 in Tokyo: 8 business hours.
    expect(hours('2026-11-24T00:00:00Z', '2026-11-24T09:00:00Z', tokyo)).toBe(8);
  });

  it('is negative when the deadline has passed', () => {
    expect(hours('2026-11-24T19:00:00Z', '2026-11-24T18:30:00Z')).toBe(-0.5);
  });

  it('derives the live status from the share of the window used', () => {
    const base = { due: '2026-11-24T18:30:00Z', windowHours: 4, warningPercent: 75, calendar: NEW_YORK };
    expect(deadlineState({ ...base, now: Date.parse('2026-11-24T15:00:00Z') }).status).toBe('On Track');
    expect(deadlineState({ ...base, now: Date.parse('2026-11-24T17:30:00Z') }).status).toBe('At Risk');
    expect(deadlineState({ ...base, now: Date.parse('2026-11-24T18:30:00Z') }).status).toBe('Breached');
    expect(
      deadlineState({ ...base, now: Date.parse('2026-11-24T19:00:00Z'), metAt: '2026-11-24T16:00:00Z' })
        .status,
    ).toBe('Met');
  });

  it('formats spans in hours, minutes and seconds', () => {
    expect(formatSpan(3 * 3600000 + 7 * 60000 + 5000)).toBe('3 h 07 min 05 s');
    expect(formatSpan(-45 * 60000)).toBe('45 min 00 s');
    // the units come from the caller's labels (a translation may reorder them)
    expect(
      formatSpan(3 * 3600000 + 7 * 60000 + 5000, { hours: '{0} Std. {1} Min.', minutes: '{1} Min.' }),
    ).toBe('3 Std. 07 Min.');
  });
});
