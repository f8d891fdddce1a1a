// Blocking-key parts: every row's normalised value for one (column, transform) of a blocking key, as an interned
// id. The engine computes them on the main thread; for the columns whose values are all different (e-mail, phone)
// the snapshot reader of large tables has them computed in a worker thread (partsWorker.ts) while the main thread
// reads and prepares the other columns. The column goes to the thread as one string, the ids come back as
// transferred Int32Arrays.
import { Worker } from 'node:worker_threads';
import {
  companyEmailDomain,
  phoneCountry,
  phoneToE164,
  prepareCompany,
  websiteDomain,
  GENERIC_WORDS,
} from '../../rules/match.ts';

export type BlockTransform =
  'email_domain' | 'phone' | 'company' | 'website' | 'exact' | 'digits' | 'prefix3' | 'soundex';

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

/** Trimmed, lower case; '' for blanks. */
export const clean = (v: string | null | undefined): string => (v ?? '').trim().toLowerCase();

/** First distinctive (non-generic) word of a normalised company name's tokens. */
export function companyToken(tokens: string[]): string {
  return tokens.find((t) => t && !GENERIC_WORDS.has(t)) ?? tokens[0] ?? '';
}

/** One part of a blocking key from a raw value ('' = the record has no key). */
function blockPart(v: string | null, t: BlockTransform, country: string): string {
  switch (t) {
    case 'email_domain':
      return companyEmailDomain(v);
    case 'phone':
      return phoneToE164(v, country) ?? '';
    case 'company':
      return v ? companyToken(prepareCompany(v).tokens) : '';
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

/** Transforms whose inputs repeat enough (names, websites) to be worth a memo per distinct value. */
const MEMO_TRANSFORMS = new Set<BlockTransform>(['soundex', 'prefix3', 'website', 'digits']);

/**
 * `blockPart` of every value, once per distinct value for the memo transforms. With `rowCountries` (each row's
 * country, an ISO code or name), a national phone number gets its row's calling code, `country` where unknown.
 */
export function blockPartValues(
  column: ArrayLike<string | null>,
  t: BlockTransform,
  country: string,
  rowCountries?: ArrayLike<string | null>,
): string[] {
  const n = column.length;
  const values = new Array<string>(n);
  if (t === 'phone' && rowCountries) {
    const codes = new Map<string | null, string>(); // country of each distinct value
    for (let i = 0; i < n; i++) {
      const raw = column[i];
      if (!raw) {
        values[i] = '';
        continue;
      }
      const c = rowCountries[i];
      let code = codes.get(c);
      if (code === undefined) codes.set(c, (code = phoneCountry(c, country)));
      values[i] = phoneToE164(raw, code) ?? '';
    }
    return values;
  }
  const memo = MEMO_TRANSFORMS.has(t) ? new Map<string, string>() : null;
  for (let i = 0; i < n; i++) {
    const raw = column[i];
    let part = raw ? memo?.get(raw) : '';
    if (part === undefined) {
      part = blockPart(raw, t, country);
      memo?.set(raw!, part);
    }
    values[i] = part;
  }
  return values;
}

/**
 * Where a table keeps a part: one per (column, transform, default country, and for phones the column holding each
 * record's country, when there is one).
 */
export const partKey = (field: string, t: BlockTransform, country: string, countryField?: string): string =>
  `${field}\u0000${t}\u0000${country}${t === 'phone' && countryField ? `\u0000${countryField}` : ''}`;

/** FNV-1a hash of a string. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/**
 * One blocking-key part of every row as an interned id: equal values get equal ids, 0 = the row has no key ('').
 * Ids are all blocking and the equality-only match keys (e-mail, e-mail domain, phone) need: comparing them is
 * comparing the values, and they cross threads as one transferable array.
 */
export type Parts = Int32Array;

/**
 * Interned ids of values ('' → 0): rows sorted by the values' hashes (radix sort: sequential passes, no probing),
 * then each run of equal hashes split by value; ids count the distinct values in hash order.
 */
export function intern(values: ArrayLike<string>, hash: (s: string) => number = hashOf): Int32Array {
  const n = values.length;
  const ids = new Int32Array(n);
  const hashes = new Uint32Array(n);
  const rows = new Int32Array(n);
  let m = 0;
  let last = '';
  let lastHash = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === '') continue;
    if (v !== last) {
      last = v;
      lastHash = hash(v) >>> 0; // rows that share a string (dictionary values) hash it once
    }
    hashes[i] = lastHash;
    rows[m++] = i;
  }
  // runs of one hash in hash order; then, in row order (memory order of the values), each row's value compared
  // with its run's first: equal (nearly always) → the run's id; a collision → an id of its own per value
  const sorted = radixSort(rows.subarray(0, m), hashes);
  const runFirst = new Int32Array(m + 1);
  let runs = 0;
  for (let x = 0; x < m; x++) {
    const r = sorted[x];
    if (x === 0 || hashes[r] !== hashes[sorted[x - 1]]) runFirst[++runs] = r;
    ids[r] = runs;
  }
  let next = runs;
  let extra: Map<string, number> | null = null; // values that collided with their run's first, by run and value
  for (let i = 0; i < n; i++) {
    const run = ids[i];
    if (run === 0) continue;
    const first = runFirst[run];
    if (first === i || values[i] === values[first]) continue;
    extra ??= new Map();
    const key = `${run}\u0000${values[i]}`;
    let id = extra.get(key);
    if (id === undefined) extra.set(key, (id = ++next));
    ids[i] = id;
  }
  return ids;
}

/** Stable sort of `rows` by unsigned 32-bit `keys[row]` (two 16-bit counting passes). */
export function radixSort(rows: Int32Array, keys: Uint32Array): Int32Array {
  let src: Int32Array = rows;
  let dst: Int32Array = new Int32Array(rows.length);
  for (const shift of [0, 16]) {
    const count = new Int32Array(65537);
    for (let i = 0; i < src.length; i++) count[((keys[src[i]] >>> shift) & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let i = 0; i < src.length; i++) dst[count[(keys[src[i]] >>> shift) & 0xffff]++] = src[i];
    [src, dst] = [dst, src];
  }
  return src;
}

/** Parts of a dictionary-encoded column whose distinct values' parts are byCode: interned once per code. */
export function dictionaryParts(codes: Int32Array, byCode: string[]): Parts {
  const codeIds = intern(byCode);
  const ids = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) ids[i] = codeIds[codes[i]];
  return ids;
}

/**
 * Work for a parts worker: `rows` holds n rows of `transforms.length` interleaved columns, every value followed
 * by chr(31) ('' = blank); column c gets each of transforms[c].
 */
export interface PartsJob {
  rows: string;
  n: number;
  transforms: BlockTransform[][];
  country: string;
  /** Index of the column holding each row's country, for the 'phone' transform (else `country` for all). */
  countryColumn?: number;
}

/** The job's parts: result[c][k] is column c under transforms[c][k]. */
export function computeParts(job: PartsJob): Parts[][] {
  const k = job.transforms.length;
  const columns = job.transforms.map(() => new Array<string | null>(job.n));
  let pos = 0;
  for (let i = 0; i < job.n; i++) {
    for (let c = 0; c < k; c++) {
      const end = job.rows.indexOf('\x1f', pos);
      columns[c][i] = end > pos ? job.rows.slice(pos, end) : null;
      pos = end + 1;
    }
  }
  const rowCountries = job.countryColumn === undefined ? undefined : columns[job.countryColumn];
  return job.transforms.map((ts, c) =>
    ts.map((t) => intern(blockPartValues(columns[c], t, job.country, rowCountries))),
  );
}

/**
 * A worker thread that computes parts (computeParts) in parallel with the caller. When a worker cannot be
 * started, the job runs on the calling thread: same function, same result, only slower.
 */
export class PartsWorker {
  private worker: Worker | null = null;
  /** `threaded` false: jobs run on the calling thread (a thread costs ~0.1 s to start: not worth it for small jobs). */
  constructor(threaded = true) {
    if (!threaded) return;
    try {
      // the worker runs TypeScript like the CLI does: through tsx, resolved from this package
      this.worker = new Worker(new URL('./partsWorker.ts', import.meta.url), {
        execArgv: ['--import', import.meta.resolve('tsx')],
      });
      // not unref'd: a caller awaiting a job keeps the process alive; close() ends the thread
    } catch {
      this.worker = null;
    }
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Runs a job; jobs run one after the other. */
  run(job: PartsJob): Promise<Parts[][]> {
    const next = this.queue.then(() => this.runNow(job));
    this.queue = next;
    return next;
  }

  private runNow(job: PartsJob): Promise<Parts[][]> {
    const w = this.worker;
    if (!w) return Promise.resolve(computeParts(job));
    return new Promise((resolve) => {
      // the thread failed (e.g. could not load) or ended without an answer: compute here instead
      const fallback = () => {
        w.off('message', done).off('error', fallback).off('exit', fallback);
        this.worker = null;
        resolve(computeParts(job));
      };
      const done = (r: Parts[][]) => {
        w.off('error', fallback).off('exit', fallback);
        resolve(r);
      };
      w.once('message', done).once('error', fallback).once('exit', fallback);
      w.postMessage(job);
    });
  }

  /** Whether jobs run on a worker thread (false once it could not start or failed). */
  get threaded(): boolean {
    return this.worker !== null;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}
