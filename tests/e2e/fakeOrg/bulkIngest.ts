// Bulk API 2.0 ingest jobs, as the API answers them: POST /jobs/ingest (Open, with contentUrl), PUT
// /jobs/ingest/<id>/batches (text/csv, 201), PATCH /jobs/ingest/<id> {"state":"UploadComplete"|"Aborted"}, GET
// /jobs/ingest/<id> (UploadComplete, InProgress, then JobComplete with numberRecordsProcessed/Failed), GET
// .../failedResults/ and .../successfulResults/ (CSV with sf__Id, sf__Error or sf__Created, then the uploaded
// columns). Upsert on an external id keeps one record per value; the fake refuses rows whose Email__c is in
// `refuseEmails`, as TA_EngagementEvent_Identify refuses an event whose person is unknown. The store is kept per
// FakeOrg (ingestOf) and holds only the external ids, so a 1M-row bench stays small.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import type { FakeOrg } from './org.ts';
import type { DataRoute } from './types.ts';

export interface IngestJob {
  id: string;
  object: string;
  operation: string;
  externalIdFieldName?: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Aborted' | 'Failed';
  polls: number;
  uploads: number;
  processed: number;
  failed: number;
  failedCsv: string[];
  header: string[];
  apiVersion: string;
  /** Rows received by the PUT, processed when the upload completes. */
  pending: string[];
  /** Why a Failed job failed (the API's errorMessage). */
  errorMessage?: string;
}

export interface IngestStore {
  jobs: Map<string, IngestJob>;
  /** External id value -> record Id. */
  records: Map<string, string>;
  created: number;
  updated: number;
  /** Rows refused with this Email__c (lower case). */
  refuseEmails: Set<string>;
  /**
   * While set, a completed upload fails as a whole with this message and nothing is saved (as a job does whose
   * columns the user may not write: "InvalidBatch : Field name not found : Points__c").
   */
  failJobsWith: string | null;
}

const stores = new WeakMap<FakeOrg, IngestStore>();

export function ingestOf(org: FakeOrg): IngestStore {
  let s = stores.get(org);
  if (!s) {
    s = {
      jobs: new Map(),
      records: new Map(),
      created: 0,
      updated: 0,
      refuseEmails: new Set(),
      failJobsWith: null,
    };
    stores.set(org, s);
  }
  return s;
}

const OBJECTS = new Set(['Engagement_Event__c']);

export const BULK_INGEST_ROUTES: DataRoute[] = [
  {
    method: 'POST',
    path: /^\/jobs\/ingest\/?$/,
    handle: (org, c) => createJob(org, c.req, c.res, c.version),
  },
  {
    method: 'PUT',
    path: /^\/jobs\/ingest\/(\w+)\/batches\/?$/,
    handle: (org, c, m) => upload(org, c.req, c.res, m[1]),
  },
  {
    method: 'PATCH',
    path: /^\/jobs\/ingest\/(\w+)\/?$/,
    handle: (org, c, m) => patch(org, c.req, c.res, m[1]),
  },
  { method: 'GET', path: /^\/jobs\/ingest\/(\w+)\/?$/, handle: (org, c, m) => info(org, c.res, m[1]) },
  {
    method: 'GET',
    path: /^\/jobs\/ingest\/(\w+)\/failedResults\/?$/,
    handle: (org, c, m) => failedResults(org, c.res, m[1]),
  },
];

async function createJob(
  org: FakeOrg,
  req: IncomingMessage,
  res: ServerResponse,
  version: string,
): Promise<void> {
  const body = JSON.parse(await org.body(req)) as {
    object?: string;
    operation?: string;
    externalIdFieldName?: string;
    contentType?: string;
  };
  if (!body.object || !OBJECTS.has(body.object))
    return org.error(res, 400, 'INVALIDJOB', `InvalidJob : Invalid object: ${body.object}`);
  if (!['insert', 'upsert', 'update'].includes(body.operation ?? ''))
    return org.error(res, 400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${body.operation}`);
  if (body.operation === 'upsert' && !body.externalIdFieldName)
    return org.error(res, 400, 'INVALIDJOB', 'InvalidJob : External ID was blank for upsert');
  const job: IngestJob = {
    id: org.id('750'),
    object: body.object,
    operation: body.operation!,
    externalIdFieldName: body.externalIdFieldName,
    state: 'Open',
    polls: 0,
    uploads: 0,
    processed: 0,
    failed: 0,
    failedCsv: [],
    header: [],
    apiVersion: version,
    pending: [],
  };
  ingestOf(org).jobs.set(job.id, job);
  org.json(res, 200, {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: '0055e000000FAKEAAA',
    state: 'Open',
    externalIdFieldName: job.externalIdFieldName,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(version),
    contentUrl: `services/data/v${version}/jobs/ingest/${job.id}/batches`,
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
  });
}

async function upload(org: FakeOrg, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const job = ingestOf(org).jobs.get(id);
  if (!job) return org.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  if (job.state !== 'Open')
    return org.error(
      res,
      400,
      'INVALIDJOBSTATE',
      `Job ${id} is not Open (state ${job.state}): data cannot be added.`,
    );
  if (!/^text\/csv/.test(req.headers['content-type'] ?? ''))
    return org.error(res, 400, 'INVALIDJOB', 'Content-Type must be text/csv');
  job.uploads++;
  for await (const line of createInterface({ input: req, crlfDelay: Infinity })) {
    if (line === '') continue;
    if (job.header.length === 0) job.header = line.split(',');
    else job.pending.push(line);
  }
  res.writeHead(201);
  res.end();
}

async function patch(org: FakeOrg, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const store = ingestOf(org);
  const job = store.jobs.get(id);
  if (!job) return org.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  const { state } = JSON.parse(await org.body(req)) as { state?: string };
  if (state === 'Aborted') {
    job.state = 'Aborted';
    job.pending = [];
  } else if (state === 'UploadComplete' && job.state === 'Open') {
    job.state = 'UploadComplete';
    if (store.failJobsWith) {
      job.state = 'Failed';
      job.errorMessage = store.failJobsWith;
      job.pending = [];
    } else applyRows(store, job);
  } else {
    return org.error(res, 400, 'INVALIDJOBSTATE', `Cannot move job ${id} from ${job.state} to ${state}`);
  }
  org.json(res, 200, { id: job.id, state: job.state, object: job.object, operation: job.operation });
}

/** Applies the uploaded rows (upsert on the external id; refused e-mails fail). */
function applyRows(store: IngestStore, job: IngestJob): void {
  const ext = job.externalIdFieldName ? job.header.indexOf(job.externalIdFieldName) : -1;
  const email = job.header.indexOf('Email__c');
  for (const line of job.pending) {
    // the values the fake reads never hold commas in the tests; quoted cells are kept whole in the failed CSV
    const cells = line.split(',');
    const addr = email >= 0 ? (cells[email] ?? '').toLowerCase() : '';
    job.processed++;
    if (addr && store.refuseEmails.has(addr)) {
      job.failed++;
      job.failedCsv.push(
        `"","FIELD_CUSTOM_VALIDATION_EXCEPTION:No Lead or Contact has e-mail ${addr} or Provider_Person_Id__c : create the person first, or leave the event out.:--",${line}`,
      );
      continue;
    }
    const key = ext >= 0 ? cells[ext] : `row${store.records.size}`;
    if (store.records.has(key)) store.updated++;
    else {
      store.records.set(key, `a0X${String(store.records.size).padStart(12, '0')}`);
      store.created++;
    }
  }
  job.pending = [];
}

function info(org: FakeOrg, res: ServerResponse, id: string): void {
  const job = ingestOf(org).jobs.get(id);
  if (!job) return org.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  if (job.state === 'UploadComplete' || job.state === 'InProgress') {
    job.polls++;
    job.state = job.polls > 1 ? 'JobComplete' : 'InProgress';
  }
  org.json(res, 200, {
    id: job.id,
    operation: job.operation,
    object: job.object,
    state: job.state,
    externalIdFieldName: job.externalIdFieldName,
    apiVersion: Number(job.apiVersion),
    numberRecordsProcessed: job.state === 'JobComplete' ? job.processed : 0,
    numberRecordsFailed: job.state === 'JobComplete' ? job.failed : 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  });
}

function failedResults(org: FakeOrg, res: ServerResponse, id: string): void {
  const job = ingestOf(org).jobs.get(id);
  if (!job) return org.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
  if (job.state !== 'JobComplete')
    return org.error(res, 400, 'INVALIDJOBSTATE', `Job ${id} is not complete (state ${job.state}).`);
  const header = ['"sf__Id"', '"sf__Error"', ...job.header].join(',');
  res.writeHead(200, { 'Content-Type': 'text/csv' });
  res.end(`${header}\n${job.failedCsv.map((l) => `${l}\n`).join('')}`);
}
