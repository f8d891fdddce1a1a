// The weekly review sheet read back (issue 20): `dedup --review-csv` writes it, a person edits the decision column
// (merge / keep apart / change survivor + survivor_id), and `dedup --apply --from-review FILE -o ORG` merges only
// the accepted clusters through the same idempotent, logged path as `dedup --apply`, here against the loopback
// fake org's merge resource with an access token as -o.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { parse } from 'csv-parse/sync';
import { FakeMergeResource, FakeOrg, type Rec } from './fakeOrg.ts';
import { runCli } from './runCli.ts';
import { reviewCsv, type DedupResult } from '../../scripts/lib/reports/dedup/report.ts';
import { readReview } from '../../scripts/lib/reports/dedup/review.ts';
import { readLog } from '../../scripts/lib/reports/dedup/apply.ts';

const id = (n: number): string => `00Q00000000000${n}AAA`;
const [M1, D2, M3, D4, M5, D6, D7, P8, P9] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(id);

const FIELDS = [
  { name: 'Id', type: 'id' },
  { name: 'FirstName', type: 'string' },
  { name: 'LastName', type: 'string' },
  { name: 'Company', type: 'string' },
  { name: 'Email', type: 'email' },
  { name: 'Title', type: 'string' },
  { name: 'CreatedDate', type: 'datetime' },
];
const SHOWN = ['FirstName', 'LastName', 'Company', 'Email', 'Title'];

const lead = (
  Id: string,
  FirstName: string,
  LastName: string,
  Company: string,
  Email: string,
  Title: string | null,
) => ({ Id, FirstName, LastName, Company, Email, Title, CreatedDate: '2025-03-01T10:00:00.000+0000' }) as Rec;

const LEADS: Rec[] = [
  lead(M1, 'Ann', 'Lee', 'Acme', 'ann@acme.com', null),
  lead(D2, 'Ann', 'Lee', 'Acme Inc', 'ann@acme.com', 'CTO'),
  lead(M3, 'Sam', 'Ito', 'Initech', 'sam@initech.com', null),
  lead(D4, 'Sam', 'Ito', 'Initrode', 'sam@initrode.com', 'Buyer'),
  lead(M5, 'Bo', 'Chan', 'Globex', 'bo@globex.com', 'CFO'),
  lead(D6, 'Bo', 'Chan', 'Globex Corp', 'bo.chan@globex.com', null),
  lead(D7, 'Bo', 'Chan', 'Globex', 'bchan@globex.com', null),
  lead(P8, 'Kim', 'Park', 'Hooli', 'kim@hooli.com', null),
  lead(P9, 'Kim', 'Park', 'Hooli', 'kpark@hooli.com', 'VP'),
];
const byId = new Map(LEADS.map((r) => [r.Id as string, r]));
const values = (ids: string[]) =>
  Object.fromEntries(ids.map((i) => [i, Object.fromEntries(SHOWN.map((f) => [f, byId.get(i)![f]]))]));

/** What `revops dedup` found: three clusters and one pair below the match threshold. */
const FOUND: DedupResult = {
  object: 'Lead',
  records: 9,
  pairsCompared: 12,
  windowedBlocks: 0,
  elapsedMs: 1,
  fields: SHOWN,
  clusters: [
    {
      survivorId: M1,
      memberIds: [M1, D2],
      score: 0.95,
      reasons: ['email', 'name'],
      winners: { Title: { value: 'CTO', fromId: D2 }, Company: { value: 'Acme', fromId: M1 } },
    },
    {
      survivorId: M3,
      memberIds: [M3, D4],
      score: 0.8,
      reasons: ['name'],
      winners: { Title: { value: 'Buyer', fromId: D4 } },
    },
    {
      survivorId: M5,
      memberIds: [M5, D6, D7],
      score: 0.9,
      reasons: ['name', 'company'],
      winners: { Title: { value: 'CFO', fromId: M5 } },
    },
  ],
  review: [{ ids: [P8, P9], score: 0.7, reasons: ['name'] }],
  values: values(LEADS.map((r) => r.Id as string)) as DedupResult['values'],
};

let org: FakeOrg;
let fake: FakeMergeResource;
let dir: string;

beforeEach(async () => {
  org = await new FakeOrg().start();
  fake = new FakeMergeResource(org, 'Lead', FIELDS, LEADS);
  process.env.SF_ORG_INSTANCE_URL = org.url;
  dir = mkdtempSync(join(tmpdir(), 'dedup-review-'));
});
afterEach(async () => {
  await org.stop();
  delete process.env.SF_ORG_INSTANCE_URL;
});

/** The sheet as `dedup --review-csv` writes it, then edited: `edit` changes the cells of the rows it picks. */
function sheet(edit: (row: Record<string, string>) => void = () => {}): string {
  const rows = parse(reviewCsv(FOUND), { columns: true }) as Array<Record<string, string>>;
  const head = Object.keys(rows[0]);
  rows.forEach(edit);
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const file = join(dir, 'lead-review.csv');
  writeFileSync(
    file,
    [head.join(','), ...rows.map((r) => head.map((h) => cell(r[h])).join(','))].join('\n') + '\n',
  );
  return file;
}

/** The reviewer's week: C1 merged as proposed, C2 kept apart, C3 merged into D7 instead of M5, R1 left for later. */
const reviewed = (row: Record<string, string>): void => {
  if (row.cluster === 'C2') row.decision = 'keep apart';
  if (row.cluster === 'C3') row.decision = 'Change Survivor';
  if (row.cluster === 'C3' && row.record_id === D6) row.survivor_id = D7;
};

const revops = (...argv: string[]) => runCli<{ status: number; result: Record<string, unknown> }>(...argv);
const plain = (s: string) => stripVTControlCharacters(s);
const mergeCalls = () => fake.calls.filter((c) => c.path === '/revops/merge');

describe('dedup --apply --from-review', () => {
  it('the sheet revops dedup writes has an empty survivor_id column for the reviewer', () => {
    const [head, first] = reviewCsv(FOUND).split('\n');
    expect(head).toBe(
      'cluster,decision,record_id,proposed_winner,confidence,reasons,survivor_id,FirstName,LastName,Company,Email,Title',
    );
    expect(first).toBe(`C1,merge,${M1},yes,0.95,email; name,,Ann,Lee,Acme,ann@acme.com,`);
  });

  it('merges only the accepted clusters, the changed survivor included; a dry run first, then for real', async () => {
    const file = sheet(reviewed);
    const dry = await revops('dedup', '--apply', '--from-review', file, '-o', org.accessToken);
    expect(dry.code, dry.err).toBe(0);
    expect(plain(dry.out)).toContain(
      `Review sheet ${file}: 2 cluster(s) to merge (C1, C3), 1 kept apart (C2), 1 not decided (R1)`,
    );
    expect(plain(dry.out)).toContain(
      `merge cluster 2 = C3: 2 record(s) into ${D7} (survivor changed by the reviewer)`,
    );
    expect(plain(dry.out)).toContain('DRY RUN (nothing changed; add --execute to merge)');
    expect(fake.calls).toHaveLength(0);

    const done = await revops('dedup', '--apply', '--from-review', file, '-o', org.accessToken, '--execute');
    expect(done.code, done.err).toBe(0);
    expect(mergeCalls().map((c) => [c.body.masterId, c.body.duplicateIds, c.body.fields])).toEqual([
      [M1, [D2], { Title: 'CTO' }],
      // D7 first: its blanks are filled from M5, then D6 (the winners recomputed for the new survivor)
      [D7, [M5, D6], { Title: 'CFO' }],
    ]);
    expect([...fake.records.keys()].sort()).toEqual([M1, M3, D4, D7, P8, P9].sort());
    expect(fake.record(D7)).toMatchObject({ Title: 'CFO', Email: 'bchan@globex.com' });
    expect(fake.record(M1)).toMatchObject({ Title: 'CTO' });
    // the log beside the sheet is what dedup undo reads
    const log = join(dir, 'lead-review.merge.jsonl');
    expect(readLog(log).filter((e) => e.status === 'done')).toHaveLength(2);
    expect(plain(done.out)).toContain(`Undo with: revops dedup undo --log ${log}`);
  });

  it('a retry after a lost answer, and a rerun of the same sheet, merge nothing twice', async () => {
    const file = sheet(reviewed);
    fake.faults.loseMergeResponses = 1;
    const first = await revops('dedup', '--apply', '--from-review', file, '-o', org.accessToken, '--execute');
    expect(first.code, first.err).toBe(0);
    expect(plain(first.out)).toContain('1 answered from an earlier call whose answer was lost');
    expect(fake.snapshots).toHaveLength(3);

    const again = await revops(
      'dedup',
      '--apply',
      '--from-review',
      file,
      '-o',
      org.accessToken,
      '--execute',
      '--json',
    );
    expect(again.code, again.err).toBe(0);
    expect(again.json.result.apply).toMatchObject({ done: 0, skipped: 2, failed: 0 });
    expect(fake.snapshots).toHaveLength(3);
    expect((again.json.result.review as { keptApart: string[] }).keptApart).toEqual(['C2']);
  });

  it('names the row and column of a decision it does not know, and merges nothing', async () => {
    const file = sheet((r) => {
      if (r.cluster === 'C2') r.decision = 'mrege';
    });
    const bad = await revops('dedup', '--apply', '--from-review', file, '-o', org.accessToken, '--execute');
    expect(bad.code).toBe(2);
    expect(plain(bad.err)).toContain(`${file} row 5, column decision: "mrege" is not a decision.`);
    expect(plain(bad.err)).toContain('merge, keep apart, change survivor, review');
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses a survivor change without a survivor, with one outside the cluster, and rows that disagree', () => {
    const noSurvivor = sheet((r) => {
      if (r.cluster === 'C3') r.decision = 'change survivor';
    });
    expect(() => readReview(noSurvivor)).toThrow(
      /row 8, column survivor_id: cluster C3 is "change survivor" but no row names the survivor/,
    );
    const outsider = sheet((r) => {
      if (r.cluster === 'C3') r.decision = 'change survivor';
      if (r.record_id === M5) r.survivor_id = M1;
    });
    expect(() => readReview(outsider)).toThrow(
      `row 8, column survivor_id: ${M1} is not a record of cluster C3.`,
    );
    const split = sheet((r) => {
      if (r.record_id === D2) r.decision = 'keep apart';
    });
    expect(() => readReview(split)).toThrow(
      'row 3, column decision: cluster C1 says "keep apart" here but "merge" on row 2.',
    );
    const strayId = sheet((r) => {
      if (r.record_id === M1) r.survivor_id = D2;
    });
    expect(() => readReview(strayId)).toThrow(
      /row 2, column survivor_id: cluster C1 names a survivor but its decision is "merge"/,
    );
  });

  it('merges a pair below the match threshold once the reviewer says so, and keeps edited winning values', () => {
    const file = sheet((r) => {
      if (r.cluster === 'R1') r.decision = 'merge';
      if (r.cluster === 'C1' && r.record_id === '(merged)') r.Title = 'Chief Technology Officer';
    });
    const plan = readReview(file);
    expect(plan.merge.map((c) => [c.label, c.survivorId, c.memberIds])).toEqual([
      ['C1', M1, [M1, D2]],
      ['C2', M3, [M3, D4]],
      ['C3', M5, [M5, D6, D7]],
      ['R1', P8, [P8, P9]],
    ]);
    expect(plan.result.clusters[0].winners.Title).toEqual({
      value: 'Chief Technology Officer',
      fromId: '(merged)',
    });
    expect(plan.result.clusters[3].winners.Title).toEqual({ value: 'VP', fromId: P9 });
    expect(readFileSync(file, 'utf8')).toContain('Chief Technology Officer');
  });
});
