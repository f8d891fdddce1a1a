import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../tooling/verify/index.ts';
import { readZipEntry, zipEntries } from '../../../tooling/verify/sobjectTypes.ts';
import { REPO, expectProblem, problemsOf, verifyFixture } from './helpers.ts';

describe('verify: PMD static analysis', () => {
  let problems: Problem[];
  beforeAll(async () => {
    const report = await verifyFixture('pmd-broken', ['pmd']);
    expect(report.ok).toBe(false);
    problems = problemsOf(report);
  });

  it('fails a class that declares no sharing', () => {
    expectProblem(problems, 'classes/NoteJanitor.cls', 1, /ApexSharingViolations/);
  });

  it('fails SOQL and DML inside a loop', () => {
    expectProblem(problems, 'classes/NoteJanitor.cls', 4, /OperationWithLimitsInLoop/);
    expectProblem(problems, 'classes/NoteJanitor.cls', 5, /OperationWithLimitsInLoop/);
  });

  it('fails a query without user mode or a CRUD check', () => {
    expectProblem(problems, 'classes/NoteJanitor.cls', 4, /ApexCRUDViolation: Validate CRUD permission/);
  });

  it('fails dynamic SOQL built from an unescaped parameter', () => {
    expectProblem(problems, 'classes/NoteJanitor.cls', 8, /ApexSOQLInjection/);
  });

  it('fails an empty catch block', () => {
    expectProblem(problems, 'classes/NoteJanitor.cls', 11, /EmptyCatchBlock/);
  });

  it('keeps the ruleset on security, performance, error-prone and best-practice rules, documenting each exclusion', () => {
    const ruleset = readFileSync(resolve(REPO, 'config', 'pmd', 'ruleset.xml'), 'utf8');
    for (const cat of ['security', 'performance', 'errorprone', 'bestpractices']) {
      expect(ruleset).toContain(`category/apex/${cat}.xml`);
    }
    for (const m of ruleset.matchAll(/<exclude name="(\w+)"/g)) {
      expect(ruleset, `exclusion of ${m[1]} needs a reason comment`).toMatch(new RegExp(`${m[1]}:`));
    }
  });
});

describe('verify: PMD ruleset', () => {
  it('names only rules that exist in the bundled PMD (pmd-apex 7.26 category files)', () => {
    const libDir = resolve(REPO, 'node_modules/@salesforce/code-analyzer-pmd-engine/dist/java-lib');
    const jar = readdirSync(libDir).find((f) => /^pmd-apex-7\.\d+\.\d+\.jar$/.test(f)) ?? '';
    const buf = readFileSync(resolve(libDir, jar));
    const entries = zipEntries(buf);
    const ruleset = readFileSync(resolve(REPO, 'config', 'pmd', 'ruleset.xml'), 'utf8');
    for (const ref of ruleset.matchAll(
      /<rule ref="(category\/apex\/\w+\.xml)">([\s\S]*?)<\/rule>|<rule ref="(category\/apex\/\w+\.xml)" \/>/g,
    )) {
      const file = ref[1] ?? ref[3];
      const entry = entries.get(file);
      expect(entry, `${file} in ${jar}`).toBeDefined();
      const category = readZipEntry(buf, entry as NonNullable<typeof entry>).toString('utf8');
      for (const ex of (ref[2] ?? '').matchAll(/<exclude name="(\w+)"/g)) {
        expect(category, `${ex[1]} is a rule of ${file}`).toContain(`<rule name="${ex[1]}"`);
      }
    }
    // PMD 7 replaced AvoidSoqlInLoops/AvoidDmlStatementsInLoops with OperationWithLimitsInLoop
    const performance = readZipEntry(
      buf,
      entries.get('category/apex/performance.xml') as NonNullable<ReturnType<typeof entries.get>>,
    ).toString('utf8');
    expect(performance).toContain('<rule name="OperationWithLimitsInLoop"');
  });
});
