// Match and merge: dedup match keys (e-mail domain, normalised company name, phone in E.164, website domain),
// name similarity (Jaro-Winkler + token overlap with generic words down-weighted), candidate-pair scoring with
// reasons, lead-to-account matching, and survivorship (which record survives, which value wins per field).
import {
  RuleInputError,
  domainOfEmail,
  isBlank,
  parseInstant,
  roundHalfUp,
  type FieldValue,
} from './types.ts';

/** Free-mail domains: an address there says nothing about the company. */
export const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'web.de',
  't-online.de',
  'mail.com',
  'yandex.ru',
  'zoho.com',
  'qq.com',
  '163.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
  'fastmail.com',
  'hey.com',
]);

/** Legal-form suffixes dropped from company names (compared after punctuation is removed). */
export const COMPANY_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'gmbh',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'ag',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'pty',
  'pte',
  'kk',
  'lp',
  'llp',
  'kg',
  'se',
]);

/** Generic words that count a quarter as much as distinctive ones in name similarity. */
export const GENERIC_WORDS = new Set([
  'technologies',
  'technology',
  'tech',
  'software',
  'systems',
  'solutions',
  'group',
  'global',
  'international',
  'holdings',
  'labs',
  'services',
  'consulting',
  'partners',
  'digital',
  'data',
  'cloud',
  'networks',
  'enterprises',
  'industries',
  'ventures',
  'and',
  'the',
  'of',
]);
export const GENERIC_WORD_WEIGHT = 0.25;
/** Two tokens count as the same word only at or above this Jaro-Winkler similarity. */
export const TOKEN_MATCH_MIN = 0.94;

/** Country calling codes for the default country of national numbers (ISO 3166-1 alpha-2). */
export const CALLING_CODES: Record<string, string> = {
  US: '1',
  CA: '1',
  GB: '44',
  IE: '353',
  DE: '49',
  AT: '43',
  CH: '41',
  FR: '33',
  BE: '32',
  NL: '31',
  LU: '352',
  ES: '34',
  PT: '351',
  IT: '39',
  SE: '46',
  NO: '47',
  DK: '45',
  FI: '358',
  PL: '48',
  JP: '81',
  AU: '61',
  NZ: '64',
  SG: '65',
  IN: '91',
  BR: '55',
  MX: '52',
};

export interface EmailDomainResult {
  domain: string;
  isFreeMail: boolean;
}

export function emailDomain(email: FieldValue | undefined): EmailDomainResult {
  const domain = domainOfEmail(email);
  return { domain, isFreeMail: FREE_MAIL_DOMAINS.has(domain) };
}

/** The company key of an e-mail: its domain, or '' for free-mail and invalid addresses. */
export function companyEmailDomain(email: FieldValue | undefined): string {
  const r = emailDomain(email);
  return r.isFreeMail ? '' : r.domain;
}

/** Host of a website without protocol, "www.", port and path: "https://www.Acme.com/x" → "acme.com". */
export function websiteDomain(website: FieldValue | undefined): string {
  if (isBlank(website)) return '';
  return String(website)
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/:?#].*$/, '');
}

/** Lower case without accents ("Müller" → "muller"). */
function fold(v: FieldValue | undefined): string {
  const s = String(v);
  // ASCII text has nothing to decompose: skip the (costly) NFD pass, same result
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * Normalised company name: lower case, accents removed, "&" → "and", punctuation removed, legal suffixes
 * (Inc, LLC, GmbH, Ltd, Corp, ...) dropped from the end, a leading "the" dropped, spaces collapsed.
 * As regular expressions (the Apex twin's form): fold, replace /&/g with " and ", remove /\.(?=[a-z]\b)/g
 * ("l.l.c." → "llc.", "s.a." → "sa."), replace /[^a-z0-9]+/g with " ", trim, split on " ". ASCII names (nearly
 * all) take one pass over the characters instead, with the same result (pinned by a test against the
 * expressions on real and random names).
 */
export function normalizeCompany(name: FieldValue | undefined): string {
  if (isBlank(name)) return '';
  const raw = String(name);
  if (/^[\x00-\x7f]*$/.test(raw)) return normalizeAsciiCompany(raw.toLowerCase());
  const tokens = fold(raw)
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
  while (last > 0 && COMPANY_SUFFIXES.has(companyWord(s, last))) last--;
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

/**
 * Phone number in E.164 ("+14155550100"), or null when it cannot be one. Extensions ("x12", "ext. 12") are
 * dropped; "00" is an international prefix; national numbers get the default country's calling code (a trunk
 * "0" is removed; for NANP countries a leading "1" is the country code).
 */
export function phoneToE164(phone: FieldValue | undefined, defaultCountry = 'US'): string | null {
  if (isBlank(phone)) return null;
  const s = String(phone);
  // an extension needs an "x" (ext, extension, x) or "#": without them and "(0)" the two expressions change nothing
  const plain = s.indexOf('x') < 0 && s.indexOf('X') < 0 && s.indexOf('#') < 0 && s.indexOf('(0)') < 0;
  const raw = plain
    ? s.trim()
    : s
        .trim()
        .replace(/\s*(?:ext\.?|extension|x|#)\s*\d+\s*$/i, '')
        .replace(/\(0\)/g, ''); // "+44 (0)20 ..." : the bracketed trunk zero is not dialled from abroad
  let digits = raw.replace(/\D/g, '');
  let international = raw.startsWith('+');
  if (!international && digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (!international) {
    const cc = CALLING_CODES[defaultCountry.toUpperCase()];
    if (!cc) {
      throw new RuleInputError(
        `default country "${defaultCountry}" has no calling code here; use one of ${Object.keys(CALLING_CODES).join(', ')}`,
      );
    }
    if (cc === '1') {
      if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
      if (digits.length !== 10) return null;
    } else if (digits.startsWith('0')) {
      digits = digits.slice(1);
    }
    digits = cc + digits;
  }
  if (digits.length < 8 || digits.length > 15 || digits.startsWith('0')) return null;
  return `+${digits}`;
}

/** Names and ISO alpha-3 codes of the CALLING_CODES countries, as normalizePersonName reads them. */
export const COUNTRY_NAMES: Record<string, string> = {
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  'u s': 'US',
  'u s a': 'US',
  america: 'US',
  canada: 'CA',
  can: 'CA',
  'united kingdom': 'GB',
  uk: 'GB',
  'u k': 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  gbr: 'GB',
  ireland: 'IE',
  eire: 'IE',
  irl: 'IE',
  germany: 'DE',
  deutschland: 'DE',
  deu: 'DE',
  austria: 'AT',
  osterreich: 'AT',
  aut: 'AT',
  switzerland: 'CH',
  schweiz: 'CH',
  suisse: 'CH',
  svizzera: 'CH',
  che: 'CH',
  france: 'FR',
  fra: 'FR',
  belgium: 'BE',
  belgique: 'BE',
  belgie: 'BE',
  bel: 'BE',
  netherlands: 'NL',
  'the netherlands': 'NL',
  nederland: 'NL',
  holland: 'NL',
  nld: 'NL',
  luxembourg: 'LU',
  lux: 'LU',
  spain: 'ES',
  espana: 'ES',
  esp: 'ES',
  portugal: 'PT',
  prt: 'PT',
  italy: 'IT',
  italia: 'IT',
  ita: 'IT',
  sweden: 'SE',
  sverige: 'SE',
  swe: 'SE',
  norway: 'NO',
  norge: 'NO',
  nor: 'NO',
  denmark: 'DK',
  danmark: 'DK',
  dnk: 'DK',
  finland: 'FI',
  suomi: 'FI',
  fin: 'FI',
  poland: 'PL',
  polska: 'PL',
  pol: 'PL',
  japan: 'JP',
  jpn: 'JP',
  australia: 'AU',
  aus: 'AU',
  'new zealand': 'NZ',
  nzl: 'NZ',
  singapore: 'SG',
  sgp: 'SG',
  india: 'IN',
  ind: 'IN',
  brazil: 'BR',
  brasil: 'BR',
  bra: 'BR',
  mexico: 'MX',
  mex: 'MX',
};

/**
 * ISO code of a record's country when it has a calling code here (CALLING_CODES): an ISO alpha-2 or alpha-3 code
 * or a name, in any case, with or without accents and dots ("de", "DEU", "Germany", "Österreich", "U.S.A."); null
 * when blank or unknown.
 */
export function countryCode(country: FieldValue | undefined): string | null {
  const n = normalizePersonName(country);
  if (n.length === 2 && CALLING_CODES[n.toUpperCase()]) return n.toUpperCase();
  return COUNTRY_NAMES[n] ?? null;
}

/** The country whose calling code a record's national phone number gets: its own, else the default country. */
export function phoneCountry(country: FieldValue | undefined, defaultCountry: string): string {
  return countryCode(country) ?? defaultCountry;
}

// Match flags of jaroWinkler, reused across calls (grown on demand): no allocation per comparison.
let aFlags = new Uint8Array(64);
let bFlags = new Uint8Array(64);

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4 characters), 0..1. */
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

/**
 * Company-name similarity, 0..1: the mean of (a) Jaro-Winkler of the normalised names and (b) a symmetric
 * weighted token overlap in which a token counts only when it has a partner with Jaro-Winkler ≥ 0.94 and
 * generic words (Technologies, Software, Group, ...) weigh 0.25. Identical normalised names score 1.
 * "Stripe" vs "Strix" → 0.45 (no shared word), "Acme Inc" vs "ACME, Inc." → 1.
 */
export function nameSimilarity(a: FieldValue | undefined, b: FieldValue | undefined): number {
  const na = normalizeCompany(a);
  const nb = normalizeCompany(b);
  return normalizedNameSimilarity(na, na.split(' '), nb, nb.split(' '));
}

/** Person name as personNameSimilarity compares it: lower case, accent-free, non-alphanumerics collapsed. */
export function normalizePersonName(v: FieldValue | undefined): string {
  return isBlank(v)
    ? ''
    : fold(v)
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
}

/** Person-name similarity: Jaro-Winkler of the lower-cased, accent-free, space-collapsed names. */
export function personNameSimilarity(a: FieldValue | undefined, b: FieldValue | undefined): number {
  const na = normalizePersonName(a);
  const nb = normalizePersonName(b);
  return na === '' || nb === '' ? 0 : jaroWinkler(na, nb);
}

export const MATCH_KEYS = ['email', 'email_domain', 'phone', 'company', 'name', 'website'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];
export const DEFAULT_FIELD_WEIGHTS: Record<MatchKey, number> = {
  email: 3,
  email_domain: 1,
  phone: 2,
  company: 2,
  name: 2,
  website: 1,
};

/** One Dedup_Rule__mdt record. */
export interface DedupRule {
  name: string; // DeveloperName
  object: 'Lead' | 'Contact' | 'Account'; // Object__c
  matchKeys: MatchKey[]; // Match_Keys__c split on ';'
  matchThreshold: number; // Match_Threshold__c
  reviewThreshold: number; // Review_Threshold__c
  systemOfRecordField?: string | null; // System_Of_Record_Field__c
  mergePriority: string[]; // Merge_Priority__c split on ';'
  fieldWeights?: Partial<Record<MatchKey, number>> | null; // Field_Weights__c (JSON)
  active?: boolean; // Active__c
  defaultCountry?: string | null; // default country for national phone numbers (not in CMDT; 'US')
}

/** A record compared by dedup: the fields the match keys read. */
export interface MatchRecord {
  id: string;
  email?: string | null;
  phone?: string | null;
  company?: string | null; // Company (Lead) or Name (Account)
  name?: string | null; // person name "First Last"
  website?: string | null;
  /**
   * The record's country (Lead Country, Contact MailingCountry, Account BillingCountry): an ISO code or a name.
   * A national phone number gets this country's calling code; blank or unknown → the rule's default country.
   */
  country?: string | null;
}

export interface MatchReason {
  key: MatchKey;
  similarity: number; // 0..1, 2 decimals
  weight: number;
  detail: string;
}

export interface PairScore {
  score: number; // weighted mean over comparable keys, 2 decimals
  decision: 'match' | 'review' | 'no match';
  reasons: MatchReason[]; // comparable keys only, in rule key order
}

/**
 * A MatchRecord's values as its match keys compare them. Dedup over many records prepares each record once
 * (prepareMatchRecord) and scores pairs with scorePrepared; scorePair is exactly these two steps.
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
}

/** Normalised company name and its tokens (what the company key compares); cache it per distinct name. */
export function prepareCompany(company: FieldValue | undefined): { name: string; tokens: string[] } {
  const name = normalizeCompany(company);
  return { name, tokens: name.split(' ') };
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
  company?: { name: string; tokens: string[] } | null;
  personName?: string;
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
      default:
        throw new RuleInputError(`match key "${String(key)}" is unknown; use: ${MATCH_KEYS.join(', ')}`);
    }
  }
  return p;
}

/** Similarity of one key of a prepared pair, or NaN when it cannot be compared (a side is blank). */
export function keySimilarity(key: MatchKey, a: PreparedMatch, b: PreparedMatch): number {
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
    default:
      throw new RuleInputError(`match key "${String(key)}" is unknown; use: ${MATCH_KEYS.join(', ')}`);
  }
}

/** The rule's weight per key (Field_Weights__c over the defaults). */
export function ruleWeights(rule: DedupRule): Record<MatchKey, number> {
  return { ...DEFAULT_FIELD_WEIGHTS, ...(rule.fieldWeights ?? {}) };
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

/** score ≥ Match_Threshold → 'match', ≥ Review_Threshold → 'review'; one comparable key is at most 'review'. */
export function pairDecision(score: number, comparableKeys: number, rule: DedupRule): PairScore['decision'] {
  const decision: PairScore['decision'] =
    score >= rule.matchThreshold ? 'match' : score >= rule.reviewThreshold ? 'review' : 'no match';
  return decision === 'match' && comparableKeys < 2 ? 'review' : decision;
}

function reasonDetail(key: MatchKey, a: PreparedMatch, b: PreparedMatch): string {
  switch (key) {
    case 'email':
      return `${a.email} vs ${b.email}`;
    case 'email_domain':
      return `${a.emailDomain} vs ${b.emailDomain}`;
    case 'phone':
      return `${a.phone} vs ${b.phone}`;
    case 'company':
      return `"${a.company}" vs "${b.company}"`;
    case 'name':
      return `"${a.name}" vs "${b.name}"`;
    default:
      return `${a.website} vs ${b.website}`;
  }
}

/**
 * Scores a candidate pair: the weighted mean similarity over the keys both records carry. score ≥
 * Match_Threshold → 'match', ≥ Review_Threshold → 'review'. With fewer than two comparable keys the
 * decision is at most 'review': one key alone is not enough evidence for an automatic merge.
 */
export function scorePair(a: MatchRecord, b: MatchRecord, rule: DedupRule): PairScore {
  const weights = ruleWeights(rule);
  const pa = prepareMatchRecord(a, rule);
  const pb = prepareMatchRecord(b, rule);
  const sims = new Float64Array(rule.matchKeys.length);
  const score = scorePrepared(pa, pb, rule, weights, sims);
  const reasons: MatchReason[] = [];
  rule.matchKeys.forEach((key, k) => {
    if (sims[k] !== sims[k]) return;
    reasons.push({
      key,
      similarity: roundHalfUp(sims[k], 2),
      weight: weights[key],
      detail: reasonDetail(key, pa, pb),
    });
  });
  return { score, decision: pairDecision(score, reasons.length, rule), reasons };
}

/** An Account as lead-to-account matching reads it. */
export interface AccountCandidate {
  id: string;
  name: string;
  website?: string | null;
  ownerId: string;
  isSystemOfRecord?: boolean; // Is_System_Of_Record__c
  territory?: string | null;
}

export interface AccountMatch {
  accountId: string;
  ownerId: string;
  score: number; // 3 = domain (e-mail or website), +1 = same normalised name
  reasons: string[];
}

/** Longest Domain_Key__c / Name_Key__c value (Text(255)). */
export const ACCOUNT_KEY_LENGTH = 255;
/** Most candidate accounts one routing chunk reads (RoutingSelector.ACCOUNT_LIMIT). */
export const ACCOUNT_CANDIDATE_LIMIT = 2000;

/** A normalised value as an indexed key: null when empty, else its first 255 characters. */
export function accountKey(normalised: string): string | null {
  return normalised === '' ? null : normalised.slice(0, ACCOUNT_KEY_LENGTH);
}

/** Account.Domain_Key__c as the Account trigger (TA_Account_DomainKey) keeps it: websiteDomain(Website). */
export function accountDomainKey(website: FieldValue | undefined): string | null {
  return accountKey(websiteDomain(website));
}

/** Account.Name_Key__c as the Account trigger (TA_Account_DomainKey) keeps it: normalizeCompany(Name). */
export function accountNameKey(name: FieldValue | undefined): string | null {
  return accountKey(normalizeCompany(name));
}

/**
 * The candidate accounts the org reads for a chunk of leads (RoutingSelector.accountsFor): accounts a lead names
 * in Matched_Account__c, or whose Domain_Key__c is a lead's company e-mail or website domain key, or whose
 * Name_Key__c is a lead's company name key; system of record first, then by Id; at most `limit`.
 */
export function accountCandidatesFor(
  leads: {
    Email?: FieldValue;
    Website?: FieldValue;
    Company?: FieldValue;
    Matched_Account__c?: FieldValue;
  }[],
  accounts: AccountCandidate[],
  limit = ACCOUNT_CANDIDATE_LIMIT,
): AccountCandidate[] {
  const ids = new Set<string>();
  const domains = new Set<string>();
  const names = new Set<string>();
  for (const l of leads) {
    if (!isBlank(l.Matched_Account__c)) ids.add(String(l.Matched_Account__c));
    for (const k of [accountKey(companyEmailDomain(l.Email)), accountDomainKey(l.Website)])
      if (k) domains.add(k);
    const n = accountNameKey(l.Company);
    if (n) names.add(n);
  }
  const hit = (a: AccountCandidate) => {
    const d = accountDomainKey(a.website);
    const n = accountNameKey(a.name);
    return ids.has(a.id) || (d !== null && domains.has(d)) || (n !== null && names.has(n));
  };
  return accounts
    .filter(hit)
    .sort(
      (x, y) =>
        Number(!!y.isSystemOfRecord) - Number(!!x.isSystemOfRecord) ||
        (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
    )
    .slice(0, limit);
}

/** Accounts indexed by website domain and normalised name, built once per routing call. */
export interface AccountIndex {
  byDomain: Map<string, AccountCandidate[]>;
  byName: Map<string, AccountCandidate[]>;
}

export function indexAccounts(accounts: AccountCandidate[]): AccountIndex {
  const byDomain = new Map<string, AccountCandidate[]>();
  const byName = new Map<string, AccountCandidate[]>();
  const put = (m: Map<string, AccountCandidate[]>, k: string, a: AccountCandidate) => {
    if (k !== '') m.set(k, [...(m.get(k) ?? []), a]);
  };
  for (const a of accounts) {
    put(byDomain, websiteDomain(a.website), a);
    put(byName, normalizeCompany(a.name), a);
  }
  return { byDomain, byName };
}

/**
 * Lead-to-account matching for named-account routing. An account matches when the lead's company e-mail
 * domain or website domain equals the account's website domain (3 points) and/or the normalised company
 * names are equal (1 point). Best first: higher score, then system of record, then the smaller Id.
 */
export function matchLeadToAccounts(
  lead: { email?: FieldValue; website?: FieldValue; company?: FieldValue },
  accounts: AccountCandidate[] | AccountIndex,
): AccountMatch[] {
  const index = Array.isArray(accounts) ? indexAccounts(accounts) : accounts;
  const found = new Map<string, AccountMatch & { sor: boolean }>();
  const hit = (a: AccountCandidate, points: number, reason: string) => {
    const m = found.get(a.id) ?? {
      accountId: a.id,
      ownerId: a.ownerId,
      score: 0,
      reasons: [],
      sor: !!a.isSystemOfRecord,
    };
    m.score += points;
    m.reasons.push(reason);
    found.set(a.id, m);
  };
  const domains = new Set(
    [companyEmailDomain(lead.email), websiteDomain(lead.website)].filter((d) => d !== ''),
  );
  for (const d of domains) for (const a of index.byDomain.get(d) ?? []) hit(a, 3, `domain ${d}`);
  const name = normalizeCompany(lead.company);
  for (const a of name ? (index.byName.get(name) ?? []) : []) hit(a, 1, `company "${name}"`);
  const out = [...found.values()];
  out.sort(
    (x, y) =>
      y.score - x.score ||
      Number(y.sor) - Number(x.sor) ||
      (x.accountId < y.accountId ? -1 : x.accountId > y.accountId ? 1 : 0),
  );
  return out.map(({ sor: _sor, ...m }) => m);
}

/** A record in a duplicate cluster, for survivorship. */
export interface SurvivorRecord {
  id: string;
  isSystemOfRecord?: boolean;
  lastActivityAt?: string | null;
  createdAt?: string | null;
  fields: Record<string, FieldValue>;
}

export interface SurvivorshipResult {
  survivorId: string;
  ranking: string[]; // record Ids, best first
  values: Record<string, { value: FieldValue; fromId: string | null }>;
}

export const MERGE_CRITERIA = ['system_of_record', 'most_recent_activity', 'oldest_created'] as const;

/**
 * Survivorship: records are ranked by the Merge_Priority__c criteria in order (system_of_record: the
 * system-of-record first; most_recent_activity: latest activity first, none last; oldest_created: earliest
 * created first), the smaller Id breaking a full tie. The first record survives; for each field the
 * first non-blank value in that ranking wins (so the system of record wins, then the most recent activity).
 */
export function survivorship(records: SurvivorRecord[], mergePriority: string[]): SurvivorshipResult {
  if (records.length === 0) throw new RuleInputError('survivorship needs at least one record');
  for (const c of mergePriority) {
    if (!(MERGE_CRITERIA as readonly string[]).includes(c)) {
      throw new RuleInputError(
        `Merge_Priority__c criterion "${c}" is unknown; use: ${MERGE_CRITERIA.join(', ')}`,
      );
    }
  }
  // each record's instants parsed once, before the sort (only for clusters that need a ranking)
  const time = (v: string | null | undefined, id: string, what: string): number | null =>
    v ? parseInstant(v, `${id} ${what}`) : null;
  const many = records.length > 1;
  const byActivity = many && mergePriority.includes('most_recent_activity');
  const byCreated = many && mergePriority.includes('oldest_created');
  const keyed = records.map((r) => ({
    r,
    sor: r.isSystemOfRecord ? 1 : 0,
    activity: byActivity ? time(r.lastActivityAt, r.id, 'lastActivityAt') : null,
    created: byCreated ? time(r.createdAt, r.id, 'createdAt') : null,
  }));
  type Keyed = (typeof keyed)[number];
  const cmp = (a: Keyed, b: Keyed): number => {
    for (const c of mergePriority) {
      let d = 0;
      if (c === 'system_of_record') d = b.sor - a.sor;
      else if (c === 'most_recent_activity') {
        const x = a.activity;
        const y = b.activity;
        d = x === y ? 0 : x === null ? 1 : y === null ? -1 : y - x;
      } else {
        const x = a.created;
        const y = b.created;
        d = x === y ? 0 : x === null ? 1 : y === null ? -1 : x - y;
      }
      if (d !== 0) return d;
    }
    return a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0;
  };
  const ranked = keyed.sort(cmp).map((k) => k.r);
  const fieldNames = new Set<string>();
  for (const r of records) for (const f in r.fields) fieldNames.add(f);
  const values: SurvivorshipResult['values'] = {};
  for (const f of [...fieldNames].sort()) {
    let winner: SurvivorRecord | undefined;
    for (const r of ranked) {
      if (!isBlank(r.fields[f])) {
        winner = r;
        break;
      }
    }
    values[f] = { value: winner ? winner.fields[f] : null, fromId: winner ? winner.id : null };
  }
  return { survivorId: ranked[0].id, ranking: ranked.map((r) => r.id), values };
}
