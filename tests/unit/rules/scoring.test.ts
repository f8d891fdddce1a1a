import { describe, expect, it } from 'vitest';
import { meetsMqlThresholds, score, type ScoringRule } from '../../../scripts/lib/rules/scoring.ts';
import { decayedPoints, ruleHorizonDays, suppressBursts } from '../../../scripts/lib/rules/scoringEvents.ts';
import { RuleInputError } from '../../../scripts/lib/rules/types.ts';

const settings = {
  mqlFitThreshold: 40,
  mqlEngagementThreshold: 30,
  scoreCap: 100,
  burstWindowSeconds: 10,
  burstMaxEvents: 3,
};
const pricing: ScoringRule = {
  name: 'Eng_Pricing',
  model: 'Engagement',
  signal: 'Pricing Page',
  operator: 'equals',
  points: 25,
  halfLifeDays: 14,
};

describe('scoring', () => {
  it('explains decay arithmetic in the breakdown line', () => {
    const r = score({
      record: {},
      events: [{ signal: 'Pricing Page', occurredAt: '2026-03-01T12:00:00Z' }],
      rules: [pricing],
      settings,
      now: '2026-03-15T12:00:00Z',
    });
    expect(r.lines[0].text).toBe('+25 Pricing Page, 14 days ago, half-life 14 d → 12.5');
  });

  it('names the cap in the breakdown when a rule hits Max_Points', () => {
    const events = [0, 1, 2].map((d) => ({ signal: 'Pricing Page', occurredAt: `2026-03-1${d}T12:00:00Z` }));
    const r = score({
      record: {},
      events,
      rules: [{ ...pricing, halfLifeDays: null, maxPoints: 40 }],
      settings: { ...settings, burstMaxEvents: null },
      now: '2026-03-15T12:00:00Z',
    });
    expect(r.engagement).toBe(40);
    expect(r.lines[0].text).toContain('capped at 40');
    expect(r.lines[0].events).toBe(3);
  });

  it('does not let a bot burst of e-mail opens inflate engagement', () => {
    const opens = Array.from({ length: 500 }, (_, i) => ({
      signal: 'Email Open',
      occurredAt: new Date(Date.parse('2026-03-15T11:00:00Z') + i * 5).toISOString(),
    }));
    const rule: ScoringRule = {
      name: 'Eng_Open',
      model: 'Engagement',
      signal: 'Email Open',
      operator: 'equals',
      points: 2,
    };
    const r = score({ record: {}, events: opens, rules: [rule], settings, now: '2026-03-15T12:00:00Z' });
    expect(r.engagement).toBe(6);
    // only the 100 most recent opens are read (MAX_EVENTS_PER_RECORD); of those, 3 per 10 s window count
    expect(r.cappedEvents).toBe(400);
    expect(r.suppressedEvents).toBe(97);
  });

  it('keeps events in a burst window independent of their input order', () => {
    const at = (s: number) => ({ signal: 'x', at: s * 1000, index: s });
    const a = suppressBursts([at(0), at(3), at(6), at(9), at(20)], 10, 3);
    const b = suppressBursts([at(20), at(9), at(6), at(3), at(0)], 10, 3);
    expect(a.kept.map((e) => e.at).sort()).toEqual(b.kept.map((e) => e.at).sort());
    expect(a.suppressed).toBe(1);
  });

  it('decays by half every half-life and not at all without one', () => {
    expect(decayedPoints(40, 30, 30)).toBeCloseTo(20, 10);
    expect(decayedPoints(40, 60, 30)).toBeCloseTo(10, 10);
    expect(decayedPoints(40, 365, null)).toBe(40);
  });

  it('applies MQL thresholds inclusively on both dimensions', () => {
    expect(meetsMqlThresholds(40, 30, settings)).toBe(true);
    expect(meetsMqlThresholds(40, 29.9, settings)).toBe(false);
    expect(meetsMqlThresholds(39.9, 30, settings)).toBe(false);
  });

  it('rejects a scoring rule with neither field nor signal, naming the record', () => {
    const bad = { name: 'Broken_Rule', model: 'Fit', operator: 'equals', points: 5 } as ScoringRule;
    expect(() =>
      score({ record: {}, events: [], rules: [bad], settings, now: '2026-03-15T12:00:00Z' }),
    ).toThrow(/Broken_Rule.*Field__c/);
  });

  it('rejects an invalid now with the expected format', () => {
    expect(() => score({ record: {}, events: [], rules: [], settings, now: 'yesterday' })).toThrow(
      RuleInputError,
    );
  });

  it('bounds each signal by the age after which its decayed points round to 0', () => {
    expect(ruleHorizonDays(2, 7)).toBe(39); // ceil(7 × log2(40)) + 1
    expect(ruleHorizonDays(30, 30)).toBe(278);
    expect(ruleHorizonDays(20, null)).toBeNull();
  });

  it('gates MQL on the negative score only when MQL_Max_Negative__c is set', () => {
    const gated = { ...settings, mqlMaxNegative: 20 };
    expect(meetsMqlThresholds(40, 30, gated, 19.9)).toBe(true);
    expect(meetsMqlThresholds(40, 30, gated, 20)).toBe(false);
    expect(meetsMqlThresholds(40, 30, settings, 90)).toBe(true);
  });
});
