import { runJava } from './java.ts';
import type { CheckInput, Problem } from './types.ts';
import { tempWorkspace } from './workspace.ts';

interface ApexLsMessage {
  start: { line: number; offset: number };
  category: string;
  message: string;
}
interface ApexLsOutput {
  files: { path: string; messages: ApexLsMessage[] }[];
}

/** apex-ls categories that fail the gate; the rest (Warning, Unused) are printed as warnings. */
const ERROR_CATEGORIES = new Set(['Syntax', 'Error', 'Missing']);

/** Parse CheckForIssues `-f json` output into problems (paths mapped through `toSource`). */
export function parseApexLsOutput(stdout: string, toSource: (p: string) => string = (p) => p): Problem[] {
  const start = stdout.indexOf('{');
  if (start < 0) return [];
  const out = JSON.parse(stdout.slice(start)) as ApexLsOutput;
  return out.files.flatMap((f) =>
    f.messages.map((m): Problem => ({
      check: 'apex',
      file: toSource(f.path),
      line: m.start.line,
      message: `${m.category}: ${m.message}`,
      severity: ERROR_CATEGORIES.has(m.category) ? 'error' : 'warning',
    })),
  );
}

/**
 * Type-check every Apex class and trigger under root against the platform library and the tree's own
 * objects and fields, with apex-ls (`io.github.apexdevtools.apexls.CheckForIssues`).
 */
export async function checkApexSemantics(input: CheckInput): Promise<Problem[]> {
  const ws = tempWorkspace(input.root);
  try {
    const run = await runJava(input.repoDir, 'io.github.apexdevtools.apexls.CheckForIssues', [
      '-w',
      ws.dir,
      '-d',
      'warnings',
      '-f',
      'json',
      '-n',
    ]);
    // exit codes: 0 clean, 4 issues found; anything else is apex-ls failing
    if (run.code !== 0 && run.code !== 4) {
      return [
        {
          check: 'apex',
          file: input.root,
          line: 1,
          severity: 'error',
          message: `apex-ls failed (exit ${run.code}): ${(run.stderr || run.stdout).trim().slice(0, 500)}`,
        },
      ];
    }
    return parseApexLsOutput(run.stdout, ws.toSource);
  } finally {
    ws.dispose();
  }
}
