import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../../scripts/lib/rules/calendar.ts';
import { evaluateSla, type SlaPolicy } from '../../../scripts/lib/rules/sla.ts';

const cal: BusinessCalendar = {
  timeZone: 'America/New_York',
  workdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  dayStart: '09:00',
  dayEnd: '17:00',
  holidays: [],
};
const policy: SlaPolicy = {
  name: 'MQL_to_SQL',
  handoff: 'MQL to SQL',
  businessCalendar: 'US',
  contactWithinHours: 4,
  qualifyWithinHours: 48,
  warningPercent: 75,
  escalateTo: 'Manager',
  escalationQueue: null,
  autoRecycleReason: null,
};
const lead = { startedAt: '2026-03-02T14:00:00Z', ownerId: 'u1', managerId: null };

describe('sla', () => {
  it('moves On Track → At Risk → Breached as business time passes', () => {
    const at = (now: string) => evaluateSla({ policy, calendar: cal, lead, touches: [], now }).status;
    expect(['2026-03-02T14:30:00Z', '2026-03-02T17:30:00Z', '2026-03-02T18:30:00Z'].map(at)).toEqual([
      'On Track',
      'At Risk',
      'Breached',
    ]);
  });

  it('with a blank warning percent stays On Track until the deadline, as the Apex twin does', () => {
    const blank = { ...policy, warningPercent: Number.NaN };
    const at = (now: string) => evaluateSla({ policy: blank, calendar: cal, lead, touches: [], now }).status;
    expect(['2026-03-02T17:30:00Z', '2026-03-02T17:59:00Z', '2026-03-02T18:30:00Z'].map(at)).toEqual([
      'On Track',
      'On Track',
      'Breached',
    ]);
  });

  it('escalates a breach without manager or queue to the Lead_Fallback queue', () => {
    const r = evaluateSla({ policy, calendar: cal, lead, touches: [], now: '2026-03-03T18:30:00Z' });
    expect(r.escalateTo).toBe('Lead_Fallback');
  });

  it('ignores touches logged after now (replaying history)', () => {
    const r = evaluateSla({
      policy,
      calendar: cal,
      lead,
      touches: [{ at: '2026-03-02T16:00:00Z', ownerId: 'u1' }],
      now: '2026-03-02T15:00:00Z',
    });
    expect(r.firstTouchAt).toBeNull();
    expect(r.phase).toBe('Contact');
  });

  it('refuses a policy with a zero contact window, naming the fields', () => {
    expect(() =>
      evaluateSla({
        policy: { ...policy, contactWithinHours: 0 },
        calendar: cal,
        lead,
        touches: [],
        now: '2026-03-02T15:00:00Z',
      }),
    ).toThrow(/Contact_Within_Hours__c/);
  });
});
