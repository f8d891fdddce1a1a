// The dedup engine's fast path through the match step. rules/match.ts is the twin of the Apex DedupMatchService and
// reads like it; scoring millions of candidate pairs its way would take minutes. Here the same scores are computed
// bit for bit (pinned by tests/unit/reports/dedup-fastpath.test.ts against scorePair): each record is normalised
// once (prepared records), e-mail, domain and phone are compared as interned ids, an upper bound rejects most
// candidate pairs without Jaro-Winkler, and Jaro-Winkler and the company normalisation reuse scratch buffers.
import {
  GENERIC_WORDS,
  GENERIC_WORD_WEIGHT,
  MATCH_KEYS,
  TOKEN_MATCH_MIN,
  companyEmailDomain,
  isTrailingWord,
  normalizeAddress,
  normalizeCompany as normalizeCompanyByRules,
  normalizePersonName,
  phoneCountry,
  phoneToE164,
  websiteDomain,
  type DedupRule,
  type MatchKey,
  type MatchRecord,
} from '../../rules/match.ts';
import { RuleInputError, isBlank, roundHalfUp, type FieldValue } from '../../rules/types.ts';
import type { RecordTable } from './columns.ts';

/**
 * normalizeCompany of the rules, in one pass over the characters for ASCII names (nearly all) instead of the
 * regular expressions, with the same result (pinned by a test against the rules on real and random names). Names
 * with a qualifier the rules cut (brackets, "at the") take the rules' own path.
 */
export function normalizeCompany(name: FieldValue | undefined): string {
  if (isBlank(name)) return '';
  const raw = String(name);
  return /^[\x00-\x7f]*$/.test(raw) && !QUALIFIED.test(raw)
    ? normalizeAsciiCompany(raw.toLowerCase())
    : normalizeCompanyByRules(raw);
}

/** A bracket, or "at" and "the" as words next to each other: normalizeCompany of the rules cuts a qualifier. */
const QUALIFIED = /[()]|(?:^|[^a-z0-9])at[^a-z0-9]+the(?:[^a-z0-9]|$)/i;

const isAlnum = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57); // [a-z0-9]
const isWordChar = (c: number): boolean => isAlnum(c) || c === 95; // \w on lower-case text

// Word boundaries of the name being normalised (grown on demand): starts, ends, and whether a word has removed dots
let wordStart = new Int32Array(64);
let wordEnd = new Int32Array(64);
let wordDots = new Uint8Array(64);

/** Word w of the name being normalised, removed dots taken out. */
function companyWord(s: string, w: number): string {
  if (wordStart[w] < 0) return 'and';
  const t = s.slice(wordStart[w], wordEnd[w]);
  return wordDots[w] ? t.replace(/\./g, '') : t;
}

/**
 * normalizeCompany of a lower-case ASCII name in one pass: word boundaries first; when the kept words are one
 * stretch of the name with single spaces between them (the usual case) the result is a slice of it.
 */
function normalizeAsciiCompany(s: string): string {
  const n = s.length;
  if (wordStart.length <= n) {
    wordStart = new Int32Array(n * 2 + 2);
    wordEnd = new Int32Array(n * 2 + 2);
    wordDots = new Uint8Array(n * 2 + 2);
  }
  let words = 0;
  let start = -1;
  let dots = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : -1;
    if (c !== -1 && isAlnum(c)) {
      if (start < 0) start = i;
      continue;
    }
    // a dot before a single letter that ends a word is removed ("l.l.c." → "llc."): the word goes on after it
    const next = i + 1 < n ? s.charCodeAt(i + 1) : -1;
    if (c === 46 && next >= 97 && next <= 122 && !(i + 2 < n && isWordChar(s.charCodeAt(i + 2)))) {
      if (start < 0) start = i + 1;
      dots = 1;
      continue;
    }
    if (start >= 0) {
      wordStart[words] = start;
      wordEnd[words] = i;
      wordDots[words++] = dots;
    }
    start = -1;
    dots = 0;
    if (c === 38) {
      // "&" → " and ": a word of its own (-1 marks it)
      wordStart[words] = -1;
      wordEnd[words] = -1;
      wordDots[words++] = 0;
    }
  }
  let last = words - 1;
  while (last > 0 && isTrailingWord(companyWord(s, last))) last--;
  let first = 0;
  if (last > 0 && companyWord(s, 0) === 'the') first = 1;
  if (last < first) return '';
  // one stretch of the name: plain words with a single space between them
  let plain = wordStart[first] >= 0 && !wordDots[first];
  for (let w = first + 1; w <= last && plain; w++)
    plain =
      wordStart[w] >= 0 &&
      !wordDots[w] &&
      wordStart[w] === wordEnd[w - 1] + 1 &&
      s.charCodeAt(wordEnd[w - 1]) === 32;
  if (plain) return s.slice(wordStart[first], wordEnd[last]);
  const out: string[] = [];
  for (let w = first; w <= last; w++) out.push(companyWord(s, w));
  return out.join(' ');
}

// Match flags of jaroWinkler, reused across calls (grown on demand).
let aFlags = new Uint8Array(64);
let bFlags = new Uint8Array(64);

/** jaroWinkler of the rules on reused match flags (no allocation per comparison). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  if (aFlags.length < la) aFlags = new Uint8Array(la * 2);
  if (bFlags.length < lb) bFlags = new Uint8Array(lb * 2);
  const aMatch = aFlags;
  const bMatch = bFlags;
  aMatch.fill(0, 0, la);
  bMatch.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(i + range + 1, lb);
    const c = a.charCodeAt(i);
    for (let j = lo; j < hi; j++) {
      if (bMatch[j] === 0 && c === b.charCodeAt(j)) {
        aMatch[i] = 1;
        bMatch[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < la; i++) {
    if (aMatch[i] === 0) continue;
    while (bMatch[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - halfTranspositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * True when jaroWinkler(a, b) cannot reach `min` whatever the characters: at most min(|a|, |b|) characters
 * match and none is transposed, and the prefix bonus is at most 4 × 0.1. Lets callers skip comparisons whose
 * result they would discard (with a small margin, so it never skips one that could reach `min`).
 */
function jaroWinklerBelow(la: number, lb: number, min: number): boolean {
  const m = la < lb ? la : lb;
  const jaro = (m / la + m / lb + 1) / 3;
  return jaro + 0.4 * (1 - jaro) < min - 1e-9;
}

const tokenWeight = (t: string): number => (GENERIC_WORDS.has(t) ? GENERIC_WORD_WEIGHT : 1);

/** Best Jaro-Winkler of `t` against `others` that reaches TOKEN_MATCH_MIN, else 0. */
function bestToken(t: string, others: string[]): number {
  let best = 0;
  for (const o of others) {
    if (o === t) return 1; // the maximum: nothing can beat it
    if (jaroWinklerBelow(t.length, o.length, TOKEN_MATCH_MIN)) continue;
    const s = jaroWinkler(t, o);
    if (s >= TOKEN_MATCH_MIN && s > best) best = s;
  }
  return best;
}

/** nameSimilarity of two names already normalised by normalizeCompany, with their tokens (name.split(' ')). */
function normalizedNameSimilarity(na: string, ta: string[], nb: string, tb: string[]): number {
  if (na === '' || nb === '') return 0;
  if (na === nb) return 1;
  let num = 0;
  let den = 0;
  for (const t of ta) {
    const w = tokenWeight(t);
    num += w * bestToken(t, tb);
    den += w;
  }
  for (const t of tb) {
    const w = tokenWeight(t);
    num += w * bestToken(t, ta);
    den += w;
  }
  return (jaroWinkler(na, nb) + num / den) / 2;
}

/** nameSimilarity of the rules: company-name similarity, 0..1, of names normalised here once. */
export function nameSimilarity(a: FieldValue | undefined, b: FieldValue | undefined): number {
  const na = normalizeCompany(a);
  const nb = normalizeCompany(b);
  return normalizedNameSimilarity(na, na.split(' '), nb, nb.split(' '));
}

export type PreparedCompany = { name: string; tokens: string[] };

/** Normalised company name and its tokens (what the company key compares); cache it per distinct name. */
export function prepareCompany(company: FieldValue | undefined): PreparedCompany {
  const name = normalizeCompany(company);
  return { name, tokens: name.split(' ') };
}

/** Prepared company names of a dictionary's values (by code), computed once per dictionary. */
const dictionaryCompanies = new WeakMap<(string | null)[], (PreparedCompany | null)[]>();
export function prepareCompanies(values: (string | null)[]): (PreparedCompany | null)[] {
  let byCode = dictionaryCompanies.get(values);
  if (!byCode) dictionaryCompanies.set(values, (byCode = values.map((v) => (v ? prepareCompany(v) : null))));
  return byCode;
}

/** Prepared company name per row of a column, computed once per table for the scorer and the blocking keys. */
const companyRowsCache = new WeakMap<(string | null)[], (PreparedCompany | null)[]>();
export function companyRows(table: RecordTable, field: string): (PreparedCompany | null)[] {
  const col = table.columns[field];
  let rows = companyRowsCache.get(col);
  if (!rows) {
    const dict = table.dictionaries?.[field];
    const n = col.length;
    rows = new Array<PreparedCompany | null>(n);
    if (dict) {
      const byCode = prepareCompanies(dict.values);
      for (let i = 0; i < n; i++) rows[i] = byCode[dict.codes[i]];
    } else {
      const memo = new Map<string, PreparedCompany>();
      for (let i = 0; i < n; i++) {
        const v = col[i];
        if (!v) rows[i] = null;
        else {
          let c = memo.get(v);
          if (!c) memo.set(v, (c = prepareCompany(v)));
          rows[i] = c;
        }
      }
    }
    companyRowsCache.set(col, rows);
  }
  return rows;
}

/**
 * A MatchRecord's values as its match keys compare them: the engine prepares each record once
 * (prepareMatchRecord) and scores pairs with scorePrepared, which gives scorePair's score.
 */
export interface PreparedMatch {
  // The keys compared only for equality hold the normalised string, or a number standing for it (an interned id,
  // equal exactly when the strings are equal; 0 for ''): dedup over many records compares ids, not strings.
  email: string | number; // trimmed, lower case; '' when blank
  emailDomain: string | number; // company e-mail domain; '' for free-mail and invalid addresses
  phone: string | number; // E.164; '' when not a phone number
  company: string; // normalizeCompany
  companyTokens: string[]; // company.split(' ')
  name: string | null; // the name as given; null when blank
  personName: string; // normalised person name
  website: string; // websiteDomain
  address: string | number; // normalizeAddress; '' when the record has no address key
}

/**
 * Parts of a record a caller has already normalised exactly as prepareMatchRecord would (e-mail trimmed + lower
 * case, companyEmailDomain, phoneToE164 ?? '', prepareCompany, normalizePersonName), e.g. once per distinct value
 * over a whole table; prepareMatchRecord uses them instead of normalising again. E-mail, domain and phone may
 * be interned ids instead of strings (see PreparedMatch), for every record compared.
 */
export interface PreparedParts {
  email?: string | number;
  emailDomain?: string | number;
  phone?: string | number;
  company?: PreparedCompany | null;
  personName?: string;
  address?: string | number;
}

/** Normalises a record for the rule's match keys (only those: a phone is converted only when compared). */
export function prepareMatchRecord(r: MatchRecord, rule: DedupRule, known?: PreparedParts): PreparedMatch {
  const p: PreparedMatch = {
    email: '',
    emailDomain: '',
    phone: '',
    company: '',
    companyTokens: [],
    name: null,
    personName: '',
    website: '',
    address: '',
  };
  for (const key of rule.matchKeys) {
    switch (key) {
      case 'email':
        p.email = known?.email ?? (r.email ?? '').trim().toLowerCase();
        break;
      case 'email_domain':
        p.emailDomain = known?.emailDomain ?? companyEmailDomain(r.email);
        break;
      case 'phone':
        p.phone =
          known?.phone ?? phoneToE164(r.phone, phoneCountry(r.country, rule.defaultCountry ?? 'US')) ?? '';
        break;
      case 'company': {
        const c = known?.company ?? prepareCompany(r.company);
        p.company = c.name;
        p.companyTokens = c.tokens;
        break;
      }
      case 'name':
        if (isBlank(r.name ?? null)) break;
        p.name = r.name!;
        p.personName = known?.personName ?? normalizePersonName(r.name);
        break;
      case 'website':
        p.website = websiteDomain(r.website);
        break;
      case 'address':
        p.address = known?.address ?? normalizeAddress(r.street, r.postalCode, r.city);
        break;
      default:
        throw new RuleInputError(`match key "${String(key)}" is unknown; use: ${MATCH_KEYS.join(', ')}`);
    }
  }
  return p;
}

/** Similarity of one key of a prepared pair, or NaN when it cannot be compared (a side is blank). */
function keySimilarity(key: MatchKey, a: PreparedMatch, b: PreparedMatch): number {
  switch (key) {
    case 'email':
      return a.email && b.email ? (a.email === b.email ? 1 : 0) : NaN;
    case 'email_domain':
      return a.emailDomain && b.emailDomain ? (a.emailDomain === b.emailDomain ? 1 : 0) : NaN;
    case 'phone':
      return a.phone && b.phone ? (a.phone === b.phone ? 1 : 0) : NaN;
    case 'company':
      return a.company && b.company
        ? normalizedNameSimilarity(a.company, a.companyTokens, b.company, b.companyTokens)
        : NaN;
    case 'name':
      return a.name === null || b.name === null
        ? NaN
        : a.personName === '' || b.personName === ''
          ? 0
          : jaroWinkler(a.personName, b.personName);
    case 'website':
      return a.website && b.website ? (a.website === b.website ? 1 : 0) : NaN;
    case 'address':
      return a.address && b.address ? (a.address === b.address ? 1 : 0) : NaN;
    default:
      throw new RuleInputError(`match key "${String(key)}" is unknown; use: ${MATCH_KEYS.join(', ')}`);
  }
}

/**
 * The pair score: the weighted mean similarity over the keys both records carry, 2 decimals. `sims` receives
 * each key's similarity in rule key order (NaN = not comparable); `weights` is ruleWeights(rule).
 */
export function scorePrepared(
  a: PreparedMatch,
  b: PreparedMatch,
  rule: DedupRule,
  weights: Record<MatchKey, number>,
  sims: Float64Array,
): number {
  const keys = rule.matchKeys;
  let num = 0;
  let den = 0;
  for (let k = 0; k < keys.length; k++) {
    const s = keySimilarity(keys[k], a, b);
    sims[k] = s;
    if (s !== s) continue; // NaN: not comparable
    const w = weights[keys[k]];
    num += w * s;
    den += w;
  }
  return den === 0 ? 0 : roundHalfUp(num / den, 2);
}

/**
 * An upper bound of scorePrepared's score that skips the costly keys: exact keys compared, company and person
 * name counted at their maximum (1) when comparable, summed in the same key order with the same rounding, so it
 * is never below the score. A pair whose bound is below both thresholds is 'no match' without Jaro-Winkler.
 */
export function scorePreparedBound(
  a: PreparedMatch,
  b: PreparedMatch,
  rule: DedupRule,
  weights: Record<MatchKey, number>,
): number {
  const keys = rule.matchKeys;
  let num = 0;
  let den = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const s =
      key === 'company'
        ? a.company && b.company
          ? 1
          : NaN
        : key === 'name'
          ? a.name === null || b.name === null
            ? NaN
            : 1
          : keySimilarity(key, a, b);
    if (s !== s) continue;
    const w = weights[key];
    num += w * s;
    den += w;
  }
  return den === 0 ? 0 : roundHalfUp(num / den, 2);
}
