import { describe, expect, it } from 'vitest';
import {
  jaroWinkler,
  nameSimilarity,
  normalizeAddress,
  normalizeCompany,
  phoneToE164,
  scorePair,
  type DedupRule,
} from '../../../scripts/lib/rules/match.ts';
import { survivorship } from '../../../scripts/lib/rules/merge.ts';

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

  it('folds street types, directions, units and ZIP+4 into one address key', () => {
    const key = '100 n main st, 02110';
    expect(normalizeAddress('100 North Main Street, Suite 200', '02110-1234', 'Boston')).toBe(key);
    expect(normalizeAddress('100 N. MAIN ST. #5', '02110', null)).toBe(key);
    expect(normalizeAddress('Apt 4B, 100 N Main St', '02110', 'Boston')).toBe(key);
    expect(normalizeAddress('100 N Main St', '', 'Boston')).toBe('100 n main st, boston');
    expect(normalizeAddress('221 Baker Street', 'NW1 6XE', 'London')).toBe('221 baker st, nw16xe');
    expect(normalizeAddress('Hauptstraße 5', '10115', 'Berlin')).toBe(
      normalizeAddress('Hauptstr. 5', '10115', ''),
    );
  });

  it('gives no address key without a street number, a street name, or a postal code and city', () => {
    expect(normalizeAddress('One Market Plaza', '94105', 'San Francisco')).toBe('');
    expect(normalizeAddress('100', '94105', null)).toBe('');
    expect(normalizeAddress('100 Main St', null, '  ')).toBe('');
    expect(normalizeAddress(null, '94105', 'San Francisco')).toBe('');
  });

  it('reads names that differ by a qualifier as the same name', () => {
    expect(normalizeCompany('Harbor Grill at the Marina')).toBe('harbor grill');
    expect(normalizeCompany('Alder Group, The (Boston)')).toBe(normalizeCompany('The Alder Group'));
    expect(nameSimilarity('Harbor Grill', 'Harbor Grill at the Marina')).toBe(1);
    expect(normalizeCompany('At The Beach LLC')).toBe('at the beach'); // the name itself, not a qualifier
    expect(nameSimilarity('Harbor Grill', 'Harbor Freight')).toBeLessThan(0.8);
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
