// What `dedup --apply` and `dedup undo` share: the org client they need, the append-only JSON-lines log (one line
// per call and per record outcome), the idempotency keys derived from it, and how a failed call is classified.
import { appendFileSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { ReportError } from '../db.ts';
import type { FieldValue } from '../../rules/types.ts';
import {
  apexRest,
  describeFields,
  httpFor,
  OrgApiError,
  query,
  resolveOrg,
  retryReason,
} from '../../org/index.ts';
import { orgName } from '../../secrets.ts';

export const MERGE_PATH = '/revops/merge';
export const RESTORE_PATH = '/revops/merge/restore';

/** The narrow org interface dedup needs: the Apex REST calls, and a REST query to read records by Id. */
export interface OrgClient {
  apexRest(method: 'POST', path: string, body: unknown): Promise<unknown>;
  query?(soql: string): Promise<Array<Record<string, unknown>>>;
  describe?(object: string): Promise<Array<{ name: string; type: string }>>;
  /** How the org is named in output and files (username or instance URL; never an access token). */
  label?: string;
}
/** @deprecated the name before OrgClient */
export type ApexRestClient = OrgClient;

/** The org behind -o (alias, username or access token), as an OrgClient. */
export async function connectOrg(org: string, progress: (m: string) => void): Promise<OrgClient> {
  const { session, connection } = await resolveOrg(org);
  const http = httpFor(connection, {
    onRetry: (r) => progress(`  retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)}s (${r.reason})`),
  });
  return {
    apexRest: (method, path, body) => apexRest(http, method, path, body),
    query: (soql) => query<Record<string, unknown>>(http, soql),
    describe: (object) => describeFields(http, object),
    label: orgName(org, session),
  };
}

export interface MergeCall {
  cluster: number;
  object: string;
  masterId: string;
  mergedIds: string[];
  /** Winning values to set on the master (only fields whose value differs from the master's). */
  fields: Record<string, FieldValue>;
}

/** One record's part in a merge call. */
export interface RecordOutcome {
  id: string;
  role: 'master' | 'merged';
  snapshotId?: string;
  fieldsSet?: Record<string, unknown>;
}

/**
 * One line of the log. kind "run" (first line: the run id the idempotency keys derive from), "merge" (one per
 * merge call: planned, done with per-record outcomes, or failed), "restore" (one per merged record: done with the
 * new Id mapped from the old, not-merged, or failed).
 */
export interface LogEntry {
  at: string;
  kind: 'run' | 'merge' | 'restore';
  status?: 'planned' | 'done' | 'failed' | 'not-merged';
  runId?: string;
  object?: string;
  org?: string;
  /** The idempotency key this call was sent with. */
  key?: string;
  call?: MergeCall;
  records?: RecordOutcome[];
  /** True when the org answered from an earlier call with the same key (its first answer was lost). */
  replayed?: boolean;
  response?: unknown;
  error?: string;
  /** Restore: the merge it undoes, the record, and the record that replaces it. */
  mergeKey?: string;
  mergedId?: string;
  masterId?: string;
  restoredId?: string;
  snapshotId?: string;
  masterFieldsRestored?: string[];
  note?: string;
}

export function readLog(file: string): LogEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as LogEntry;
      } catch {
        throw new ReportError(`Log ${file} line ${i + 1} is not JSON.`, [
          'The log is append-only JSON lines; remove the damaged line and rerun.',
        ]);
      }
    });
}

export function appendLog(file: string, entry: Omit<LogEntry, 'at'>): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  appendFileSync(file, JSON.stringify({ at: new Date().toISOString(), ...entry }) + '\n');
}

/** The log's run id, written on its first line the first time; every idempotency key derives from it. */
export function runIdOf(
  log: string,
  entries: LogEntry[],
  first: Omit<LogEntry, 'at' | 'kind' | 'runId'>,
): string {
  const existing = entries.find((e) => e.kind === 'run')?.runId;
  if (existing) return existing;
  const runId = randomBytes(6).toString('hex');
  appendLog(log, { kind: 'run', runId, ...first });
  return runId;
}

export const callKey = (c: MergeCall): string => `${c.object}:${c.masterId}:${c.mergedIds.join(',')}`;

/** The merge call's idempotency key: the same call of the same log always sends the same key. */
export const mergeKeyOf = (runId: string, c: MergeCall): string =>
  `${runId}-${createHash('sha256').update(callKey(c)).digest('hex').slice(0, 24)}`;

/** The restore's idempotency key, one per merged record of a merge. */
export const restoreKeyOf = (mergeKey: string, mergedId: string): string => `${mergeKey}/undo/${mergedId}`;

export interface Failure {
  message: string;
  /** The org's error code (INVALID_SESSION_ID, ALREADY_RESTORED, ...). */
  code: string | null;
  status: number | null;
  /** Why the whole run must stop here (nothing after it can succeed), or null to go on with the next call. */
  stop: string | null;
}

/** A 401 (session expired, revoked or an invalid token), an org that stopped answering or a long rate limit stop the run. */
export function failureOf(e: unknown): Failure {
  const err = e as Error & { status?: number; errorCode?: string | null };
  const status = typeof err.status === 'number' ? err.status : null;
  const code = err.errorCode ?? null;
  const message = err.message ?? String(e);
  let stop: string | null = null;
  if (status === 401)
    stop =
      'The org refused the session (401): it expired, was revoked, or the token is not valid. Nothing was sent after it.';
  else if (code === 'RETRY_AFTER_TOO_LONG' || code === 'REQUEST_LIMIT_EXCEEDED')
    stop = 'The org is rate-limiting this user; nothing was sent after it.';
  else if (!(e instanceof OrgApiError) && retryReason(e) !== null)
    stop = 'The org stopped answering (network errors after every retry); nothing was sent after it.';
  return { message, code, status, stop };
}

/** The actions that go with a stop reason, for the summary. */
export function stopActions(failure: Failure, rerun: string): string[] {
  return [
    ...(failure.status === 401
      ? ['Log in again (sf org login web --alias <alias>) or get a new access token, then']
      : []),
    `rerun: ${rerun}`,
  ];
}

/** Up to `max` lines, then how many more there are. */
export function capped(lines: string[], max = 20): string[] {
  return lines.length > max
    ? [...lines.slice(0, max), `  ... and ${lines.length - max} more (see the log)`]
    : lines;
}
