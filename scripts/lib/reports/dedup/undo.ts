// `dedup undo`: restores, newest merge first, every record a `dedup --apply` log merged, one restore call per
// record. The org re-creates the record from its snapshot (every createable field, a new Id) and, with the first
// record of a merge call, puts the master's fields the merge set back to their values before it. Each restore
// carries an idempotency key (a retry after a lost answer gets the first outcome) and is logged per record with
// its new Id, so a rerun continues with the records not yet restored. Merges the log marks failed are tried too:
// one that did commit is restored, one that never happened is logged "not-merged". A 401 stops at once; any
// failure ends with a non-zero exit code and a summary naming what failed and how to resume.
import { existsSync } from 'node:fs';
import { ReportError } from '../db.ts';
import { orgFlagForHint, orgName } from '../../secrets.ts';
import {
  appendLog,
  callKey,
  capped,
  connectOrg,
  failureOf,
  readLog,
  restoreKeyOf,
  RESTORE_PATH,
  stopActions,
  type Failure,
  type LogEntry,
  type OrgClient,
} from './applyLog.ts';

export interface UndoOutcome {
  /** Records to restore when this run started (not restored, not settled earlier). */
  pending: number;
  restored: number;
  /** Of `restored`: answered by the org from an earlier call with the same key (the first answer was lost). */
  replayed: number;
  /** Restored earlier by another call (no key, another log): the org named the record it came back as. */
  alreadyRestored: number;
  /** Records of merges the log marks failed that the org never merged: nothing to restore. */
  notMerged: number;
  failed: number;
  notAttempted: number;
  /** Masters whose fields the merge set were put back. */
  mastersPutBack: number;
  stopped: string | null;
  failures: Array<{ mergedId: string; masterId: string; cluster: number; error: string }>;
  summary: string;
  exitCode: number;
}

interface RestoreAnswer {
  ok?: boolean;
  replayed?: boolean;
  snapshotId?: string;
  restoredId?: string;
  masterFieldsRestored?: string[];
  masterNote?: string | null;
}

const settledKey = (mergeKey: string | undefined, mergedId: string): string =>
  `${mergeKey ?? ''}|${mergedId}`;

/** The merges to undo, newest first: each call's last log line, when it is done or failed with a key. */
function mergesToUndo(entries: LogEntry[]): { todo: LogEntry[]; unknown: LogEntry[] } {
  const last = new Map<string, { e: LogEntry; at: number }>();
  entries.forEach((e, at) => {
    if (e.kind === 'merge' && e.call) last.set(callKey(e.call), { e, at });
  });
  const newestFirst = [...last.values()].sort((a, b) => b.at - a.at).map((x) => x.e);
  return {
    todo: newestFirst.filter((e) => e.status === 'done' || (e.status === 'failed' && e.key)),
    // a failed merge logged without a key (an older log): whether it committed cannot be asked exactly
    unknown: newestFirst.filter((e) => e.status === 'failed' && !e.key),
  };
}

/** Records already dealt with: restored (this log or an older-format line per call) or found never merged. */
function settledRecords(entries: LogEntry[]): Set<string> {
  const settled = new Set<string>();
  for (const e of entries) {
    if (e.kind !== 'restore' || (e.status !== 'done' && e.status !== 'not-merged')) continue;
    if (e.mergedId) settled.add(settledKey(e.mergeKey, e.mergedId));
    else for (const id of e.call?.mergedIds ?? []) settled.add(settledKey(undefined, id));
  }
  return settled;
}

export async function undoMerges(o: {
  log: string;
  /** The -o value: alias, username or access token (never printed or written when it is a token). */
  org: string;
  execute: boolean;
  progress: (m: string) => void;
  rest?: OrgClient;
}): Promise<UndoOutcome> {
  if (!existsSync(o.log))
    throw new ReportError(`Log not found: ${o.log}`, ['Pass the .jsonl log that dedup --apply printed.']);
  const entries = readLog(o.log);
  const { todo, unknown } = mergesToUndo(entries);
  const settled = settledRecords(entries);
  const client = o.execute ? (o.rest ?? (await connectOrg(o.org, o.progress))) : null;
  const org = client?.label ?? orgName(o.org);
  const out = { pending: 0, restored: 0, replayed: 0, alreadyRestored: 0, notMerged: 0, notAttempted: 0 };
  let mastersPutBack = 0;
  const failures: UndoOutcome['failures'] = [];
  let stop: Failure | null = null;
  for (const m of todo) {
    const call = m.call!;
    for (const mergedId of call.mergedIds) {
      if (settled.has(settledKey(m.key, mergedId))) continue;
      out.pending++;
      if (!client) continue;
      if (stop) {
        out.notAttempted++;
        continue;
      }
      const key = m.key ? restoreKeyOf(m.key, mergedId) : undefined;
      const base = { kind: 'restore' as const, key, mergeKey: m.key, mergedId, masterId: call.masterId };
      try {
        const r = (await client.apexRest(
          'POST',
          RESTORE_PATH,
          m.key ? { mergedId, mergeKey: m.key, idempotencyKey: key } : { mergedId },
        )) as RestoreAnswer | null;
        if (!r || r.ok !== true || !r.restoredId)
          throw new Error(
            `The restore resource answered without a restored record: ${JSON.stringify(r).slice(0, 300)}`,
          );
        const fieldsBack = r.masterFieldsRestored ?? [];
        appendLog(o.log, {
          ...base,
          status: 'done',
          restoredId: r.restoredId,
          snapshotId: r.snapshotId,
          masterFieldsRestored: fieldsBack,
          replayed: r.replayed === true,
          ...(r.masterNote ? { note: r.masterNote } : {}),
        });
        out.restored++;
        if (r.replayed) out.replayed++;
        if (fieldsBack.length) mastersPutBack++;
        if (r.masterNote) o.progress(`${mergedId}: ${r.masterNote}`);
      } catch (e) {
        const f = failureOf(e);
        if (f.code === 'ALREADY_RESTORED') {
          // the org names the record it came back as: "... was already restored as <Id>; nothing to do."
          const restoredId = /already restored as (\w{15,18})/.exec(f.message)?.[1];
          appendLog(o.log, { ...base, status: 'done', restoredId, note: 'restored earlier by another call' });
          out.alreadyRestored++;
          continue;
        }
        if (m.status === 'failed' && f.status === 400 && /that merge did not happen/.test(f.message)) {
          appendLog(o.log, { ...base, status: 'not-merged', note: 'the merge never happened in the org' });
          out.notMerged++;
          continue;
        }
        failures.push({ mergedId, masterId: call.masterId, cluster: call.cluster, error: f.message });
        appendLog(o.log, { ...base, status: 'failed', error: f.message });
        o.progress(`Restore of ${mergedId} failed: ${f.message}`);
        if (f.stop) stop = f;
      }
    }
  }
  const summary = undoSummary(o, org, {
    ...out,
    mastersPutBack,
    calls: todo.length,
    unknown,
    failures,
    stop,
  });
  return {
    ...out,
    failed: failures.length,
    mastersPutBack,
    stopped: stop?.stop ?? null,
    failures,
    summary,
    exitCode: failures.length || stop ? 1 : 0,
  };
}

/** The undo run's summary: what was restored, what failed and how to go on. */
function undoSummary(
  o: { log: string; org: string; execute: boolean },
  org: string,
  r: {
    pending: number;
    restored: number;
    replayed: number;
    alreadyRestored: number;
    notMerged: number;
    notAttempted: number;
    mastersPutBack: number;
    calls: number;
    unknown: LogEntry[];
    failures: UndoOutcome['failures'];
    stop: Failure | null;
  },
): string {
  const rerun = `revops dedup undo --log ${o.log} -o ${orgFlagForHint(o.org)} --execute`;
  const lines = o.execute
    ? [
        `Undo EXECUTED on ${org} from ${o.log}: ${r.pending} record(s) to restore`,
        `  restored ${r.restored}${r.replayed ? ` (${r.replayed} answered from an earlier call whose answer was lost)` : ''}, already restored by another call ${r.alreadyRestored}, never merged ${r.notMerged}, failed ${r.failures.length}, not attempted ${r.notAttempted}`,
        `  master fields put back on ${r.mastersPutBack} master(s); each restored record's new Id is in the log (kind "restore": mergedId -> restoredId)`,
      ]
    : [
        `DRY RUN: ${r.pending} record(s) of ${r.calls} merge call(s) in ${o.log} would be restored (newest merge first); add --execute to restore.`,
      ];
  if (r.unknown.length)
    lines.push(
      `  ${r.unknown.length} merge call(s) failed in this log without an idempotency key (an older log): check in the org whether they merged: ` +
        r.unknown.map((e) => e.call!.mergedIds.join(', ')).join('; '),
    );
  if (r.failures.length)
    lines.push(
      '',
      `FAILED: ${r.failures.length} record(s) not restored:`,
      ...capped(
        r.failures.map(
          (f) => `  ${f.mergedId} (merged into ${f.masterId}, cluster ${f.cluster}): ${f.error}`,
        ),
      ),
    );
  if (r.stop) lines.push('', `STOPPED: ${r.stop.stop}`, ...stopActions(r.stop, rerun).map((a) => `  ${a}`));
  else if (r.failures.length)
    lines.push(
      `  Fix the cause and rerun: ${rerun} (restored records are skipped; the rest are sent again with the same keys).`,
    );
  return lines.join('\n');
}
