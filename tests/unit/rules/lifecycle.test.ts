import { describe, expect, it } from 'vitest';
import {
  LIFECYCLE_STAGES,
  transition,
  type LifecycleEventType,
  type LifecycleStage,
} from '../../../scripts/lib/rules/lifecycle.ts';

const settings = { mqlFitThreshold: 40, mqlEngagementThreshold: 30 };
const at = '2026-03-10T15:30:00Z';
const events: LifecycleEventType[] = [
  'Rescore',
  'SalesAccept',
  'OpportunityCreated',
  'ClosedWon',
  'Advocacy',
];

describe('lifecycle', () => {
  it('never moves a stage backwards except by an explicit recycle with a reason code', () => {
    for (const stage of LIFECYCLE_STAGES) {
      for (const type of events) {
        const r = transition({
          record: { stage, fit: 99, engagement: 99 },
          event: { type, at, nps: 10 },
          settings,
        });
        expect(LIFECYCLE_STAGES.indexOf(r.to), `${stage} + ${type}`).toBeGreaterThanOrEqual(
          LIFECYCLE_STAGES.indexOf(stage),
        );
      }
      for (const to of LIFECYCLE_STAGES) {
        const r = transition({
          record: { stage, fit: 99, engagement: 99 },
          event: { type: 'SetStage', toStage: to, at },
          settings,
        });
        if (LIFECYCLE_STAGES.indexOf(to) < LIFECYCLE_STAGES.indexOf(stage))
          expect(r.outcome).toBe('rejected');
      }
    }
  });

  it('writes exactly one history row for every move and none otherwise', () => {
    for (const stage of LIFECYCLE_STAGES) {
      for (const type of [...events, 'Recycle'] as LifecycleEventType[]) {
        const r = transition({
          record: { stage, fit: 50, engagement: 50 },
          event: { type, at, reasonCode: 'No Budget', signal: 'Referral' },
          settings,
        });
        expect(r.history.length).toBe(r.outcome === 'moved' ? 1 : 0);
        if (r.outcome === 'moved')
          expect(r.history[0]).toMatchObject({ fromStage: stage, toStage: r.to, transitionedAt: at });
      }
    }
  });

  it('logs a recycle as its own transition carrying the reason code', () => {
    const r = transition({
      record: { stage: 'SQL', fit: 50, engagement: 50 },
      event: { type: 'Recycle', reasonCode: 'No Authority', at },
      settings,
    });
    expect(r.history).toEqual([
      {
        fromStage: 'SQL',
        toStage: 'Lead',
        transitionedAt: at,
        reason: 'recycled: No Authority',
        reasonCode: 'No Authority',
        isRecycle: true,
      },
    ]);
    expect(r.fields.Recycled_Date__c).toBe(at);
  });

  it('tells the user how to fix a refused recycle', () => {
    const r = transition({
      record: { stage: 'MQL', fit: 50, engagement: 50 },
      event: { type: 'Recycle', at },
      settings,
    });
    expect(r.message).toMatch(/reason code.*No Budget/);
  });

  it('explains why a lead is not an MQL with both scores and thresholds', () => {
    const r = transition({
      record: { stage: 'Lead', fit: 35, engagement: 50 },
      event: { type: 'Rescore', at },
      settings,
    });
    expect(r.message).toBe('below MQL thresholds (fit 35 / 40, engagement 50 / 30)');
  });

  it('rejects an unknown stage with the list of stages', () => {
    expect(() =>
      transition({
        record: { stage: 'Prospect' as LifecycleStage, fit: 0, engagement: 0 },
        event: { type: 'Rescore', at },
        settings,
      }),
    ).toThrow(/Subscriber, Lead, MQL/);
  });
});
