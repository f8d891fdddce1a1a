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
  return String(v)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * Normalised company name: lower case, accents removed, "&" → "and", punctuation removed, legal suffixes
 * (Inc, LLC, GmbH, Ltd, Corp, ...) dropped from the end, a leading "the" dropped, spaces collapsed.
 */
export function normalizeCompany(name: FieldValue | undefined): string {
  if (isBlank(name)) return '';
  const tokens = fold(name)
    .replace(/&/g, ' and ')
    .replace(/\.(?=[a-z]\b)/g, '') // "l.l.c." → "llc.", "s.a." → "sa."
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
  while (tokens.length > 1 && COMPANY_SUFFIXES.has(tokens[tokens.length - 1])) tokens.pop();
  if (tokens.length > 1 && tokens[0] === 'the') tokens.shift();
  return tokens.join(' ');
}

/**
 * Phone number in E.164 ("+14155550100"), or null when it cannot be one. Extensions ("x12", "ext. 12") are
 * dropped; "00" is an international prefix; national numbers get the default country's calling code (a trunk
 * "0" is removed; for NANP countries a leading "1" is the country code).
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
  const weight = (t: string) => (GENERIC_WORDS.has(t) ? GENERIC_WORD_WEIGHT : 1);
  const best = (t: string, others: string[]) =>
    others.reduce((m, o) => {
      const s = jaroWinkler(t, o);
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
  return (jaroWinkler(na, nb) + num / den) / 2;
}

/** Person-name similarity: Jaro-Winkler of the lower-cased, accent-free, space-collapsed names. */
export function personNameSimilarity(a: FieldValue | undefined, b: FieldValue | undefined): number {
  const norm = (v: FieldValue | undefined) =>
    isBlank(v)
      ? ''
      : fold(v)
          .replace(/[^a-z0-9]+/g, ' ')
          .trim();
  const na = norm(a);
  const nb = norm(b);
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

/** Similarity of one key, or null when it cannot be compared (a side is blank, or a free-mail domain). */
function keySimilarity(
  key: MatchKey,
  a: MatchRecord,
  b: MatchRecord,
  country: string,
): [number, string] | null {
  switch (key) {
    case 'email': {
      const x = (a.email ?? '').trim().toLowerCase();
      const y = (b.email ?? '').trim().toLowerCase();
      return x && y ? [x === y ? 1 : 0, `${x} vs ${y}`] : null;
    }
    case 'email_domain': {
      const x = companyEmailDomain(a.email);
      const y = companyEmailDomain(b.email);
      return x && y ? [x === y ? 1 : 0, `${x} vs ${y}`] : null;
    }
    case 'phone': {
      const x = phoneToE164(a.phone, country);
      const y = phoneToE164(b.phone, country);
      return x && y ? [x === y ? 1 : 0, `${x} vs ${y}`] : null;
    }
    case 'company': {
      const x = normalizeCompany(a.company);
      const y = normalizeCompany(b.company);
      return x && y ? [nameSimilarity(a.company, b.company), `"${x}" vs "${y}"`] : null;
    }
    case 'name':
      return isBlank(a.name ?? null) || isBlank(b.name ?? null)
        ? null
        : [personNameSimilarity(a.name, b.name), `"${a.name}" vs "${b.name}"`];
    case 'website': {
      const x = websiteDomain(a.website);
      const y = websiteDomain(b.website);
      return x && y ? [x === y ? 1 : 0, `${x} vs ${y}`] : null;
    }
    default:
      throw new RuleInputError(`match key "${String(key)}" is unknown; use: ${MATCH_KEYS.join(', ')}`);
  }
}

/**
 * Scores a candidate pair: the weighted mean similarity over the keys both records carry. score ≥
 * Match_Threshold → 'match', ≥ Review_Threshold → 'review'. With fewer than two comparable keys the
 * decision is at most 'review': one key alone is not enough evidence for an automatic merge.
 */
export function scorePair(a: MatchRecord, b: MatchRecord, rule: DedupRule): PairScore {
  const weights = { ...DEFAULT_FIELD_WEIGHTS, ...(rule.fieldWeights ?? {}) };
  const reasons: MatchReason[] = [];
  let num = 0;
  let den = 0;
  for (const key of rule.matchKeys) {
    const s = keySimilarity(key, a, b, rule.defaultCountry ?? 'US');
    if (!s) continue;
    const w = weights[key];
    num += w * s[0];
    den += w;
    reasons.push({ key, similarity: roundHalfUp(s[0], 2), weight: w, detail: s[1] });
  }
  const score = den === 0 ? 0 : roundHalfUp(num / den, 2);
  let decision: PairScore['decision'] =
    score >= rule.matchThreshold ? 'match' : score >= rule.reviewThreshold ? 'review' : 'no match';
  if (decision === 'match' && reasons.length < 2) decision = 'review';
  return { score, decision, reasons };
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
  const time = (v: string | null | undefined, what: string) => (v ? parseInstant(v, what) : null);
  const cmp = (a: SurvivorRecord, b: SurvivorRecord): number => {
    for (const c of mergePriority) {
      let d = 0;
      if (c === 'system_of_record') d = Number(!!b.isSystemOfRecord) - Number(!!a.isSystemOfRecord);
      else if (c === 'most_recent_activity') {
        const x = time(a.lastActivityAt, `${a.id} lastActivityAt`);
        const y = time(b.lastActivityAt, `${b.id} lastActivityAt`);
        d = x === y ? 0 : x === null ? 1 : y === null ? -1 : y - x;
      } else {
        const x = time(a.createdAt, `${a.id} createdAt`);
        const y = time(b.createdAt, `${b.id} createdAt`);
        d = x === y ? 0 : x === null ? 1 : y === null ? -1 : x - y;
      }
      if (d !== 0) return d;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  const ranked = [...records].sort(cmp);
  const fieldNames = [...new Set(records.flatMap((r) => Object.keys(r.fields)))].sort();
  const values: SurvivorshipResult['values'] = {};
  for (const f of fieldNames) {
    const winner = ranked.find((r) => !isBlank(r.fields[f]));
    values[f] = { value: winner ? winner.fields[f] : null, fromId: winner ? winner.id : null };
  }
  return { survivorId: ranked[0].id, ranking: ranked.map((r) => r.id), values };
}
