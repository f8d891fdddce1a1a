// Blocking-key parts: every row's normalised value for one (column, transform) of a blocking key. The engine
// interns them as ids (columns.ts) on the main thread; for the columns whose values are all different (e-mail,
// phone) the snapshot reader of large tables has them interned in a worker thread (columns.ts) while the main thread
// reads and prepares the other columns.
import {
  companyEmailDomain,
  normalizeAddress,
  phoneCountry,
  phoneToE164,
  websiteDomain,
  GENERIC_WORDS,
} from '../../rules/match.ts';
import { prepareCompany } from './fastpath.ts';

export type BlockTransform =
  | 'email_domain'
  | 'phone'
  | 'company'
  | 'website'
  | 'exact'
  | 'digits'
  | 'prefix3'
  | 'soundex'
  | 'initial' // the first letter (a Soundex's first character): tolerates a typo after it
  | 'address'; // the address key of the street column with its row's postal code and city (addressPartValues)

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
    case 'initial':
      return soundex(v ?? '').slice(0, 1);
    default:
      return clean(v);
  }
}

/** Transforms whose inputs repeat enough (names, websites) to be worth a memo per distinct value. */
const MEMO_TRANSFORMS = new Set<BlockTransform>(['soundex', 'initial', 'prefix3', 'website', 'digits']);

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

/** The columns the address key reads besides the street (the blocking part's own column). */
export interface AddressColumns {
  postalCode: string;
  city: string;
}

/** A column as addressPartValues reads it: its values, and its dictionary codes when it has them. */
export interface AddressColumn {
  values: ArrayLike<string | null>;
  codes?: Int32Array;
}

/**
 * normalizeAddress of every row (street, postal code, city), once per distinct address: by the three columns'
 * dictionary codes when all have them (a number per address, no string built per row), else by the joined text.
 */
export function addressPartValues(
  street: AddressColumn,
  postalCode: AddressColumn | undefined,
  city: AddressColumn | undefined,
): string[] {
  const n = street.values.length;
  const values = new Array<string>(n);
  const sc = street.codes;
  const pc = postalCode ? postalCode.codes : new Int32Array(n);
  const cc = city ? city.codes : new Int32Array(n);
  if (sc && pc && cc) {
    let pMax = 0;
    let cMax = 0;
    for (let i = 0; i < n; i++) {
      if (pc[i] > pMax) pMax = pc[i];
      if (cc[i] > cMax) cMax = cc[i];
    }
    const byCode = new Map<number, string>();
    for (let i = 0; i < n; i++) {
      if (sc[i] === 0) {
        values[i] = '';
        continue;
      }
      const k = (sc[i] * (pMax + 1) + pc[i]) * (cMax + 1) + cc[i];
      let v = byCode.get(k);
      if (v === undefined)
        byCode.set(k, (v = normalizeAddress(street.values[i], postalCode?.values[i], city?.values[i])));
      values[i] = v;
    }
    return values;
  }
  return addressTextValues(street.values, postalCode?.values, city?.values);
}

function addressTextValues(
  street: ArrayLike<string | null>,
  postalCode: ArrayLike<string | null> | undefined,
  city: ArrayLike<string | null> | undefined,
): string[] {
  const n = street.length;
  const values = new Array<string>(n);
  const memo = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const s = street[i];
    if (!s) {
      values[i] = '';
      continue;
    }
    const p = postalCode?.[i] ?? '';
    const c = city?.[i] ?? '';
    const k = `${s}\u0000${p}\u0000${c}`;
    let v = memo.get(k);
    if (v === undefined) memo.set(k, (v = normalizeAddress(s, p, c)));
    values[i] = v;
  }
  return values;
}

/**
 * Where a table keeps a part: one per (column, transform, default country, and for phones the column holding each
 * record's country, when there is one).
 */
export const partKey = (field: string, t: BlockTransform, country: string, countryField?: string): string =>
  `${field}\u0000${t}\u0000${country}${t === 'phone' && countryField ? `\u0000${countryField}` : ''}`;

/**
 * One blocking-key part of every row as an interned id: equal values get equal ids, 0 = the row has no key ('').
 * Ids are all blocking and the equality-only match keys (e-mail, e-mail domain, phone) need: comparing them is
 * comparing the values, and they cross threads as one transferable array.
 */
export type Parts = Int32Array;
