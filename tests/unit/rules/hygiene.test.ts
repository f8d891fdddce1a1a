import { describe, expect, it } from 'vitest';
import { closeDatePush, stageSkip, staleness, type StagePolicy } from '../../../scripts/lib/rules/hygiene.ts';

const policies: StagePolicy[] = [
  { stage: 'Qualified', order: 1, staleMultiplier: 2 },
  { stage: 'Discovery', order: 2, staleMultiplier: 2 },
  { stage: 'Proposal', order: 3, staleMultiplier: 1.5 },
  { stage: 'Closed Won', order: 4, isClosed: true, isWon: true },
  { stage: 'Closed Lost', order: 5, isClosed: true },
];

describe('pipeline hygiene', () => {
  it('flags a deal stale only strictly beyond multiplier × team average', () => {
    const at = (entered: string) =>
      staleness({
        stage: 'Discovery',
        stageEnteredAt: entered,
        now: '2026-03-31T00:00:00Z',
        policies,
        teamAverageDays: { Discovery: 10 },
      });
    expect(at('2026-03-11T00:00:00Z').stale).toBe(false);
    expect(at('2026-03-10T23:59:00Z').stale).toBe(true);
    expect(at('2026-03-11T00:00:00Z').reason).toBe('20 d in Discovery ≤ 2 × 10 d team average');
  });

  it('does not call a lost deal a stage skip', () => {
    expect(stageSkip('Qualified', 'Closed Lost', policies).skipped).toBe(false);
    expect(stageSkip('Qualified', 'Closed Won', policies).skippedStages).toEqual(['Discovery', 'Proposal']);
  });

  it('names the stage and the known stages when a policy is missing', () => {
    expect(() => stageSkip('Qualified', 'Negotiation', policies)).toThrow(
      /"Negotiation" has no Stage_Policy__mdt record; known: Qualified, Discovery/,
    );
  });

  it('counts each push and refuses one without a reason', () => {
    const first = closeDatePush({
      previousCloseDate: '2026-03-31',
      newCloseDate: '2026-04-15',
      pushCount: 0,
      reason: 'Procurement',
    });
    const second = closeDatePush({
      previousCloseDate: '2026-04-15',
      newCloseDate: '2026-05-15',
      pushCount: first.pushCount,
      reason: '',
    });
    expect([first.pushCount, second.pushCount]).toEqual([1, 2]);
    expect(second.error).toMatch(/Close_Date_Push_Reason__c/);
  });

  it('rejects a close date that is not YYYY-MM-DD', () => {
    expect(() =>
      closeDatePush({ previousCloseDate: '31/03/2026', newCloseDate: '2026-04-15', pushCount: 0 }),
    ).toThrow(/YYYY-MM-DD/);
  });
});
