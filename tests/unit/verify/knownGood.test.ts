import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, runVerify, type Problem, type VerifyReport } from '../../../tooling/verify/index.ts';
import { REPO, expectProblem, fixture, problemsOf } from './helpers.ts';

const classes = 'known-good/force-app/main/default/classes';

describe('verify: a known-good project (what Salesforce deploys is not an error)', () => {
  let report: VerifyReport;
  let problems: Problem[];
  beforeAll(async () => {
    report = await runVerify({ root: fixture('known-good'), repoDir: REPO, policy: false });
    problems = problemsOf(report);
  });

  it('reports no deployability error on every check, and skips the house-policy-only PMD', () => {
    expect(
      problems.filter((p) => p.severity === 'error').map((p) => `${p.file}:${p.line} ${p.message}`),
    ).toEqual([]);
    expect(report).toMatchObject({ ok: true, policy: false, errors: 0, deployErrors: 0 });
    expect(report.results.find((r) => r.check === 'pmd')?.skipped).toMatch(/house policy/);
    const text = renderReport(report, REPO);
    expect(text).toMatch(/^ {2}pmd\s+skipped\s+house policy/m);
    expect(text.split('\n').at(-1)).toMatch(/^PASS: 5 checks, 0 errors/);
  });

  it("takes the API version from the root's own sfdx-project.json and accepts an older class", () => {
    // the project is at 62.0 (this repository at 66.0) and Widgets.cls-meta.xml at 60.0
    expect(problems.filter((p) => /apiVersion/.test(p.message))).toEqual([]);
  });

  it('skips what a deploy skips: .forceignore entries and files that are not metadata (jest mocks)', () => {
    expect(problems.filter((p) => /pubsub|jest-mocks/.test(p.file))).toEqual([]);
  });

  it('reads every query: comments and ALL ROWS inside the brackets, a non-BMP character before them', () => {
    expect(problems.filter((p) => p.check === 'apex-schema')).toEqual([]);
  });

  it('turns apex-ls library gaps into warnings that name the reason', () => {
    const gaps: [string, number, RegExp][] = [
      [
        'Widgets.cls',
        17,
        /'UNDEFINED' on 'System.Quiddity' \(not an error: Quiddity.UNDEFINED is a platform value/,
      ],
      [
        'Widgets.cls',
        23,
        /'cache.SessionPartition' to 'cache.Partition' \(not an error: .*extend Cache.Partition/,
      ],
      ['Widgets.cls', 25, /'cache.OrgPartition' to 'cache.Partition' \(not an error/],
      ['Widgets.cls', 38, /'System.FormulaValidationException' \(not an error: .*platform exception/],
      [
        'Widgets.cls',
        45,
        /'DataWeaveScriptResource.toUpper' \(not an error: .*from dw\/toUpper.dwl in the tree/,
      ],
      ['Widgets.cls', 48, /'DataWeaveScriptException' \(not an error/],
      ['Widgets.cls', 60, /'TriggerObjectOrEvent' on SObject 'Schema.FlowDefinitionView' \(not an error/],
      ['Widgets.cls', 70, /'SetupOwner' on SObject 'Schema.Widget_Settings__c' \(not an error/],
      ['WidgetChanges.cls', 20, /\(Object\) \(not an error: .*ChangeEventHeader field as Object/],
    ];
    for (const [file, line, message] of gaps) {
      expect(expectProblem(problems, `${classes}/${file}`, line, message).severity).toBe('warning');
    }
  });
});

describe('verify: deployability and house policy', () => {
  it('reports house policy apart, as errors, when asked on the same project', async () => {
    const report = await runVerify({
      root: fixture('known-good'),
      repoDir: REPO,
      policy: true,
      only: ['deploy', 'lwc'],
    });
    const problems = problemsOf(report);
    expect(report).toMatchObject({ ok: false, policy: true, deployErrors: 0 });
    expect(report.policyErrors).toBe(report.errors);
    const ps = 'permissionsets/Widget_Admin.permissionset-meta.xml';
    expect(expectProblem(problems, ps, 9, /Parts_Summary__c is calculated \(formula\)/).kind).toBe('policy');
    const cls = 'classes/Widgets.cls-meta.xml';
    expect(expectProblem(problems, cls, 3, /apiVersion 60.0; this project keeps .* 62.0/).kind).toBe(
      'policy',
    );
    const lwc = 'lwc/widgetList/widgetList.js';
    expect(expectProblem(problems, lwc, 1, /LWC widgetList has no jest test/).kind).toBe('policy');
    const text = renderReport(report, REPO);
    expect(text).toMatch(/^house policy \(this project's own rules, not deployability\):$/m);
    expect(text.split('\n').at(-1)).toMatch(/^FAIL: \d+ errors \(deployability 0, house policy \d+\)/);
  });

  describe('on a tree outside this repository', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'revops-known-good-'));
      cpSync(resolve(fixture('known-good'), '..'), dir, { recursive: true });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('runs deployability only by default', async () => {
      const report = await runVerify({
        root: join(dir, 'force-app'),
        repoDir: REPO,
        only: ['deploy', 'pmd'],
      });
      expect(report).toMatchObject({ ok: true, policy: false, errors: 0 });
      expect(report.results.map((r) => [r.check, r.skipped !== undefined])).toEqual([
        ['deploy', false],
        ['pmd', true],
      ]);
    });
  });
});

describe('verify: what only looks like a library gap stays an error', () => {
  let problems: Problem[];
  beforeAll(async () => {
    problems = problemsOf(
      await runVerify({ root: fixture('apex-gap-broken'), repoDir: REPO, only: ['apex', 'apex-schema'] }),
    );
  });
  const gaps = 'apex-gap-broken/force-app/main/default/classes/Gaps.cls';

  it('fails a DataWeave class with no .dwl, an unknown Quiddity value and a misspelt standard field', () => {
    for (const [line, message] of [
      [
        6,
        /No type declaration found for 'DataWeaveScriptResource.noSuchScript': add dw\/noSuchScript.dwl with its -meta.xml, or fix the script name\.$/,
      ],
      [10, /Unknown field or type 'NOT_A_CONTEXT' on 'System.Quiddity'$/],
      [14, /Unknown field 'TriggerObjectOrEvnt' on SObject 'Schema.FlowDefinitionView'$/],
    ] as const) {
      expect(expectProblem(problems, gaps, line, message).severity).toBe('error');
    }
  });

  it('checks the fields of a query that follows a character outside the BMP, on its line', () => {
    expectProblem(problems, gaps, 23, /SOQL: No field 'LeadSourc' on Lead\.$/);
  });

  it('fails a field the polymorphic Owner does not have (Owner.Type is fine)', () => {
    expectProblem(problems, gaps, 18, /No field 'NoSuchField' on User\/Group\/Name \(in Owner.NoSuchField\)/);
    expect(problems.filter((p) => p.line === 18)).toHaveLength(1);
  });
});
