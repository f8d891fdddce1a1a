// Applying dedup clusters to an org through the Apex REST merge resource (undo: ./undo.ts).
// Dry run by default. Right before each merge the org's current values of its records are read and saved to
// <log>.before.json; each merge call carries an idempotency key derived from the log, so a retry after a lost
// response (or a rerun after a crash) gets the first outcome from the org instead of a failure. Every call and
// every record's outcome is appended to the JSON-lines log: a rerun with the same --log resumes where it stopped,
// and `dedup undo` restores from it. A 401 stops the run at once; any failure ends with a non-zero exit code and
// a summary naming what failed and how to resume.
import { writeAtomic } from '../../files.ts';
import { existsSync, readFileSync } from 'node:fs';
import { ReportError } from '../db.ts';
import type { FieldValue } from '../../rules/types.ts';
import type { DedupResult } from './report.ts';
import { orgFlagForHint, orgName } from '../../secrets.ts';
import {
  appendLog,
  callKey,
  capped,
  connectOrg,
  failureOf,
  mergeKeyOf,
  MERGE_PATH,
  readLog,
  runIdOf,
  stopActions,
  type Failure,
  type LogEntry,
  type MergeCall,
  type OrgClient,
  type RecordOutcome,
} from './applyLog.ts';

export {
  MERGE_PATH,
  RESTORE_PATH,
  readLog,
  type ApexRestClient,
  type LogEntry,
  type MergeCall,
  type OrgClient,
} from './applyLog.ts';
export { undoMerges, type UndoOutcome } from './undo.ts';

/** Salesforce merges a master with at most two other records per call. */
export const MAX_MERGED_PER_CALL = 2;

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

/** Request body of POST /services/apexrest/revops/merge (RevOpsMergeResource; dryRun must be false to merge). */
export function mergeBody(
  call: MergeCall,
  idempotencyKey?: string,
): {
  object: string;
  masterId: string;
  duplicateIds: string[];
  fields: Record<string, FieldValue>;
  dryRun: false;
  idempotencyKey?: string;
} {
  return {
    object: call.object,
    masterId: call.masterId,
    duplicateIds: call.mergedIds,
    fields: call.fields,
    dryRun: false,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

export interface ApplyOptions {
  result: DedupResult;
  /** The -o value: alias, username or access token (never printed or written when it is a token). */
  org: string;
  execute: boolean;
  log?: string;
  progress: (m: string) => void;
  /** Injected in tests; otherwise connected to the org. */
  rest?: OrgClient;
}

export interface ApplyOutcome {
  log: string;
  snapshotFile: string;
  planned: number;
  done: number;
  /** Of `done`: answered by the org from an earlier call with the same key (the first answer was lost). */
  replayed: number;
  skipped: number;
  failed: number;
  /** Calls not sent because the run stopped (401, rate limit, org not answering). */
  notAttempted: number;
  /** Why the run stopped early, or null. */
  stopped: string | null;
  failures: Array<{ cluster: number; masterId: string; mergedIds: string[]; error: string }>;
  summary: string;
  exitCode: number;
}

/** <log>.before.json: the org's values of each merge's records, read right before the merge. */
interface BeforeFile {
  object: string;
  org: string;
  note: string;
  merges: Array<{
    key: string;
    cluster: number;
    masterId: string;
    mergedIds: string[];
    readAt: string;
    records: Array<Record<string, unknown>>;
  }>;
}

const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Every field of the object that a query can read (compound address/location fields are read as their parts). */
async function readableFields(client: OrgClient, object: string): Promise<string[]> {
  const fields = await client.describe!(object);
  return fields.filter((f) => f.type !== 'address' && f.type !== 'location').map((f) => f.name);
}

/** A REST query URL stays well under the 16,384 characters Salesforce accepts. */
const MAX_SOQL_URL = 12_000;

/** Every field of the records by Id, in as many queries as the URL length needs (Id in each), joined per Id. */
async function readRecords(
  client: OrgClient,
  object: string,
  fields: string[],
  ids: string[],
): Promise<Array<Record<string, unknown>>> {
  const where = ` FROM ${object} WHERE Id IN (${ids.map((id) => `'${id}'`).join(', ')})`;
  const groups: string[][] = [];
  for (const f of fields.filter((f) => f !== 'Id')) {
    const g = groups.at(-1);
    if (g && encodeURIComponent(`SELECT Id, ${[...g, f].join(', ')}${where}`).length <= MAX_SOQL_URL)
      g.push(f);
    else groups.push([f]);
  }
  const byId = new Map<string, Record<string, unknown>>();
  for (const g of groups.length ? groups : [[]])
    for (const { attributes: _a, ...r } of await client.query!(`SELECT ${['Id', ...g].join(', ')}${where}`))
      byId.set(String(r.Id), { ...byId.get(String(r.Id)), ...r });
  return [...byId.values()];
}

/**
 * Reads the call's records from the org and adds them to the before file (written whole, atomically). An entry
 * for the same key is replaced only by a read that still finds every record: after a merge that committed (and a
 * lost answer), the first read is the one that holds the values.
 */
async function saveBefore(
  file: string,
  client: OrgClient,
  fields: string[],
  call: MergeCall,
  key: string,
  org: string,
): Promise<void> {
  const ids = [call.masterId, ...call.mergedIds];
  const bad = ids.find((id) => !SF_ID.test(id));
  if (bad) throw new ReportError(`"${bad}" is not a Salesforce Id; the snapshot's Id column is damaged.`);
  const records = await readRecords(client, call.object, fields, ids);
  const before: BeforeFile = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as BeforeFile)
    : {
        object: call.object,
        org,
        note: "The org's values of each merge's records, read right before that merge (dedup --apply --execute).",
        merges: [],
      };
  before.merges ??= [];
  const at = before.merges.findIndex((m) => m.key === key);
  if (at >= 0 && records.length < ids.length) return;
  const entry = {
    key,
    cluster: call.cluster,
    masterId: call.masterId,
    mergedIds: call.mergedIds,
    readAt: new Date().toISOString(),
    records,
  };
  if (at >= 0) before.merges[at] = entry;
  else before.merges.push(entry);
  writeAtomic(file, JSON.stringify(before, null, 2) + '\n');
}

/** What the org answered for a merge, checked: per-record outcomes, or an error when it is not a merge outcome. */
function mergeOutcome(call: MergeCall, response: unknown): { records: RecordOutcome[]; replayed: boolean } {
  const r = response as {
    ok?: boolean;
    replayed?: boolean;
    mergedIds?: string[];
    snapshotIds?: string[];
    fieldsSet?: Record<string, unknown>;
  } | null;
  if (!r || r.ok !== true || !Array.isArray(r.mergedIds))
    throw new Error(
      `The merge resource answered without a merge outcome: ${JSON.stringify(response).slice(0, 300)}`,
    );
  return {
    replayed: r.replayed === true,
    records: [
      { id: call.masterId, role: 'master', fieldsSet: r.fieldsSet ?? {} },
      ...call.mergedIds.map((id, i): RecordOutcome => ({
        id,
        role: 'merged',
        snapshotId: r.snapshotIds?.[i],
      })),
    ],
  };
}

export async function applyMerges(o: ApplyOptions): Promise<ApplyOutcome> {
  const log =
    o.log ??
    `.revops/dedup/${o.result.object.toLowerCase()}-merge-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  const snapshotFile = log.replace(/\.jsonl$/, '') + '.before.json';
  const calls = planMerges(o.result);
  const client = o.execute ? (o.rest ?? (await connectOrg(o.org, o.progress))) : null;
  const org = client?.label ?? orgName(o.org);
  const previous = readLog(log);
  const runId = runIdOf(log, previous, { object: o.result.object, org });
  const last = new Map<string, LogEntry>();
  for (const e of previous) if (e.kind === 'merge' && e.call) last.set(callKey(e.call), e);
  const out = { done: 0, replayed: 0, skipped: 0, notAttempted: 0 };
  const failures: ApplyOutcome['failures'] = [];
  let stop: Failure | null = null;
  let fields: string[] | null = null;
  for (const call of calls) {
    const key = mergeKeyOf(runId, call);
    const before = last.get(callKey(call));
    if (before?.status === 'done') {
      out.skipped++;
      continue;
    }
    if (!client) {
      // a repeated dry run plans each call once
      if (!before) appendLog(log, { kind: 'merge', status: 'planned', key, call });
      continue;
    }
    if (stop) {
      out.notAttempted++;
      continue;
    }
    try {
      if (client.query && client.describe) {
        fields ??= await readableFields(client, call.object);
        await saveBefore(snapshotFile, client, fields, call, key, org);
      }
      const response = await client.apexRest('POST', MERGE_PATH, mergeBody(call, key));
      const outcome = mergeOutcome(call, response);
      appendLog(log, { kind: 'merge', status: 'done', key, call, ...outcome, response });
      out.done++;
      if (outcome.replayed) out.replayed++;
    } catch (e) {
      const failure = failureOf(e);
      failures.push({
        cluster: call.cluster,
        masterId: call.masterId,
        mergedIds: call.mergedIds,
        error: failure.message,
      });
      appendLog(log, { kind: 'merge', status: 'failed', key, call, error: failure.message });
      o.progress(`Merge into ${call.masterId} (cluster ${call.cluster}) failed: ${failure.message}`);
      if (failure.stop) stop = failure;
    }
  }
  const rerun = `the same dedup command with --apply -o ${orgFlagForHint(o.org)} --execute --log ${log}`;
  const lines = [
    `Merge ${o.execute ? 'EXECUTED' : 'DRY RUN (nothing changed; add --execute to merge)'} on ${org}: ${calls.length} merge call(s) for ${o.result.clusters.length} cluster(s)`,
    o.execute
      ? `  done ${out.done}${out.replayed ? ` (${out.replayed} answered from an earlier call whose answer was lost)` : ''}, already done earlier ${out.skipped}, failed ${failures.length}, not attempted ${out.notAttempted}`
      : `  planned ${calls.length - out.skipped}, already done earlier ${out.skipped}`,
    ...(existsSync(snapshotFile) ? [`  the org's values right before each merge: ${snapshotFile}`] : []),
    `  log (one line per call and record outcome; rerun with the same --log to resume): ${log}`,
  ];
  if (failures.length) {
    lines.push(
      '',
      `FAILED: ${failures.length} merge call(s):`,
      ...capped(
        failures.map(
          (f) => `  cluster ${f.cluster}: ${f.mergedIds.join(', ')} into ${f.masterId}: ${f.error}`,
        ),
      ),
    );
  }
  if (stop) lines.push('', `STOPPED: ${stop.stop}`, ...stopActions(stop, rerun).map((a) => `  ${a}`));
  else if (failures.length)
    lines.push(
      `  Fix the cause and rerun ${rerun}: done merges are skipped; failed ones are sent again with the same idempotency keys, so one that did commit is not merged twice.`,
    );
  if (o.execute && out.done + out.skipped > 0)
    lines.push(`  Undo with: revops dedup undo --log ${log} -o ${orgFlagForHint(o.org)} --execute`);
  const failed = failures.length;
  return {
    log,
    snapshotFile,
    planned: calls.length,
    ...out,
    failed,
    stopped: stop?.stop ?? null,
    failures,
    summary: lines.join('\n'),
    exitCode: failed || stop ? 1 : 0,
  };
}
