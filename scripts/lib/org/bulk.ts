// Bulk API 2.0 query: create the job, poll until JobComplete, then page the CSV results with maxRecords.
// Each page is gzip-encoded on the wire and parsed as a stream (csv-parse) with backpressure: the consumer's
// promise must settle before more of the page is read, so memory stays bounded whatever the row count.
// The Sforce-Locator of the next page is saved after every page, so an interrupted pull resumes there.
//
// Every request here is the connection's (OrgHttp: conn.request authenticates it and renews the session on a 401).
// The pager itself is ours, not jsforce's bulk2.query / QueryJobV2.result(), because jsforce 3 reads each results
// page whole into a string (its transport's readAll) and fetches every page before it returns the record stream, so
// a 1M-row object sits in memory at once; it also takes no maxRecords, cannot resume from a saved locator, and
// stops polling a job after 30 s.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { OrgApiError, type OrgHttp } from './http.ts';
import { pollJob } from './poll.ts';

export interface BulkJobState {
  jobId: string;
  /** Locator of the next page to fetch; null = the first page. */
  locator: string | null;
  done: boolean;
  pages: number;
  rows: number;
}

export interface BulkJobInfo {
  id: string;
  state: 'UploadComplete' | 'InProgress' | 'Aborted' | 'JobComplete' | 'Failed';
  numberRecordsProcessed?: number;
  errorMessage?: string;
}

export interface BulkQueryOptions {
  /** Records per results page (maxRecords). */
  maxRecords?: number;
  /** First poll delay (default 200 ms); grows ×1.5 up to 10 s. */
  pollIntervalMs?: number;
  /** Give up waiting for the job after this long (default 2 h; jsforce's reader gives up after 30 s). */
  pollTimeoutMs?: number;
  /** Records delivered per onRecords call. */
  batchSize?: number;
  /** Resume an interrupted pull. */
  resume?: BulkJobState;
  /** Called after every page with the state to resume from (awaited before the next page). */
  saveState?(state: BulkJobState): void | Promise<void>;
  /** Receives the header once per page and then batches of records (string values). */
  onRecords(header: readonly string[], records: string[][]): Promise<void> | void;
  onJob?(info: BulkJobInfo): void;
  onPage?(state: BulkJobState, pageRows: number): void;
  /**
   * A resumed job cannot deliver (it went to Failed or Aborted, or the org no longer has it): a new job is started
   * for the same query. Called first, with the reason, so the caller can drop rows the old job delivered.
   */
  onNewJob?(reason: string, old: BulkJobState): void | Promise<void>;
}

export async function createQueryJob(http: OrgHttp, soql: string): Promise<BulkJobInfo> {
  return http.json<BulkJobInfo>('/jobs/query', {
    method: 'POST',
    body: JSON.stringify({
      operation: 'query',
      query: soql,
      contentType: 'CSV',
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
    }),
  });
}

export async function waitForJob(
  http: OrgHttp,
  jobId: string,
  opts: Pick<BulkQueryOptions, 'pollIntervalMs' | 'pollTimeoutMs' | 'onJob'>,
): Promise<BulkJobInfo> {
  return pollJob(http, jobId, {
    what: 'Bulk query job',
    read: () => http.json<BulkJobInfo>(`/jobs/query/${jobId}`),
    intervalMs: opts.pollIntervalMs ?? 200,
    timeoutMs: opts.pollTimeoutMs ?? 2 * 3600_000,
    onJob: opts.onJob,
    waited: `after ${Math.round((opts.pollTimeoutMs ?? 0) / 1000)}s`,
    failedHint:
      'Check the job in Setup > Bulk Data Load Jobs; running the snapshot again starts a new job for this object.',
    timeoutHint: 'Run the same command again later: the pull resumes from the saved job.',
  });
}

/** Streams one results page into the consumer; returns the next locator ("null" at the end) and rows read. */
async function readPage(
  http: OrgHttp,
  jobId: string,
  locator: string | null,
  opts: BulkQueryOptions,
): Promise<{ next: string; rows: number }> {
  const q = new URLSearchParams({ maxRecords: String(opts.maxRecords ?? 50_000) });
  if (locator) q.set('locator', locator);
  const res = await http.send(`/jobs/query/${jobId}/results?${q}`, { headers: { Accept: 'text/csv' } });
  const next = res.headers.get('sforce-locator') ?? 'null';
  if (!res.body) return { next, rows: 0 };
  const parser = parse({ bom: true });
  // pipeline (not pipe) so that a dropped connection errors the parser and ends the loop below.
  let failure: unknown = null;
  const piping = pipeline(
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>),
    parser,
  ).catch((e: unknown) => {
    failure = e;
  });
  let header: string[] | null = null;
  let batch: string[][] = [];
  let rows = 0;
  const size = opts.batchSize ?? 2000;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record;
        continue;
      }
      batch.push(record);
      rows++;
      if (batch.length >= size) {
        await opts.onRecords(header, batch);
        batch = [];
      }
    }
  } catch (e) {
    parser.destroy();
    await piping;
    throw failure ?? e;
  }
  await piping;
  if (failure) throw failure;
  if (header && batch.length) await opts.onRecords(header, batch);
  const expected = Number(res.headers.get('sforce-numberofrecords'));
  if (Number.isFinite(expected) && res.headers.has('sforce-numberofrecords') && expected !== rows) {
    throw Object.assign(new Error(`page ended early: ${rows} of ${expected} records (premature close)`), {
      code: 'ERR_STREAM_PREMATURE_CLOSE',
    });
  }
  return { next, rows };
}

/** Why a job can never deliver its results (Failed, Aborted, gone from the org), or null. */
function deadJob(e: unknown): string | null {
  if (!(e instanceof OrgApiError)) return null;
  if (e.errorCode === 'Failed' || e.errorCode === 'Aborted')
    return `${e.errorCode === 'Failed' ? 'failed' : 'was aborted'} (${e.message.replace(/^.*?: /, '')})`;
  if (e.status === 404) return 'no longer exists in the org';
  return null;
}

/** Runs (or resumes) a Bulk API 2.0 query and streams every record to opts.onRecords. */
export async function bulkQuery(http: OrgHttp, soql: string, opts: BulkQueryOptions): Promise<BulkJobState> {
  const state: BulkJobState = opts.resume
    ? { ...opts.resume }
    : { jobId: (await createQueryJob(http, soql)).id, locator: null, done: false, pages: 0, rows: 0 };
  if (!opts.resume) await opts.saveState?.(state);
  if (state.done) return state;
  try {
    await waitForJob(http, state.jobId, opts);
  } catch (e) {
    const dead = deadJob(e);
    if (!opts.resume || !dead) throw e;
    // A saved job that failed, was aborted or expired is never resumed again: start over with a new one.
    await opts.onNewJob?.(`the saved Bulk query job ${state.jobId} ${dead}`, { ...state });
    Object.assign(state, {
      jobId: (await createQueryJob(http, soql)).id,
      locator: null,
      done: false,
      pages: 0,
      rows: 0,
    });
    await opts.saveState?.(state);
    await waitForJob(http, state.jobId, opts);
  }
  while (!state.done) {
    const page = await http.withRetry(`results page ${state.pages + 1} of job ${state.jobId}`, () =>
      readPage(http, state.jobId, state.locator, opts),
    );
    state.pages++;
    state.rows += page.rows;
    state.locator = page.next === 'null' ? null : page.next;
    state.done = page.next === 'null';
    await opts.saveState?.(state);
    opts.onPage?.(state, page.rows);
  }
  return state;
}
