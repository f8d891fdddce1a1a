// Snapshot from an org: one Bulk API 2.0 query per object, result pages streamed straight into DuckDB
// appenders. Memory is bounded: DuckDB runs with a 64 MB limit and one thread, and the appender is flushed every
// 500 rows. The next-page locator is saved to "<out>.resume.json" after every page, so an interrupted pull
// resumes where it stopped. Fields are the snapshot schema's, intersected with the org's describe (a field the
// org lacks stays NULL and is reported).
import { writeAtomic } from '../files.ts';
import { SnapshotError } from './errors.ts';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import { bulkQuery, type BulkJobState } from '../org/bulk.ts';
import { OrgApiError, abortError, type OrgHttp } from '../org/http.ts';
import { describeFields, query } from '../org/query.ts';
import type { BuildResult, Progress } from './build.ts';
import {
  CURRENCY_TYPE,
  OBJECTS,
  OPTIONAL_TABLES,
  SCHEMA,
  ident,
  optionalFields,
  type ColumnType,
} from './schema.ts';
import { SnapshotWriter, tableColumns } from './store.ts';

export interface OrgSnapshotOptions {
  out: string;
  http: OrgHttp;
  objects?: readonly string[];
  /** Records per results page. */
  maxRecords?: number;
  pollIntervalMs?: number;
  /** Start over even when a resume file exists. */
  restart?: boolean;
  /** Abort (e.g. Ctrl-C): the pull stops after the current batch; run again to resume. */
  signal?: AbortSignal;
  progress?: Progress;
}

interface ResumeFile {
  version: 1;
  instanceUrl: string;
  orgId: string | null;
  startedAt: string;
  objects: Record<string, { fields: string[]; state: BulkJobState | null; done: boolean }>;
}

export const resumePath = (out: string): string => `${out}.resume.json`;

function appendValue(a: DuckDBAppender, type: ColumnType, v: string | undefined): void {
  if (v === undefined || v === '') return a.appendNull();
  switch (type) {
    case 'DOUBLE': {
      const n = Number(v);
      return Number.isFinite(n) ? a.appendDouble(n) : a.appendNull();
    }
    case 'BOOLEAN':
      return a.appendBoolean(v === 'true' || v === '1');
    case 'TIMESTAMP': {
      const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
      return Number.isFinite(ms)
        ? a.appendTimestamp(new DuckDBTimestampValue(BigInt(ms) * 1000n))
        : a.appendNull();
    }
    default:
      return a.appendVarchar(v);
  }
}

/** One pull's state, shared by its steps. */
interface Pull {
  opts: OrgSnapshotOptions;
  writer: SnapshotWriter;
  state: ResumeFile;
  save: () => void;
  progress: Progress;
  warnings: string[];
  counts: Record<string, number>;
}

/** The resume file of an interrupted pull of the same org (null: start over). */
function readResume(opts: OrgSnapshotOptions, progress: Progress): ResumeFile | null {
  const file = resumePath(opts.out);
  if (opts.restart || !existsSync(file) || !existsSync(`${opts.out}.partial`)) return null;
  let resume: ResumeFile;
  try {
    resume = JSON.parse(readFileSync(file, 'utf8')) as ResumeFile;
  } catch (e) {
    throw new SnapshotError(
      `The resume file ${file} is not readable JSON (${(e as Error).message}): the pull cannot continue from it.`,
      [`Run the same command with --restart to pull again from the start (${opts.out}.partial is replaced).`],
    );
  }
  if (resume.instanceUrl !== opts.http.session.instanceUrl) return null;
  progress(`Resuming the pull started ${resume.startedAt} (${resumePath(opts.out)}).`);
  return resume;
}

/**
 * The schema's fields of the object the org has (describe), its table created; null when the org has no such object
 * (its table stays empty, the object recorded as done).
 */
async function objectFields(p: Pull, object: string): Promise<string[] | null> {
  let orgFields: Set<string>;
  try {
    orgFields = new Set((await describeFields(p.opts.http, object)).map((f) => f.name));
  } catch (e) {
    if (e instanceof OrgApiError && (e.status === 404 || e.errorCode === 'NOT_FOUND')) {
      p.warnings.push(
        `${object} does not exist in this org (or is not visible to your user); its table is empty.`,
      );
      await p.writer.createTable(object, tableColumns(object));
      p.state.objects[object] = { fields: [], state: null, done: true };
      p.save();
      p.counts[object] = 0;
      return null;
    }
    throw e;
  }
  const fields = SCHEMA[object].fields.map(([n]) => n).filter((n) => orgFields.has(n));
  const missing = SCHEMA[object].fields.map(([n]) => n).filter((n) => !orgFields.has(n));
  if (missing.length) p.warnings.push(`${object}: the org has no ${missing.join(', ')}; left blank.`);
  // an optional field the org lacks is its setup (a single-currency org has no CurrencyIsoCode): no column, no warning
  const optional = optionalFields(object, [...orgFields]);
  await p.writer.createTable(object, tableColumns(object, optional));
  p.state.objects[object] = { fields: [...fields, ...optional], state: null, done: false };
  p.save();
  return p.state.objects[object].fields;
}

/** Pulls one object with a Bulk query into its table, resuming from the saved locator; its rows stored. */
async function pullObject(p: Pull, object: string, fields: string[]): Promise<void> {
  const columns = tableColumns(object, optionalFields(object, fields));
  const appender = await p.writer.conn.createAppender(object);
  let headerIndex: number[] = [];
  let lastHeader: readonly string[] | null = null;
  const started = performance.now();
  const result = await bulkQuery(p.opts.http, `SELECT ${fields.join(', ')} FROM ${object}`, {
    maxRecords: p.opts.maxRecords ?? 50_000,
    batchSize: 500, // flushed per batch (see onRecords): small batches keep the appender's buffer small
    pollIntervalMs: p.opts.pollIntervalMs,
    resume: p.state.objects[object].state ?? undefined,
    onRecords(header, records) {
      if (p.opts.signal?.aborted) throw abortError(`while pulling ${object}`);
      if (header !== lastHeader) {
        headerIndex = columns.map(([n]) => header.indexOf(n));
        lastHeader = header;
      }
      for (const r of records) {
        for (let c = 0; c < columns.length; c++)
          appendValue(appender, columns[c][1], headerIndex[c] >= 0 ? r[headerIndex[c]] : undefined);
        appender.endRow();
      }
      appender.flushSync(); // the appender's own buffer is outside DuckDB's memory limit: keep it to one batch
    },
    async onNewJob(reason, old) {
      const message = `${object}: ${reason}; starting a new job for ${object}${old.rows ? ` (dropping the ${old.rows.toLocaleString('en-US')} rows the old job delivered)` : ''}.`;
      p.progress(`  ${message}`);
      p.warnings.push(message);
      appender.flushSync();
      await p.writer.conn.run(`DELETE FROM ${ident(object)}`);
    },
    saveState(s) {
      appender.flushSync(); // the page's rows are in the snapshot before its locator is recorded
      p.state.objects[object].state = { ...s };
      p.save();
    },
    onPage(s) {
      const secs = (performance.now() - started) / 1000;
      const usage = p.opts.http.lastUsage
        ? `, API usage ${p.opts.http.lastUsage.used}/${p.opts.http.lastUsage.max}`
        : '';
      p.progress(
        `  ${object}: page ${s.pages}, ${s.rows.toLocaleString('en-US')} rows (${Math.round(s.rows / Math.max(secs, 0.001)).toLocaleString('en-US')}/s${usage})`,
      );
    },
  }).finally(() => appender.closeSync());
  // More rows stored than pages delivered means a dropped page was appended in part and fetched again:
  // only then is the (memory-hungry) de-duplication by Id needed.
  if ((await p.writer.count(object)) > result.rows) {
    const extra = await p.writer.dedupById(object);
    p.progress(`  ${object}: dropped ${extra} rows delivered twice by a retried page.`);
  }
  p.counts[object] = await p.writer.count(object);
  if (p.counts[object] !== result.rows)
    p.warnings.push(`${object}: ${p.counts[object]} rows stored, the org reported ${result.rows}.`);
  p.state.objects[object].done = true;
  p.save();
}

/**
 * A multi-currency org's currencies and their static conversion rates (CurrencyType, one row per currency: a REST
 * query, not a Bulk job), read again on every run (a resumed pull too) into their table; its row count. An org that
 * will not show them to this user gets a warning, and the metrics say which money figures they would have needed.
 */
async function pullCurrencyTypes(p: Pull): Promise<number | null> {
  const columns = tableColumns(CURRENCY_TYPE);
  let rows: Record<string, unknown>[];
  try {
    rows = await query(
      p.opts.http,
      `SELECT ${OPTIONAL_TABLES[CURRENCY_TYPE].fields.map(([n]) => n).join(', ')} FROM ${CURRENCY_TYPE}`,
    );
  } catch (e) {
    if (!(e instanceof OrgApiError) || e.status === 401 || e.status >= 500) throw e;
    p.warnings.push(
      `${CURRENCY_TYPE} could not be read (${e.message}): deal amounts in other currencies cannot be converted to the corporate currency.`,
    );
    return null;
  }
  await p.writer.createTable(CURRENCY_TYPE, columns);
  const appender = await p.writer.conn.createAppender(CURRENCY_TYPE);
  try {
    for (const r of rows) {
      for (const [name, type] of columns)
        appendValue(appender, type, r[name] === null || r[name] === undefined ? undefined : String(r[name]));
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
  p.progress(`  ${CURRENCY_TYPE}: ${rows.length} currencies`);
  return rows.length;
}

export async function buildOrgSnapshot(opts: OrgSnapshotOptions): Promise<BuildResult> {
  const progress = opts.progress ?? (() => {});
  const file = resumePath(opts.out);
  const t0 = performance.now();
  const resume = readResume(opts, progress);
  const state: ResumeFile = resume ?? {
    version: 1,
    instanceUrl: opts.http.session.instanceUrl,
    orgId: opts.http.session.orgId ?? null,
    startedAt: new Date().toISOString(),
    objects: {},
  };
  const save = (): void => writeAtomic(file, JSON.stringify(state, null, 2));
  const writer = await SnapshotWriter.create(opts.out, { resume: resume !== null, memoryLimit: '64MB' });
  // Ctrl-C also ends a retry wait, a job poll or a request at once (for this pull only).
  const callerSignal = opts.http.signal;
  opts.http.signal = opts.signal;
  const warnings: string[] = [];
  const counts: Record<string, number> = {};
  try {
    const pull: Pull = { opts, writer, state, save, progress, warnings, counts };
    for (const object of opts.objects ?? OBJECTS) {
      const entry = state.objects[object];
      if (entry?.done) {
        counts[object] = await writer.count(object);
        continue;
      }
      const fields = entry ? entry.fields : await objectFields(pull, object);
      if (fields === null) continue;
      await pullObject(pull, object, fields);
    }
    if (state.objects.Opportunity?.fields.includes('CurrencyIsoCode')) {
      const n = await pullCurrencyTypes(pull);
      if (n !== null) counts[CURRENCY_TYPE] = n;
    }
    const createdAt = new Date().toISOString();
    // what the org had: an object it lacks was recorded with no fields (an org without our package)
    const loaded = Object.fromEntries(
      Object.entries(state.objects).map(([o, s]) => [o, s.fields.length ? s.fields : null]),
    );
    await writer.commit(
      {
        source: 'org',
        orgId: state.orgId,
        apiVersion: opts.http.session.apiVersion,
        createdAt,
        instanceUrl: opts.http.session.instanceUrl,
      },
      counts,
      loaded,
    );
    rmSync(file, { force: true });
    const usage = opts.http.lastUsage;
    if (usage) progress(`API usage after the pull: ${usage.used}/${usage.max} (Sforce-Limit-Info).`);
    return {
      out: opts.out,
      source: 'org',
      orgId: state.orgId,
      createdAt,
      counts,
      csvBytes: 0,
      timings: { pullMs: Math.round(performance.now() - t0) },
      warnings,
    };
  } catch (e) {
    // Keep the partial file and the resume file: the next run continues from the last saved page.
    writer.release();
    throw e;
  } finally {
    opts.http.signal = callerSignal;
  }
}
