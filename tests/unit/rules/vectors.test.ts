import { describe, expect, it } from 'vitest';
import {
  RULE_KEYS,
  bundle,
  compareExpected,
  runVector,
  type VectorCase,
} from '../../../scripts/lib/rules/vectors.ts';

const empty = () =>
  Object.fromEntries(RULE_KEYS.map((k) => [k, [] as VectorCase[]])) as Record<
    (typeof RULE_KEYS)[number],
    VectorCase[]
  >;
const dd: VectorCase = {
  id: 'dd-1',
  rule: 'dealdesk',
  fn: 'evaluate',
  input: {
    discountPercent: 0,
    termMonths: 12,
    nonStandardTerms: [],
    segment: 'SMB',
    tiers: [{ order: 1, tier: 'Standard', minDiscount: 0, maxDiscount: 10 }],
  },
  expected: { tier: 'Standard' },
  reason: 'no discount',
};

describe('golden vector comparison', () => {
  it('treats expected as a subset of the result but reports every difference with its path', () => {
    expect(compareExpected({ a: 1 }, { a: 1, extra: true })).toEqual([]);
    expect(compareExpected({ a: { b: [1, 2] } }, { a: { b: [1, 3] } })).toEqual([
      '$.a.b[1]: expected 2, got 3',
    ]);
    expect(compareExpected({ a: 1, b: 'x' }, { a: 1 })).toEqual(['$.b: missing (expected "x")']);
  });

  it('requires arrays to have the same length and nulls to stay null', () => {
    expect(compareExpected([1, 2], [1, 2, 3])[0]).toMatch(/expected 2 items, got 3/);
    expect(compareExpected({ v: null }, { v: 0 })).toEqual(['$.v: expected null, got 0']);
  });

  it('compares numbers within 1e-9 only', () => {
    expect(compareExpected(0.1 + 0.2, 0.3)).toEqual([]);
    expect(compareExpected(12.5, 12.51)).toHaveLength(1);
  });

  it('runs a case through the named TypeScript function', () => {
    expect(compareExpected(dd.expected, runVector(dd))).toEqual([]);
    expect(() => runVector({ ...dd, fn: 'nope' })).toThrow(
      /no function "nope" for rule "dealdesk"; known: evaluate/,
    );
  });

  it('refuses a bundle with duplicate ids or a case filed under the wrong rule', () => {
    const twice = empty();
    twice.dealdesk = [dd, dd];
    expect(() => bundle(twice, [])).toThrow(/"dd-1" is used twice/);
    const misfiled = empty();
    misfiled.scoring = [dd];
    expect(() => bundle(misfiled, [])).toThrow(/rule must be "scoring"/);
  });
});
