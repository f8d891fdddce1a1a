import { resolve } from 'node:path';
import { expect } from 'vitest';
import { runVerify, type CheckName, type Problem, type VerifyReport } from '../../../tooling/verify/index.ts';

export const REPO = resolve(import.meta.dirname, '..', '..', '..');

/** The force-app folder of a fixture tree under tests/fixtures/verify. */
export function fixture(name: string): string {
  return resolve(REPO, 'tests', 'fixtures', 'verify', name, 'force-app');
}

export function verifyFixture(name: string, only: CheckName[]): Promise<VerifyReport> {
  return runVerify({ root: fixture(name), repoDir: REPO, only });
}

export function problemsOf(report: VerifyReport): Problem[] {
  return report.results.flatMap((r) => r.problems);
}

/** Assert one problem exists at `fileSuffix:line` whose message matches; returns it. */
export function expectProblem(
  problems: Problem[],
  fileSuffix: string,
  line: number,
  message: RegExp,
): Problem {
  const hit = problems.find((p) => p.file.endsWith(fileSuffix) && p.line === line && message.test(p.message));
  expect(
    hit,
    `expected ${fileSuffix}:${line} ${message}\ngot:\n${problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('\n')}`,
  ).toBeDefined();
  return hit as Problem;
}
