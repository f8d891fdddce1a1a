// Blocking-key parts: every row's normalised value for one (column, transform) of a blocking key, with its hash.
// The engine computes them on the main thread; for the columns whose values are all different (e-mail, phone)
// the snapshot reader has them computed in a worker thread (partsWorker.ts) while the main thread reads and
// prepares the other columns. Parts travel between threads as one string plus transferable typed arrays.
import { Worker } from 'node:worker_threads';
import { companyEmailDomain, phoneToE164, prepareCompany, websiteDomain, GENERIC_WORDS } from '../../rules/match.ts';

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
export function blockPart(v: string | null, t: BlockTransform, country: string): string {
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

/** `blockPart` of every value, once per distinct value for the memo transforms. */
export function blockPartValues(
  column: ArrayLike<string | null>,
  t: BlockTransform,
  country: string,
): string[] {
  const n = column.length;
  const values = new Array<string>(n);
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

/** Where a table keeps a part: one per (column, transform, default country). */
export const partKey = (field: string, t: BlockTransform, country: string): string =>
  `${field}\u0000${t}\u0000${country}`;

/** FNV-1a hash of a string (never 0, which marks "no key"). */
export function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h === 0 ? 1 : h;
}

/** One blocking-key part of every row: hash 0 and value '' when the row has no key. */
export interface Parts {
  hashes: Int32Array;
  value(row: number): string;
}

function hashAll(n: number, value: (i: number) => string): Int32Array {
  const hashes = new Int32Array(n);
  // hash each distinct part string once where consecutive rows share it
  let last = '';
  let lastHash = 0;
  for (let i = 0; i < n; i++) {
    const v = value(i);
    if (v === '') continue;
    if (v !== last) {
      last = v;
      lastHash = hashOf(v);
    }
    hashes[i] = lastHash;
  }
  return hashes;
}

/** Parts of the given per-row values. */
export function partsOf(values: string[]): Parts {
  return { hashes: hashAll(values.length, (i) => values[i]), value: (i) => values[i] };
}

/** Parts of a dictionary-encoded column: row i's value is byCode[codes[i]], hashed once per code. */
export function dictionaryParts(codes: Int32Array, byCode: string[]): Parts {
  const codeHashes = Int32Array.from(byCode, (v) => (v === '' ? 0 : hashOf(v)));
  const hashes = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) hashes[i] = codeHashes[codes[i]];
  return { hashes, value: (i) => byCode[codes[i]] };
}

/** Parts in a form that crosses threads cheaply: row i's value is text.slice(offsets[i], offsets[i + 1]). */
export interface PackedParts {
  hashes: Int32Array;
  text: string;
  offsets: Int32Array;
}

export function unpackParts(p: PackedParts): Parts {
  const { text, offsets } = p;
  return { hashes: p.hashes, value: (i) => text.slice(offsets[i], offsets[i + 1]) };
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
}

/** The job's parts: result[c][k] is column c under transforms[c][k]. */
export function computeParts(job: PartsJob): PackedParts[][] {
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
  return job.transforms.map((ts, c) =>
    ts.map((t) => {
      const values = blockPartValues(columns[c], t, job.country);
      const offsets = new Int32Array(job.n + 1);
      for (let i = 0; i < job.n; i++) offsets[i + 1] = offsets[i] + values[i].length;
      return { hashes: hashAll(job.n, (i) => values[i]), text: values.join(''), offsets };
    }),
  );
}

/**
 * A worker thread that computes parts (computeParts) in parallel with the caller. When a worker cannot be
 * started, the job runs on the calling thread: same function, same result, only slower.
 */
export class PartsWorker {
  private worker: Worker | null = null;
  constructor() {
    try {
      // the worker runs TypeScript like the CLI does: through tsx, resolved from this package
      this.worker = new Worker(new URL('./partsWorker.ts', import.meta.url), {
        execArgv: ['--import', import.meta.resolve('tsx')],
      });
      this.worker.unref();
    } catch {
      this.worker = null;
    }
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Runs a job; jobs run one after the other. */
  run(job: PartsJob): Promise<Parts[][]> {
    const next = this.queue.then(() => this.runNow(job));
    this.queue = next;
    return next.then((r) => r.map((ps) => ps.map(unpackParts)));
  }

  private runNow(job: PartsJob): Promise<PackedParts[][]> {
    const w = this.worker;
    if (!w) return Promise.resolve(computeParts(job));
    return new Promise((resolve) => {
      const fallback = () => {
        w.off('message', done);
        this.worker = null;
        resolve(computeParts(job));
      };
      const done = (r: PackedParts[][]) => {
        w.off('error', fallback);
        resolve(r);
      };
      w.once('message', done);
      w.once('error', fallback);
      w.postMessage(job);
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}
