import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../../scripts/lib/rules/calendar.ts';
import { evaluateSla, slaLeadOf, type SlaPolicy } from '../../../scripts/lib/rules/sla.ts';

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
  it('moves On Track → At Risk → Breached as business hours pass', () => {
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

  it('refuses a Reassign_After_Hours__c not above 0, naming the field and the blank that turns it off', () => {
    for (const reassignAfterHours of [0, -2])
      expect(() =>
        evaluateSla({
          policy: { ...policy, reassignAfterHours },
          calendar: cal,
          lead,
          touches: [],
          now: '2026-03-02T15:00:00Z',
        }),
      ).toThrow(/Reassign_After_Hours__c must be > 0 \(blank: never reassign\)/);
  });

  describe('escalation target by object', () => {
    const breach = '2026-03-02T18:30:00Z';
    const esc = (over: object, pol: Partial<SlaPolicy> = {}) => {
      const r = evaluateSla({
        policy: { ...policy, ...pol },
        calendar: cal,
        lead: { ...lead, ...over },
        touches: [],
        now: breach,
      });
      return [r.escalationKind, r.escalateTo];
    };

    it("sends a breached Contact to the owner's manager even under a Queue policy", () => {
      expect(esc({ objectType: 'Contact', managerId: 'm1' }, { escalateTo: 'Queue' })).toEqual([
        'Manager',
        'm1',
      ]);
    });

    it('never names a queue for a Contact: without a manager the owner keeps it', () => {
      expect(
        esc({ objectType: 'Contact' }, { escalateTo: 'Queue', escalationQueue: 'SLA_Escalations' }),
      ).toEqual(['Owner', 'u1']);
    });

    it('moves a Lead to the queue when the policy says Queue or the owner has no manager', () => {
      expect(
        esc({ objectType: 'Lead', managerId: 'm1' }, { escalateTo: 'Queue', escalationQueue: 'Q' }),
      ).toEqual(['Queue', 'Q']);
      expect(esc({ managerId: null })).toEqual(['Queue', 'Lead_Fallback']);
      expect(esc({ managerId: 'm1' })).toEqual(['Manager', 'm1']);
    });

    it('names no escalation before the breach', () => {
      const r = evaluateSla({
        policy,
        calendar: cal,
        lead: { ...lead, objectType: 'Contact' },
        touches: [],
        now: '2026-03-02T15:00:00Z',
      });
      expect([r.escalationKind, r.escalateTo]).toEqual([null, null]);
    });
  });

  describe('auto-recycle and the clock closing', () => {
    const recycling = { ...policy, autoRecycleReason: 'Unresponsive' };
    const at = (now: string, over: object = {}) =>
      evaluateSla({ policy: recycling, calendar: cal, lead: { ...lead, ...over }, touches: [], now });

    it('keeps a contact-window breach open, then recycles and closes it when the qualify window passes', () => {
      const breached = at('2026-03-02T18:30:00Z', { stage: 'MQL' });
      expect([breached.status, breached.autoRecycleReason, breached.clockClosed]).toEqual([
        'Breached',
        null,
        false,
      ]);
      const late = at('2026-03-09T21:01:00Z', { stage: 'MQL' });
      expect([late.status, late.autoRecycleReason, late.clockClosed]).toEqual([
        'Breached',
        'Unresponsive',
        true,
      ]);
    });

    it('does not recycle exactly at the qualify due time', () => {
      expect(at('2026-03-09T21:00:00Z').autoRecycleReason).toBeNull();
      expect(at('2026-03-09T21:00:00Z').clockClosed).toBe(false);
    });

    it('recycles only an MQL', () => {
      expect(at('2026-03-09T21:01:00Z', { stage: 'Opportunity' }).autoRecycleReason).toBeNull();
      expect(at('2026-03-09T21:01:00Z', { stage: 'Opportunity' }).clockClosed).toBe(true);
    });
  });

  describe('slaLeadOf (how the monitor reads a record)', () => {
    const now = '2026-03-05T12:00:00Z';
    const rec = { OwnerId: 'u1', MQL_Date__c: '2026-03-02T14:00:00Z', Lifecycle_Stage__c: 'MQL' };

    it('starts the clock at the MQL date and leaves an MQL unqualified', () => {
      expect(slaLeadOf(rec, 'Contact', 'm1', now)).toEqual({
        startedAt: '2026-03-02T14:00:00Z',
        ownerId: 'u1',
        managerId: 'm1',
        firstTouchAt: null,
        qualifiedAt: null,
        objectType: 'Contact',
        stage: 'MQL',
        reassignedAt: null,
      });
    });

    it("reads a Lead's SLA_Reassigned_At__c (once per clock); a Contact is never reassigned", () => {
      const at = '2026-03-02T22:00:01Z';
      expect(slaLeadOf({ ...rec, SLA_Reassigned_At__c: at }, 'Lead', null, now)?.reassignedAt).toBe(at);
      expect(slaLeadOf({ ...rec, SLA_Reassigned_At__c: at }, 'Contact', null, now)?.reassignedAt).toBeNull();
    });

    it('takes the earliest SQL or recycle date at or after the MQL date', () => {
      const r = slaLeadOf(
        {
          ...rec,
          Lifecycle_Stage__c: 'Lead',
          SQL_Date__c: '2026-02-01T00:00:00Z',
          Recycled_Date__c: '2026-03-03T10:00:00Z',
        },
        'Lead',
        null,
        now,
      );
      expect(r?.qualifiedAt).toBe('2026-03-03T10:00:00Z');
    });

    it('counts a record that left MQL without an SQL or recycle date as qualified when it entered its stage', () => {
      const opp = {
        ...rec,
        Lifecycle_Stage__c: 'Opportunity',
        Lifecycle_Stage_Entered_At__c: '2026-03-02T16:00:00Z',
      };
      expect(slaLeadOf(opp, 'Contact', null, now)?.qualifiedAt).toBe('2026-03-02T16:00:00Z');
      expect(
        slaLeadOf({ ...opp, Lifecycle_Stage_Entered_At__c: null }, 'Contact', null, now)?.qualifiedAt,
      ).toBe(now);
    });

    it('has nothing to evaluate without an MQL date', () => {
      expect(slaLeadOf({ OwnerId: 'u1' }, 'Lead', null, now)).toBeNull();
    });
  });
});
