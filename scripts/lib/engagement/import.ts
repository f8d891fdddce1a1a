// revops engagement import: a CSV or JSONL export of past engagement events, pushed through the same mapping as
// the webhook endpoint (rules/engagement.ts) into Engagement_Event__c with Bulk API 2.0 ingest (org/ingest.ts).
// - Streams the file line by line; holds one batch of output rows at a time (bounded memory whatever the size).
// - Dry run by default: counts mapped events per signal, unmapped events per provider event name, bad lines.
// - --execute: one upsert job per batch on Event_Id__c ("provider:eventId"), so a re-run never duplicates; the
//   org links each event to its person by Email__c / Person_Key__c (TA_EngagementEvent_Identify) and rescores.
// - Resumable: a state file records every batch (input lines, job id, outcome) as it goes; a re-run skips the
//   finished batches, waits for a job that was already uploaded, and goes on from there.
// - Refused rows are appended to the failed-rows file (the org's failedResults CSV); any refused row or bad input
//   line makes the exit code 1.
import { writeAtomic } from '../files.ts';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { SfError } from '@salesforce/core/sfError';
import {
  EngagementError,
  mapEvent,
  parseItem,
  sortMappings,
  type EngagementMapping,
  type InboundEvent,
} from '../rules/engagement.ts';
import { OrgApiError, type OrgHttp } from '../org/http.ts';
import {
  createIngestJob,
  failedResults,
  ingestJobInfo,
  setIngestState,
  uploadIngestData,
  waitForIngestJob,
} from '../org/ingest.ts';

export const IMPORT_FORMATS = ['hubspot', 'segment', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const OUTPUT_COLUMNS = [
  'Event_Id__c',
  'Signal__c',
  'Occurred_At__c',
  'Source__c',
  'Url__c',
  'Email__c',
  'Person_Key__c',
  'Points__c',
] as const;

/** The columns a --provider csv file must have (others are properties the mappings may filter on). */
export const CSV_COLUMNS = ['event_id', 'event', 'occurred_at'] as const;

export interface ImportOptions {
  file: string;
  format: ImportFormat;
  mappings: EngagementMapping[];
  execute: boolean;
  /** Needed with execute. */
  http?: OrgHttp;
  /** Rows per Bulk ingest job (default 50,000). */
  batchRows?: number;
  /** Default: FILE.revops-import.json */
  statePath?: string;
  /** Default: FILE.failed.csv */
  failedPath?: string;
  pollIntervalMs?: number;
  progress?(message: string): void;
  /** Called after each finished batch (tests use it to interrupt a run). */
  onBatch?(batch: BatchState): void;
}

export interface BatchState {
  index: number;
  /** Input lines (1-based, inclusive) this batch covers. */
  fromLine: number;
  toLine: number;
  rows: number;
  jobId: string | null;
  state: 'uploading' | 'uploaded' | 'done';
  processed: number;
  failed: number;
}

interface StateFile {
  version: 1;
  file: string;
  size: number;
  mtimeMs: number;
  format: ImportFormat;
  batchRows: number;
  batches: BatchState[];
}

export interface ImportResult {
  file: string;
  format: ImportFormat;
  execute: boolean;
  lines: number;
  /** Events the mappings turned into a signal (rows for the org). */
  mapped: number;
  bySignal: Record<string, number>;
  unmapped: number;
  /** Unmapped events per provider event name (the 50 most frequent). */
  unmappedByEvent: Record<string, number>;
  /** Calls that are not engagement (Segment identify, page, ..., events of an Identify_Only__c mapping). */
  ignored: number;
  /** Lines that could not be read, with the first few problems. */
  invalid: number;
  problems: string[];
  batches: number;
  resumedBatches: number;
  processed: number;
  failedRows: number;
  failedPath: string | null;
  statePath: string | null;
  exitCode: number;
}

const MAX_PROBLEMS = 20;
const MAX_EVENT_NAMES = 5000;

export class ImportInputError extends SfError {
  constructor(message: string, actions: string[] = []) {
    super(message, 'ImportInputError', actions, 2);
  }
}

/** Runs (or resumes) an import; see the module comment. */
export async function importEngagement(opts: ImportOptions): Promise<ImportResult> {
  const file = resolve(opts.file);
  if (!existsSync(file)) throw new ImportInputError(`No such file: ${opts.file}`);
  if (opts.execute && !opts.http) throw new Error('importEngagement: execute needs an org connection');
  const batchRows = opts.batchRows ?? 50_000;
  const statePath = opts.execute ? (opts.statePath ?? `${file}.revops-import.json`) : null;
  const failedPath = opts.execute ? (opts.failedPath ?? `${file}.failed.csv`) : null;
  const state = statePath ? openState(statePath, file, opts.format, batchRows) : null;
  const done = new Map((state?.batches ?? []).map((b) => [b.index, b]));
  const result: ImportResult = {
    file: opts.file,
    format: opts.format,
    execute: opts.execute === true,
    lines: 0,
    mapped: 0,
    bySignal: {},
    unmapped: 0,
    unmappedByEvent: {},
    ignored: 0,
    invalid: 0,
    problems: [],
    batches: 0,
    resumedBatches: 0,
    processed: 0,
    failedRows: 0,
    failedPath,
    statePath,
    exitCode: 0,
  };
  const mappings = sortMappings(opts.mappings);
  let rows: string[] = [];
  let people: string[] = []; // per row: the person it links to (e-mail, else person key), to group a batch by person
  let fromLine = 1;
  const flush = async (toLine: number): Promise<void> => {
    const index = result.batches++;
    const saved = done.get(index);
    if (saved && (saved.fromLine !== fromLine || saved.toLine !== toLine)) {
      throw new ImportInputError(
        `The state file ${statePath} says batch ${index + 1} covers lines ${saved.fromLine}-${saved.toLine}, this run cuts it at ${fromLine}-${toLine}: the mappings changed since the first run.`,
        [
          'Delete the state file (or pass --state with a new path) to import from the first line again; events already imported are upserted, not duplicated.',
        ],
      );
    }
    const batch: BatchState = saved ?? {
      index,
      fromLine,
      toLine,
      rows: rows.length,
      jobId: null,
      state: 'uploading',
      processed: 0,
      failed: 0,
    };
    if (state && opts.http) {
      if (batch.state === 'done') result.resumedBatches++;
      else await runBatch(opts.http, batch, byPerson(rows, people), state, statePath!, failedPath!, opts);
      result.processed += batch.processed;
      result.failedRows += batch.failed;
      opts.onBatch?.(batch);
    }
    rows = [];
    people = [];
    fromLine = toLine + 1;
  };
  const events = readEvents(file, opts.format);
  for await (const item of events) {
    result.lines = item.line;
    if ('problem' in item) {
      result.invalid++;
      if (result.problems.length < MAX_PROBLEMS) result.problems.push(`line ${item.line}: ${item.problem}`);
      continue;
    }
    if (item.event === null) {
      result.ignored++;
      continue;
    }
    const e = item.event;
    const m = mapEvent(e, mappings);
    if (!m) {
      result.unmapped++;
      const name = `${e.provider} ${e.name}`;
      if (name in result.unmappedByEvent || Object.keys(result.unmappedByEvent).length < MAX_EVENT_NAMES)
        result.unmappedByEvent[name] = (result.unmappedByEvent[name] ?? 0) + 1;
      continue;
    }
    if (m.identifyOnly) {
      result.ignored++; // an e-mail change (HubSpot_Identify) is no engagement; the import writes no person ids
      continue;
    }
    result.mapped++;
    result.bySignal[m.signal] = (result.bySignal[m.signal] ?? 0) + 1;
    rows.push(csvRow(e, m.signal, m.pointsOverride ?? null));
    people.push(e.email ?? e.personKey ?? '');
    if (rows.length >= batchRows) await flush(item.line);
  }
  if (rows.length) await flush(result.lines);
  result.unmappedByEvent = top(result.unmappedByEvent, 50);
  result.exitCode = result.failedRows > 0 || result.invalid > 0 ? 1 : 0;
  return result;
}

async function runBatch(
  http: OrgHttp,
  batch: BatchState,
  rows: string[],
  state: StateFile,
  statePath: string,
  failedPath: string,
  opts: ImportOptions,
): Promise<void> {
  const save = (): void => {
    const i = state.batches.findIndex((b) => b.index === batch.index);
    if (i < 0) state.batches.push(batch);
    else state.batches[i] = batch;
    writeState(statePath, state);
  };
  if (batch.jobId && batch.state === 'uploading') {
    // interrupted during the upload: that job never got all its rows; abort it and upload again (upsert: no dupes)
    const info = await ingestJobInfo(http, batch.jobId).catch(() => null);
    if (info?.state === 'Open') await setIngestState(http, batch.jobId, 'Aborted');
    if (info && info.state !== 'Open' && info.state !== 'Aborted' && info.state !== 'Failed')
      batch.state = 'uploaded';
    else batch.jobId = null;
  }
  if (!batch.jobId) {
    batch.jobId = (
      await createIngestJob(http, {
        object: 'Engagement_Event__c',
        operation: 'upsert',
        externalIdFieldName: 'Event_Id__c',
      })
    ).id;
    save();
    opts.progress?.(
      `batch ${batch.index + 1}: uploading to job ${batch.jobId}: ${rows.length} events (lines ${batch.fromLine}-${batch.toLine})`,
    );
    await uploadIngestData(http, batch.jobId, `${OUTPUT_COLUMNS.join(',')}\n${rows.join('\n')}\n`);
    await setIngestState(http, batch.jobId, 'UploadComplete');
    batch.state = 'uploaded';
    save();
  }
  const info = await waitForIngestJob(http, batch.jobId, { pollIntervalMs: opts.pollIntervalMs }).catch(
    (e: unknown) => {
      if (e instanceof OrgApiError && (e.errorCode === 'Failed' || e.errorCode === 'Aborted')) {
        // the job saved nothing (a column the user may not write, an admin's abort): forget it, so the same
        // command, run again once the cause is fixed, uploads the batch to a new job (upsert: no duplicates)
        batch.jobId = null;
        batch.state = 'uploading';
        save();
      }
      throw e;
    },
  );
  batch.processed = info.numberRecordsProcessed ?? batch.rows;
  batch.failed = info.numberRecordsFailed ?? 0;
  if (batch.failed > 0) {
    const csv = await failedResults(http, batch.jobId);
    const [header, ...body] = csv.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
    if (!existsSync(failedPath)) writeFileSync(failedPath, `${header}\n`);
    if (body.length) appendFileSync(failedPath, `${body.join('\n')}\n`);
  }
  batch.state = 'done';
  save();
  opts.progress?.(
    `batch ${batch.index + 1}: ${batch.processed} processed, ${batch.failed} refused (job ${batch.jobId})`,
  );
}

function openState(path: string, file: string, format: ImportFormat, batchRows: number): StateFile {
  const { size, mtimeMs } = statSync(file);
  const fresh: StateFile = { version: 1, file, size, mtimeMs, format, batchRows, batches: [] };
  if (!existsSync(path)) return fresh;
  let saved: StateFile;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
  } catch (e) {
    throw new ImportInputError(`The state file ${path} is not readable JSON (${(e as Error).message}).`, [
      'Delete it to start the import over (re-imported events are upserted, never duplicated).',
    ]);
  }
  if (
    saved.file !== file ||
    saved.size !== size ||
    saved.mtimeMs !== mtimeMs ||
    saved.format !== format ||
    saved.batchRows !== batchRows
  ) {
    throw new ImportInputError(
      `The state file ${path} belongs to another run (file, its size or time, --provider or --batch-size differ).`,
      ['Delete the state file, or pass --state with a new path, to start this import from the first line.'],
    );
  }
  return saved;
}

function writeState(path: string, state: StateFile): void {
  writeAtomic(path, JSON.stringify(state, null, 2));
}

type Item = { line: number; event: InboundEvent | null } | { line: number; problem: string };

/** The file's events, one per line (JSONL) or CSV row, with bad lines reported instead of thrown. */
async function* readEvents(file: string, format: ImportFormat): AsyncGenerator<Item> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  let header: string[] | null = null;
  for await (const raw of lines) {
    n++;
    const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    try {
      if (format === 'csv') {
        const cells = parseCsvLine(text);
        if (!header) {
          header = cells.map((c) => c.trim());
          const missing = CSV_COLUMNS.filter((c) => !header!.includes(c));
          if (missing.length)
            throw new ImportInputError(
              `${file}: the header lacks ${missing.join(', ')}; a --provider csv file has the columns event_id, event, occurred_at, email, person_id, url (and any property columns).`,
            );
          continue;
        }
        if (cells.length !== header.length)
          throw new Error(
            `${cells.length} values where the header has ${header.length} columns: quote a value that holds a comma ("a, b"), or fill the missing columns`,
          );
        const o: Record<string, unknown> = {};
        header.forEach((h, i) => {
          if (cells[i] !== undefined && cells[i] !== '') o[h] = cells[i];
        });
        yield {
          line: n,
          event: parseItem(
            'generic',
            {
              ...o,
              id: o.event_id,
              occurredAt: o.occurred_at,
              personId: o.person_id,
            },
            n,
          ),
        };
        continue;
      }
      let o: unknown;
      try {
        o = JSON.parse(text);
      } catch (e) {
        throw new Error(`not JSON (${(e as Error).message})`);
      }
      if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Error('not a JSON object');
      const m = o as Record<string, unknown>;
      if (format === 'segment' && m.type !== 'track') yield { line: n, event: null };
      else yield { line: n, event: parseItem(format, m, n) };
    } catch (e) {
      if (e instanceof ImportInputError) throw e;
      yield {
        line: n,
        problem:
          e instanceof EngagementError ? e.message.replace(/^Event \d+/, 'event') : (e as Error).message,
      };
    }
  }
}

/** One CSV line (RFC 4180 quoting; a quoted field may not span lines in these files). */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(v);
    } else {
      const c = line.indexOf(',', i);
      cells.push(line.slice(i, c < 0 ? line.length : c));
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return cells;
    if (line[i] !== ',') throw new Error(`unexpected "${line[i]}" after a quoted field`);
    i++;
  }
}

/**
 * A batch's rows with each person's events next to each other (stable within a person). Bulk API 2.0 saves a job's
 * rows in parallel chunks of 200 and has no serial mode; every event locks its Lead/Contact (the lookup, then the
 * rescoring update), so one person's events spread over chunks running at once fail with UNABLE_TO_LOCK_ROW.
 * Grouping keeps them in as few chunks as possible (Salesforce's large data volume advice: order child rows by parent).
 */
export function byPerson(rows: string[], people: string[]): string[] {
  const order = rows.map((_, i) => i);
  order.sort((a, b) => (people[a] < people[b] ? -1 : people[a] > people[b] ? 1 : a - b));
  return order.map((i) => rows[i]);
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function csvRow(e: InboundEvent, signal: string, points: number | null): string {
  return [
    e.key,
    signal,
    e.occurredAt,
    e.provider,
    e.url?.slice(0, 255) ?? '',
    e.email && EMAIL.test(e.email) ? e.email : '',
    e.personKey?.slice(0, 255) ?? '',
    points === null ? '' : String(points),
  ]
    .map(csvCell)
    .join(',');
}

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function top(counts: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n),
  );
}

/** The human summary of a run. */
export function importSummary(r: ImportResult): string {
  const lines = [
    `${r.execute ? 'Imported' : 'Dry run of'} ${r.file} (${r.format}): ${r.lines} lines, ${r.mapped} mapped, ${r.unmapped} unmapped, ${r.ignored} ignored, ${r.invalid} unreadable.`,
  ];
  for (const [s, n] of Object.entries(r.bySignal).sort((a, b) => b[1] - a[1])) lines.push(`  ${s}: ${n}`);
  if (r.unmapped) {
    lines.push('Unmapped events (add an Engagement_Mapping__mdt record to import them):');
    for (const [name, n] of Object.entries(r.unmappedByEvent)) lines.push(`  ${name}: ${n}`);
  }
  for (const p of r.problems) lines.push(`  ${p}`);
  if (r.execute) {
    lines.push(
      `${r.batches} batch(es) (${r.resumedBatches} finished by an earlier run): ${r.processed} processed, ${r.failedRows} refused by the org.`,
    );
    if (r.failedRows) lines.push(`Refused rows (with the org's error): ${r.failedPath}`);
    lines.push(`State: ${r.statePath} (a re-run resumes after the last finished batch)`);
  } else {
    lines.push(
      'Nothing was written. Run again with --execute -o <org> to upsert the mapped events (Bulk API 2.0).',
    );
  }
  return lines.join('\n');
}
