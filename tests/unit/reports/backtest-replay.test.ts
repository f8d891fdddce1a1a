// The backtest scores a million leads through prepareScoring() (rules compiled once, events as columns); this
// pins it to score(), the function the golden vectors pin, on a few thousand generated leads.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import {
  prepareScoring,
  score,
  type EngagementEvent,
  type ScoringRule,
  type ScoringSettings,
} from '../../../scripts/lib/rules/scoring.ts';
import { formatInstant, type SRecord } from '../../../scripts/lib/rules/types.ts';

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const config = loadConfig('force-app');
const rules: ScoringRule[] = config.scoringRules.map((r) => ({ ...r, operator: r.operator ?? 'equals' }));
const NOW = Date.parse('2026-03-15T12:00:00Z');
const SIGNALS = [
  'Pricing Page',
  'demo request',
  'Case Study',
  'Webinar',
  'EMAIL OPEN',
  'Email Click',
  'Product Usage',
  'Content Download',
  'Unsubscribe',
  'Trade Show',
];

function generate(seed: number, count: number): { record: SRecord; events: EngagementEvent[] }[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  return Array.from({ length: count }, () => {
    const record: SRecord = {
      Country: pick(['US', 'Canada', 'de', 'Japan', 'Brazil', '', null]),
      Industry: pick(['Technology', 'retail', 'Media', 'Education', null]),
      NumberOfEmployees: pick([10, 50, 199, 200, 999, 1000, 25000, '450', null]),
      Title: pick([
        'VP Sales',
        'Chief Revenue Officer',
        'CEO',
        'Sales Intern',
        'RevOps Manager',
        'Engineer',
        null,
      ]),
      Email: pick(['a@gmail.com', 'b@acme.io', 'c@uni.edu', 'd@clari.com', 'not-an-email', null]),
      HasOptedOutOfEmail: pick([true, false, 'true', null]),
      Tech_Stack__c: pick(['Salesforce; Segment', 'HubSpot', undefined]),
    };
    const events: EngagementEvent[] = [];
    const n = Math.floor(r() * r() * 14);
    for (let i = 0; i < n; i++) {
      // Mostly the last 90 days; some in the future; some in bursts of seconds or at the same instant.
      const prev = events.length ? Date.parse(events[events.length - 1].occurredAt) : 0;
      const at =
        prev && r() < 0.35
          ? prev + Math.floor(r() * 20) * 1000
          : NOW - Math.floor(r() * 90 * 86_400) * 1000 + (r() < 0.08 ? 5 * 86_400_000 : 0);
      events.push({
        signal: prev && r() < 0.5 ? events[events.length - 1].signal : pick(SIGNALS),
        occurredAt: formatInstant(at),
      });
    }
    return { record, events };
  });
}

function check(settings: ScoringSettings, seed: number): number {
  const prepared = prepareScoring(rules, settings, 'Lead');
  let compared = 0;
  for (const { record, events } of generate(seed, 2500)) {
    const expected = score({ object: 'Lead', record, events, rules, settings, now: formatInstant(NOW) });
    // The backtest hands over events in time order, as SQL sorts them.
    const sorted = events
      .map((e, index) => ({ ...e, at: Date.parse(e.occurredAt), index }))
      .sort((a, b) => a.at - b.at || a.index - b.index);
    const columns = { signal: sorted.map((e) => prepared.signalCode(e.signal)), at: sorted.map((e) => e.at) };
    const { lines, ...totals } = expected;
    expect(prepared.score(record, columns, 0, sorted.length, NOW)).toMatchObject(totals);
    // score() always reads events in time order (the per-record cap keeps the most recent ones).
    const sameOrder = columns;
    expect(prepared.score(record, sameOrder, 0, events.length, NOW, true)).toEqual(expected);
    expect(lines).toEqual(prepared.score(record, sameOrder, 0, events.length, NOW, true).lines);
    compared += 1;
  }
  return compared;
}

describe('scoring many leads with prepared rules', () => {
  it('gives exactly the scores of score() on 2,500 generated leads with the shipped rules and bot-burst suppression', () => {
    expect(check(config.scoringSettings, 7)).toBe(2500);
    expect(config.scoringSettings.burstWindowSeconds).toBeGreaterThan(0);
  });

  it('gives exactly the scores and breakdown lines of score() without burst suppression and with a lower cap', () => {
    expect(
      check({ ...config.scoringSettings, burstWindowSeconds: null, burstMaxEvents: null, scoreCap: 40 }, 11),
    ).toBe(2500);
  });

  it('scores a lead from its slice of shared event columns, ignoring events after its scoring instant', () => {
    const settings = config.scoringSettings;
    const prepared = prepareScoring(rules, settings, 'Lead');
    const demo = prepared.signalCode('Demo Request');
    const at = [NOW - 86_400_000, NOW - 3_600_000, NOW + 60_000, NOW - 1000];
    const columns = { signal: [demo, demo, demo, demo], at };
    const second = prepared.score({ Title: 'VP Sales' }, columns, 1, 3, NOW);
    expect(second).toMatchObject({ fit: 20, engagement: 30, ignoredFutureEvents: 1 });
    const { lines, ...expected } = score({
      object: 'Lead',
      record: { Title: 'VP Sales' },
      events: at.slice(1, 3).map((t) => ({ signal: 'Demo Request', occurredAt: formatInstant(t) })),
      rules,
      settings,
      now: formatInstant(NOW),
    });
    expect(lines.length).toBe(2);
    expect(second).toMatchObject(expected);
  });
});
