import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import {
  fieldScorer,
  findDuplicates,
  forEachCandidatePair,
  type RecordTable,
} from '../../../scripts/lib/reports/dedup/engine.ts';
import { ruleScorer } from '../../../scripts/lib/reports/dedup/ruleScorer.ts';
import { soundex } from '../../../scripts/lib/reports/dedup/parts.ts';
import {
  dedupExport,
  dedupSnapshot,
  reviewCsv,
  toJson,
  type DedupResult,
} from '../../../scripts/lib/reports/dedup/report.ts';
import {
  FEBRL_MAPPING,
  personProfile,
  salesforceSetup,
} from '../../../scripts/lib/reports/dedup/profiles.ts';
import { pairQuality, withReviewPairs } from '../../../scripts/lib/reports/dedup/quality.ts';
import type { DedupRule } from '../../../scripts/lib/rules/match.ts';
import type { Db } from '../../../scripts/lib/reports/db.ts';

const LEAD_RULE: DedupRule = {
  name: 'Lead_Test',
  object: 'Lead',
  matchKeys: ['email', 'email_domain', 'name', 'company', 'phone'],
  matchThreshold: 0.75,
  reviewThreshold: 0.55,
  mergePriority: ['most_recent_activity', 'oldest_created'],
  fieldWeights: { email: 1, email_domain: 0.5, name: 2, company: 1, phone: 2 },
};

const lead = (
  Id: string,
  FirstName: string,
  LastName: string,
  Email: string | null,
  Company: string,
  Phone: string | null,
  CreatedDate: string,
  Title: string | null = null,
): FixtureRow => ({
  Id,
  FirstName,
  LastName,
  Email,
  Company,
  Phone,
  CreatedDate: `${CreatedDate} 00:00:00`,
  Title,
  Status: 'Open',
  OwnerId: '005A',
});

describe('dedup engine', () => {
  const table = (rows: Record<string, string | null>[]): RecordTable => ({
    ids: rows.map((r) => r.Id!),
    columns: Object.fromEntries(Object.keys(rows[0]).map((k) => [k, rows.map((r) => r[k] ?? null)])),
  });

  it('does not match "Stripe Inc" with "Strix Inc" on company name alone, but matches "Stripe, Inc." with "Stripe"', () => {
    const t = table([
      { Id: 'a', Company: 'Stripe Inc' },
      { Id: 'b', Company: 'Strix Inc' },
      { Id: 'c', Company: 'Stripe, Inc.' },
      { Id: 'd', Company: 'Stripe' },
    ]);
    const score = fieldScorer(t, {
      fields: [{ field: 'Company', comparator: 'company', weight: 1, reason: 'company' }],
      matchThreshold: 0.9,
      reviewThreshold: 0.8,
      minEvidence: 0,
    });
    expect(score(0, 1).score).toBeLessThan(0.6);
    expect(score(2, 3).score).toBe(1);
  });

  it('compares only pairs that share a blocking key, each pair once, windowing oversized blocks', () => {
    const t = table([
      { Id: '1', Email: 'ann@acme.com', Phone: '+1 415 555 0100' },
      { Id: '2', Email: 'bob@acme.com', Phone: '(415) 555-0100' },
      { Id: '3', Email: 'cy@gmail.com', Phone: null },
      { Id: '4', Email: 'di@gmail.com', Phone: null },
    ]);
    const pairs: string[] = [];
    forEachCandidatePair(
      t,
      {
        keys: [
          { name: 'domain', parts: [{ field: 'Email', transform: 'email_domain' }] },
          { name: 'phone', parts: [{ field: 'Phone', transform: 'phone' }] },
        ],
        maxBlockSize: 10,
        window: 2,
      },
      (a, b) => pairs.push(`${a}-${b}`),
    );
    // acme.com block and the phone block give the same pair once; free-mail gmail.com is no block
    expect(pairs).toEqual(['0-1']);
    expect(soundex('Robert')).toBe('r163');
    expect(soundex('Rupert')).toBe('r163');
  });

  it('clusters transitively with union-find and keeps review pairs apart', () => {
    const rows = [
      {
        Id: 'L1',
        FirstName: 'Ann',
        LastName: 'Lee',
        Email: 'ann.lee@acme.com',
        Company: 'Acme Inc',
        Phone: '415-555-0100',
      },
      {
        Id: 'L2',
        FirstName: 'Ann',
        LastName: 'Lee',
        Email: 'ann.lee@gmail.com',
        Company: 'ACME',
        Phone: '(415) 555-0100',
      },
      {
        Id: 'L3',
        FirstName: 'Anne',
        LastName: 'Lee',
        Email: 'ann.lee@gmail.com',
        Company: 'Acme',
        Phone: '+1 415 555 0100',
      },
      {
        Id: 'L4',
        FirstName: 'Bob',
        LastName: 'Stone',
        Email: 'bob@acme.com',
        Company: 'Acme',
        Phone: '415-555-0199',
      },
    ];
    const t = table(rows);
    const setup = salesforceSetup(LEAD_RULE);
    const r = findDuplicates(t, setup.blocking, ruleScorer(t, LEAD_RULE, setup.columns));
    expect(r.clusters.map((c) => c.members)).toEqual([[0, 1, 2]]);
    expect(r.clusters[0].reasons).toContain('phone match');
    expect(r.pairsCompared).toBeGreaterThanOrEqual(3);
  });
});

describe('dedup on a snapshot', () => {
  let db: Db;
  let r: DedupResult;
  beforeAll(async () => {
    ({ db } = await fixtureSnapshot({
      Lead: [
        lead(
          '00Q1',
          'Maria',
          'Garcia',
          'maria.garcia@northwind.com',
          'Northwind Traders Inc',
          '+1 (212) 555-0101',
          '2025-01-10',
          null,
        ),
        lead(
          '00Q2',
          'Maria',
          'Garcia',
          'MARIA.GARCIA@northwind.com',
          'Northwind Traders',
          '212.555.0101',
          '2025-03-01',
          'VP Sales',
        ),
        lead('00Q3', 'Mario', 'Garcia', 'mgarcia@gmail.com', 'Northwind', '212 555 0101', '2024-12-01', null),
        lead('00Q4', 'Peter', 'Stone', 'peter@stripe.com', 'Stripe Inc', '+1 415 555 0000', '2025-01-01'),
        lead('00Q5', 'Paul', 'Stine', 'paul@strix.io', 'Strix Inc', '+1 650 555 0000', '2025-01-01'),
      ],
      Task: [{ Id: '00T1', WhoId: '00Q1', CreatedDate: '2025-06-01 00:00:00' }],
    }));
    r = await dedupSnapshot(db, LEAD_RULE);
  });
  afterAll(() => db.close());

  it('finds the planted cluster and picks the survivor by most recent activity, winning values per field', () => {
    expect(toJson(r)).toEqual({
      clusters: [
        {
          survivorId: '00Q1',
          memberIds: ['00Q1', '00Q3', '00Q2'],
          score: expect.any(Number),
          reasons: expect.arrayContaining(['phone match', 'name match']),
        },
      ],
      pairsCompared: r.pairsCompared,
      records: 5,
    });
    // ranking: 00Q1 (latest activity), then oldest created: 00Q3, 00Q2. Title is blank on 00Q1 and 00Q3, so 00Q2's wins.
    expect(r.clusters[0].winners.Title).toEqual({ value: 'VP Sales', fromId: '00Q2' });
    expect(r.clusters[0].winners.Email).toEqual({ value: 'maria.garcia@northwind.com', fromId: '00Q1' });
  });

  it('gives the same result with the e-mail and phone parts computed in a worker thread', async () => {
    const threaded = await dedupSnapshot(db, LEAD_RULE, { threadedFromRows: 0 });
    expect(toJson(threaded)).toEqual(toJson(r));
    expect(reviewCsv(threaded)).toBe(reviewCsv(r));
  });

  it("reads national phone numbers in each record's own country", async () => {
    // phone + name only, so the phone decides: the same German number written nationally (trunk 0) and
    // internationally matches; the same national digits in France and Belgium are different numbers
    const rule: DedupRule = { ...LEAD_RULE, matchKeys: ['phone', 'name'], fieldWeights: null };
    const { db: intl } = await fixtureSnapshot({
      Lead: [
        {
          ...lead('00QA', 'Jonas', 'Weber', null, 'Weber GmbH', '030 1234567', '2025-01-01'),
          Country: 'Germany',
        },
        {
          ...lead('00QB', 'Jonas', 'Weber', null, 'Weber GmbH', '+49 30 1234567', '2025-01-02'),
          Country: 'DE',
        },
        {
          ...lead('00QC', 'Marie', 'Dubois', null, 'Dubois SA', '01 23 45 67 89', '2025-01-01'),
          Country: 'FR',
        },
        {
          ...lead('00QD', 'Marie', 'Dubois', null, 'Dubois SA', '01 23 45 67 89', '2025-01-02'),
          Country: 'BE',
        },
      ],
    });
    try {
      const res = await dedupSnapshot(intl, rule);
      expect(toJson(await dedupSnapshot(intl, rule, { threadedFromRows: 0 }))).toEqual(toJson(res));
      expect(toJson(res).clusters.map((c) => c.memberIds)).toEqual([['00QA', '00QB']]);
      expect(res.clusters[0].reasons).toContain('phone match');
      // a record's own country wins over the rule's default
      const usOnly = await dedupSnapshot(intl, { ...rule, defaultCountry: 'US' });
      expect(usOnly.clusters.length).toBe(1);
      // without a country the rule's default applies: read as US, "030 1234567" is no phone number at all
      const { db: bare } = await fixtureSnapshot({
        Lead: [
          lead('00QA', 'Jonas', 'Weber', null, 'Weber GmbH', '030 1234567', '2025-01-01'),
          lead('00QB', 'Jonas', 'Weber', null, 'Weber GmbH', '+49 30 1234567', '2025-01-02'),
        ],
      });
      try {
        expect((await dedupSnapshot(bare, rule)).clusters).toEqual([]);
        expect((await dedupSnapshot(bare, { ...rule, defaultCountry: 'DE' })).clusters.length).toBe(1);
      } finally {
        bare.close();
      }
    } finally {
      intl.close();
    }
  });

  it('compares a transposed surname with its original through first name + company (no shared Soundex)', async () => {
    // "Simon" -> "Siomn" changes the Soundex (s550 -> s500), the e-mail carries the typo and the phone moved: only
    // the first name, the company and the surname's initial still agree
    expect(soundex('Siomn')).not.toBe(soundex('Simon'));
    const { db: typo } = await fixtureSnapshot({
      Lead: [
        lead(
          '00QA',
          'Maria',
          'Simon',
          'maria.simon@acme-robotics.com',
          'Acme Robotics',
          '+1 212 555 0101',
          '2025-01-01',
        ),
        lead(
          '00QB',
          'Maria',
          'Siomn',
          'maria.siomn@acme-robotics.com',
          'Acme Robotics',
          '+1 646 555 0199',
          '2025-02-01',
        ),
        // the same first name at the same company with another surname initial is another person: not compared
        lead(
          '00QC',
          'Maria',
          'Lopez',
          'maria.lopez@acme-robotics.com',
          'Acme Robotics',
          '+1 917 555 0123',
          '2025-03-01',
        ),
      ],
    });
    try {
      // Lead_Default's weights (phone 1): the pair scores about 0.63, a review
      const rule = { ...LEAD_RULE, fieldWeights: { ...LEAD_RULE.fieldWeights, phone: 1 } };
      const res = await dedupSnapshot(typo, rule);
      expect(res.review.map((p) => p.ids)).toEqual([['00QA', '00QB']]);
      expect(res.review[0].score).toBeGreaterThanOrEqual(rule.reviewThreshold);
      expect(res.clusters).toEqual([]);
      expect(res.pairsCompared).toBe(1);
    } finally {
      typo.close();
    }
  });

  it('writes a review CSV with one row per record, the proposed winner and the merged values', () => {
    const csv = reviewCsv(r).trim().split('\n');
    expect(csv[0]).toBe(
      'cluster,decision,record_id,proposed_winner,confidence,reasons,survivor_id,FirstName,LastName,Email,Phone,Company,Website,Title',
    );
    expect(csv[1]).toMatch(/^C1,merge,00Q1,yes,/);
    expect(csv.find((l) => l.startsWith('C1,merge,(merged)'))).toContain('VP Sales');
  });
});

const FEBRL = '../shared/data/febrl/dataset3.csv';
describe.skipIf(!existsSync(FEBRL))('dedup quality on FEBRL dataset3 (5,000 person records)', () => {
  it('reaches pairwise F1 >= 0.98 against the rec-<n> entities through the generic person mapping', async () => {
    const r = await dedupExport(FEBRL, FEBRL_MAPPING);
    const truth = new Map<string, string>();
    const pred = new Map<string, string>();
    const { profile } = personProfile(FEBRL_MAPPING);
    expect(profile.matchThreshold).toBe(0.72);
    for (const id of Object.keys(r.values)) truth.set(id, id.replace(/-(org|dup-\d+)$/, ''));
    r.clusters.forEach((c, i) => c.memberIds.forEach((m) => pred.set(m, `c${i}`)));
    // every record is an entity of its own unless clustered; truth over all 5,000 ids
    const { tableFromCsv } = await import('../../../scripts/lib/reports/dedup/source.ts');
    const t = await tableFromCsv(FEBRL, 'febrl', 'rec_id');
    for (const id of t.ids) truth.set(id, id.replace(/-(org|dup-\d+)$/, ''));
    const q = pairQuality(pred, truth);
    expect(r.records).toBe(5000);
    expect(q.truePairs).toBe(6538);
    expect(q.f1).toBeGreaterThanOrEqual(0.98);
  });
});

describe('withReviewPairs', () => {
  it('joins merge clusters through review pairs, so accepting every review pair finds the duplicates left to review', () => {
    const clusters = [{ memberIds: ['a', 'b'] }, { memberIds: ['c', 'd', 'e'] }, { memberIds: ['x', 'y'] }];
    const review: { ids: [string, string] }[] = [{ ids: ['b', 'd'] }, { ids: ['z', 'w'] }];
    const joined = withReviewPairs(clusters, review).map((c) => [...c.memberIds].sort());
    expect(joined.sort()).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['w', 'z'],
      ['x', 'y'],
    ]);
    // truth: a..e one entity, w/z one, x and y two: merges alone find 4 of the 11 true pairs, with review all 11
    const truth = new Map(['a', 'b', 'c', 'd', 'e'].map((id) => [id, 'E1']));
    truth.set('w', 'E2').set('z', 'E2').set('x', 'x').set('y', 'y');
    const merged = new Map<string, string>();
    clusters.forEach((c, i) => c.memberIds.forEach((m) => merged.set(m, `c${i}`)));
    const reviewed = new Map<string, string>();
    withReviewPairs(clusters, review).forEach((c, i) => c.memberIds.forEach((m) => reviewed.set(m, `r${i}`)));
    expect(pairQuality(merged, truth).recall).toBeCloseTo(4 / 11);
    expect(pairQuality(reviewed, truth).recall).toBe(1);
  });
});
