// revops engagement import against the fake org's Bulk API 2.0 ingest: upsert jobs per batch, refused rows in the
// failed-rows file and a non-zero exit, a re-run that resumes after the last finished batch without uploading a
// batch twice, and the dry run through the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOrg } from './fakeOrg.ts';
import { ingestOf } from './fakeOrg/bulkIngest.ts';
import { runCli } from './runCli.ts';
import { httpFor } from '../../scripts/lib/org/connect.ts';
import { loadConfig } from '../../scripts/lib/config/index.ts';
import { byPerson, importEngagement, type ImportResult } from '../../scripts/lib/engagement/import.ts';

const mappings = loadConfig('force-app').engagementMappings ?? [];
let org: FakeOrg;
beforeAll(async () => {
  org = await new FakeOrg().start();
});
afterAll(async () => {
  await org.stop();
});

/** n Segment track calls (Demo Requested, mapped) plus one identify call (ignored), as JSON lines. */
function segmentExport(n: number, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'revops-import-'));
  const lines = [
    JSON.stringify({ type: 'identify', userId: 'u0', messageId: 'id-0', timestamp: '2026-03-01T10:00:00Z' }),
  ];
  for (let i = 0; i < n; i++)
    lines.push(
      JSON.stringify({
        type: 'track',
        event: i % 5 === 4 ? 'Viewed Docs' : 'Demo Requested',
        messageId: `${prefix}-${i}`,
        userId: `user-${i}`,
        timestamp: '2026-03-01T10:00:00Z',
        context: { traits: { email: `person${i}@example.com` } },
      }),
    );
  const file = join(dir, 'segment.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const puts = () =>
  org.log.filter((r) => r.method === 'PUT' && /\/jobs\/ingest\/\w+\/batches/.test(r.path)).length;
const run = (
  file: string,
  extra: Partial<Parameters<typeof importEngagement>[0]> = {},
): Promise<ImportResult> =>
  importEngagement({
    file,
    format: 'segment',
    mappings,
    execute: true,
    http: httpFor(org.session()),
    batchRows: 10,
    pollIntervalMs: 1,
    ...extra,
  });

describe('revops engagement import --execute (Bulk API 2.0 ingest)', () => {
  it('upserts every mapped event on Event_Id__c in batches, writes refused rows to the failed file and exits 1', async () => {
    const store = ingestOf(org);
    store.refuseEmails.add('person7@example.com');
    const file = segmentExport(25, 'a');
    const before = { created: store.created, puts: puts() };
    const r = await run(file);
    expect(r).toMatchObject({
      mapped: 25,
      unmapped: 0,
      ignored: 1,
      batches: 3,
      processed: 25,
      failedRows: 1,
      exitCode: 1,
    });
    expect(r.bySignal).toEqual({ 'Demo Request': 20, 'Product Usage': 5 });
    expect(store.created - before.created).toBe(24);
    expect(puts() - before.puts).toBe(3);
    const failed = readFileSync(r.failedPath!, 'utf8').trim().split('\n');
    expect(failed[0]).toBe(
      '"sf__Id","sf__Error",Event_Id__c,Signal__c,Occurred_At__c,Source__c,Url__c,Email__c,Person_Key__c,Points__c',
    );
    expect(failed).toHaveLength(2);
    expect(failed[1]).toContain('No Lead or Contact has e-mail person7@example.com');
    expect(failed[1]).toContain('segment:a-7');

    // the same command again: every batch is finished, nothing is uploaded, nothing is created
    const again = await run(file);
    expect(again).toMatchObject({ batches: 3, resumedBatches: 3, processed: 25, failedRows: 1 });
    expect(puts() - before.puts).toBe(3);
    expect(store.created - before.created).toBe(24);
    store.refuseEmails.clear();
  });

  it('resumes after an interruption without uploading a finished batch again', async () => {
    const store = ingestOf(org);
    const file = segmentExport(45, 'b');
    const before = { created: store.created, puts: puts() };
    let seen = 0;
    await expect(
      run(file, {
        onBatch: () => {
          if (++seen === 2) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    const state = JSON.parse(readFileSync(`${file}.revops-import.json`, 'utf8')) as {
      batches: { state: string }[];
    };
    expect(state.batches.map((b) => b.state)).toEqual(['done', 'done']);
    expect(puts() - before.puts).toBe(2);

    const resumed = await run(file);
    expect(resumed).toMatchObject({
      batches: 5,
      resumedBatches: 2,
      processed: 45,
      failedRows: 0,
      exitCode: 0,
    });
    expect(puts() - before.puts).toBe(5); // each batch uploaded exactly once
    expect(store.created - before.created).toBe(45);
    expect(existsSync(resumed.failedPath!)).toBe(false);
  });

  it('an upload cut off before UploadComplete is aborted and sent again on resume; upsert keeps one row per event', async () => {
    const store = ingestOf(org);
    const file = segmentExport(12, 'c');
    const before = { created: store.created };
    // first run: stop right after the job was created and saved as "uploading"
    let jobs = 0;
    await expect(
      run(file, {
        progress: (m) => {
          if (m.startsWith('batch 2: uploading to job') && ++jobs === 1) throw new Error('cut');
        },
      }),
    ).rejects.toThrow('cut');
    const cut = [...store.jobs.values()].filter((j) => j.state === 'Open');
    expect(cut).toHaveLength(1); // created, saved as "uploading", never completed
    const resumed = await run(file);
    expect(resumed).toMatchObject({ batches: 2, resumedBatches: 1, processed: 12, exitCode: 0 });
    expect(cut[0].state).toBe('Aborted');
    expect(store.created - before.created).toBe(12);
  });

  it('a job that fails as a whole (a field the user may not write) is uploaded again once the cause is fixed', async () => {
    const store = ingestOf(org);
    const file = segmentExport(12, 'f');
    const before = { created: store.created };
    store.failJobsWith = 'InvalidBatch : Field name not found : Points__c';
    try {
      await expect(run(file)).rejects.toThrow(/failed: InvalidBatch : Field name not found : Points__c/);
    } finally {
      store.failJobsWith = null; // the admin grants the field
    }
    expect(store.created - before.created).toBe(0);
    const rerun = await run(file);
    expect(rerun).toMatchObject({ batches: 2, processed: 12, failedRows: 0, exitCode: 0 });
    expect(store.created - before.created).toBe(12);
  });

  it('refuses a state file written for another file or batch size', async () => {
    const file = segmentExport(3, 'd');
    await run(file);
    await expect(run(file, { batchRows: 2 })).rejects.toThrow(/belongs to another run/);
  });
});

describe('revops engagement import (dry run, CLI)', () => {
  it('reports mapped and unmapped events and unreadable lines, writes nothing and exits 1 on a bad line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revops-import-'));
    const file = join(dir, 'events.csv');
    writeFileSync(
      file,
      [
        'event_id,event,occurred_at,email,person_id,url,webinar',
        'e1,Webinar,2026-03-01T10:00:00Z,a@b.co,,,"Q1, launch"',
        'e2,Pricing Page,2026-03-01T10:05:00Z,,crm-7,https://x.io/pricing,',
        'e3,Tweeted,2026-03-01T10:06:00Z,a@b.co,,,',
        'e4,Webinar,yesterday,a@b.co,,,',
        // an unquoted comma in the URL: 8 values for 7 columns (it would have cut the URL and lost "b=2")
        'e5,Pricing Page,2026-03-01T10:07:00Z,a@b.co,,https://x.io/p?a=1,b=2,',
        'e6,Webinar,2026-03-01T10:08:00Z,https://x.io/w', // 4 values: the URL would have been read as the e-mail
      ].join('\n'),
    );
    const r = await runCli<{ result: ImportResult }>(
      'engagement',
      'import',
      file,
      '--provider',
      'csv',
      '--json',
    );
    expect(r.code).toBe(1);
    expect(r.json.result).toMatchObject({
      execute: false,
      mapped: 2,
      unmapped: 1,
      invalid: 3,
      bySignal: { Webinar: 1, 'Pricing Page': 1 },
      unmappedByEvent: { 'generic Tweeted': 1 },
    });
    expect(r.json.result.problems[0]).toMatch(/^line 5: event: "occurredAt" is not an ISO-8601 datetime/);
    expect(r.json.result.problems[1]).toMatch(
      /^line 6: 8 values where the header has 7 columns: quote a value/,
    );
    expect(r.json.result.problems[2]).toMatch(/^line 7: 4 values where the header has 7 columns/);
    expect(existsSync(`${file}.revops-import.json`)).toBe(false);
  });
});

describe('byPerson (a batch grouped by person against Bulk ingest lock contention)', () => {
  it("puts each person's events next to each other, keeping their order", () => {
    const rows = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    const people = ['ann@x.dev', 'bo@x.dev', 'ann@x.dev', 'hubspot:7', 'bo@x.dev', 'ann@x.dev'];
    expect(byPerson(rows, people)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
  });
});
