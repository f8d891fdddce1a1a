import { describe, expect, it } from 'vitest';
import {
  jaroWinkler,
  nameSimilarity,
  phoneToE164,
  scorePair,
  survivorship,
  type DedupRule,
} from '../../../scripts/lib/rules/match.ts';

describe('match and merge', () => {
  it('computes Jaro-Winkler like the textbook examples', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 4);
    expect(jaroWinkler('', '')).toBe(0);
  });

  it('is symmetric in name similarity', () => {
    const pairs = [
      ['Stripe', 'Strix'],
      ['Acme Technologies', 'Acme Systems'],
      ['Initech', 'Initrode LLC'],
    ];
    for (const [a, b] of pairs) expect(nameSimilarity(a, b)).toBeCloseTo(nameSimilarity(b, a), 12);
  });

  it('does not match Stripe with Strix but matches a typo of a distinctive name', () => {
    expect(nameSimilarity('Stripe', 'Strix')).toBeLessThan(0.6);
    expect(nameSimilarity('Salesforce Inc', 'Salesforse')).toBeGreaterThan(0.9);
  });

  it('down-weights generic words so a shared "Software" is not a match', () => {
    expect(nameSimilarity('Acme Software', 'Zenith Software')).toBeLessThan(0.5);
    expect(nameSimilarity('Acme Software', 'Acme Solutions')).toBeGreaterThan(0.75);
  });

  it('names the input and the fix for a default country that is no country', () => {
    expect(() => phoneToE164('0301234567', 'XX')).toThrow(/default country "XX" is not an ISO 3166-1/);
  });

  it('lists a reason for every key compared', () => {
    const rule: DedupRule = {
      name: 'L',
      object: 'Lead',
      matchKeys: ['email', 'phone', 'website'],
      matchThreshold: 0.9,
      reviewThreshold: 0.6,
      mergePriority: [],
    };
    const r = scorePair(
      { id: '1', email: 'a@x.com', phone: '4155550100' },
      { id: '2', email: 'a@x.com', phone: '(415) 555-0100' },
      rule,
    );
    expect(r.reasons.map((x) => `${x.key}: ${x.detail}`)).toEqual([
      'email: a@x.com vs a@x.com',
      'phone: +14155550100 vs +14155550100',
    ]);
    expect(r.decision).toBe('match');
  });

  it('never loses a value in survivorship: every non-blank field keeps a winner', () => {
    const recs = [
      { id: 'a', fields: { A: 'a1', B: null, C: '' } },
      { id: 'b', isSystemOfRecord: true, fields: { A: null, B: 'b2', C: null } },
      { id: 'c', lastActivityAt: '2026-01-01T00:00:00Z', fields: { A: 'c1', B: 'c2', C: 'c3' } },
    ];
    const r = survivorship(recs, ['system_of_record', 'most_recent_activity', 'oldest_created']);
    expect(r.survivorId).toBe('b');
    expect(r.values).toEqual({
      A: { value: 'c1', fromId: 'c' },
      B: { value: 'b2', fromId: 'b' },
      C: { value: 'c3', fromId: 'c' },
    });
  });

  it('rejects an unknown merge criterion with the valid ones', () => {
    expect(() => survivorship([{ id: 'a', fields: {} }], ['newest'])).toThrow(
      /"newest" is unknown; use: system_of_record/,
    );
  });
});
