// A recycled demo lead is an MQL again when its engagement since the recycle passes the MQL guard, as the rescore
// of each new event makes it in the org (rules/lifecycle.ts mqlGuard with Recycled_Date__c), and not before.
import { afterAll, describe, expect, it } from 'vitest';
import { shippedConfig } from '../../../scripts/lib/snapshot/demo/index.ts';
import { missingStageFields, mqlGuard } from '../../../scripts/lib/rules/lifecycle.ts';
import { score } from '../../../scripts/lib/rules/scoring.ts';
import { removeTmpDirs } from './helpers.ts';
import { demoRows, leadAt } from './demoConfig.ts';

afterAll(removeTmpDirs);

type Row = Record<string, string | null>;

describe('demo leads recycled and engaged again', () => {
  it('become MQLs again at the first event whose engagement since the recycle passes the guard, and only then', async () => {
    const config = shippedConfig();
    const rows = async (sql: string) => (await demoRows(undefined, sql)) as Row[];
    const transitions = await rows(
      `SELECT * FROM $Lifecycle_Transition__c WHERE Lead__c IS NOT NULL ORDER BY Transitioned_At__c`,
    );
    const events = await rows(
      'SELECT Record_Id__c, Signal__c, Occurred_At__c FROM $Engagement_Event__c ORDER BY Occurred_At__c',
    );
    const leads = await rows('SELECT * FROM $Lead WHERE Recycled_Date__c IS NOT NULL');
    const installedAt = transitions[0].Transitioned_At__c!;
    /** Whether the lead passes the MQL guard (and the MQL field policy) with its events up to `at`. */
    const qualifies = (lead: Row, recycledAt: string, at: string) => {
      const all = events.filter((e) => e.Record_Id__c === lead.Id);
      const upTo = all.filter((e) => e.Occurred_At__c! <= at);
      const record = leadAt(
        lead,
        all.map((e) => e.Signal__c!),
        upTo.map((e) => e.Signal__c!),
      );
      const s = score({
        object: 'Lead',
        record,
        events: upTo.map((e) => ({ signal: e.Signal__c!, occurredAt: e.Occurred_At__c! })),
        rules: config.scoringRules,
        settings: config.scoringSettings,
        now: at,
        recycledAt,
      });
      const guard = mqlGuard({ stage: 'Lead', ...s, recycledAt }, config.scoringSettings);
      return (
        guard.ok &&
        missingStageFields('Lead', 'MQL', record, config.lifecycleFieldPolicies ?? []).length === 0
      );
    };
    // every MQL row after a recycle is at the first event that qualifies the lead again
    const again = transitions.filter((t, i) => {
      if (t.To_Stage__c !== 'MQL') return false;
      return transitions.slice(0, i).some((p) => p.Lead__c === t.Lead__c && p.Is_Recycle__c === 'true');
    });
    expect(again.length).toBeGreaterThan(2);
    for (const t of again) {
      const recycle = transitions
        .filter(
          (p) =>
            p.Lead__c === t.Lead__c &&
            p.Is_Recycle__c === 'true' &&
            p.Transitioned_At__c! < t.Transitioned_At__c!,
        )
        .at(-1)!;
      const lead = (await rows(`SELECT * FROM $Lead WHERE Id = '${t.Lead__c}'`))[0];
      expect(t.Reason__c).toContain('engagement since recycle');
      expect(qualifies(lead, recycle.Transitioned_At__c!, t.Transitioned_At__c!), t.Lead__c!).toBe(true);
      const earlier = events.filter(
        (e) =>
          e.Record_Id__c === t.Lead__c &&
          e.Occurred_At__c! > recycle.Transitioned_At__c! &&
          e.Occurred_At__c! < t.Transitioned_At__c!,
      );
      for (const e of earlier)
        expect(qualifies(lead, recycle.Transitioned_At__c!, e.Occurred_At__c!)).toBe(false);
    }
    // a lead still recycled at the snapshot never qualified again since its (last) recycle
    const stillRecycled = leads.filter(
      (l) =>
        l.Lifecycle_Stage__c === 'Lead' && l.IsConverted !== 'true' && l.Recycled_Date__c! >= installedAt,
    );
    expect(stillRecycled.length).toBeGreaterThan(20);
    const missed = stillRecycled.filter((l) =>
      events.some(
        (e) =>
          e.Record_Id__c === l.Id &&
          e.Occurred_At__c! > l.Recycled_Date__c! &&
          qualifies(l, l.Recycled_Date__c!, e.Occurred_At__c!),
      ),
    );
    expect(missed.map((l) => l.Id)).toEqual([]);
  });
});
