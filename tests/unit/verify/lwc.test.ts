import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../scripts/lib/verify/index.ts';
import { expectProblem, problemsOf, verifyFixture } from './helpers.ts';

describe('verify: LWC', () => {
  let problems: Problem[];
  beforeAll(async () => {
    const report = await verifyFixture('lwc-broken', ['lwc']);
    expect(report.ok).toBe(false);
    problems = problemsOf(report);
  });

  it('fails an ESLint LWC rule violation on its line', () => {
    expectProblem(problems, 'lwc/unsafeHtml/unsafeHtml.js', 7, /@lwc\/lwc\/no-inner-html/);
  });

  it('fails a bundle without js-meta.xml', () => {
    expectProblem(problems, 'lwc/noMeta/noMeta.js', 1, /LWC noMeta has no noMeta.js-meta.xml/);
  });

  it('fails a bundle without a jest test', () => {
    expectProblem(problems, 'lwc/noMeta/noMeta.js', 1, /LWC noMeta has no jest test/);
    expect(problems.some((p) => /unsafeHtml has no jest test/.test(p.message))).toBe(false);
  });
});
