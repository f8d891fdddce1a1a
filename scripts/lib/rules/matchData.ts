// Reference data of the match step (the lists DedupMatchKeys.cls and DedupMatchService.cls hold as constants):
// free-mail domains, legal suffixes, generic words of company names, calling codes, country names and address words;
// match.ts exports them.
// Generated from maintained packages (`npm run generate:match`): free-mail domains from email-providers
// (freeMailDomains.ts); calling codes, trunk prefixes and English country names from libphonenumber (phoneTable.ts).
import { FREE_MAIL_DOMAIN_LINES } from './freeMailDomains.ts';
import { PHONE_PLANS } from './phoneTable.ts';

/**
 * Free-mail domains: an address there says nothing about the company. From the maintained email-providers list,
 * generated into freeMailDomains.ts (and the Apex MatchFreeMailDomains) by `npm run generate:match`.
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(
  FREE_MAIL_DOMAIN_LINES.flatMap((line) => line.split(' ')),
);

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
/** Calling code of every country (ISO 3166-1 alpha-2), from the generated libphonenumber table. */
export const CALLING_CODES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(PHONE_PLANS).map(([iso, [cc]]) => [iso, cc]),
);

/**
 * Trunk (national) prefix of the countries that have one ("0" in most of Europe, "8" in Russia, "06" in Hungary,
 * "1" in the NANP), from the generated libphonenumber table; absent = national numbers keep every digit (Italy).
 */
export const TRUNK_PREFIXES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(PHONE_PLANS)
    .filter(([, [, trunk]]) => trunk !== '')
    .map(([iso, [, trunk]]) => [iso, trunk]),
);

/**
 * Local names, short forms and ISO alpha-3 codes of common countries, as normalizePersonName reads them; English
 * names of every country come from the generated table (COUNTRY_NAMES_EN).
 */
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
 * Spellings of street types and directions folded to one form in the address key ("Street" and "St" → "st",
 * "Avenue"/"Av" → "ave", "North" → "n", "Northeast" → "ne"). Compared after lower-casing and folding accents.
 */
export const ADDRESS_WORDS: Readonly<Record<string, string>> = {
  street: 'st',
  str: 'st',
  avenue: 'ave',
  av: 'ave',
  road: 'rd',
  boulevard: 'blvd',
  drive: 'dr',
  lane: 'ln',
  court: 'ct',
  place: 'pl',
  square: 'sq',
  highway: 'hwy',
  parkway: 'pkwy',
  terrace: 'ter',
  circle: 'cir',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  apartment: 'apt',
  suite: 'ste',
  floor: 'fl',
  room: 'rm',
};

/** Secondary-unit words ("Suite 200", "Apt 4B", "Unit 3", "#5"): the word and the value after it leave the key. */
export const ADDRESS_UNIT_WORDS = new Set(['apt', 'unit', 'ste', 'fl', 'rm']);
