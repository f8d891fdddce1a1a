import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles } from './files.ts';
import { runJava } from './java.ts';
import type { CheckInput, Problem } from './types.ts';

interface PmdResults {
  violations: { rule: string; message: string; codeLocation: { file: string; startLine: number } }[];
  processingErrors: { file: string; message: string; detail?: string }[];
}

/** Every Apex source file under root. */
export function apexFiles(root: string): string[] {
  return listFiles(root).filter((f) => f.endsWith('.cls') || f.endsWith('.trigger'));
}

/**
 * PMD 7 Apex rules from config/pmd/ruleset.xml over every class and trigger, through the PMD runner that
 * ships in the same jars (com.salesforce.sfca.pmdwrapper.PmdWrapper: the pmd-cli jar is not included).
 * Every finding is house policy (assertion messages, unused variables, CRUD style ...): Salesforce deploys
 * code PMD flags, and apex-ls reports what would not compile.
 */
export async function checkPmd(
  input: CheckInput,
  ruleset = join(input.repoDir, 'config', 'pmd', 'ruleset.xml'),
): Promise<Problem[]> {
  const files = apexFiles(input.root);
  if (files.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'revops-pmd-'));
  try {
    const inFile = join(dir, 'input.json');
    const outFile = join(dir, 'results.json');
    writeFileSync(
      inFile,
      JSON.stringify({ ruleSetInputFile: ruleset, runDataPerLanguage: { apex: { filesToScan: files } } }),
    );
    const run = await runJava(input.repoDir, 'com.salesforce.sfca.pmdwrapper.PmdWrapper', [
      'run',
      inFile,
      outFile,
    ]);
    let results: PmdResults;
    try {
      results = JSON.parse(readFileSync(outFile, 'utf8')) as PmdResults;
    } catch {
      return [
        {
          check: 'pmd',
          file: ruleset,
          line: 1,
          severity: 'error',
          message: `PMD failed (exit ${run.code}): ${(run.stderr || run.stdout).trim().slice(-800)}`,
        },
      ];
    }
    return [
      ...results.violations.map((v): Problem => ({
        check: 'pmd',
        file: v.codeLocation.file,
        line: v.codeLocation.startLine,
        severity: 'error',
        message: `${v.rule}: ${v.message}`,
        kind: 'policy',
      })),
      ...results.processingErrors.map((e): Problem => ({
        check: 'pmd',
        file: e.file,
        line: 1,
        severity: 'error',
        message: `PMD could not process the file: ${e.message}`,
        kind: 'policy',
      })),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
