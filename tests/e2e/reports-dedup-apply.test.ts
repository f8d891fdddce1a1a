import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOrg } from './fakeOrg.ts';
import { apexRest, httpFor } from '../../scripts/lib/org/index.ts';
import {
  applyMerges,
  planMerges,
  readLog,
  undoMerges,
  type ApexRestClient,
} from '../../scripts/lib/reports/dedup/apply.ts';
import type { DedupResult } from '../../scripts/lib/reports/dedup/report.ts';

const RESULT: DedupResult = {
  object: 'Lead',
  records: 10,
  pairsCompared: 12,
  windowedBlocks: 0,
  elapsedMs: 1,
  fields: ['FirstName', 'LastName', 'Title'],
  clusters: [
    {
      survivorId: '00Q000000000001AAA',
      memberIds: ['00Q000000000001AAA', '00Q000000000002AAA', '00Q000000000003AAA', '00Q000000000004AAA'],
      score: 0.93,
      reasons: ['phone match'],
      winners: {
        FirstName: { value: 'Ann', fromId: '00Q000000000001AAA' },
        LastName: { value: 'Lee', fromId: '00Q000000000001AAA' },
        Title: { value: 'VP Sales', fromId: '00Q000000000003AAA' },
      },
    },
  ],
  review: [],
  values: {
    '00Q000000000001AAA': { FirstName: 'Ann', LastName: 'Lee', Title: null },
    '00Q000000000002AAA': { FirstName: 'Ann', LastName: 'Lee', Title: null },
    '00Q000000000003AAA': { FirstName: 'Anne', LastName: 'Lee', Title: 'VP Sales' },
    '00Q000000000004AAA': { FirstName: 'Ann', LastName: 'Lee', Title: null },
  },
};

let org: FakeOrg;
let rest: ApexRestClient;
const dir = mkdtempSync(join(tmpdir(), 'dedup-apply-'));
const log = join(dir, 'merge.jsonl');
const quiet = () => {};

beforeAll(async () => {
  org = await new FakeOrg().start();
  const http = httpFor(org.session());
  rest = { apexRest: (method, path, body) => apexRest(http, method, path, body) };
});
afterAll(() => org.stop());

describe('dedup --apply against the loopback fake org', () => {
  it('plans master + at most two duplicates per merge call, with the winning values the master lacks', () => {
    const calls = planMerges(RESULT);
    expect(calls.map((c) => c.mergedIds)).toEqual([
      ['00Q000000000002AAA', '00Q000000000003AAA'],
      ['00Q000000000004AAA'],
    ]);
    expect(calls[0].fields).toEqual({ Title: 'VP Sales' });
    expect(calls[1].fields).toEqual({});
  });

  it('is a dry run by default: writes the records-before snapshot and a planned log, calls nothing', async () => {
    const out = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: false,
      log,
      progress: quiet,
      rest,
    });
    expect(org.apexRestCalls).toHaveLength(0);
    expect(existsSync(out.snapshotFile)).toBe(true);
    expect(JSON.parse(readFileSync(out.snapshotFile, 'utf8')).records).toHaveLength(4);
    expect(readLog(log).map((e) => e.status)).toEqual(['planned', 'planned']);
    await applyMerges({ result: RESULT, org: 'fake', execute: false, log, progress: quiet, rest });
    expect(readLog(log)).toHaveLength(2); // a repeated dry run does not plan twice
    expect(out.summary).toContain('DRY RUN');
  });

  it('merges through POST /services/apexrest/revops/merge with dryRun false, and a rerun resumes without repeating', async () => {
    const first = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: true,
      log,
      progress: quiet,
      rest,
    });
    expect(first).toMatchObject({ done: 2, skipped: 0, failed: 0 });
    expect(org.apexRestCalls.map((c) => c.path)).toEqual(['/revops/merge', '/revops/merge']);
    expect(org.apexRestCalls[0].body).toEqual({
      object: 'Lead',
      masterId: '00Q000000000001AAA',
      duplicateIds: ['00Q000000000002AAA', '00Q000000000003AAA'],
      fields: { Title: 'VP Sales' },
      dryRun: false,
    });
    const again = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: true,
      log,
      progress: quiet,
      rest,
    });
    expect(again).toMatchObject({ done: 0, skipped: 2 });
    expect(org.apexRestCalls).toHaveLength(2);
  });

  it('undo restores every merged record through the restore endpoint, newest merge first, once', async () => {
    const dry = await undoMerges({ log, org: 'fake', execute: false, progress: quiet, rest });
    expect(dry.pending).toBe(2);
    const r = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(r.restored).toBe(2);
    const restores = org.apexRestCalls.slice(2);
    expect(restores.map((c) => [c.path, c.body])).toEqual([
      ['/revops/merge/restore', { mergedId: '00Q000000000004AAA' }],
      ['/revops/merge/restore', { mergedId: '00Q000000000002AAA' }],
      ['/revops/merge/restore', { mergedId: '00Q000000000003AAA' }],
    ]);
    expect((await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest })).restored).toBe(0);
  });
});
