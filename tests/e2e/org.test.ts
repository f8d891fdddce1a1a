import { afterAll, describe, expect, it, afterEach } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { FakeOrg, syntheticDataset } from './fakeOrg.ts';
import {
  OrgApiError,
  bulkQuery,
  query,
  composite,
  apexRest,
  parseLimitInfo,
  httpFor,
  connectionFromSession,
  type RetryPolicy,
  type OrgHttp,
} from '../../scripts/lib/org/index.ts';
import { parseRetryAfter } from '../../scripts/lib/org/http.ts';
import { buildOrgSnapshot, resumePath } from '../../scripts/lib/snapshot/fromOrg.ts';
import { SCHEMA } from '../../scripts/lib/snapshot/schema.ts';
import { query as sql, tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';

afterAll(removeTmpDirs);

const FAST: RetryPolicy = { retries: 5, baseDelayMs: 20, maxDelayMs: 200 };
const leads = (n: number) => syntheticDataset('Lead', SCHEMA.Lead.fields, n, '00Q');
const users = (n: number) => syntheticDataset('User', SCHEMA.User.fields, n, '005');

let org: FakeOrg | null = null;
afterEach(async () => {
  await org?.stop();
  org = null;
});

/**
 * The org interface as commands get it: over a @salesforce/core Connection (its auth, instance URL and API version),
 * here made from the fake org's instance URL and access token.
 */
async function httpOf(
  o: FakeOrg,
  events: Parameters<typeof httpFor>[1] = {},
  accessToken?: string,
): Promise<OrgHttp> {
  const connection = await connectionFromSession({ ...o.session(), ...(accessToken ? { accessToken } : {}) });
  return httpFor(connection, events, FAST);
}

async function start(opts: ConstructorParameters<typeof FakeOrg>[0]): Promise<FakeOrg> {
  org = await new FakeOrg(opts).start();
  return org;
}

const resultsRequests = (o: FakeOrg): string[] =>
  o.log
    .filter((r) => r.path.includes('/results'))
    .map((r) => `${r.status} ${new URL(r.path, 'http://x').searchParams.get('locator') ?? 'first'}`);

describe('org interface against the loopback fake org', () => {
  it('pages a REST query through nextRecordsUrl', async () => {
    const o = await start({ data: { User: users(250) }, restPageSize: 100 });
    const http = await httpOf(o);
    const rows = await query<{ Id: string }>(http, 'SELECT Id, Username FROM User');
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((r) => r.Id)).size).toBe(250);
    expect(o.log.filter((r) => r.path.includes('/query')).length).toBe(3);
  });

  it('reads API usage from Sforce-Limit-Info', async () => {
    expect(parseLimitInfo('api-usage=25/15000')).toEqual({ used: 25, max: 15000 });
    const o = await start({ data: { User: users(3) } });
    const http = await httpOf(o);
    await query(http, 'SELECT Id FROM User');
    expect(http.lastUsage).toEqual({ used: 1, max: 15000 });
  });

  it("turns Salesforce's JSON error body into an error naming the code and what to do", async () => {
    const o = await start({ data: { User: users(3) } });
    const http = await httpOf(o);
    const err = await query(http, 'SELECT Id, Nope__c FROM User').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgApiError);
    expect(err).toMatchObject({ errorCode: 'INVALID_FIELD', status: 400 });
    expect((err as Error).message).toContain("No such column 'Nope__c' on entity 'User'");
    expect((err as OrgApiError).actions.join(' ')).toMatch(/revops deploy/);
    const expired = await query(await httpOf(o, {}, 'stale'), 'SELECT Id FROM User').catch((e: unknown) => e);
    expect(expired).toMatchObject({ status: 401, errorCode: 'INVALID_SESSION_ID' });
    expect((expired as OrgApiError).actions[0]).toMatch(/sf org login/);
  });

  it('backs off exponentially on 429 and 503 and on REQUEST_LIMIT_EXCEEDED, then completes', async () => {
    const o = await start({ data: { Lead: leads(3000) } });
    o.faults.limitExceeded = 1;
    o.faults.tooManyRequests = 2;
    o.faults.unavailable = 1;
    const delays: number[] = [];
    const reasons: string[] = [];
    const http = await httpOf(o, {
      onRetry: (r) => (delays.push(r.delayMs), reasons.push(r.reason)),
    });
    let rows = 0;
    await bulkQuery(http, 'SELECT Id, Email FROM Lead', {
      maxRecords: 1000,
      pollIntervalMs: 5,
      onRecords: (_h, r) => void (rows += r.length),
    });
    expect(rows).toBe(3000);
    expect(reasons.join('|')).toMatch(/403 REQUEST_LIMIT_EXCEEDED.*429.*429.*503/);
    // the three result-page retries happen back to back: each waits about twice as long as the one before
    expect(delays[2]).toBeGreaterThan(delays[1] * 1.5);
    expect(delays[3]).toBeGreaterThan(delays[2] * 1.5);
  });

  it('resumes a results page after the connection drops mid-page, without duplicate rows', async () => {
    const o = await start({ data: { Lead: leads(6000) } });
    o.faults.dropPage = { page: 2, afterBytes: 150_000 };
    const out = join(tmpDir('org-drop'), 'snap.duckdb');
    const r = await buildOrgSnapshot({
      out,
      http: await httpOf(o),
      objects: ['Lead'],
      maxRecords: 2000,
      pollIntervalMs: 5,
    });
    expect(r.counts.Lead).toBe(6000);
    // page 2 (locator MjAwMA = "2000") was dropped once (-1) and fetched again
    expect(resultsRequests(o)).toEqual(['200 first', '-1 MjAwMA', '200 MjAwMA', '200 NDAwMA']);
    const [d] = await sql(out, `SELECT count(*) AS n, count(DISTINCT Id) AS ids FROM "Lead"`);
    expect(d).toEqual({ n: 6000, ids: 6000 });
  });

  it('resumes an interrupted pull from the locator saved after the last page', async () => {
    const o = await start({ data: { Lead: leads(5000), User: users(40) } });
    const out = join(tmpDir('org-resume'), 'snap.duckdb');
    const abort = new AbortController();
    const http = await httpOf(o);
    const first = buildOrgSnapshot({
      out,
      http,
      objects: ['User', 'Lead'],
      maxRecords: 1000,
      pollIntervalMs: 5,
      signal: abort.signal,
      progress: (m) => {
        if (m.includes('Lead: page 2')) abort.abort();
      },
    });
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(out)).toBe(false);
    const saved = JSON.parse(readFileSync(resumePath(out), 'utf8')) as {
      objects: Record<string, { done: boolean; state: { locator: string; rows: number } }>;
    };
    expect(saved.objects.User.done).toBe(true);
    expect(saved.objects.Lead.state).toMatchObject({ locator: 'MjAwMA', rows: 2000 });
    const before = resultsRequests(o).length;
    const r = await buildOrgSnapshot({
      out,
      http,
      objects: ['User', 'Lead'],
      maxRecords: 1000,
      pollIntervalMs: 5,
    });
    // the second run starts at the saved locator: pages 1-2 are not fetched again, User is not pulled again
    expect(resultsRequests(o).slice(before)).toEqual(['200 MjAwMA', '200 MzAwMA', '200 NDAwMA']);
    expect(r.counts).toEqual({ User: 40, Lead: 5000 });
    expect(existsSync(resumePath(out))).toBe(false);
    const [d] = await sql(
      out,
      `SELECT count(*) AS n, count(DISTINCT Id) AS ids, typeof(any_value(CreatedDate)) AS t FROM "Lead"`,
    );
    expect(d).toEqual({ n: 5000, ids: 5000, t: 'TIMESTAMP' });
    const prov = await sql(
      out,
      `SELECT source, org_id, api_version, instance_url FROM _provenance WHERE object = 'Lead'`,
    );
    // the org's URL, so reports can link record Ids to it
    expect(prov).toEqual([
      { source: 'org', org_id: o.orgId, api_version: '66.0', instance_url: http.session.instanceUrl },
    ]);
  });

  it('a resume file cut short (a full disk, a kill) is named with the way out, not a bare JSON error', async () => {
    const o = await start({ data: { User: users(3) } });
    const out = join(tmpDir('org-resume-broken'), 'snap.duckdb');
    writeFileSync(`${out}.partial`, '');
    writeFileSync(resumePath(out), '{"version":1,"instanceUrl":"https://ex');
    const pull = buildOrgSnapshot({ out, http: await httpOf(o), objects: ['User'], pollIntervalMs: 5 });
    await expect(pull).rejects.toMatchObject({
      name: 'SnapshotError',
      message: expect.stringContaining(`The resume file ${resumePath(out)} is not readable JSON`),
      actions: [expect.stringContaining('--restart')],
    });
  });

  it('keeps memory bounded while streaming a large result (200k leads, gzip pages)', async () => {
    const o = await start({ data: { Lead: leads(200_000) } });
    const http = await httpOf(o);
    const fields =
      'Id, FirstName, LastName, Email, Company, Status, OwnerId, CreatedDate, Lifecycle_Stage__c, Fit_Score__c, MQL_Date__c, Routing_Rule__c';
    // heap still in use (after a full GC) at many points of the stream, against the start
    v8.setFlagsFromString('--expose_gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    let bytes = 0;
    let batches = 0;
    await bulkQuery(http, `SELECT ${fields} FROM Lead`, {
      maxRecords: 25_000,
      pollIntervalMs: 5,
      onRecords: (_h, records) => {
        rows += records.length;
        for (const r of records) bytes += r.join(',').length;
        if (++batches % 10 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        }
      },
    });
    expect(rows).toBe(200_000);
    expect(bytes).toBeGreaterThan(40e6);
    expect(peak).toBeLessThan(bytes / 8); // retained heap stays a small fraction of the data streamed through
    console.log(
      `bounded-memory: ${(bytes / 1e6).toFixed(0)} MB streamed, peak retained heap growth ${(peak / 1e6).toFixed(1)} MB`,
    );
  });

  it('sends composite requests and Apex REST calls with the session', async () => {
    const o = await start({});
    const http = await httpOf(o);
    const r = await composite(http, [
      {
        method: 'POST',
        url: '/services/data/v66.0/sobjects/Rep_Availability__c',
        referenceId: 'rep1',
        body: { Pool__c: 'SDR-General' },
      },
    ]);
    expect(r.compositeResponse[0]).toMatchObject({ httpStatusCode: 201, referenceId: 'rep1' });
    expect(o.compositeBodies[0]).toMatchObject({ allOrNone: true });
    await apexRest(http, 'POST', '/revops/merge', { masterId: '00Q1', duplicateIds: ['00Q2'] });
    expect(o.apexRestCalls).toEqual([
      { path: '/revops/merge', body: { masterId: '00Q1', duplicateIds: ['00Q2'] } },
    ]);
  });
});

describe('org pull faults: long Retry-After, Ctrl-C while waiting, failed Bulk jobs (issue 13)', () => {
  const page = { maxRecords: 1000, pollIntervalMs: 5, onRecords: () => {} };

  it('reads Retry-After as seconds or as an HTTP-date', () => {
    const now = Date.parse('2026-10-21T07:28:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('stops at once with a clear error when Retry-After exceeds the cap (3600 s), instead of sleeping an hour', async () => {
    const o = await start({ data: { Lead: leads(1500) } });
    o.faults.retryAfter = { count: 1, value: '3600' };
    const t0 = Date.now();
    const err = (await bulkQuery(await httpOf(o), 'SELECT Id FROM Lead', page).catch(
      (e: unknown) => e,
    )) as OrgApiError;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(err).toBeInstanceOf(OrgApiError);
    expect(err.message).toMatch(/asked to wait 3600 s .*Retry-After on HTTP 429.*longer than the 120 s/);
    expect(err.actions[0]).toMatch(/Run the same command again after \d{4}-\d\d-\d\dT/);
  });

  it('honours an HTTP-date Retry-After under the cap, then completes', async () => {
    const o = await start({ data: { Lead: leads(1500) } });
    o.faults.retryAfter = { count: 1, value: new Date(Date.now() + 2000).toUTCString() };
    const delays: number[] = [];
    let rows = 0;
    await bulkQuery(await httpOf(o, { onRetry: (r) => delays.push(r.delayMs) }), 'SELECT Id FROM Lead', {
      ...page,
      onRecords: (_h, r) => void (rows += r.length),
    });
    expect(rows).toBe(1500);
    // the date has whole seconds: 1-2 s from now, not the 20 ms backoff of FAST
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(500);
    expect(delays[0]).toBeLessThanOrEqual(2000);
  });

  it('Ctrl-C (the abort signal) ends a Retry-After wait at once, keeping the pull resumable', async () => {
    const o = await start({ data: { Lead: leads(1500) } });
    o.faults.retryAfter = { count: 1, value: '100' };
    const out = join(tmpDir('org-abort-wait'), 'snap.duckdb');
    const abort = new AbortController();
    const t0 = Date.now();
    const run = buildOrgSnapshot({
      out,
      http: await httpOf(o, { onRetry: () => setTimeout(() => abort.abort(), 100) }),
      objects: ['Lead'],
      maxRecords: 1000,
      pollIntervalMs: 5,
      signal: abort.signal,
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError', exitCode: 130 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(existsSync(resumePath(out))).toBe(true);
    // the same command again resumes and finishes
    const r = await buildOrgSnapshot({
      out,
      http: await httpOf(o),
      objects: ['Lead'],
      maxRecords: 1000,
      pollIntervalMs: 5,
    });
    expect(r.counts.Lead).toBe(1500);
  });

  it('a Bulk job that went to Failed is not resumed again: the rerun starts a new job for that object and says so', async () => {
    const o = await start({ data: { Lead: leads(2500), User: users(20) } });
    o.faults.failJobs = { count: 1, message: 'InternalServerError : Query timed out' };
    const out = join(tmpDir('org-failed-job'), 'snap.duckdb');
    const opts = {
      out,
      objects: ['Lead', 'User'],
      maxRecords: 1000,
      pollIntervalMs: 5,
    };
    const first = await buildOrgSnapshot({ ...opts, http: await httpOf(o) }).catch(
      (e: unknown) => e as OrgApiError,
    );
    expect(first).toMatchObject({ errorCode: 'Failed' });
    expect((first as OrgApiError).message).toMatch(/job \w+ failed: InternalServerError : Query timed out/);
    const failedJob = (
      JSON.parse(readFileSync(resumePath(out), 'utf8')) as {
        objects: Record<string, { state: { jobId: string } }>;
      }
    ).objects.Lead.state.jobId;
    const progress: string[] = [];
    const r = await buildOrgSnapshot({
      ...opts,
      http: await httpOf(o),
      progress: (m) => progress.push(m),
    });
    expect(r.counts).toEqual({ Lead: 2500, User: 20 });
    const notice = `Lead: the saved Bulk query job ${failedJob} failed (InternalServerError : Query timed out); starting a new job for Lead.`;
    expect(progress).toContain(`  ${notice}`);
    expect(r.warnings).toContain(notice);
    // one job for the failed Lead pull, one new Lead job, one User job
    expect(o.log.filter((q) => q.method === 'POST' && q.path.endsWith('/jobs/query'))).toHaveLength(3);
    const [d] = await sql(out, `SELECT count(*) AS n, count(DISTINCT Id) AS ids FROM "Lead"`);
    expect(d).toEqual({ n: 2500, ids: 2500 });
  });

  it('an Aborted job found on resume after pages were stored drops those rows before the new job', async () => {
    const o = await start({ data: { Lead: leads(3000) } });
    const out = join(tmpDir('org-aborted-job'), 'snap.duckdb');
    const abort = new AbortController();
    const opts = { out, objects: ['Lead'], maxRecords: 1000, pollIntervalMs: 5 };
    await buildOrgSnapshot({
      ...opts,
      http: await httpOf(o),
      signal: abort.signal,
      progress: (m) => m.includes('Lead: page 1') && abort.abort(),
    }).catch(() => {});
    // the org loses the job (an admin aborted it; Salesforce also deletes jobs after 7 days)
    const saved = JSON.parse(readFileSync(resumePath(out), 'utf8')) as {
      objects: Record<string, { state: { jobId: string; rows: number } }>;
    };
    expect(saved.objects.Lead.state.rows).toBe(1000);
    (o as unknown as { jobs: Map<string, unknown> }).jobs.delete(saved.objects.Lead.state.jobId);
    const r = await buildOrgSnapshot({ ...opts, http: await httpOf(o) });
    expect(r.warnings.join(' ')).toMatch(
      /no longer exists in the org; starting a new job for Lead \(dropping the 1,000 rows the old job delivered\)/,
    );
    expect(r.counts.Lead).toBe(3000);
    const [d] = await sql(out, `SELECT count(*) AS n, count(DISTINCT Id) AS ids FROM "Lead"`);
    expect(d).toEqual({ n: 3000, ids: 3000 });
  });
});
