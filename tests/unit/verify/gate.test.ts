import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, renderReport } from '../../../tooling/verify/index.ts';
import { REPO, fixture, problemsOf, verifyFixture } from './helpers.ts';

describe('verify: the gate', () => {
  it('passes a correct tree on every check (SDR, apex-ls, SOQL fields, PMD, formulas, LWC)', async () => {
    const report = await verifyFixture('good', [...CHECKS]);
    expect(problemsOf(report).map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.check)).toEqual([...CHECKS]);
    const text = renderReport(report, REPO);
    for (const c of CHECKS) expect(text).toMatch(new RegExp(`^  ${c}\\s+ok\\s+\\d+\\.\\ds`, 'm'));
    expect(text.split('\n').at(-1)).toMatch(/^PASS: 6 checks, 0 errors/);
  });

  it('exits 1 and prints path:line: [check] message plus a summary line per check when a check fails', () => {
    const run = spawnSync(
      process.execPath,
      [
        resolve(REPO, 'node_modules/tsx/dist/cli.mjs'),
        'tooling/verify.ts',
        '--root',
        fixture('formula-broken'),
        '--only',
        'formula',
      ],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /^tests\/fixtures\/verify\/formula-broken\/force-app\/main\/default\/objects\/Opportunity\/validationRules\/Unknown_Function\.validationRule-meta\.xml:6: \[formula\] .*ISBLANKK/m,
    );
    expect(run.stdout).toMatch(/^  formula\s+10 errors\s+\d+\.\ds/m);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^FAIL: 10 errors/);
  });

  it('--json gives a machine-readable report with the same problems', () => {
    const run = spawnSync(
      process.execPath,
      [
        resolve(REPO, 'node_modules/tsx/dist/cli.mjs'),
        'tooling/verify.ts',
        fixture('formula-broken'),
        '--only',
        'formula',
        '--json',
      ],
      {
        cwd: REPO,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as {
      ok: boolean;
      checks: { check: string; errors: number; problems: { file: string; line: number }[] }[];
    };
    expect(json.ok).toBe(false);
    expect(json.checks[0]).toMatchObject({ check: 'formula', errors: 10 });
    expect(json.checks[0].problems).toContainEqual(
      expect.objectContaining({
        file: 'tests/fixtures/verify/formula-broken/force-app/main/default/workflows/Opportunity.workflow-meta.xml',
        line: 6,
        severity: 'error',
      }),
    );
  });

  it('fails on house policy inside this repository, under its own heading; --no-policy skips it', () => {
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          resolve(REPO, 'node_modules/tsx/dist/cli.mjs'),
          'tooling/verify.ts',
          '--root',
          fixture('pmd-broken'),
          ...args,
        ],
        { cwd: REPO, encoding: 'utf8' },
      );
    const withPolicy = cli('--only', 'pmd');
    expect(withPolicy.status).toBe(1);
    expect(withPolicy.stdout).toMatch(/^house policy \(this project's own rules, not deployability\):$/m);
    expect(withPolicy.stdout.trim().split('\n').at(-1)).toMatch(
      /^FAIL: \d+ errors \(deployability 0, house policy \d+\)/,
    );
    const without = cli('--only', 'pmd', '--no-policy');
    expect(without.status).toBe(0);
    expect(without.stdout).toMatch(/^ {2}pmd\s+skipped\s+house policy/m);
  });

  it('rejects an unknown check name with exit code 2', () => {
    const run = spawnSync(
      process.execPath,
      [resolve(REPO, 'node_modules/tsx/dist/cli.mjs'), 'tooling/verify.ts', '--only', 'nope'],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unknown check\(s\): nope/);
  });
});
