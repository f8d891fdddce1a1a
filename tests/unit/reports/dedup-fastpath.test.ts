// The dedup engine scores pairs through its fast path (scripts/lib/reports/dedup/fastpath.ts: records prepared
// once, interned ids, an upper bound, Jaro-Winkler and company normalisation on scratch buffers); the match rules
// (scripts/lib/rules/match.ts, the twin of the Apex DedupMatchService) are the reference. These tests pin that the
// fast path gives exactly (bit for bit) what the rules give, on real data: demo leads (with planted duplicates)
// and FEBRL person records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { tableFromCsv } from '../../../scripts/lib/reports/dedup/source.ts';
import { forEachCandidatePair, type RecordTable } from '../../../scripts/lib/reports/dedup/engine.ts';
import { ruleScorer } from '../../../scripts/lib/reports/dedup/ruleScorer.ts';
import * as fast from '../../../scripts/lib/reports/dedup/fastpath.ts';
import { salesforceSetup } from '../../../scripts/lib/reports/dedup/profiles.ts';
import {
  jaroWinkler,
  nameSimilarity,
  normalizeCompany,
  scorePair,
  type DedupRule,
  type MatchRecord,
} from '../../../scripts/lib/rules/match.ts';

const RULES: DedupRule[] = [
  {
    name: 'Lead_Shipped_Like',
    object: 'Lead',
    matchKeys: ['email', 'email_domain', 'name', 'company', 'phone'],
    matchThreshold: 0.9,
    reviewThreshold: 0.7,
    mergePriority: ['most_recent_activity'],
    fieldWeights: { email: 0.45, name: 0.2, company: 0.15, phone: 0.1, email_domain: 0.1 },
  },
  {
    name: 'Lead_All_Keys',
    object: 'Lead',
    matchKeys: ['company', 'website', 'phone', 'name', 'email', 'address'],
    matchThreshold: 0.75,
    reviewThreshold: 0.55,
    mergePriority: ['oldest_created'],
  },
  {
    // the address key with the keys whose blocking parts the scorer reuses (its upper bound then reads only ids)
    name: 'Lead_Address_Phone',
    object: 'Lead',
    matchKeys: ['address', 'phone', 'email'],
    matchThreshold: 0.8,
    reviewThreshold: 0.5,
    mergePriority: ['oldest_created'],
  },
];

/** Deterministic pseudo-random integers (mulberry32). */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe('dedup fast path equals the rules on demo leads', () => {
  let dir: string;
  let table: RecordTable;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'revops-dedup-fast-'));
    const out = generateDemo({ leads: 2000, seed: 42, dir });
    const lead = out.files.find((f) => f.object === 'Lead')!;
    table = await tableFromCsv(lead.files[0], 'Lead', 'Id');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const raw = (t: RecordTable, i: number): MatchRecord => {
    const c = t.columns;
    const name = [c.FirstName[i], c.LastName[i]].filter((v) => v && v.trim()).join(' ');
    return {
      id: t.ids[i],
      email: c.Email[i],
      phone: c.Phone[i],
      company: c.Company[i],
      name: name || null,
      website: c.Website?.[i] ?? null,
      country: c.Country?.[i] ?? null,
      street: c.Street?.[i] ?? null,
      postalCode: c.PostalCode?.[i] ?? null,
      city: c.City?.[i] ?? null,
    };
  };

  for (const rule of RULES) {
    it(`gives bit-identical scores, decisions and reasons on candidate and random pairs (${rule.name})`, () => {
      const setup = salesforceSetup(rule);
      const scorer = ruleScorer(table, rule, setup.columns);
      const pairs: [number, number][] = [];
      forEachCandidatePair(table, setup.blocking, (a, b) => pairs.push([a, b]));
      const rnd = random(7);
      const n = table.ids.length;
      for (let k = 0; k < 3000; k++) pairs.push([rnd(n), rnd(n)]);
      let matches = 0;
      for (const [a, b] of pairs) {
        const expected = scorePair(raw(table, a), raw(table, b), rule);
        const got = scorer(a, b);
        expect(Object.is(got.score, expected.score)).toBe(true);
        expect(got.decision).toBe(expected.decision);
        expect(scorer.decide?.(a, b)).toBe(expected.decision);
        expect(got.reasons.length).toBe(expected.reasons.filter((r) => r.similarity >= 0.9).length);
        if (got.decision === 'match') matches++;
      }
      expect(pairs.length).toBeGreaterThan(3000);
      expect(matches).toBeGreaterThan(0); // the planted duplicates are among the compared pairs
      if (rule.matchKeys.includes('address')) {
        // the address is compared on real data: records carry it, and the address block finds pairs
        const withAddress = pairs.filter(([a, b]) =>
          scorePair(raw(table, a), raw(table, b), rule).reasons.some((r) => r.key === 'address'),
        );
        expect(withAddress.length).toBeGreaterThan(100);
      }
    });
  }

  it('normalises every demo company name exactly as the rules (regular expressions) do', () => {
    const companies = [...new Set(table.columns.Company.filter((c): c is string => !!c))];
    expect(companies.length).toBeGreaterThan(500);
    for (const c of companies) expect(fast.normalizeCompany(c), c).toBe(normalizeCompany(c));
  });

  it("computes company similarity exactly as the rules' all-pairs token comparison", () => {
    const companies = [...new Set(table.columns.Company.filter((c): c is string => !!c))];
    const rnd = random(11);
    for (let k = 0; k < 3000; k++) {
      const a = companies[rnd(companies.length)];
      const b = k % 3 === 0 ? `${a.slice(0, -1)} Group` : companies[rnd(companies.length)];
      expect(Object.is(fast.nameSimilarity(a, b), nameSimilarity(a, b))).toBe(true);
    }
  });
});

describe('single-pass company normalisation', () => {
  it('equals the rules (regular expressions) on hand-picked punctuation cases', () => {
    const cases = [
      'L.L.C.',
      'Acme, L.L.C.',
      'A.B.C. Corp',
      'a.bc',
      'a.b_c',
      'a.b&c',
      'a.&b',
      'x.1',
      '1.5 Ventures',
      'S.A.',
      'Foo.Bar.Baz',
      'The Co.',
      'The',
      '  The  Acme  Inc.  ',
      'AT&T',
      'Procter & Gamble Co.',
      '&',
      '...',
      '.a',
      'a.',
      'a..b',
      'e.on SE',
      'Müller & Söhne GmbH',
      'Ça.Va S.A.R.L.',
      '\tTab\nNew-Line',
      'Foo_Bar Inc',
      'x.y.',
      'Harbor Grill at the Marina',
      'Alder Group, The (Boston)',
      'The Alder Group',
      'At The Beach LLC',
      'Grill AT  THE Marina',
      'Grill, at-the Marina',
      'Cat The Dog',
      'Flat. The Co',
      'Acme (Europe) GmbH',
      'Acme (',
      'Acme Inc, The',
      'The The',
    ];
    for (const c of cases) expect(fast.normalizeCompany(c), c).toBe(normalizeCompany(c));
  });

  it('equals the rules on random names built from letters, digits and punctuation', () => {
    const rnd = random(5);
    const alphabet = 'abcABC xyz019.&,_-/()\'"éÖ\t';
    for (let k = 0; k < 20000; k++) {
      let s = '';
      const len = 1 + rnd(14);
      for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
      if (k % 4 === 0) s += [' Inc.', ' L.L.C.', ' S.A.', ' Co', ' group', ', The', ' at the x'][rnd(7)];
      expect(fast.normalizeCompany(s), JSON.stringify(s)).toBe(normalizeCompany(s));
    }
  });
});

const FEBRL = '../shared/data/febrl/dataset3.csv';
describe.skipIf(!existsSync(FEBRL))('Jaro-Winkler fast path on FEBRL dataset3 values', () => {
  it('equals the rules on thousands of name and address pairs', async () => {
    const t = await tableFromCsv(FEBRL, 'febrl', 'rec_id');
    const rnd = random(3);
    const n = t.ids.length;
    let compared = 0;
    for (const col of ['given_name', 'surname', 'address_1', 'suburb']) {
      const v = t.columns[col];
      for (let k = 0; k < 1500; k++) {
        // random pairs, plus pairs of a record and a neighbour (FEBRL duplicates sit close by id)
        const a = v[rnd(n)] ?? '';
        const b = k % 2 ? (v[rnd(n)] ?? '') : (v[(rnd(n) + 1) % n] ?? '');
        expect(Object.is(fast.jaroWinkler(a, b), jaroWinkler(a, b))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(6000);
  });
});
