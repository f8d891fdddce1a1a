// Applying dedup clusters to an org through the Apex REST merge resource, and undoing them.
// Dry run by default. Before any merge the cluster records are written to a snapshot file; every call is
// appended to a JSON-lines log, so an interrupted run resumes where it stopped and `dedup undo` can restore.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { ReportError } from '../db.ts';
import { writeTextFile } from '../snapshot.ts';
import type { FieldValue } from '../../rules/types.ts';
import type { DedupResult } from './report.ts';
import { connectApexRest } from '../../org/index.ts';

export const MERGE_PATH = '/revops/merge';
export const RESTORE_PATH = '/revops/merge/restore';
/** Salesforce merges a master with at most two other records per call. */
export const MAX_MERGED_PER_CALL = 2;

/** The narrow org interface dedup needs: one Apex REST call. */
export interface ApexRestClient {
  apexRest(method: 'POST', path: string, body: unknown): Promise<unknown>;
}

export interface MergeCall {
  cluster: number;
  object: string;
  masterId: string;
  mergedIds: string[];
  /** Winning values to set on the master (only fields whose value differs from the master's). */
  fields: Record<string, FieldValue>;
}

export interface LogEntry {
  at: string;
  kind: 'merge' | 'restore';
  status: 'planned' | 'done' | 'failed';
  call: MergeCall;
  /** Whatever the resource returned (it names the saved snapshot used by restore). */
  response?: unknown;
  error?: string;
}

export function planMerges(result: DedupResult): MergeCall[] {
  const calls: MergeCall[] = [];
  result.clusters.forEach((c, i) => {
    const others = c.memberIds.filter((m) => m !== c.survivorId);
    const master = result.values[c.survivorId] ?? {};
    const fields: Record<string, FieldValue> = {};
    for (const [f, w] of Object.entries(c.winners))
      if (w.fromId && w.fromId !== c.survivorId && w.value !== master[f]) fields[f] = w.value;
    for (let k = 0; k < others.length; k += MAX_MERGED_PER_CALL) {
      calls.push({
        cluster: i + 1,
        object: result.object,
        masterId: c.survivorId,
        mergedIds: others.slice(k, k + MAX_MERGED_PER_CALL),
        fields: k === 0 ? fields : {},
      });
    }
  });
  return calls;
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

/** Request body of POST /services/apexrest/revops/merge (RevOpsMergeResource; dryRun must be false to merge). */
export function mergeBody(call: MergeCall): {
  object: string;
  masterId: string;
  duplicateIds: string[];
  fields: Record<string, FieldValue>;
  dryRun: false;
} {
  return {
    object: call.object,
    masterId: call.masterId,
    duplicateIds: call.mergedIds,
    fields: call.fields,
    dryRun: false,
  };
}

const callKey = (c: MergeCall): string => `${c.object}:${c.masterId}:${c.mergedIds.join(',')}`;

const client = (org: string): Promise<ApexRestClient> => connectApexRest(org);

export interface ApplyOptions {
  result: DedupResult;
  org: string;
  execute: boolean;
  log?: string;
  progress: (m: string) => void;
  /** Injected in tests; otherwise resolved from the org library. */
  rest?: ApexRestClient;
}

export interface ApplyOutcome {
  log: string;
  snapshotFile: string;
  planned: number;
  done: number;
  skipped: number;
  failed: number;
  summary: string;
}

export async function applyMerges(o: ApplyOptions): Promise<ApplyOutcome> {
  const log =
    o.log ??
    `.revops/dedup/${o.result.object.toLowerCase()}-merge-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  const snapshotFile = log.replace(/\.jsonl$/, '') + '.before.json';
  const calls = planMerges(o.result);
  // 1. the records as they are before anything changes
  const ids = [...new Set(calls.flatMap((c) => [c.masterId, ...c.mergedIds]))];
  if (!existsSync(snapshotFile))
    writeTextFile(
      snapshotFile,
      JSON.stringify(
        {
          object: o.result.object,
          org: o.org,
          takenAt: new Date().toISOString(),
          records: ids.map((id) => ({ Id: id, ...o.result.values[id] })),
        },
        null,
        2,
      ),
    );
  const previous = readLog(log);
  const done = new Set(
    previous.filter((e) => e.kind === 'merge' && e.status === 'done').map((e) => callKey(e.call)),
  );
  const planned = new Set(
    previous.filter((e) => e.kind === 'merge' && e.status === 'planned').map((e) => callKey(e.call)),
  );
  let ok = 0;
  let failed = 0;
  let skipped = 0;
  const rest = o.execute ? (o.rest ?? (await client(o.org))) : null;
  for (const call of calls) {
    if (done.has(callKey(call))) {
      skipped++;
      continue;
    }
    if (!rest) {
      if (planned.has(callKey(call))) continue; // a repeated dry run plans each call once
      appendFileSync(
        log,
        JSON.stringify({
          at: new Date().toISOString(),
          kind: 'merge',
          status: 'planned',
          call,
        } satisfies LogEntry) + '\n',
      );
      continue;
    }
    try {
      const response = await rest.apexRest('POST', MERGE_PATH, mergeBody(call));
      appendFileSync(
        log,
        JSON.stringify({
          at: new Date().toISOString(),
          kind: 'merge',
          status: 'done',
          call,
          response,
        } satisfies LogEntry) + '\n',
      );
      ok++;
    } catch (e) {
      failed++;
      appendFileSync(
        log,
        JSON.stringify({
          at: new Date().toISOString(),
          kind: 'merge',
          status: 'failed',
          call,
          error: (e as Error).message,
        } satisfies LogEntry) + '\n',
      );
      o.progress(`Merge into ${call.masterId} failed: ${(e as Error).message}`);
    }
  }
  const mode = o.execute ? 'EXECUTED' : 'DRY RUN (nothing changed; add --execute to merge)';
  const summary = [
    `Merge ${mode} on ${o.org}: ${calls.length} merge call(s) for ${o.result.clusters.length} cluster(s)`,
    `  done ${ok}, already done earlier ${skipped}, failed ${failed}`,
    `  records before merge: ${snapshotFile}`,
    `  log (resumable; undo with: revops dedup undo --log ${log} -o ${o.org}): ${log}`,
  ].join('\n');
  return { log, snapshotFile, planned: calls.length, done: ok, skipped, failed, summary };
}

export async function undoMerges(o: {
  log: string;
  org: string;
  execute: boolean;
  progress: (m: string) => void;
  rest?: ApexRestClient;
}): Promise<{ restored: number; failed: number; pending: number; summary: string }> {
  if (!existsSync(o.log))
    throw new ReportError(`Log not found: ${o.log}`, ['Pass the .jsonl log that dedup --apply printed.']);
  const entries = readLog(o.log);
  const restored = new Set(
    entries.filter((e) => e.kind === 'restore' && e.status === 'done').map((e) => callKey(e.call)),
  );
  const todo = entries
    .filter((e) => e.kind === 'merge' && e.status === 'done' && !restored.has(callKey(e.call)))
    .reverse();
  const rest = o.execute ? (o.rest ?? (await client(o.org))) : null;
  let ok = 0;
  let failed = 0;
  for (const e of todo) {
    if (!rest) continue;
    try {
      // one restore per record the merge deleted (the resource finds its Merge_Snapshot__c by that Id)
      const response = [];
      for (const mergedId of e.call.mergedIds)
        response.push(await rest.apexRest('POST', RESTORE_PATH, { mergedId }));
      appendFileSync(
        o.log,
        JSON.stringify({
          at: new Date().toISOString(),
          kind: 'restore',
          status: 'done',
          call: e.call,
          response,
        } satisfies LogEntry) + '\n',
      );
      ok++;
    } catch (err) {
      failed++;
      appendFileSync(
        o.log,
        JSON.stringify({
          at: new Date().toISOString(),
          kind: 'restore',
          status: 'failed',
          call: e.call,
          error: (err as Error).message,
        } satisfies LogEntry) + '\n',
      );
    }
  }
  const summary = o.execute
    ? `Restored ${ok} merge(s), ${failed} failed, from ${o.log}`
    : `DRY RUN: ${todo.length} merge(s) in ${o.log} would be restored (newest first); add --execute to restore.`;
  return { restored: ok, failed, pending: o.execute ? failed : todo.length, summary };
}
