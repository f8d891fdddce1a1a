// The SLA timer's business-hours arithmetic is a JavaScript twin of scripts/lib/rules/calendar.ts (the TypeScript
// rules) and of the Apex BusinessCalendar class, because an LWC cannot import either. It replays the SLA golden vectors
// that both of them pass, from the static resource the org ships, so the three cannot drift apart.
import { businessMillisBetween } from 'c/revopsBusinessCalendar';
import vectors from '../../../staticresources/RevOpsGoldenVectors.json';

const HOUR = 3600000;
const MINUTE = 60000;
const sla = vectors.rules.sla;
const adds = sla.filter((c) => c.fn === 'addBusinessHours' && c.expected.due);
const spans = sla.filter((c) => c.fn === 'businessMinutesBetween' && c.expected.minutes !== undefined);
const forward = spans.filter((c) => Date.parse(c.input.end) >= Date.parse(c.input.start));
const backward = spans.filter((c) => Date.parse(c.input.end) < Date.parse(c.input.start));

describe('c/revopsBusinessCalendar replays the SLA golden vectors', () => {
  it('has the vectors to replay', () => {
    expect(adds.length).toBeGreaterThanOrEqual(15);
    expect(forward.length).toBeGreaterThanOrEqual(4);
    expect(backward.length).toBeGreaterThanOrEqual(1);
  });

  // addBusinessHours(start, h) = due means exactly h business hours lie between start and due
  it.each(adds.map((c) => [c.id, c]))(
    '%s: the golden due date is the stated business hours away',
    (id, c) => {
      const { calendar, start, hours } = c.input;
      expect(businessMillisBetween(Date.parse(start), Date.parse(c.expected.due), calendar)).toBe(
        hours * HOUR,
      );
    },
  );

  it.each(forward.map((c) => [c.id, c]))('%s: counts the golden business minutes', (id, c) => {
    const { calendar, start, end } = c.input;
    expect(businessMillisBetween(Date.parse(start), Date.parse(end), calendar) / MINUTE).toBe(
      c.expected.minutes,
    );
  });

  // The rules clamp a span that ends before it starts to 0; the timer counts it negative (time past due), by the
  // same arithmetic backwards.
  it.each(backward.map((c) => [c.id, c]))(
    '%s: counts a span that ends before it starts backwards',
    (id, c) => {
      const { calendar, start, end } = c.input;
      const [from, to] = [Date.parse(start), Date.parse(end)];
      expect(c.expected.minutes).toBe(0);
      expect(businessMillisBetween(from, to, calendar)).toBe(-businessMillisBetween(to, from, calendar));
      expect(businessMillisBetween(from, to, calendar)).toBeLessThan(0);
    },
  );
});
