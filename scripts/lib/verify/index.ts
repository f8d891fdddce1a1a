import { relative, resolve } from 'node:path';
import { checkApexSemantics } from './apexls.ts';
import { checkApexSchema } from './apexSchema.ts';
import { checkConfigDrift } from './configDrift.ts';
import { checkDeployability } from './deploy.ts';
import { checkFormulas } from './formulas.ts';
import { checkLwc } from './lwc.ts';
import { MISSED_CHECKS } from './missed.ts';
import { checkPmd } from './pmd.ts';
import { loadProjectSchema } from './schema.ts';
import {
  CHECKS,
  CHECK_TITLES,
  type CheckInput,
  type CheckName,
  type CheckResult,
  type Problem,
} from './types.ts';

export { CHECKS, CHECK_TITLES } from './types.ts';
export type { CheckInput, CheckName, CheckResult, Problem } from './types.ts';

export interface VerifyOptions {
  /** source root to check (default: <repoDir>/force-app) */
  root?: string;
  /** repository folder: config/pmd/ruleset.xml, eslint.config.js, node_modules (default: cwd) */
  repoDir?: string;
  /** run only these checks (default: all) */
  only?: CheckName[];
}

export interface VerifyReport {
  root: string;
  ok: boolean;
  errors: number;
  warnings: number;
  ms: number;
  results: CheckResult[];
}

async function timed(check: CheckName, run: () => Problem[] | Promise<Problem[]>): Promise<CheckResult> {
  const t0 = performance.now();
  let problems: Problem[];
  try {
    problems = await run();
  } catch (err) {
    problems = [
      {
        check,
        file: '',
        line: 1,
        severity: 'error',
        message: `check could not run: ${err instanceof Error ? err.message : String(err)}`,
      },
    ];
  }
  problems.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.message.localeCompare(b.message),
  );
  return { check, problems, ms: Math.round(performance.now() - t0) };
}

/** Run the verification gate over a source tree. Java checks (apex-ls, PMD) run in parallel with the rest. */
export async function runVerify(options: VerifyOptions = {}): Promise<VerifyReport> {
  const repoDir = resolve(options.repoDir ?? process.cwd());
  const root = resolve(options.root ?? resolve(repoDir, 'force-app'));
  const input: CheckInput = { root, repoDir };
  const wanted = new Set(options.only ?? CHECKS);
  const t0 = performance.now();
  let schema: ReturnType<typeof loadProjectSchema> | undefined;
  const getSchema = (): ReturnType<typeof loadProjectSchema> => (schema ??= loadProjectSchema(root, repoDir));
  const runners: Record<CheckName, () => Problem[] | Promise<Problem[]>> = {
    deploy: () => checkDeployability(input, getSchema()),
    apex: () => checkApexSemantics(input),
    'apex-schema': () => checkApexSchema(input, getSchema()),
    pmd: () => checkPmd(input),
    formula: () => [...checkFormulas(input, getSchema()), ...checkConfigDrift(input, getSchema())],
    lwc: () => checkLwc(input, getSchema()),
  };
  // the checks for mistakes the gate used to miss (issue 14), appended to their check
  for (const c of Object.keys(MISSED_CHECKS) as CheckName[]) {
    const [base, extra] = [runners[c], MISSED_CHECKS[c]!];
    runners[c] = async () => [...(await base()), ...extra(input, getSchema())];
  }
  // start the two java processes first, then do the in-process checks while they run
  const javaChecks = (['apex', 'pmd'] as const).filter((c) => wanted.has(c)).map((c) => timed(c, runners[c]));
  const local: CheckResult[] = [];
  for (const c of CHECKS.filter((x) => wanted.has(x) && x !== 'apex' && x !== 'pmd'))
    local.push(await timed(c, runners[c]));
  const all = [...local, ...(await Promise.all(javaChecks))];
  const results = CHECKS.flatMap((c) => all.filter((r) => r.check === c));
  const problems = results.flatMap((r) => r.problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    root,
    ok: errors === 0,
    errors,
    warnings: problems.length - errors,
    ms: Math.round(performance.now() - t0),
    results,
  };
}

/** `path:line: [check] message` with the path relative to `cwd`. */
export function formatProblem(p: Problem, cwd = process.cwd()): string {
  const path = p.file ? relative(cwd, p.file) || p.file : '(gate)';
  return `${path}:${p.line}: [${p.check}]${p.severity === 'warning' ? ' warning:' : ''} ${p.message}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** The terminal report: every problem, then one summary line per check and a verdict. */
export function renderReport(report: VerifyReport, cwd = process.cwd()): string {
  const lines = report.results.flatMap((r) => r.problems.map((p) => formatProblem(p, cwd)));
  if (lines.length) lines.push('');
  lines.push(`verify ${relative(cwd, report.root) || '.'}:`);
  const width = Math.max(...report.results.map((r) => r.check.length));
  for (const r of report.results) {
    const errors = r.problems.filter((p) => p.severity === 'error').length;
    const warnings = r.problems.length - errors;
    const status = errors ? `${errors} error${errors === 1 ? '' : 's'}` : 'ok';
    const warn = warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
    lines.push(
      `  ${r.check.padEnd(width)}  ${(status + warn).padEnd(24)} ${seconds(r.ms).padStart(6)}  ${CHECK_TITLES[r.check]}`,
    );
  }
  lines.push(
    report.ok
      ? `PASS: ${report.results.length} checks, 0 errors (${seconds(report.ms)})`
      : `FAIL: ${report.errors} error${report.errors === 1 ? '' : 's'} (${seconds(report.ms)})`,
  );
  return lines.join('\n');
}

/** The --json payload: problems with repo-relative paths. */
export function reportJson(report: VerifyReport, cwd = process.cwd()): unknown {
  return {
    ok: report.ok,
    root: relative(cwd, report.root) || '.',
    errors: report.errors,
    warnings: report.warnings,
    ms: report.ms,
    checks: report.results.map((r) => ({
      check: r.check,
      ms: r.ms,
      errors: r.problems.filter((p) => p.severity === 'error').length,
      problems: r.problems.map((p) => ({ ...p, file: p.file ? relative(cwd, p.file) : '' })),
    })),
  };
}
