// Generic dedup engine: blocking -> pair scoring -> union-find clustering.
// Works on any record type through a DedupProfile (which columns, how to compare them, which blocking keys).
// Lead / Contact / Account pairs are scored by the match step (scripts/lib/rules/match.ts, the twin of the Apex
// DedupMatchService) through ruleScorer.ts; the fast versions of their primitives come from fastpath.ts.
import { companyEmailDomain, phoneToE164, websiteDomain } from '../../rules/match.ts';
import { dictionaryIds, intern, radixSort, type RecordTable } from './columns.ts';
import { companyRows, jaroWinkler, nameSimilarity, prepareCompanies } from './fastpath.ts';
import {
  addressPartValues,
  blockPartValues,
  clean,
  companyToken,
  partKey,
  type AddressColumns,
  type BlockTransform,
  type Parts,
} from './parts.ts';

export type { Dictionary, RecordTable } from './columns.ts';
export type { BlockTransform } from './parts.ts';

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
  /**
   * Column with each record's country (ISO code or name): the 'phone' transform gives a national number that
   * country's calling code (the default country where the column is blank or unknown).
   */
  countryField?: string;
  /** Postal code and city columns of the 'address' transform (its part's own column is the street). */
  address?: AddressColumns;
}

export type Decision = 'match' | 'review' | 'no match';

export interface ScoredPair {
  a: number;
  b: number;
  score: number;
  decision: Decision;
  reasons: string[];
}

/**
 * Scores a candidate pair of rows. `decide`, when present, returns the same decision without building the
 * ScoredPair (most candidate pairs are 'no match' and are only counted).
 */
export interface PairScorer {
  (a: number, b: number): ScoredPair;
  decide?: (a: number, b: number) => Decision;
}

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
  /** Candidate pairs decided 'match'. */
  matchPairs: number;
}

/** Dense ids 1, 2, ... for pairs of positive int32s, in order of first sight (open addressing). */
class PairIds {
  private slots: Int32Array;
  private xs: Int32Array;
  private ys: Int32Array;
  size = 0;
  constructor(expected: number) {
    this.slots = new Int32Array(tableSize(expected));
    this.xs = new Int32Array(this.slots.length / 2 + 1);
    this.ys = new Int32Array(this.slots.length / 2 + 1);
  }
  /** The pair's id; `isNew` tells whether this call inserted it. */
  id(x: number, y: number): number {
    const mask = this.slots.length - 1;
    let slot = (Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77)) & mask;
    for (;;) {
      const id = this.slots[slot];
      if (id === 0) {
        const nid = ++this.size;
        this.xs[nid] = x;
        this.ys[nid] = y;
        this.slots[slot] = nid;
        this.isNew = true;
        if (this.size * 2 >= this.slots.length) this.grow();
        return nid;
      }
      if (this.xs[id] === x && this.ys[id] === y) {
        this.isNew = false;
        return id;
      }
      slot = (slot + 1) & mask;
    }
  }
  isNew = false;
  private grow(): void {
    const { xs, ys, size } = this;
    this.slots = new Int32Array(this.slots.length * 2);
    this.xs = new Int32Array(this.slots.length / 2 + 1);
    this.ys = new Int32Array(this.slots.length / 2 + 1);
    this.size = 0;
    for (let i = 1; i <= size; i++) this.id(xs[i], ys[i]);
  }
}

const tableSize = (expected: number): number => {
  let size = 1024;
  while (size < expected * 2) size *= 2;
  return size;
};

/** A column's blocking-key part, computed at first use and kept on the table (table.parts). */
function blockParts(
  table: RecordTable,
  field: string,
  t: BlockTransform,
  country: string,
  blocking: Pick<Blocking, 'countryField' | 'address'>,
): Parts {
  const countryField = blocking.countryField;
  const key = partKey(field, t, country, countryField);
  let parts = table.parts?.get(key);
  if (parts) return parts;
  const col = table.columns[field];
  const n = col.length;
  const dict = table.dictionaries?.[field];
  const rowCountries = t === 'phone' && countryField ? table.columns[countryField] : undefined;
  if (t === 'address') {
    const a = blocking.address;
    const column = (c: string) =>
      table.columns[c] ? { values: table.columns[c], codes: table.dictionaries?.[c]?.codes } : undefined;
    parts = intern(addressPartValues(column(field)!, a && column(a.postalCode), a && column(a.city)));
  } else if (rowCountries) parts = intern(blockPartValues(col, t, country, rowCountries));
  else if (dict) {
    // once per distinct value, then by code
    const byCode =
      t === 'company'
        ? prepareCompanies(dict.values).map((c) => (c ? companyToken(c.tokens) : ''))
        : blockPartValues(dict.values, t, country);
    parts = dictionaryIds(dict.codes, byCode);
  } else if (t === 'company') {
    const companies = companyRows(table, field);
    const values = new Array<string>(n);
    for (let i = 0; i < n; i++) values[i] = companies[i] ? companyToken(companies[i]!.tokens) : '';
    parts = intern(values);
  } else parts = intern(blockPartValues(col, t, country));
  (table.parts ??= new Map()).set(key, parts);
  return parts;
}

/** Computes (once, kept on the table) the blocking keys' parts of the columns the table holds as raw values. */
export function computeBlockParts(table: RecordTable, blocking: Blocking, country = 'US'): void {
  for (const spec of blocking.keys)
    for (const p of spec.parts)
      if (table.columns[p.field]) blockParts(table, p.field, p.transform, country, blocking);
}

/** Whether the table has the column, as raw values or as a part computed ahead. */
const hasPart = (
  table: RecordTable,
  field: string,
  t: BlockTransform,
  country: string,
  countryField?: string,
) => !!table.columns[field] || !!table.parts?.has(partKey(field, t, country, countryField));

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

/**
 * The blocks of one blocking key whose parts are `cols`: rows with every part present, grouped by equal key, as
 * ranges [starts[b], ends[b]) of `flat` (rows ascending within a block). `keyHash` is scratch space for n rows.
 */
function keyBlocks(
  cols: Parts[],
  n: number,
  keyHash: Uint32Array,
): { flat: Int32Array; starts: number[]; ends: number[] } {
  // the rows with a key (every part present) and the hash of their key
  let m = 0;
  const keyed = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0x2545f491;
    let ok = true;
    for (let p = 0; p < cols.length; p++) {
      const id = cols[p][i];
      if (id === 0) {
        ok = false;
        break;
      }
      h = Math.imul(h ^ id, 0x9e3779b1);
      h ^= h >>> 16;
    }
    if (!ok) continue;
    keyHash[i] = h;
    keyed[m++] = i;
  }
  // rows sorted by key hash (row order kept within a hash); runs of one hash split by exact key equality
  const sorted = radixSort(keyed.subarray(0, m), keyHash);
  const sameKey = (i: number, j: number): boolean => {
    for (let p = 0; p < cols.length; p++) if (cols[p][i] !== cols[p][j]) return false;
    return true;
  };
  // blocks as ranges [start, end) of `flat` (rows ascending within a block)
  const flat = new Int32Array(m);
  let used = 0;
  const starts: number[] = [];
  const ends: number[] = [];
  for (let lo = 0; lo < m;) {
    let hi = lo + 1;
    while (hi < m && keyHash[sorted[hi]] === keyHash[sorted[lo]]) hi++;
    if (hi - lo > 1) {
      let same = true;
      for (let x = lo + 1; x < hi && same; x++) same = sameKey(sorted[lo], sorted[x]);
      if (same) {
        starts.push(used);
        flat.set(sorted.subarray(lo, hi), used);
        used += hi - lo;
        ends.push(used);
      } else {
        // a hash collision: split the run by exact key
        const groups: number[][] = [];
        for (let x = lo; x < hi; x++) {
          const g = groups.find((gr) => sameKey(gr[0], sorted[x]));
          if (g) g.push(sorted[x]);
          else groups.push([sorted[x]]);
        }
        for (const g of groups) {
          if (g.length < 2) continue;
          starts.push(used);
          for (const row of g) flat[used++] = row;
          ends.push(used);
        }
      }
    }
    lo = hi;
  }
  return { flat, starts, ends };
}

/** Candidate pairs from every blocking key, each pair once. Calls `visit(a, b)` with a < b. */
export function forEachCandidatePair(
  table: RecordTable,
  blocking: Blocking,
  visit: (a: number, b: number) => void,
  country = 'US',
): { windowedBlocks: number } {
  const n = table.ids.length;
  const seen = new PairIds(n); // pairs already visited (a pair can share several blocking keys); room for n
  let windowedBlocks = 0;
  const emit = (i: number, j: number): void => {
    const a = i < j ? i : j;
    const b = i < j ? j : i;
    seen.id(a + 1, b + 1);
    if (seen.isNew) visit(a, b);
  };
  // each (column, transform) is computed once, however many keys use it
  const partsBy = new Map<string, Parts>();
  const partValues = (field: string, t: BlockTransform): Parts => {
    const k = `${field}\u0000${t}`;
    let v = partsBy.get(k);
    if (!v) partsBy.set(k, (v = blockParts(table, field, t, country, blocking)));
    return v;
  };
  const keyHash = new Uint32Array(n);
  // keys reading a column this table does not have are skipped
  const specs = blocking.keys.filter((spec) =>
    spec.parts.every((p) => hasPart(table, p.field, p.transform, country, blocking.countryField)),
  );
  // every key's parts before the first pair is visited: a scorer can then reuse them (table.parts)
  const specParts = specs.map((spec) => spec.parts.map((p) => partValues(p.field, p.transform)));
  for (const cols of specParts) {
    const { flat, starts, ends } = keyBlocks(cols, n, keyHash);
    // blocks in order of first appearance (as a Map of keys would list them): a row is in at most one block of a
    // key, so the blocks are ordered by their first row with one pass over the rows
    const blockAt = new Int32Array(n);
    for (let b = 0; b < starts.length; b++) blockAt[flat[starts[b]]] = b + 1;
    for (let r = 0; r < n; r++) {
      if (blockAt[r] === 0) continue;
      const b = blockAt[r] - 1;
      const lo = starts[b];
      const size = ends[b] - lo;
      const span = size <= blocking.maxBlockSize ? size : blocking.window;
      if (size > blocking.maxBlockSize) windowedBlocks++;
      for (let x = 0; x < size; x++) {
        const end = Math.min(size, x + span);
        for (let y = x + 1; y < end; y++) emit(flat[lo + x], flat[lo + y]);
      }
    }
  }
  return { windowedBlocks };
}

/** Normalises a column once for its comparator ('' = missing). */
function prepare(table: RecordTable, field: string, comparator: Comparator, country: string): string[] {
  const col = table.columns[field];
  const n = col.length;
  const values = new Array<string>(n);
  // company names as the blocking keys and the rule scorer prepare them (once per distinct name)
  const companies = comparator === 'company' ? companyRows(table, field) : null;
  for (let i = 0; i < n; i++) {
    const raw = col[i];
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
        values[i] = companies![i]?.name ?? '';
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
  const fields = profile.fields
    .filter((f) => table.columns[f.field])
    .map((f) => ({ spec: f, values: prepare(table, f.field, f.comparator, country) }));
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
      if (score.decide && score.decide(a, b) === 'no match') return;
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
  return { records: n, pairsCompared, clusters, reviewPairs, windowedBlocks, matchPairs: matches.length };
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
