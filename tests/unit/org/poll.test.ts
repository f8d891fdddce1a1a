import { describe, expect, it } from 'vitest';
import { waitForJob } from '../../../scripts/lib/org/bulk.ts';
import { waitForIngestJob } from '../../../scripts/lib/org/ingest.ts';
import { OrgApiError, type OrgHttp } from '../../../scripts/lib/org/http.ts';

/** An OrgHttp whose job info goes through the given states, one per read (the last one repeats). */
function jobHttp(states: { state: string; errorMessage?: string }[]): { http: OrgHttp; paths: string[] } {
  const paths: string[] = [];
  const http = {
    signal: undefined,
    json: async (path: string) => {
      paths.push(path);
      return { id: '750X', ...states[Math.min(paths.length - 1, states.length - 1)] };
    },
  } as unknown as OrgHttp;
  return { http, paths };
}

async function failure(p: Promise<unknown>): Promise<OrgApiError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(OrgApiError);
  return e as OrgApiError;
}

describe('waiting for a Bulk job (query and ingest share pollJob)', () => {
  it('polls the query job until JobComplete and reports each read', async () => {
    const { http, paths } = jobHttp([{ state: 'InProgress' }, { state: 'JobComplete' }]);
    const seen: string[] = [];
    const info = await waitForJob(http, '750X', { pollIntervalMs: 1, onJob: (i) => seen.push(i.state) });
    expect(info.state).toBe('JobComplete');
    expect(paths).toEqual(['/jobs/query/750X', '/jobs/query/750X']);
    expect(seen).toEqual(['InProgress', 'JobComplete']);
  });

  it("says a failed query job's message and what to do", async () => {
    const { http } = jobHttp([{ state: 'Failed', errorMessage: 'InvalidBatch : bad SOQL' }]);
    const e = await failure(waitForJob(http, '750X', {}));
    expect(e.message).toContain('Bulk query job 750X failed: InvalidBatch : bad SOQL');
    expect(e.errorCode).toBe('Failed');
    expect(e.actions.join(' ')).toContain('running the snapshot again starts a new job');
  });

  it('says how long it waited for a query job that does not finish', async () => {
    const { http } = jobHttp([{ state: 'InProgress' }]);
    const e = await failure(waitForJob(http, '750X', { pollIntervalMs: 1, pollTimeoutMs: 20 }));
    expect(e.message).toContain('Bulk query job 750X still InProgress after 0s.');
    expect(e.errorCode).toBe('Timeout');
  });

  it('polls the ingest job, and says an aborted one with no message and a timeout in its own words', async () => {
    const done = jobHttp([{ state: 'UploadComplete' }, { state: 'JobComplete' }]);
    expect((await waitForIngestJob(done.http, '750X', { pollIntervalMs: 1 })).state).toBe('JobComplete');
    expect(done.paths).toEqual(['/jobs/ingest/750X', '/jobs/ingest/750X']);
    const aborted = await failure(waitForIngestJob(jobHttp([{ state: 'Aborted' }]).http, '750X'));
    expect(aborted.message).toContain('Bulk ingest job 750X aborted: no message');
    expect(aborted.actions.join(' ')).toContain('finished batches are kept');
    const late = await failure(
      waitForIngestJob(jobHttp([{ state: 'InProgress' }]).http, '750X', {
        pollIntervalMs: 1,
        pollTimeoutMs: 20,
      }),
    );
    expect(late.message).toContain('Bulk ingest job 750X still InProgress after the wait.');
    expect(late.actions.join(' ')).toContain('it waits for the same job');
  });
});
