import { formatDate, formatDateTime, formatLabel, formatNumber, formatPoints } from 'c/revopsFormat';

describe('c/revopsFormat', () => {
  it('fills label placeholders in order and leaves blanks for missing values', () => {
    expect(formatLabel('{0} days in {1}', 27, 'Proposal')).toBe('27 days in Proposal');
    expect(formatLabel('Escalated to {0}', null)).toBe('Escalated to ');
  });

  it('shows numbers with at most one decimal and points with their sign', () => {
    expect(formatNumber(18.04)).toBe('18');
    expect(formatNumber(12.55)).toBe('12.6');
    expect(formatNumber(null)).toBe('');
    expect(formatNumber(12500.04)).toBe('12,500');
    expect(formatPoints(12.5)).toBe('+12.5');
    expect(formatPoints(-5)).toBe('-5');
  });

  it("formats date-times in the user's locale and time zone", () => {
    expect(formatDateTime('2026-11-24T14:03:00.000Z')).toBe('Nov 24, 2026, 6:03 AM');
    expect(formatDateTime(null)).toBe('');
  });

  it('formats a Date field on its own day, whatever the time zone', () => {
    // the user's zone is behind UTC: a date read as a UTC instant would show the day before
    expect(formatDate('2026-10-31')).toBe('Oct 31, 2026');
    expect(formatDate(null)).toBe('');
  });
});
