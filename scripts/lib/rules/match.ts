// The match step of dedup, the twin of two Apex classes (classes/services/), in their order and shape:
// DedupMatchKeys (the match keys: e-mail, company e-mail domain, phone in E.164, website domain, company name, postal
// address) and DedupMatchService (name similarity, pair scoring with reasons, lead-to-account matching). The merge
// step (DedupMergeService, survivorship) is merge.ts. Account.Domain_Key__c / Name_Key__c (TA_Account_DomainKey)
// are accountKeys.ts.
// The dedup engine scores millions of pairs with the same results through its fast path (reports/dedup/fastpath.ts).
import { RuleInputError, compareIds, domainOfEmail, isBlank, roundHalfUp, type FieldValue } from './types.ts';
import {
  ADDRESS_UNIT_WORDS,
  ADDRESS_WORDS,
  CALLING_CODES,
  COMPANY_SUFFIXES,
  COUNTRY_NAMES,
  FREE_MAIL_DOMAINS,
  GENERIC_WORDS,
  TRUNK_PREFIXES,
} from './matchData.ts';
import { COUNTRY_NAMES_EN } from './phoneTable.ts';

// the match tables (the class constants of DedupMatchKeys and DedupMatchService, MatchPhoneTable, MatchFreeMailDomains)
export * from './matchData.ts';
export { COUNTRY_NAMES_EN } from './phoneTable.ts';

// ---- The match keys (DedupMatchKeys): each value normalised so two records compare on it ----
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
 * Normalised company name: lower case, accents removed, parenthesised qualifiers dropped ("Alder Group (Boston)"),
 * "&" → "and", punctuation removed, a qualifier from "at the" on dropped ("Harbor Grill at the Marina"), legal
 * suffixes (Inc, LLC, GmbH, Ltd, Corp, ...) and a trailing "the" dropped from the end ("Alder Group, The"), a
 * leading "the" dropped, spaces collapsed. A dot before a single letter that ends a word is removed first
 * ("l.l.c." → "llc.", "s.a." → "sa.").
 */
export function normalizeCompany(name: FieldValue | undefined): string {
  if (isBlank(name)) return '';
  const tokens = fold(name)
    .replace(/\([^()]*\)/g, ' ')
    .replace(/&/g, ' and ')
    .replace(/\.(?=[a-z]\b)/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
  for (let i = 1; i < tokens.length - 1; i++) {
    if (tokens[i] === 'at' && tokens[i + 1] === 'the') {
      tokens.length = i;
      break;
    }
  }
  while (tokens.length > 1 && isTrailingWord(tokens[tokens.length - 1])) tokens.pop();
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  return tokens.join(' ');
}

/** A word dropped from the end of a company name: a legal suffix or "the" ("Alder Group, The"). */
export const isTrailingWord = (t: string): boolean => t === 'the' || COMPANY_SUFFIXES.has(t);

/**
 * The address key: street number + street name + postal code, or the city when there is no postal code
 * ("100 N Main St, 02110"). Lower case, accents and punctuation removed; street types and directions folded to
 * one spelling (ADDRESS_WORDS: Street/St, Avenue/Ave, North/N, ...); secondary units ("Suite 200", "Apt 4B",
 * "#5") dropped; a US ZIP+4 cut to its 5 digits and spaces taken out of postal codes ("SW1A 1AA" → "sw1a1aa").
 * The street number is the first word of digits (with one optional letter: "12a"), before or after the name
 * ("Hauptstraße 5"); "ß" is "ss" and a word ending in "strasse" ends in "str" ("Hauptstraße" = "Hauptstr."). '' when the street has no number or no name, or there is neither postal code nor city.
 */
export function normalizeAddress(
  street: FieldValue | undefined,
  postalCode: FieldValue | undefined,
  city: FieldValue | undefined,
): string {
  if (isBlank(street)) return '';
  const tokens = fold(street)
    .replace(/ß/g, 'ss')
    .replace(/#/g, ' unit ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ');
  let number = '';
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === '') continue;
    const g = t.endsWith('strasse') ? t.slice(0, -4) : t; // "Hauptstraße" → "hauptstr", as abbreviated
    const w = ADDRESS_WORDS[g] ?? g;
    if (ADDRESS_UNIT_WORDS.has(w))
      i++; // the unit's value goes with it
    else if (number === '' && /^[0-9]+[a-z]?$/.test(w)) number = w;
    else words.push(w);
  }
  if (number === '' || words.length === 0) return '';
  const place = postalKey(postalCode) || normalizePersonName(city);
  return place === '' ? '' : `${number} ${words.join(' ')}, ${place}`;
}

/** A postal code as the address key compares it: letters and digits only; a US ZIP+4 cut to the ZIP. */
function postalKey(postalCode: FieldValue | undefined): string {
  if (isBlank(postalCode)) return '';
  const raw = String(postalCode).trim();
  return /^[0-9]{5}[- ][0-9]{4}$/.test(raw) ? raw.slice(0, 5) : fold(raw).replace(/[^a-z0-9]+/g, '');
}

/**
 * Phone number in E.164 ("+14155550100"), or null when it cannot be one. Extensions ("x12", "ext. 12") are
 * dropped; "00" is an international prefix; a national number gets the default country's calling code after its
 * trunk prefix is removed (TRUNK_PREFIXES, from libphonenumber: "0" in most of Europe, "8" in Russia; Italy has
 * none, so "06 1234 5678" keeps its 0). In the NANP (calling code 1) a national number has 10 digits, and a
 * leading "1" on 11 digits is the trunk prefix.
 */
export function phoneToE164(phone: FieldValue | undefined, defaultCountry = 'US'): string | null {
  if (isBlank(phone)) return null;
  const raw = String(phone)
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
    const iso = defaultCountry.toUpperCase();
    const cc = CALLING_CODES[iso];
    if (!cc) {
      throw new RuleInputError(
        `default country "${defaultCountry}" is not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE, IT)`,
      );
    }
    const trunk = TRUNK_PREFIXES[iso] ?? '';
    if (cc === '1') {
      if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
      if (digits.length !== 10) return null;
    } else if (trunk !== '' && digits.startsWith(trunk)) {
      digits = digits.slice(trunk.length);
    }
    digits = cc + digits;
  }
  if (digits.length < 7 || digits.length > 15 || digits.startsWith('0')) return null;
  return `+${digits}`;
}

/**
 * ISO code of a record's country: an ISO alpha-2 code of any country, a common alpha-3 code, local name or short
 * form (COUNTRY_NAMES) or the English name of any country (COUNTRY_NAMES_EN), in any case, with or without
 * accents and dots ("de", "DEU", "Germany", "Österreich", "U.S.A.", "South Africa"); null when blank or unknown.
 */
export function countryCode(country: FieldValue | undefined): string | null {
  const n = normalizePersonName(country);
  if (n.length === 2 && CALLING_CODES[n.toUpperCase()]) return n.toUpperCase();
  return COUNTRY_NAMES[n] ?? COUNTRY_NAMES_EN[n] ?? null;
}

/** The country whose calling code a record's national phone number gets: its own, else the default country. */
export function phoneCountry(country: FieldValue | undefined, defaultCountry: string): string {
  return countryCode(country) ?? defaultCountry;
}

/** Person name as personNameSimilarity compares it: lower case, accent-free, non-alphanumerics collapsed. */
export function normalizePersonName(v: FieldValue | undefined): string {
  return isBlank(v)
    ? ''
    : fold(v)
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
}

// ---- Similarity, pair scoring, lead-to-account matching (DedupMatchService) ----
/** Weight of a generic word (GENERIC_WORDS) in the token overlap of company names; other words weigh 1. */
export const GENERIC_WORD_WEIGHT = 0.25;
/** Two tokens count as the same word only at or above this Jaro-Winkler similarity. */
export const TOKEN_MATCH_MIN = 0.94;

export const MATCH_KEYS = [
  'email',
  'email_domain',
  'phone',
  'company',
  'name',
  'website',
  'address',
] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];
export const DEFAULT_FIELD_WEIGHTS: Record<MatchKey, number> = {
  email: 3,
  email_domain: 1,
  phone: 2,
  company: 2,
  name: 2,
  website: 1,
  address: 2,
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
  /** Postal address (Lead Street/PostalCode/City, Contact Mailing*, Account Billing*): the address key. */
  street?: string | null;
  postalCode?: string | null;
  city?: string | null;
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

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4 characters), 0..1. */
export function jaroWinkler(a: string, b: string): number {
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

/** Best Jaro-Winkler of `t` against `others` that reaches TOKEN_MATCH_MIN, else 0. */
function bestToken(t: string, others: string[]): number {
  let best = 0;
  for (const o of others) {
    const s = jaroWinkler(t, o);
    if (s >= TOKEN_MATCH_MIN && s > best) best = s;
  }
  return best;
}

const tokenWeight = (t: string): number => (GENERIC_WORDS.has(t) ? GENERIC_WORD_WEIGHT : 1);

/**
 * Company-name similarity, 0..1: the mean of (a) Jaro-Winkler of the normalised names and (b) a symmetric
 * weighted token overlap in which a token counts only when it has a partner with Jaro-Winkler ≥ 0.94 and
 * generic words (Technologies, Software, Group, ...) weigh 0.25. Identical normalised names score 1.
 * "Stripe" vs "Strix" → 0.45 (no shared word), "Acme Inc" vs "ACME, Inc." → 1.
 */
export function nameSimilarity(a: FieldValue | undefined, b: FieldValue | undefined): number {
  const na = normalizeCompany(a);
  const nb = normalizeCompany(b);
  if (na === '' || nb === '') return 0;
  if (na === nb) return 1;
  const ta = na.split(' ');
  const tb = nb.split(' ');
  let num = 0;
  let den = 0;
  for (const t of ta) {
    num += tokenWeight(t) * bestToken(t, tb);
    den += tokenWeight(t);
  }
  for (const t of tb) {
    num += tokenWeight(t) * bestToken(t, ta);
    den += tokenWeight(t);
  }
  return (jaroWinkler(na, nb) + num / den) / 2;
}

/** Person-name similarity: Jaro-Winkler of the lower-cased, accent-free, space-collapsed names. */
export function personNameSimilarity(a: FieldValue | undefined, b: FieldValue | undefined): number {
  const na = normalizePersonName(a);
  const nb = normalizePersonName(b);
  return na === '' || nb === '' ? 0 : jaroWinkler(na, nb);
}

const lowerTrim = (v: string | null | undefined): string => (v ?? '').trim().toLowerCase();

/** A key's similarity (0..1) and what it compared, or null when it cannot be compared (a side is blank). */
function keySimilarity(
  key: MatchKey,
  a: MatchRecord,
  b: MatchRecord,
  country: string,
): { similarity: number; detail: string } | null {
  let x: string;
  let y: string;
  switch (key) {
    case 'email':
      x = lowerTrim(a.email);
      y = lowerTrim(b.email);
      break;
    case 'email_domain':
      x = companyEmailDomain(a.email);
      y = companyEmailDomain(b.email);
      break;
    case 'phone':
      x = phoneToE164(a.phone, phoneCountry(a.country, country)) ?? '';
      y = phoneToE164(b.phone, phoneCountry(b.country, country)) ?? '';
      break;
    case 'website':
      x = websiteDomain(a.website);
      y = websiteDomain(b.website);
      break;
    case 'address':
      x = normalizeAddress(a.street, a.postalCode, a.city);
      y = normalizeAddress(b.street, b.postalCode, b.city);
      break;
    case 'company':
      x = normalizeCompany(a.company);
      y = normalizeCompany(b.company);
      return x === '' || y === ''
        ? null
        : { similarity: nameSimilarity(a.company, b.company), detail: `"${x}" vs "${y}"` };
    case 'name':
      return isBlank(a.name) || isBlank(b.name)
        ? null
        : { similarity: personNameSimilarity(a.name, b.name), detail: `"${a.name}" vs "${b.name}"` };
    default:
      throw new RuleInputError(`match key "${String(key)}" is unknown; use: ${MATCH_KEYS.join(', ')}`);
  }
  return x === '' || y === '' ? null : { similarity: x === y ? 1 : 0, detail: `${x} vs ${y}` };
}

/** The rule's weight per key (Field_Weights__c over the defaults). */
export function ruleWeights(rule: DedupRule): Record<MatchKey, number> {
  return { ...DEFAULT_FIELD_WEIGHTS, ...(rule.fieldWeights ?? {}) };
}

/**
 * Scores a candidate pair: the weighted mean similarity over the keys both records carry, 2 decimals. score ≥
 * Match_Threshold → 'match', ≥ Review_Threshold → 'review'. With fewer than two comparable keys the
 * decision is at most 'review': one key alone is not enough evidence for an automatic merge.
 */
export function scorePair(a: MatchRecord, b: MatchRecord, rule: DedupRule): PairScore {
  const weights = ruleWeights(rule);
  const country = rule.defaultCountry ?? 'US';
  const reasons: MatchReason[] = [];
  let num = 0;
  let den = 0;
  for (const key of rule.matchKeys) {
    const s = keySimilarity(key, a, b, country);
    if (s === null) continue;
    const w = weights[key];
    num += w * s.similarity;
    den += w;
    reasons.push({ key, similarity: roundHalfUp(s.similarity, 2), weight: w, detail: s.detail });
  }
  const score = den === 0 ? 0 : roundHalfUp(num / den, 2);
  return { score, decision: pairDecision(score, reasons.length, rule), reasons };
}

/** score ≥ Match_Threshold → 'match', ≥ Review_Threshold → 'review'; one comparable key is at most 'review'. */
export function pairDecision(score: number, comparableKeys: number, rule: DedupRule): PairScore['decision'] {
  const decision: PairScore['decision'] =
    score >= rule.matchThreshold ? 'match' : score >= rule.reviewThreshold ? 'review' : 'no match';
  return decision === 'match' && comparableKeys < 2 ? 'review' : decision;
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

/** What lead-to-account matching compares: company e-mail domain, website domain, normalised company name. */
export type LeadAccountKeys = { emailDomain: string; websiteDomain: string; company: string };

/**
 * Lead-to-account matching for named-account routing. An account matches when the lead's company e-mail
 * domain or website domain equals the account's website domain (3 points) and/or the normalised company
 * names are equal (1 point). Best first: higher score, then system of record, then the smaller Id.
 */
export function matchLeadToAccounts(
  lead: { email?: FieldValue; website?: FieldValue; company?: FieldValue },
  accounts: AccountCandidate[] | AccountIndex,
): AccountMatch[] {
  const [emailDomain, company] = [companyEmailDomain(lead.email), normalizeCompany(lead.company)];
  const index = Array.isArray(accounts) ? indexAccounts(accounts) : accounts;
  return matchAccountsByKeys({ emailDomain, websiteDomain: websiteDomain(lead.website), company }, index);
}

/** matchLeadToAccounts with the lead's keys already made (the demo's routing desk makes them once per lead). */
export function matchAccountsByKeys(keys: LeadAccountKeys, index: AccountIndex): AccountMatch[] {
  const found: FoundAccounts = new Map();
  const { emailDomain: e, websiteDomain: w } = keys;
  for (const d of w === e ? [e] : [e, w])
    if (d !== '') for (const a of index.byDomain.get(d) ?? []) hit(found, a, 3, `domain ${d}`);
  const name = keys.company;
  for (const a of name ? (index.byName.get(name) ?? []) : []) hit(found, a, 1, `company "${name}"`);
  const out = [...found.values()];
  out.sort(
    (x, y) => y.score - x.score || Number(y.sor) - Number(x.sor) || compareIds(x.accountId, y.accountId),
  );
  return out.map((m) => ({ accountId: m.accountId, ownerId: m.ownerId, score: m.score, reasons: m.reasons }));
}

type FoundAccounts = Map<string, AccountMatch & { sor: boolean }>;

/** Adds a key's points and reason to the account's match. */
function hit(found: FoundAccounts, a: AccountCandidate, points: number, reason: string): void {
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
}
