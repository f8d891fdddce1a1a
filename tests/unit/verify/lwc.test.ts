import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../tooling/verify/index.ts';
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

  it('fails an Apex import of a class that does not exist or a method that is not @AuraEnabled', () => {
    const file = 'lwc/badRefs/badRefs.js';
    expectProblem(problems, file, 3, /NotesController has no static @AuraEnabled method helper/);
    expectProblem(problems, file, 4, /no Apex class GhostController in the tree/);
    expect(problems.some((p) => p.line === 2 && p.file.endsWith(file))).toBe(false);
  });

  it('fails schema, label and component imports the tree cannot satisfy', () => {
    const file = 'lwc/badRefs/badRefs.js';
    expectProblem(
      problems,
      file,
      6,
      /@salesforce\/schema\/Opportunity.Margin__c: No field 'Margin__c' on Opportunity/,
    );
    expectProblem(problems, file, 7, /no custom label Missing_Label/);
    expectProblem(problems, file, 8, /c\/noSuchThing: no LWC bundle/);
    expect(problems.some((p) => p.line === 5 && p.file.endsWith(file))).toBe(false);
  });
});
