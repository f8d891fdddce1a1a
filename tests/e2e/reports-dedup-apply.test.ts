// dedup --apply and dedup undo against the loopback fake org's merge resource (fakeOrg/merge.ts), with faults:
// lost responses, restores the org refuses, a session revoked mid-run; and a full apply -> undo round trip that
// compares every field of every merged record and of the master.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMergeResource, FakeOrg, type Rec } from './fakeOrg.ts';
import { apexRest, describeFields, httpFor, query } from '../../scripts/lib/org/index.ts';
import {
  applyMerges,
  planMerges,
  readLog,
  undoMerges,
  type OrgClient,
} from '../../scripts/lib/reports/dedup/apply.ts';
import type { DedupResult } from '../../scripts/lib/reports/dedup/report.ts';

const id = (n: number): string => `00Q00000000000${n}AAA`;
const [M1, D2, D3, D4, M5, D6] = [1, 2, 3, 4, 5, 6].map(id);

const FIELDS = [
  { name: 'Id', type: 'id' },
  { name: 'FirstName', type: 'string' },
  { name: 'LastName', type: 'string' },
  { name: 'Company', type: 'string' },
  { name: 'Email', type: 'email' },
  { name: 'Phone', type: 'phone' },
  { name: 'Title', type: 'string' },
  { name: 'Status', type: 'picklist' },
  { name: 'OwnerId', type: 'reference' },
  { name: 'NumberOfEmployees', type: 'int' },
  { name: 'HasOptedOutOfEmail', type: 'boolean' },
  { name: 'Description', type: 'textarea' },
  { name: 'Address', type: 'address', createable: false },
  { name: 'CreatedDate', type: 'datetime' },
];

/** The org's leads. D2's phone changed in the org after the snapshot the dedup ran on was taken. */
const ORG_LEADS: Rec[] = [
  [M1, 'Ann', 'Lee', 'Acme', 'ann@acme.com', '+1 415 555 0100', null, 'Working', 10, false, null],
  [
    D2,
    'Ann',
    'Lee',
    'ACME Inc',
    'ann@acme.com',
    '+1 415 555 0199',
    null,
    'Open',
    null,
    true,
    'from a webinar',
  ],
  [D3, 'Anne', 'Lee', 'Acme', 'anne@acme.com', null, 'VP Sales', 'Open', 250, false, null],
  [D4, 'A.', 'Lee', 'Acme Inc.', 'ann@acme.com', null, null, 'Open', null, false, 'trade show'],
  [M5, 'Bo', 'Chan', 'Globex', 'bo@globex.com', null, 'CFO', 'Working', 50, false, null],
  [
    D6,
    'Bo',
    'Chan',
    'Globex Corp',
    'bo.chan@globex.com',
    '+44 20 7946 0000',
    null,
    'Open',
    null,
    false,
    null,
  ],
].map(
  ([
    Id,
    FirstName,
    LastName,
    Company,
    Email,
    Phone,
    Title,
    Status,
    NumberOfEmployees,
    HasOptedOutOfEmail,
    Description,
  ]) => ({
    Id,
    FirstName,
    LastName,
    Company,
    Email,
    Phone,
    Title,
    Status,
    OwnerId: '0055e000000FAKEAAA',
    NumberOfEmployees,
    HasOptedOutOfEmail,
    Description,
    Address: null,
    CreatedDate: '2025-03-01T10:00:00.000+0000',
  }),
);

const RESULT: DedupResult = {
  object: 'Lead',
  records: 6,
  pairsCompared: 9,
  windowedBlocks: 0,
  elapsedMs: 1,
  fields: ['FirstName', 'LastName', 'Title'],
  clusters: [
    {
      survivorId: M1,
      memberIds: [M1, D2, D3, D4],
      score: 0.93,
      reasons: ['phone match'],
      winners: {
        FirstName: { value: 'Ann', fromId: M1 },
        Title: { value: 'VP Sales', fromId: D3 },
        NumberOfEmployees: { value: 250, fromId: D3 },
      },
    },
    {
      survivorId: M5,
      memberIds: [M5, D6],
      score: 0.88,
      reasons: ['name + company'],
      winners: { Phone: { value: '+44 20 7946 0000', fromId: D6 } },
    },
  ],
  review: [],
  // the snapshot's values, as the dedup saw them (D2's phone has changed in the org since)
  values: Object.fromEntries(
    ORG_LEADS.map((r) => [r.Id, { ...r, ...(r.Id === D2 ? { Phone: '+1 415 555 0100' } : {}) }]),
  ) as DedupResult['values'],
};

const FAST = { retries: 3, baseDelayMs: 5, maxDelayMs: 20 };
const quiet = (): void => {};
let org: FakeOrg;

async function setup(): Promise<{ fake: FakeMergeResource; rest: OrgClient; log: string }> {
  org = await new FakeOrg().start();
  const fake = new FakeMergeResource(org, 'Lead', FIELDS, ORG_LEADS);
  const http = httpFor(org.session(), {}, FAST);
  const rest: OrgClient = {
    apexRest: (method, path, body) => apexRest(http, method, path, body),
    query: (soql) => query(http, soql),
    describe: (object) => describeFields(http, object),
    label: 'admin@fake.example',
  };
  return { fake, rest, log: join(mkdtempSync(join(tmpdir(), 'dedup-apply-')), 'merge.jsonl') };
}
afterEach(() => org?.stop());

/** mergedId -> restoredId from the log's per-record restore lines. */
const restoredIds = (log: string): Map<string, string> =>
  new Map(
    readLog(log)
      .filter((e) => e.kind === 'restore' && e.status === 'done')
      .map((e) => [e.mergedId!, e.restoredId!]),
  );
const mergeCalls = (fake: FakeMergeResource) => fake.calls.filter((c) => c.path === '/revops/merge');
const restoreCalls = (fake: FakeMergeResource) =>
  fake.calls.filter((c) => c.path === '/revops/merge/restore');

describe('dedup --apply against the loopback fake org', () => {
  it('plans master + at most two duplicates per merge call, with the winning values the master lacks', () => {
    const calls = planMerges(RESULT);
    expect(calls.map((c) => [c.masterId, c.mergedIds])).toEqual([
      [M1, [D2, D3]],
      [M1, [D4]],
      [M5, [D6]],
    ]);
    expect(calls[0].fields).toEqual({ Title: 'VP Sales', NumberOfEmployees: 250 });
    expect(calls[1].fields).toEqual({});
  });

  it('is a dry run by default: a planned log with keys, no call and no write to the org', async () => {
    const { fake, rest, log } = await setup();
    const out = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: false,
      log,
      progress: quiet,
      rest,
    });
    expect(fake.calls).toHaveLength(0);
    expect(org.log).toHaveLength(0);
    const entries = readLog(log);
    expect(entries.map((e) => e.kind + ':' + (e.status ?? ''))).toEqual([
      'run:',
      'merge:planned',
      'merge:planned',
      'merge:planned',
    ]);
    expect(new Set(entries.slice(1).map((e) => e.key)).size).toBe(3);
    await applyMerges({ result: RESULT, org: 'fake', execute: false, log, progress: quiet, rest });
    expect(readLog(log)).toHaveLength(4); // a repeated dry run does not plan twice
    expect(out.summary).toContain('DRY RUN');
    expect(out.exitCode).toBe(0);
  });

  it('round trip: apply then undo gives back every field of every merged record (new Id in the log) and of the master', async () => {
    const { fake, rest, log } = await setup();
    const before = new Map(ORG_LEADS.map((r) => [r.Id as string, fake.record(r.Id as string)!]));
    const applied = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: true,
      log,
      progress: quiet,
      rest,
    });
    expect(applied).toMatchObject({ done: 3, failed: 0, exitCode: 0, stopped: null });
    expect([D2, D3, D4, D6].filter((d) => fake.records.has(d))).toEqual([]);
    expect(fake.record(M1)).toMatchObject({ Title: 'VP Sales', NumberOfEmployees: 250 });
    expect(mergeCalls(fake).map((c) => c.body.idempotencyKey)).toEqual(
      readLog(log)
        .filter((e) => e.status === 'done')
        .map((e) => e.key),
    );
    // per-record outcomes in the log: the master and each merged record with its snapshot
    const first = readLog(log).find((e) => e.kind === 'merge' && e.status === 'done')!;
    expect(first.records).toEqual([
      { id: M1, role: 'master', fieldsSet: { Title: 'VP Sales', NumberOfEmployees: 250 } },
      { id: D2, role: 'merged', snapshotId: expect.any(String) },
      { id: D3, role: 'merged', snapshotId: expect.any(String) },
    ]);

    // .before.json holds the org's values right before each merge, not the dedup snapshot's
    const beforeFile = JSON.parse(readFileSync(applied.snapshotFile, 'utf8')) as {
      merges: Array<{ masterId: string; mergedIds: string[]; records: Rec[] }>;
    };
    expect(beforeFile.merges).toHaveLength(3);
    const readFirst = beforeFile.merges[0].records;
    expect(readFirst.find((r) => r.Id === D2)?.Phone).toBe('+1 415 555 0199');
    expect(readFirst.find((r) => r.Id === M1)?.Title).toBe(null);
    // the second call of cluster 1 read the master after the first call had set the winners
    expect(beforeFile.merges[1].records.find((r) => r.Id === M1)?.Title).toBe('VP Sales');
    for (const r of readFirst)
      expect(Object.keys(r).sort()).toEqual(
        FIELDS.filter((f) => f.type !== 'address')
          .map((f) => f.name)
          .sort(),
      );

    const undone = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(undone).toMatchObject({ restored: 4, failed: 0, mastersPutBack: 2, exitCode: 0 });
    const newIds = restoredIds(log);
    expect([...newIds.keys()].sort()).toEqual([D2, D3, D4, D6]);
    for (const [original, was] of before) {
      const now = fake.record(newIds.get(original) ?? original)!;
      for (const f of FIELDS) {
        // a restore re-creates the record: a new Id and a new CreatedDate (not createable); every other field is back
        if (newIds.has(original) && (f.name === 'Id' || f.name === 'CreatedDate')) continue;
        expect(now[f.name], `${f.name} of ${original}`).toEqual(was[f.name]);
      }
      if (newIds.has(original)) expect(now.Id).not.toBe(original);
    }
    expect(fake.records.size).toBe(6);
    const again = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(again).toMatchObject({ pending: 0, restored: 0, exitCode: 0 });
    expect(restoreCalls(fake)).toHaveLength(4);
  });

  it('a lost merge answer is retried with the same key and the org replays the first outcome; so is a lost restore answer', async () => {
    const { fake, rest, log } = await setup();
    fake.faults.loseMergeResponses = 1;
    const applied = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: true,
      log,
      progress: quiet,
      rest,
    });
    expect(applied).toMatchObject({ done: 3, replayed: 1, failed: 0, exitCode: 0 });
    expect(applied.summary).toContain('1 answered from an earlier call whose answer was lost');
    const calls = mergeCalls(fake);
    expect(calls.map((c) => c.status)).toEqual([-1, 200, 200, 200]);
    expect(calls[1].body.idempotencyKey).toBe(calls[0].body.idempotencyKey);
    expect(fake.snapshots).toHaveLength(4); // merged once: one snapshot per merged record
    expect(readLog(log).filter((e) => e.status === 'failed')).toEqual([]);

    fake.faults.loseRestoreResponses = 1;
    const undone = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(undone).toMatchObject({ restored: 4, replayed: 1, failed: 0, exitCode: 0 });
    const restores = restoreCalls(fake);
    expect(restores[0].status).toBe(-1);
    expect(restores[1].body).toEqual(restores[0].body);
    expect(fake.records.size).toBe(6); // one copy per merged record, not two
  });

  it('a partial restore is logged per record, fails with the record named, and a rerun restores only the rest', async () => {
    const { fake, rest, log } = await setup();
    await applyMerges({ result: RESULT, org: 'fake', execute: true, log, progress: quiet, rest });
    fake.faults.refuseRestoreOf = new Set([D3]);
    const partial = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(partial).toMatchObject({ restored: 3, failed: 1, exitCode: 1 });
    expect(partial.summary).toContain(
      `FAILED: 1 record(s) not restored:\n  ${D3} (merged into ${M1}, cluster 1)`,
    );
    expect(partial.summary).toContain(`rerun: revops dedup undo --log ${log} -o fake --execute`);
    const lines = readLog(log).filter((e) => e.kind === 'restore');
    expect(lines.map((e) => `${e.mergedId}:${e.status}`)).toEqual([
      `${D6}:done`,
      `${D4}:done`,
      `${D2}:done`,
      `${D3}:failed`,
    ]);

    fake.faults.refuseRestoreOf.clear();
    const before = restoreCalls(fake).length;
    const rest2 = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(rest2).toMatchObject({ pending: 1, restored: 1, failed: 0, alreadyRestored: 0, exitCode: 0 });
    expect(
      restoreCalls(fake)
        .slice(before)
        .map((c) => c.body.mergedId),
    ).toEqual([D3]);
    expect(restoredIds(log).size).toBe(4);
  });

  it('a 401 mid-run stops at once with a non-zero exit; a rerun after logging in finishes without merging twice', async () => {
    const { fake, rest, log } = await setup();
    const token = org.accessToken;
    fake.faults.revokeAfterCalls = 1;
    const stopped = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: true,
      log,
      progress: quiet,
      rest,
    });
    expect(stopped).toMatchObject({ done: 1, failed: 1, notAttempted: 1, exitCode: 1 });
    expect(stopped.summary).toMatch(/STOPPED: The org refused the session \(401\)/);
    expect(stopped.summary).toContain(
      `rerun: the same dedup command with --apply -o fake --execute --log ${log}`,
    );
    expect(org.log.filter((r) => r.status === 401)).toHaveLength(1); // nothing was sent after the first 401

    org.opts.accessToken = token; // logged in again
    const resumed = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: true,
      log,
      progress: quiet,
      rest,
    });
    expect(resumed).toMatchObject({ done: 2, skipped: 1, failed: 0, exitCode: 0 });
    expect(fake.snapshots).toHaveLength(4);

    fake.faults.revokeAfterCalls = 2;
    const undoStopped = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(undoStopped).toMatchObject({ restored: 2, failed: 1, notAttempted: 1, exitCode: 1 });
    expect(undoStopped.summary).toMatch(/STOPPED: .*401/);
    org.opts.accessToken = token;
    const undoResumed = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(undoResumed).toMatchObject({ restored: 2, failed: 0, exitCode: 0 });
    expect(fake.records.size).toBe(6);
  });

  it('reads an object with hundreds of fields in as many queries as the URL length needs, every field saved', async () => {
    org = await new FakeOrg().start();
    const extra = Array.from({ length: 600 }, (_, i) => ({
      name: `Custom_Field_Number_${i}__c`,
      type: 'string',
    }));
    const fake = new FakeMergeResource(
      org,
      'Lead',
      [...FIELDS, ...extra],
      ORG_LEADS.map((r) => ({ ...r, ...Object.fromEntries(extra.map((f, i) => [f.name, `${r.Id}-${i}`])) })),
    );
    const http = httpFor(org.session(), {}, FAST);
    const rest: OrgClient = {
      apexRest: (method, path, body) => apexRest(http, method, path, body),
      query: (soql) => query(http, soql),
      describe: (object) => describeFields(http, object),
    };
    const log = join(mkdtempSync(join(tmpdir(), 'dedup-wide-')), 'merge.jsonl');
    const out = await applyMerges({ result: RESULT, org: 'fake', execute: true, log, progress: quiet, rest });
    expect(out).toMatchObject({ done: 3, exitCode: 0 });
    const queries = org.log.filter((r) => r.path.includes('/query?q='));
    expect(queries.length).toBeGreaterThan(3); // several per merge call
    for (const q of queries) expect(q.path.length).toBeLessThan(16_384);
    const saved = JSON.parse(readFileSync(out.snapshotFile, 'utf8')) as { merges: Array<{ records: Rec[] }> };
    const d6 = saved.merges[2].records.find((r) => r.Id === D6)!;
    expect(Object.keys(d6)).toHaveLength(FIELDS.length - 1 + extra.length);
    expect(d6.Custom_Field_Number_599__c).toBe(`${D6}-599`);
    expect(fake.snapshots).toHaveLength(4);
  });

  it('a merge the org refused is a failure with its cluster named; undo finds it never happened and restores the rest', async () => {
    const { fake, rest, log } = await setup();
    fake.records.delete(D6); // merged away by someone else since the snapshot
    const applied = await applyMerges({
      result: RESULT,
      org: 'fake',
      execute: true,
      log,
      progress: quiet,
      rest,
    });
    expect(applied).toMatchObject({ done: 2, failed: 1, exitCode: 1 });
    expect(applied.summary).toContain(`cluster 2: ${D6} into ${M5}: `);
    expect(applied.summary).toContain(`No Lead visible to you with Id ${D6}`);
    expect(applied.summary).toMatch(/Fix the cause and rerun .*same idempotency keys/);
    const undone = await undoMerges({ log, org: 'fake', execute: true, progress: quiet, rest });
    expect(undone).toMatchObject({ restored: 3, notMerged: 1, failed: 0, exitCode: 0 });
    expect(readLog(log).find((e) => e.kind === 'restore' && e.mergedId === D6)?.status).toBe('not-merged');
    expect(existsSync(applied.snapshotFile)).toBe(true);
  });
});
