// Bulk API 2.0 query jobs: POST /jobs/query, GET /jobs/query/<id> (UploadComplete, InProgress, then JobComplete
// or the injected failure), GET /jobs/query/<id>/results (CSV pages with Sforce-Locator, gzip, injected 429/503
// and a dropped connection).
//
// Bulk API 2.0 ingest jobs (/jobs/ingest, /jobs/ingest/<id>/batches, .../successfulResults ...) get their own file
// beside this one (bulkIngest.ts exporting BULK_INGEST_ROUTES, its jobs kept on the FakeOrg like `jobs`), listed in
// DATA_ROUTES in org.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import type { FakeOrg } from './org.ts';
import { parseSoql } from './query.ts';
import type { DataRoute, QueryJob } from './types.ts';

export const BULK_QUERY_ROUTES: DataRoute[] = [
  { method: 'POST', path: /^\/jobs\/query$/, handle: (org, c) => createJob(org, c.req, c.res, c.version) },
  { path: /^\/jobs\/query\/(\w+)$/, handle: (org, c, m) => jobInfo(org, c.res, m[1]) },
  { path: /^\/jobs\/query\/(\w+)\/results$/, handle: (org, c, m) => results(org, c.req, c.res, m[1], c.url) },
];

async function createJob(
  org: FakeOrg,
  req: IncomingMessage,
  res: ServerResponse,
  version: string,
): Promise<void> {
  const body = JSON.parse(await org.body(req)) as {
    operation: string;
    query: string;
    contentType?: string;
  };
  if (org.faults.limitExceeded && org.faults.limitExceeded > 0) {
    org.faults.limitExceeded--;
    return org.error(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
  }
  const q = parseSoql(body.query);
  if (body.operation !== 'query' && body.operation !== 'queryAll')
    return org.error(res, 400, 'INVALIDJOB', `Invalid operation: ${body.operation}`);
  if (!q) return org.error(res, 400, 'MALFORMED_QUERY', 'unexpected token');
  const ds = org.opts.data?.[q.object];
  if (!ds) return org.error(res, 400, 'INVALID_TYPE', `sObject type '${q.object}' is not supported.`);
  const bad = q.fields.find((f) => !ds.fields.includes(f));
  if (bad) return org.error(res, 400, 'INVALIDJOB', `No such column '${bad}' on entity '${q.object}'.`);
  const job: QueryJob = {
    id: org.id('750'),
    object: q.object,
    fields: q.fields,
    polls: 0,
    apiVersion: version,
    createdDate: new Date().toISOString().replace('Z', '+0000'),
  };
  if (org.faults.failJobs && org.faults.failJobs.count > 0) {
    org.faults.failJobs.count--;
    job.failAs = {
      state: org.faults.failJobs.state ?? 'Failed',
      message: org.faults.failJobs.message ?? 'InternalServerError : Query timed out',
    };
  }
  org.jobs.set(job.id, job);
  org.json(res, 200, {
    id: job.id,
    operation: body.operation,
    object: job.object,
    createdById: '0055e000000FAKEAAA',
    createdDate: job.createdDate,
    systemModstamp: job.createdDate,
    state: 'UploadComplete',
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(version),
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
  });
}

function jobInfo(org: FakeOrg, res: ServerResponse, id: string): void {
  const job = org.jobs.get(id);
  if (!job) return org.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  job.polls++;
  const complete = job.polls > (org.opts.pollsBeforeComplete ?? 1);
  if (complete && job.failAs)
    return org.json(res, 200, {
      id: job.id,
      operation: 'query',
      object: job.object,
      state: job.failAs.state,
      errorMessage: job.failAs.message,
      numberRecordsProcessed: 0,
    });
  org.json(res, 200, {
    id: job.id,
    operation: 'query',
    object: job.object,
    createdById: '0055e000000FAKEAAA',
    createdDate: job.createdDate,
    systemModstamp: job.createdDate,
    state: complete ? 'JobComplete' : job.polls === 1 ? 'UploadComplete' : 'InProgress',
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    jobType: 'V2Query',
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
    numberRecordsProcessed: complete ? org.opts.data![job.object].count : 0,
    retries: 0,
    totalProcessingTime: complete ? 1234 : 0,
  });
}

async function results(
  org: FakeOrg,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  url: URL,
): Promise<void> {
  const job = org.jobs.get(id);
  if (!job) return org.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  if (job.polls <= (org.opts.pollsBeforeComplete ?? 1))
    return org.error(res, 400, 'INVALIDJOBSTATE', 'Job is not complete');
  if (job.failAs) return org.error(res, 400, 'INVALIDJOBSTATE', `Job is ${job.failAs.state}`);
  if (org.faults.retryAfter && org.faults.retryAfter.count > 0) {
    org.faults.retryAfter.count--;
    res.setHeader('Retry-After', org.faults.retryAfter.value);
    return org.error(res, 429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests');
  }
  if (org.faults.tooManyRequests && org.faults.tooManyRequests > 0) {
    org.faults.tooManyRequests--;
    return org.error(res, 429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests');
  }
  if (org.faults.unavailable && org.faults.unavailable > 0) {
    org.faults.unavailable--;
    return org.error(res, 503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable');
  }
  const ds = org.opts.data![job.object];
  // Locators are base64 of the next offset (what Salesforce returns looks the same: e.g. MTAwMDA = "10000").
  const locator = url.searchParams.get('locator');
  const offset = locator ? Number(Buffer.from(locator, 'base64').toString()) : 0;
  const max = Number(url.searchParams.get('maxRecords') ?? 50_000);
  const end = Math.min(ds.count, offset + max);
  const next = end < ds.count ? Buffer.from(String(end)).toString('base64').replace(/=+$/, '') : 'null';
  const page = ++org.pageCounter;
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  org.headers(res);
  res.writeHead(200, {
    'Content-Type': 'text/csv',
    'Sforce-Locator': next,
    'Sforce-NumberOfRecords': String(end - offset),
    ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
  });
  const drop = org.faults.dropPage && org.faults.dropPage.page === page ? org.faults.dropPage : null;
  if (drop) org.faults.dropPage = undefined;
  const idx = job.fields.map((f) => ds.fields.indexOf(f));
  const out = gzip ? createGzip({ level: 1 }) : null;
  if (out) out.pipe(res);
  const sink = out ?? res;
  let sent = 0;
  const write = async (text: string): Promise<void> => {
    sent += text.length;
    if (!sink.write(text)) await new Promise<void>((r) => sink.once('drain', () => r()));
  };
  await write(job.fields.map((f) => `"${f}"`).join(',') + '\n');
  let buf = '';
  for (let i = offset; i < end; i++) {
    const row = ds.row(i);
    buf += idx.map((k) => csvValue(row[k])).join(',') + '\n';
    if (buf.length > 64 * 1024) {
      await write(buf);
      buf = '';
      if (drop && sent >= drop.afterBytes) {
        if (out) out.flush();
        await new Promise((r) => setTimeout(r, 20));
        res.socket?.destroy();
        return;
      }
    }
  }
  await write(buf);
  sink.end();
}

function csvValue(v: string | number | boolean | null): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return `"${s.includes('"') ? s.replaceAll('"', '""') : s}"`;
}
