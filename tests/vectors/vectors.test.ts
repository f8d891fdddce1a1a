// Runs every golden vector against the TypeScript rules, checks the static-resource bundle is current, and
// checks that every Apex service test class reads the vectors of its rule.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RULE_KEYS,
  compareExpected,
  runVector,
  validateCase,
  type VectorCase,
} from '../../scripts/lib/rules/vectors.ts';
import { BUNDLE_PATH, buildBundle } from './build.ts';

const { bundle, text } = buildBundle();

describe('golden vectors', () => {
  for (const key of RULE_KEYS) {
    describe(key, () => {
      const cases: VectorCase[] = bundle.rules[key];
      it(`has at least 20 well-formed cases for ${key}`, () => {
        expect(cases.flatMap((c) => validateCase(c, key))).toEqual([]);
        expect(cases.length).toBeGreaterThanOrEqual(20);
      });
      it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
        const problems = compareExpected(c.expected, runVector(c));
        expect(problems, `${c.id}: ${c.reason}`).toEqual([]);
      });
    });
  }

  it('holds at least 150 cases across the seven rules', () => {
    expect(RULE_KEYS.reduce((n, k) => n + bundle.rules[k].length, 0)).toBeGreaterThanOrEqual(150);
  });

  it('ships the current vectors in the static resource (run npm run vectors when this fails)', () => {
    expect(existsSync(BUNDLE_PATH), `${BUNDLE_PATH} is missing: run npm run vectors`).toBe(true);
    expect(
      readFileSync(BUNDLE_PATH, 'utf8') === text,
      'RevOpsGoldenVectors.json is stale: run npm run vectors',
    ).toBe(true);
  });
});

/** Apex test class per rule key: each must load the static resource and read its rule's vectors. */
export const APEX_VECTOR_TESTS: Record<string, string> = {
  scoring: 'ScoringService_Tests',
  lifecycle: 'LifecycleService_Tests',
  routing: 'RoutingService_Tests',
  sla: 'SlaService_Tests',
  hygiene: 'PipelineHygieneService_Tests',
  dealdesk: 'DealDeskService_Tests',
  match: 'DedupMatchService_Tests',
  handoff: 'HandoffService_Tests',
  metrics: 'RevOpsMetricMath_Tests',
  dedupReview: 'DedupReviewKeys_Tests',
  digest: 'LeadDigestService_Tests',
};

describe('Apex service tests read the golden vectors', () => {
  const dir = join(import.meta.dirname, '..', '..', 'force-app/test/default/classes');
  const source = (cls: string) =>
    readFileSync(join(dir, `${cls}.cls`), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
  /** True when the class names the static resource itself or calls a test helper class that does. */
  const loadsVectors = (src: string) =>
    /RevOpsGoldenVectors/.test(src) ||
    [...src.matchAll(/\b([A-Z]\w*)\s*\.\s*\w+\s*\(/g)].some(
      ([, helper]) => existsSync(join(dir, `${helper}.cls`)) && /RevOpsGoldenVectors/.test(source(helper)),
    );

  it.each(Object.entries(APEX_VECTOR_TESTS))('%s vectors are read by %s', (key, cls) => {
    expect(
      existsSync(join(dir, `${cls}.cls`)),
      `force-app/test/default/classes/${cls}.cls is missing: the Apex area writes it`,
    ).toBe(true);
    const src = source(cls);
    expect(
      loadsVectors(src),
      `${cls} must load the static resource RevOpsGoldenVectors (directly or via a test helper)`,
    ).toBe(true);
    expect(src, `${cls} must read the '${key}' vectors`).toMatch(new RegExp(`'${key}'`));
  });

  // A vector whose function the Apex runner does not know would fail only in an org. Runners of one function
  // need no switch; a runner that switches on fn needs a "when 'fn'" for each, but one function may be left to a
  // "when else" that does not throw.
  it.each(Object.entries(APEX_VECTOR_TESTS))('every %s vector function is run by %s', (key, cls) => {
    const src = source(cls);
    const fns = [...new Set(bundle.rules[key as keyof typeof bundle.rules].map((c) => c.fn))];
    if (fns.length === 1 && !/switch on fn/.test(src)) return;
    const missing = fns.filter((fn) => !src.includes(`when '${fn}'`));
    const orElse = /when else \{(?![^}]*throw)/.test(src) ? 1 : 0;
    expect(missing.length, `${cls} runs no "when" for: ${missing.join(', ')}`).toBeLessThanOrEqual(orElse);
  });
});
