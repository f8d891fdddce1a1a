import type { BuildResult } from '../lib/snapshot/build.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildOrgSnapshot, resumePath } from '../lib/snapshot/fromOrg.ts';
import { httpFor, resolveSessionIsolated } from '../lib/org/connect.ts';
import { intFlag } from './format.ts';

/** `snapshot -o ORG`: Bulk API 2.0 pull of every snapshot object; Ctrl-C stops and a re-run resumes. */
export interface OrgPullOptions {
  progress(message: string): void;
  /** --max-records as typed. */
  maxRecords: string | undefined;
  restart: boolean;
}

export async function snapshotFromOrg(
  ctx: OrgPullOptions,
  org: string,
  out: string | undefined,
  dir: string,
): Promise<BuildResult> {
  // Bulk API 2.0 maxRecords per results page: checked before the org is contacted (a NaN pulled 0 rows)
  const maxRecords = intFlag({ 'max-records': ctx.maxRecords }, 'max-records', {
    min: 1,
    max: 1_000_000,
    example: 50_000,
  });
  const session = await resolveSessionIsolated(org);
  const http = httpFor(session, {
    onRetry: (r) => ctx.progress(`  retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)}s (${r.reason})`),
  });
  const file = out ?? defaultOut(dir, session.orgId ?? 'unknown', ctx.restart);
  ctx.progress(
    `Pulling from ${session.instanceUrl} (org ${session.orgId ?? '?'}) with Bulk API 2.0 into ${file} ...`,
  );
  const abort = new AbortController();
  const onSigint = (): void => {
    ctx.progress('Stopping after the current batch; run the same command again to resume.');
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    return await buildOrgSnapshot({
      out: file,
      http,
      restart: ctx.restart,
      maxRecords,
      signal: abort.signal,
      progress: ctx.progress,
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * The snapshot file when --out is not given: today's `org-<orgId>-<date>.duckdb` in `dir`, unless an interrupted pull
 * of the same org left a resumable one (its .partial and resume file): that one, so the same command run again after
 * midnight (UTC) still resumes instead of starting over. --restart always takes today's.
 */
export function defaultOut(dir: string, orgId: string, restart: boolean, now = new Date()): string {
  const today = join(dir, `org-${orgId}-${now.toISOString().slice(0, 10)}.duckdb`);
  if (restart || !existsSync(dir)) return today;
  const resumable = readdirSync(dir)
    .filter((f) => f.startsWith(`org-${orgId}-`) && f.endsWith('.duckdb.partial'))
    .map((f) => join(dir, f.slice(0, -'.partial'.length)))
    .filter((f) => existsSync(resumePath(f)))
    .sort();
  return resumable.at(-1) ?? today;
}
