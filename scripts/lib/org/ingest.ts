// Bulk API 2.0 ingest, as the API documents it and jsforce's IngestJobV2 does it: POST /jobs/ingest creates an Open
// job (object, operation, externalIdFieldName for upsert, CSV, LF); PUT /jobs/ingest/<id>/batches uploads the CSV
// (text/csv, 201); PATCH /jobs/ingest/<id> {"state":"UploadComplete"} closes it; GET /jobs/ingest/<id> is polled
// until JobComplete, Failed or Aborted; GET .../failedResults/ returns the refused rows as CSV ("sf__Id","sf__Error",
// then the uploaded columns). One job per call of ingestCsv; the caller bounds the CSV's size (the API takes up to
// 150 MB per job). Every request goes through OrgHttp (session renewal, retries with backoff, abortable waits).
import type { OrgHttp } from './http.ts';
import { pollJob } from './poll.ts';

export interface IngestJobInfo {
  id: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  object?: string;
  operation?: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  errorMessage?: string;
}

export interface IngestJobSpec {
  object: string;
  operation: 'insert' | 'upsert' | 'update';
  /** The External Id field an upsert matches on. */
  externalIdFieldName?: string;
}

export interface IngestWaitOptions {
  /** First poll delay (default 500 ms); grows ×1.5 up to 10 s. */
  pollIntervalMs?: number;
  /** Give up after this long (default 2 h). */
  pollTimeoutMs?: number;
  onJob?(info: IngestJobInfo): void;
}

export async function createIngestJob(http: OrgHttp, spec: IngestJobSpec): Promise<IngestJobInfo> {
  return http.json<IngestJobInfo>('/jobs/ingest', {
    method: 'POST',
    body: JSON.stringify({ ...spec, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' }),
  });
}

/** Uploads the job's CSV (header line first, LF line endings). */
export async function uploadIngestData(http: OrgHttp, jobId: string, csv: string): Promise<void> {
  await http.withRetry(`upload to Bulk ingest job ${jobId}`, async () => {
    const res = await http.send(`/jobs/ingest/${jobId}/batches`, {
      method: 'PUT',
      body: csv,
      headers: { 'Content-Type': 'text/csv', Accept: 'application/json' },
    });
    await res.text();
  });
}

export async function setIngestState(
  http: OrgHttp,
  jobId: string,
  state: 'UploadComplete' | 'Aborted',
): Promise<IngestJobInfo> {
  return http.json<IngestJobInfo>(`/jobs/ingest/${jobId}`, {
    method: 'PATCH',
    body: JSON.stringify({ state }),
  });
}

export async function ingestJobInfo(http: OrgHttp, jobId: string): Promise<IngestJobInfo> {
  return http.json<IngestJobInfo>(`/jobs/ingest/${jobId}`);
}

/** Polls until the job is JobComplete (returned); Failed or Aborted throw an OrgApiError with the org's message. */
export async function waitForIngestJob(
  http: OrgHttp,
  jobId: string,
  opts: IngestWaitOptions = {},
): Promise<IngestJobInfo> {
  return pollJob(http, jobId, {
    what: 'Bulk ingest job',
    read: () => ingestJobInfo(http, jobId),
    intervalMs: opts.pollIntervalMs ?? 500,
    timeoutMs: opts.pollTimeoutMs ?? 2 * 3600_000,
    onJob: opts.onJob,
    waited: 'after the wait',
    failedHint:
      'Check the job in Setup > Bulk Data Load Jobs, then run the same command again: finished batches are kept.',
    timeoutHint: 'Run the same command again later: it waits for the same job.',
  });
}

/** The rows the job refused, as the org returns them (CSV: "sf__Id","sf__Error", then the uploaded columns). */
export async function failedResults(http: OrgHttp, jobId: string): Promise<string> {
  return http.withRetry(`failed results of Bulk ingest job ${jobId}`, async () => {
    const res = await http.send(`/jobs/ingest/${jobId}/failedResults/`, { headers: { Accept: 'text/csv' } });
    return res.text();
  });
}
