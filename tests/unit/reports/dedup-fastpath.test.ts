// The dedup engine scores pairs with records prepared once (prepareMatchRecord / scorePrepared) and a faster
// Jaro-Winkler; these tests pin that the fast path gives exactly (bit for bit) what scorePair and the original
// implementations give, on real data: demo leads (with planted duplicates) and FEBRL person records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { tableFromCsv } from '../../../scripts/lib/reports/dedup/source.ts';
import {
  forEachCandidatePair,
  ruleScorer,
  type RecordTable,
} from '../../../scripts/lib/reports/dedup/engine.ts';
import { salesforceSetup } from '../../../scripts/lib/reports/dedup/profiles.ts';
import {
  COMPANY_SUFFIXES,
  GENERIC_WORDS,
  GENERIC_WORD_WEIGHT,
  TOKEN_MATCH_MIN,
  jaroWinkler,
  nameSimilarity,
  normalizeCompany,
  scorePair,
  type DedupRule,
  type MatchRecord,
} from '../../../scripts/lib/rules/match.ts';

/** The original Jaro-Winkler (boolean arrays, no buffer reuse), kept as the reference. */
function referenceJaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  if (a.length === 0 || b.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatch = new Array<boolean>(a.length).fill(false);
  const bMatch = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(i + range + 1, b.length);
    for (let j = lo; j < hi; j++) {
      if (!bMatch[j] && a[i] === b[j]) {
        aMatch[i] = true;
        bMatch[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatch[i]) continue;
    while (!bMatch[k]) k++;
    if (a[i] !== b[k]) halfTranspositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - halfTranspositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** The original company similarity (every token pair compared, no early exit), kept as the reference. */
function referenceNameSimilarity(a: string | null, b: string | null): number {
  const na = normalizeCompany(a);
  const nb = normalizeCompany(b);
  if (na === '' || nb === '') return 0;
  if (na === nb) return 1;
  const ta = na.split(' ');
  const tb = nb.split(' ');
  const weight = (t: string) => (GENERIC_WORDS.has(t) ? GENERIC_WORD_WEIGHT : 1);
  const best = (t: string, others: string[]) =>
    others.reduce((m, o) => {
      const s = referenceJaroWinkler(t, o);
      return s >= TOKEN_MATCH_MIN && s > m ? s : m;
    }, 0);
  let num = 0;
  let den = 0;
  for (const t of ta) {
    num += weight(t) * best(t, tb);
    den += weight(t);
  }
  for (const t of tb) {
    num += weight(t) * best(t, ta);
    den += weight(t);
  }
  return (referenceJaroWinkler(na, nb) + num / den) / 2;
}

/** The company normalisation as regular expressions (the Apex twin's form), kept as the reference. */
function referenceNormalizeCompany(name: string | null): string {
  if (name === null || name.trim() === '') return '';
  const tokens = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\.(?=[a-z]\b)/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
  while (tokens.length > 1 && COMPANY_SUFFIXES.has(tokens[tokens.length - 1])) tokens.pop();
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  return tokens.join(' ');
}

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
    matchKeys: ['company', 'website', 'phone', 'name', 'email'],
    matchThreshold: 0.75,
    reviewThreshold: 0.55,
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

describe('dedup fast path equals scorePair on demo leads', () => {
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
    });
  }

  it('normalises every demo company name exactly as the regular expressions do', () => {
    const companies = [...new Set(table.columns.Company.filter((c): c is string => !!c))];
    expect(companies.length).toBeGreaterThan(500);
    for (const c of companies) expect(normalizeCompany(c), c).toBe(referenceNormalizeCompany(c));
  });

  it('computes company similarity exactly as the original all-pairs token comparison', () => {
    const companies = [...new Set(table.columns.Company.filter((c): c is string => !!c))];
    const rnd = random(11);
    for (let k = 0; k < 3000; k++) {
      const a = companies[rnd(companies.length)];
      const b = k % 3 === 0 ? `${a.slice(0, -1)} Group` : companies[rnd(companies.length)];
      expect(Object.is(nameSimilarity(a, b), referenceNameSimilarity(a, b))).toBe(true);
    }
  });
});

describe('single-pass company normalisation', () => {
  it('equals the regular expressions on hand-picked punctuation cases', () => {
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
    ];
    for (const c of cases) expect(normalizeCompany(c), c).toBe(referenceNormalizeCompany(c));
  });

  it('equals the regular expressions on random names built from letters, digits and punctuation', () => {
    const rnd = random(5);
    const alphabet = 'abcABC xyz019.&,_-/()\'"éÖ\t';
    for (let k = 0; k < 20000; k++) {
      let s = '';
      const len = 1 + rnd(14);
      for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
      if (k % 4 === 0) s += [' Inc.', ' L.L.C.', ' S.A.', ' Co', ' group'][rnd(5)];
      expect(normalizeCompany(s), JSON.stringify(s)).toBe(referenceNormalizeCompany(s));
    }
  });
});

const FEBRL = '../shared/data/febrl/dataset3.csv';
describe.skipIf(!existsSync(FEBRL))('Jaro-Winkler fast path on FEBRL dataset3 values', () => {
  it('equals the original implementation on thousands of name and address pairs', async () => {
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
        expect(Object.is(jaroWinkler(a, b), referenceJaroWinkler(a, b))).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(6000);
  });
});
