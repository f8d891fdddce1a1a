// Generic dedup engine: blocking -> pair scoring -> union-find clustering.
// Works on any record type through a DedupProfile (which columns, how to compare them, which blocking keys).
// Match primitives (Jaro-Winkler, company/phone/e-mail/website normalisation, pair scoring of Salesforce
// records) come from the rules area, scripts/lib/rules/match.ts, the twin of the Apex MatchMergeService.
import {
  companyEmailDomain,
  jaroWinkler,
  nameSimilarity,
  normalizeCompany,
  GENERIC_WORDS,
  phoneToE164,
  scorePair,
  websiteDomain,
  type DedupRule,
  type MatchRecord,
} from '../../rules/match.ts';

export type Comparator =
  | 'name' // person name: lower-case letters, Jaro-Winkler
  | 'text' // free text: lower-case, collapsed spaces, Jaro-Winkler
  | 'company' // company name similarity of the rules (generic words weigh little: "Stripe" vs "Strix" stays low)
  | 'email' // whole address, exact
  | 'email_domain' // company domain of the address, exact; free-mail domains count as missing
  | 'phone' // E.164 phone, exact
  | 'website' // host without protocol / www, exact
  | 'exact' // trimmed, lower-case, exact
  | 'digits'; // digits only, Jaro-Winkler (ids, dates, postcodes with typos)

export interface FieldSpec {
  /** Column name in the input (a field API name for snapshots, a CSV header for exports). */
  field: string;
  comparator: Comparator;
  /** Relative weight in the pair score. */
  weight: number;
  /** Reason shown when the field agrees (similarity >= 0.9), e.g. "phone match". */
  reason: string;
}

export type BlockTransform =
  'email_domain' | 'phone' | 'company' | 'website' | 'exact' | 'digits' | 'prefix3' | 'soundex';

export interface BlockKeySpec {
  name: string;
  /** The key is the concatenation of these parts; a blank part means the record has no key. */
  parts: { field: string; transform: BlockTransform }[];
}

export interface Blocking {
  keys: BlockKeySpec[];
  /** Blocks larger than this are compared with a sliding window of `window` records (sorted neighbourhood). */
  maxBlockSize: number;
  window: number;
}

/** Columnar input: ids plus one array per column. */
export interface RecordTable {
  ids: string[];
  columns: Record<string, (string | null)[]>;
}

export type Decision = 'match' | 'review' | 'no match';

export interface ScoredPair {
  a: number;
  b: number;
  score: number;
  decision: Decision;
  reasons: string[];
}

/** Scores a candidate pair of rows. */
export type PairScorer = (a: number, b: number) => ScoredPair;

export interface Cluster {
  /** Row indexes into the input table, ascending. */
  members: number[];
  /** Mean score of the matching pairs that formed the cluster. */
  score: number;
  /** Reasons of those pairs, most frequent first. */
  reasons: string[];
}

export interface EngineResult {
  records: number;
  pairsCompared: number;
  clusters: Cluster[];
  /** Pairs decided 'review' whose records did not end up in one cluster. */
  reviewPairs: ScoredPair[];
  /** Blocks compared with the sliding window because they exceeded maxBlockSize. */
  windowedBlocks: number;
}

const SOUNDEX: Record<string, string> = {
  b: '1',
  f: '1',
  p: '1',
  v: '1',
  c: '2',
  g: '2',
  j: '2',
  k: '2',
  q: '2',
  s: '2',
  x: '2',
  z: '2',
  d: '3',
  t: '3',
  l: '4',
  m: '5',
  n: '5',
  r: '6',
};

/** American Soundex code of a word ("Robert" -> "r163"), '' for no letters. Blocking only. */
export function soundex(s: string): string {
  const w = s.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return '';
  let out = w[0];
  let last = SOUNDEX[w[0]] ?? '';
  for (let i = 1; i < w.length && out.length < 4; i++) {
    const c = SOUNDEX[w[i]] ?? '';
    if (c && c !== last) out += c;
    if (w[i] !== 'h' && w[i] !== 'w') last = c;
  }
  return out.padEnd(4, '0');
}

const clean = (v: string | null | undefined): string => (v ?? '').trim().toLowerCase();

/**
 * normalizeCompany with a memo: company names repeat (a million leads name far fewer companies), and the
 * blocking keys and the scorer all need the normalised name.
 */
const companyMemo = new Map<string, string>();
export function normalizedCompany(v: string | null | undefined): string {
  if (!v) return '';
  let r = companyMemo.get(v);
  if (r === undefined) {
    if (companyMemo.size > 2_000_000) companyMemo.clear();
    r = normalizeCompany(v);
    companyMemo.set(v, r);
  }
  return r;
}

/** First distinctive (non-generic) word of a normalised company name. */
function companyToken(normalised: string): string {
  const tokens = normalised.split(' ');
  return tokens.find((t) => t && !GENERIC_WORDS.has(t)) ?? tokens[0] ?? '';
}

const columnCache = new WeakMap<(string | null)[], Map<string, string[]>>();
/** A column's normalised company names or E.164 phones, computed once per table for the keys and the scorer. */
function normalisedColumn(col: (string | null)[], kind: 'company' | 'phone', country: string): string[] {
  let byKind = columnCache.get(col);
  if (!byKind) columnCache.set(col, (byKind = new Map()));
  const key = kind === 'phone' ? `phone:${country}` : kind;
  let v = byKind.get(key);
  if (!v) {
    v = new Array<string>(col.length);
    for (let i = 0; i < col.length; i++) {
      const raw = col[i];
      v[i] = !raw ? '' : kind === 'company' ? normalizedCompany(raw) : (phoneToE164(raw, country) ?? '');
    }
    byKind.set(key, v);
  }
  return v;
}

function blockPart(v: string | null, t: BlockTransform, country: string): string {
  switch (t) {
    case 'email_domain':
      return companyEmailDomain(v);
    case 'phone':
      return phoneToE164(v, country) ?? '';
    case 'company':
      return companyToken(normalizedCompany(v));
    case 'website':
      return websiteDomain(v);
    case 'digits':
      return (v ?? '').replace(/\D/g, '');
    case 'prefix3':
      return clean(v)
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 3);
    case 'soundex':
      return soundex(v ?? '');
    default:
      return clean(v);
  }
}

class UnionFind {
  parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[x] !== r) {
      const next = this.parent[x];
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Candidate pairs from every blocking key, each pair once. Calls `visit(a, b)` with a < b. */
export function forEachCandidatePair(
  table: RecordTable,
  blocking: Blocking,
  visit: (a: number, b: number) => void,
  country = 'US',
): { windowedBlocks: number } {
  const n = table.ids.length;
  const seen = new Set<number>();
  let windowedBlocks = 0;
  const emit = (i: number, j: number): void => {
    const a = i < j ? i : j;
    const b = i < j ? j : i;
    const key = a * n + b;
    if (seen.has(key)) return;
    seen.add(key);
    visit(a, b);
  };
  // each (column, transform) is normalised once, however many keys use it
  const parts = new Map<string, string[]>();
  const partValues = (field: string, t: BlockTransform): string[] => {
    const k = `${field}\u0000${t}`;
    let v = parts.get(k);
    if (!v) {
      const col = table.columns[field]!;
      if (t === 'company') v = normalisedColumn(col, 'company', country).map(companyToken);
      else if (t === 'phone') v = normalisedColumn(col, 'phone', country);
      else {
        v = new Array<string>(n);
        for (let i = 0; i < n; i++) v[i] = col[i] ? blockPart(col[i], t, country) : '';
      }
      parts.set(k, v);
    }
    return v;
  };
  for (const spec of blocking.keys) {
    if (spec.parts.some((p) => !table.columns[p.field])) continue; // column not in this table
    const cols = spec.parts.map((p) => partValues(p.field, p.transform));
    const blocks = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      let key = '';
      let ok = true;
      for (let p = 0; p < cols.length; p++) {
        const part = cols[p][i];
        if (!part) {
          ok = false;
          break;
        }
        key += p ? '|' + part : part;
      }
      if (!ok) continue;
      const b = blocks.get(key);
      if (b) b.push(i);
      else blocks.set(key, [i]);
    }
    for (const members of blocks.values()) {
      if (members.length < 2) continue;
      if (members.length <= blocking.maxBlockSize) {
        for (let x = 0; x < members.length; x++)
          for (let y = x + 1; y < members.length; y++) emit(members[x], members[y]);
      } else {
        windowedBlocks++;
        for (let x = 0; x < members.length; x++) {
          const end = Math.min(members.length, x + blocking.window);
          for (let y = x + 1; y < end; y++) emit(members[x], members[y]);
        }
      }
    }
  }
  return { windowedBlocks };
}

/** Normalises a column once for its comparator ('' = missing). */
function prepare(
  col: (string | null)[] | undefined,
  comparator: Comparator,
  n: number,
  country: string,
): string[] {
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const raw = col ? col[i] : null;
    switch (comparator) {
      case 'name':
        values[i] = clean(raw)
          .normalize('NFD')
          .replace(/[^a-z ]/g, '')
          .replace(/\s+/g, ' ')
          .trim();
        break;
      case 'text':
        values[i] = clean(raw).replace(/\s+/g, ' ');
        break;
      case 'company':
        values[i] = normalizedCompany(raw);
        break;
      case 'email':
        values[i] = clean(raw).includes('@') ? clean(raw) : '';
        break;
      case 'email_domain':
        values[i] = companyEmailDomain(raw);
        break;
      case 'phone':
        values[i] = phoneToE164(raw, country) ?? '';
        break;
      case 'website':
        values[i] = websiteDomain(raw);
        break;
      case 'digits':
        values[i] = (raw ?? '').replace(/\D/g, '');
        break;
      default:
        values[i] = clean(raw);
    }
  }
  return values;
}

export interface FieldProfile {
  fields: FieldSpec[];
  matchThreshold: number;
  reviewThreshold: number;
  /** Denominator floor: a pair with little evidence in common cannot reach a high score. */
  minEvidence: number;
}

/**
 * Generic scorer for any record type: weighted mean of per-field similarities over the fields both records
 * carry (the denominator is at least `minEvidence`).
 */
export function fieldScorer(table: RecordTable, profile: FieldProfile, country = 'US'): PairScorer {
  const n = table.ids.length;
  const fields = profile.fields
    .filter((f) => table.columns[f.field])
    .map((f) => ({ spec: f, values: prepare(table.columns[f.field], f.comparator, n, country) }));
  const exact = new Set<Comparator>(['email', 'email_domain', 'phone', 'website', 'exact']);
  return (a, b) => {
    let num = 0;
    let den = 0;
    const reasons: string[] = [];
    for (const f of fields) {
      const x = f.values[a];
      const y = f.values[b];
      if (!x || !y) continue;
      const s =
        x === y
          ? 1
          : exact.has(f.spec.comparator)
            ? 0
            : f.spec.comparator === 'company'
              ? nameSimilarity(x, y)
              : jaroWinkler(x, y);
      num += f.spec.weight * s;
      den += f.spec.weight;
      if (s >= 0.9 && !reasons.includes(f.spec.reason)) reasons.push(f.spec.reason);
    }
    const score = num / Math.max(den, profile.minEvidence, 1e-9);
    const decision: Decision =
      score >= profile.matchThreshold ? 'match' : score >= profile.reviewThreshold ? 'review' : 'no match';
    return { a, b, score, decision, reasons };
  };
}

/** Which input column feeds each MatchRecord field of the rules' scorePair. */
export interface MatchColumns {
  email?: string;
  phone?: string;
  company?: string;
  /** Person name: one column, or [first, last] joined with a space. */
  name?: string | [string, string];
  website?: string;
}

const REASON_TEXT: Record<string, string> = {
  email: 'same email',
  email_domain: 'same email domain',
  phone: 'phone match',
  company: 'company name match',
  name: 'name match',
  website: 'same website',
};

/**
 * Scorer for Lead / Contact / Account: the rules' scorePair (the Apex twin) on values normalised once.
 * Reasons are the keys that agree (similarity >= 0.9).
 */
export function ruleScorer(table: RecordTable, rule: DedupRule, cols: MatchColumns): PairScorer {
  const n = table.ids.length;
  const country = rule.defaultCountry ?? 'US';
  const col = (c: string | undefined) => (c ? table.columns[c] : undefined);
  const email = col(cols.email);
  const phone = col(cols.phone);
  const company = col(cols.company);
  const website = col(cols.website);
  const [first, last] = Array.isArray(cols.name)
    ? [col(cols.name[0]), col(cols.name[1])]
    : [undefined, col(cols.name)];
  const phones = phone ? normalisedColumn(phone, 'phone', country) : undefined;
  const companies = company ? normalisedColumn(company, 'company', country) : undefined;
  const recs: MatchRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const nm = [first?.[i], last?.[i]].filter((v) => v && v.trim()).join(' ');
    recs[i] = {
      id: table.ids[i],
      email: email?.[i]?.trim().toLowerCase() || null,
      phone: phones?.[i] || null,
      company: companies?.[i] || null,
      name: nm || null,
      website: websiteDomain(website?.[i]) || null,
    };
  }
  return (a, b) => {
    const p = scorePair(recs[a], recs[b], rule);
    return {
      a,
      b,
      score: p.score,
      decision: p.decision,
      reasons: p.reasons.filter((r) => r.similarity >= 0.9).map((r) => REASON_TEXT[r.key] ?? r.key),
    };
  };
}

/** Runs blocking, scoring and union-find clustering of the 'match' pairs. */
export function findDuplicates(
  table: RecordTable,
  blocking: Blocking,
  score: PairScorer,
  country = 'US',
): EngineResult {
  const n = table.ids.length;
  const uf = new UnionFind(n);
  const matches: ScoredPair[] = [];
  const review: ScoredPair[] = [];
  let pairsCompared = 0;
  const { windowedBlocks } = forEachCandidatePair(
    table,
    blocking,
    (a, b) => {
      pairsCompared++;
      const p = score(a, b);
      if (p.decision === 'match') {
        matches.push(p);
        uf.union(a, b);
      } else if (p.decision === 'review') review.push(p);
    },
    country,
  );

  const byRoot = new Map<number, { members: number[]; scores: number[]; reasons: Map<string, number> }>();
  for (const p of matches) {
    const r = uf.find(p.a);
    let c = byRoot.get(r);
    if (!c) byRoot.set(r, (c = { members: [], scores: [], reasons: new Map() }));
    c.scores.push(p.score);
    for (const reason of p.reasons) c.reasons.set(reason, (c.reasons.get(reason) ?? 0) + 1);
  }
  for (let i = 0; i < n; i++) {
    const c = byRoot.get(uf.find(i));
    if (c) c.members.push(i);
  }
  const clusters: Cluster[] = [...byRoot.values()].map((c) => ({
    members: c.members,
    score: round3(c.scores.reduce((s, x) => s + x, 0) / c.scores.length),
    reasons: [...c.reasons.entries()].sort((x, y) => y[1] - x[1]).map(([r]) => r),
  }));
  clusters.sort(
    (x, y) => y.members.length - x.members.length || y.score - x.score || x.members[0] - y.members[0],
  );
  const reviewPairs = review
    .filter((p) => uf.find(p.a) !== uf.find(p.b))
    .map((p) => ({ ...p, score: round3(p.score) }))
    .sort((x, y) => y.score - x.score || x.a - y.a);
  return { records: n, pairsCompared, clusters, reviewPairs, windowedBlocks };
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
