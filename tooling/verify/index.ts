import { isAbsolute, relative, resolve } from 'node:path';
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
  asPolicy,
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
  /**
   * Apply this project's house policy too (PMD, LWC style and jest tests, one API version ...). Default: true
   * for a tree inside repoDir (our force-app and the test fixtures), false for another project's tree.
   */
  policy?: boolean;
}

/** Checks that are house policy only: skipped when the policy is not applied. */
const POLICY_CHECKS: ReadonlySet<CheckName> = new Set(['pmd']);

export interface VerifyReport {
  root: string;
  ok: boolean;
  /** whether house policy was applied (else deployability only) */
  policy: boolean;
  errors: number;
  /** errors the org would reject (the rest of `errors` are house policy) */
  deployErrors: number;
  policyErrors: number;
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
  const inside = relative(repoDir, root);
  const policy = options.policy ?? !(inside.startsWith('..') || isAbsolute(inside));
  const wanted = new Set((options.only ?? CHECKS).filter((c) => policy || !POLICY_CHECKS.has(c)));
  const t0 = performance.now();
  let schema: ReturnType<typeof loadProjectSchema> | undefined;
  const getSchema = (): ReturnType<typeof loadProjectSchema> => (schema ??= loadProjectSchema(root, repoDir));
  const runners: Record<CheckName, () => Problem[] | Promise<Problem[]>> = {
    deploy: () => checkDeployability(input, getSchema()),
    apex: () => checkApexSemantics(input, getSchema),
    'apex-schema': () => checkApexSchema(input, getSchema()),
    pmd: () => checkPmd(input),
    formula: () => [
      ...checkFormulas(input, getSchema()),
      ...checkConfigDrift(input, getSchema()).map(asPolicy), // drift from our own config records
    ],
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
  if (!policy) for (const r of all) r.problems = r.problems.filter((p) => p.kind !== 'policy');
  for (const c of options.only ?? CHECKS) {
    if (!wanted.has(c))
      all.push({ check: c, problems: [], ms: 0, skipped: 'house policy: --policy runs it on this tree' });
  }
  const results = CHECKS.flatMap((c) => all.filter((r) => r.check === c));
  const problems = results.flatMap((r) => r.problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const policyErrors = problems.filter((p) => p.severity === 'error' && p.kind === 'policy').length;
  return {
    root,
    ok: errors === 0,
    policy,
    errors,
    deployErrors: errors - policyErrors,
    policyErrors,
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

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The terminal report: deployability problems, then house-policy problems under their own heading, one
 * summary line per check (errors, of which house policy) and a verdict.
 */
export function renderReport(report: VerifyReport, cwd = process.cwd()): string {
  const all = report.results.flatMap((r) => r.problems);
  const lines = all.filter((p) => p.kind !== 'policy').map((p) => formatProblem(p, cwd));
  const policy = all.filter((p) => p.kind === 'policy');
  if (policy.length) {
    if (lines.length) lines.push('');
    lines.push("house policy (this project's own rules, not deployability):");
    lines.push(...policy.map((p) => formatProblem(p, cwd)));
  }
  if (lines.length) lines.push('');
  const scope = report.policy
    ? 'deployability + house policy'
    : 'deployability only; --policy adds house policy';
  lines.push(`verify ${relative(cwd, report.root) || '.'} (${scope}):`);
  const width = Math.max(...report.results.map((r) => r.check.length));
  for (const r of report.results) {
    if (r.skipped) {
      lines.push(`  ${r.check.padEnd(width)}  ${'skipped'.padEnd(24)} ${''.padStart(6)}  ${r.skipped}`);
      continue;
    }
    const errors = r.problems.filter((p) => p.severity === 'error');
    const ofPolicy = errors.filter((p) => p.kind === 'policy').length;
    const warnings = r.problems.length - errors.length;
    const status = errors.length
      ? plural(errors.length, 'error') + (ofPolicy && ofPolicy < errors.length ? ` (${ofPolicy} policy)` : '')
      : 'ok';
    const warn = warnings ? `, ${plural(warnings, 'warning')}` : '';
    lines.push(
      `  ${r.check.padEnd(width)}  ${(status + warn).padEnd(24)} ${seconds(r.ms).padStart(6)}  ${CHECK_TITLES[r.check]}`,
    );
  }
  const ran = report.results.filter((r) => !r.skipped).length;
  const split = report.policy
    ? ` (deployability ${report.deployErrors}, house policy ${report.policyErrors})`
    : '';
  lines.push(
    report.ok
      ? `PASS: ${ran} checks, 0 errors (${seconds(report.ms)})`
      : `FAIL: ${plural(report.errors, 'error')}${split} (${seconds(report.ms)})`,
  );
  return lines.join('\n');
}

/** The --json payload: problems with repo-relative paths. */
export function reportJson(report: VerifyReport, cwd = process.cwd()): unknown {
  return {
    ok: report.ok,
    root: relative(cwd, report.root) || '.',
    policy: report.policy,
    errors: report.errors,
    deployErrors: report.deployErrors,
    policyErrors: report.policyErrors,
    warnings: report.warnings,
    ms: report.ms,
    checks: report.results.map((r) => ({
      check: r.check,
      ms: r.ms,
      ...(r.skipped ? { skipped: r.skipped } : {}),
      errors: r.problems.filter((p) => p.severity === 'error').length,
      problems: r.problems.map((p) => ({
        ...p,
        kind: p.kind ?? 'deploy',
        file: p.file ? relative(cwd, p.file) : '',
      })),
    })),
  };
}
