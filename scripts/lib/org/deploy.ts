// Metadata deploy through @salesforce/source-deploy-retrieve (SOAP Metadata API deploy + checkDeployStatus),
// with progress, component failures as file:line:col: problem, and sf-style exit codes.
import { relative } from 'node:path';
import type { Connection } from '@salesforce/core';
import type { FileResponse } from '@salesforce/source-deploy-retrieve';

export type TestLevel = 'NoTestRun' | 'RunLocalTests' | 'RunSpecifiedTests' | 'RunAllTestsInOrg';
export const TEST_LEVELS: readonly TestLevel[] = [
  'NoTestRun',
  'RunLocalTests',
  'RunSpecifiedTests',
  'RunAllTestsInOrg',
];

/** sf's exit codes: 0 success, 1 failure, 68 partial success, 69 still in progress when the wait ended. */
export const EXIT = { ok: 0, failed: 1, partial: 68, inProgress: 69 } as const;

export interface DeployOptions {
  connection: Connection;
  /** Source folders (or files) to deploy; default force-app. */
  paths: string[];
  checkOnly: boolean;
  testLevel?: TestLevel;
  runTests?: string[];
  waitMinutes: number;
  /** Status poll interval (ms). */
  pollMs?: number;
  onProgress?(message: string): void;
}

export interface DeployProblem {
  file: string | null;
  line: number | null;
  column: number | null;
  type: string;
  fullName: string;
  problem: string;
  problemType: 'Error' | 'Warning';
}

export interface DeployOutcome {
  id: string | null;
  status: string;
  checkOnly: boolean;
  success: boolean;
  componentsTotal: number;
  componentsDeployed: number;
  componentErrors: number;
  problems: DeployProblem[];
  exitCode: number;
}

export function formatProblem(p: DeployProblem): string {
  const where = p.file
    ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`
    : `${p.type} ${p.fullName}`;
  return `${where}: ${p.problemType === 'Warning' ? 'warning: ' : ''}${p.problem} (${p.type} ${p.fullName})`;
}

function problemsOf(files: FileResponse[]): DeployProblem[] {
  const out: DeployProblem[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    if (f.state !== 'Failed' && !('problemType' in f && f.problemType === 'Warning')) continue;
    const r = f as FileResponse & {
      error?: string;
      lineNumber?: number;
      columnNumber?: number;
      problemType?: 'Error' | 'Warning';
    };
    const p: DeployProblem = {
      file: f.filePath ? relative(process.cwd(), f.filePath) : null,
      line: r.lineNumber ?? null,
      column: r.columnNumber ?? null,
      type: f.type,
      fullName: f.fullName,
      problem: (r.error ?? 'failed').replace(/ \(\d+:\d+\)$/, ''), // SDR appends (line:col); we print it up front
      problemType: r.problemType ?? 'Error',
    };
    const key = `${p.type}:${p.fullName}:${p.line}:${p.problem}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

export async function deploySource(opts: DeployOptions): Promise<DeployOutcome> {
  const progress = opts.onProgress ?? (() => {});
  // loaded here, not at module load: SDR is large and only deploys need it
  const { ComponentSet, RequestStatus } = await import('@salesforce/source-deploy-retrieve');
  const set = ComponentSet.fromSource(opts.paths);
  const size = set.size;
  progress(
    `${opts.checkOnly ? 'Validating (check-only deploy of)' : 'Deploying'} ${size} components from ${opts.paths.join(', ')} ...`,
  );
  const deploy = await set.deploy({
    usernameOrConnection: opts.connection,
    apiOptions: {
      checkOnly: opts.checkOnly,
      rollbackOnError: true,
      ...(opts.testLevel ? { testLevel: opts.testLevel } : {}),
      ...(opts.runTests?.length ? { runTests: opts.runTests } : {}),
    },
  });
  let last = '';
  deploy.onUpdate((s) => {
    const line = `  ${s.status}: ${s.numberComponentsDeployed}/${s.numberComponentsTotal} components${s.numberComponentErrors ? `, ${s.numberComponentErrors} errors` : ''}${s.numberTestsTotal ? `, tests ${s.numberTestsCompleted}/${s.numberTestsTotal}` : ''}${s.stateDetail ? ` (${s.stateDetail})` : ''}`;
    if (line !== last) progress(line);
    last = line;
  });
  try {
    const result = await deploy.pollStatus(
      opts.pollMs ?? 1000,
      Math.max(1, Math.round(opts.waitMinutes * 60)),
    );
    const r = result.response;
    const status = String(r.status);
    const exitCode =
      status === RequestStatus.Succeeded
        ? EXIT.ok
        : status === RequestStatus.SucceededPartial
          ? EXIT.partial
          : EXIT.failed;
    return {
      id: r.id,
      status,
      checkOnly: String(r.checkOnly) === 'true',
      success: String(r.success) === 'true',
      componentsTotal: Number(r.numberComponentsTotal),
      componentsDeployed: Number(r.numberComponentsDeployed),
      componentErrors: Number(r.numberComponentErrors),
      problems: problemsOf(result.getFileResponses()),
      exitCode,
    };
  } catch (e) {
    const err = e as Error;
    if (/timed? ?out|timeout/i.test(`${err.name} ${err.message}`)) {
      return {
        id: deploy.id ?? null,
        status: 'InProgress',
        checkOnly: opts.checkOnly,
        success: false,
        componentsTotal: size,
        componentsDeployed: 0,
        componentErrors: 0,
        problems: [],
        exitCode: EXIT.inProgress,
      };
    }
    throw e;
  }
}
