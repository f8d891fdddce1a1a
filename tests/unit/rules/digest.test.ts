import { describe, expect, it } from 'vitest';
import { localClock, planDigests, type DigestInput } from '../../../scripts/lib/rules/digest.ts';
import { readRecordFile } from '../../../scripts/lib/config/index.ts';
import { LEAD_DIGEST_SETTING, toDomain, validateRecord } from '../../../scripts/lib/config/schema/index.ts';

const setting = {
  active: true,
  sendHour: 7,
  signals: ['Demo Request', 'Pricing Page'],
  returnVisitDays: 14,
  maxLeads: 25,
};
const input = (over: Partial<DigestInput> = {}): DigestInput => ({
  now: '2026-01-12T12:00:00Z',
  setting,
  reps: [{ id: 'ny', timeZone: 'America/New_York', lastSentOn: null }],
  people: [{ id: 'L1', object: 'Lead', name: 'Ann Lee', ownerId: 'ny', lastEngagementBefore: null }],
  events: [{ id: 'E1', personId: 'L1', signal: 'Demo Request', occurredAt: '2026-01-12T10:00:00Z' }],
  ...over,
});

describe('lead digest rule', () => {
  it('meets every local hour of a zone exactly once over a day of hourly runs, across both DST switches', () => {
    for (const day of ['2026-03-08', '2026-11-01', '2026-06-15']) {
      for (const zone of ['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
        const start = Date.parse(`${day}T00:00:00Z`);
        const due = Array.from({ length: 24 }, (_, h) => start + h * 3_600_000).filter(
          (ms) => localClock(ms, zone).hour === 7,
        );
        expect(due.length, `${zone} on ${day}`).toBe(1);
      }
    }
  });

  it('names the bad input and the fix', () => {
    expect(() => planDigests(input({ reps: [{ id: 'x', timeZone: 'EST5', lastSentOn: null }] }))).toThrow(
      /time zone "EST5" is not an IANA zone/,
    );
    expect(() => planDigests(input({ setting: { ...setting, sendHour: 24 } }))).toThrow(
      /Send_Hour__c must be a whole hour from 0 to 23/,
    );
    expect(() => planDigests(input({ setting: { ...setting, maxLeads: 0 } }))).toThrow(
      /Max_Leads__c must be a whole number of at least 1/,
    );
    expect(() =>
      planDigests(
        input({ events: [{ id: 'E1', personId: 'L1', signal: 'Demo Request', occurredAt: 'soon' }] }),
      ),
    ).toThrow(/event E1 occurredAt: "soon" is not an ISO-8601 datetime/);
  });

  it('the shipped setting is valid and sends at 07:00 with the re-engagement signals', () => {
    const record = readRecordFile(
      'force-app/main/default/customMetadata/Lead_Digest_Setting.Default.md-meta.xml',
    );
    const { row, issues } = validateRecord(LEAD_DIGEST_SETTING, record);
    expect(issues).toEqual([]);
    const shipped = toDomain(LEAD_DIGEST_SETTING, row!, record.name);
    expect(shipped).toMatchObject({ active: true, sendHour: 7, returnVisitDays: 14, maxLeads: 25 });
    // the same high-intent signals as the re-engagement alert, the most telling first
    const reengage = readRecordFile(
      'force-app/main/default/customMetadata/SLA_Policy.Re_Engagement.md-meta.xml',
    );
    expect([...(shipped.signals as string[])].sort()).toEqual(
      String(reengage.values.Signals__c).split(';').sort(),
    );
    expect(shipped.signals).toEqual(['Demo Request', 'Pricing Page', 'Product Usage']);
  });
});
