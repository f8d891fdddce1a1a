// Postal addresses of the demo's companies and the variants planted duplicates write them in (abbreviated street
// types and directions, a suite added), plus the other business-record variants the address key is for: a name
// with a qualifier ("Harbor Grill at the Marina", "Alder Group, The (Boston)") and a phone that moved. Every
// choice here comes from a hash of a record's own key (a company's domain, a record's Id), not from the
// generator's random stream, so adding addresses left every other value of the demo as it was.
import { TRUNK_PREFIXES } from '../../rules/match.ts';
import type { Country } from './places.ts';

export interface Address {
  street: string;
  postalCode: string;
  city: string;
}

/** A company's address, with the parts the variants rewrite. */
interface Parts {
  number: number;
  name: string;
  type: number; // index into STREET_TYPES
  dir: number; // index into DIRECTIONS, -1 = none
  postalCode: string;
  city: string;
  style: 'english' | 'german' | 'romance' | 'dutch' | 'swedish';
}

/** Deterministic numbers from a key: FNV-1a of the key, then xorshift steps. */
export function hashStream(key: string): (n: number) => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  let x = h >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

const STREET_NAMES = ['Main', 'Oak', 'Maple', 'Cedar', 'Harbor', 'Market', 'Church', 'Mill', 'Park', 'Lake'];
const MORE_NAMES = [
  'Hill',
  'Elm',
  'Pine',
  'Washington',
  'King',
  'Queen',
  'Station',
  'High',
  'Bridge',
  'River',
];
const ALL_NAMES = [...STREET_NAMES, ...MORE_NAMES];
const GERMAN_NAMES = ['Linden', 'Haupt', 'Bahnhof', 'Schiller', 'Goethe', 'Garten', 'Kirch', 'Berg', 'Wald'];
const STREET_TYPES: [long: string, short: string][] = [
  ['Street', 'St'],
  ['Avenue', 'Ave'],
  ['Road', 'Rd'],
  ['Boulevard', 'Blvd'],
  ['Drive', 'Dr'],
  ['Lane', 'Ln'],
  ['Court', 'Ct'],
];
const DIRECTIONS: [long: string, short: string][] = [
  ['North', 'N'],
  ['South', 'S'],
  ['East', 'E'],
  ['West', 'W'],
];
const CITIES: Record<string, string[]> = {
  US: ['Boston', 'Austin', 'Denver', 'Chicago', 'Seattle', 'Atlanta'],
  CA: ['Toronto', 'Vancouver', 'Ottawa'],
  GB: ['London', 'Manchester', 'Leeds'],
  DE: ['Berlin', 'München', 'Köln'],
  AT: ['Wien', 'Graz'],
  CH: ['Zürich', 'Basel'],
  FR: ['Paris', 'Lyon'],
  ES: ['Madrid', 'Barcelona'],
  NL: ['Amsterdam', 'Utrecht'],
  SE: ['Stockholm', 'Göteborg'],
  BR: ['São Paulo', 'Curitiba'],
  MX: ['Ciudad de México', 'Monterrey'],
  JP: ['Tokyo', 'Osaka'],
  AU: ['Sydney', 'Melbourne'],
  IN: ['Bengaluru', 'Pune'],
};
const LANDMARKS = ['Marina', 'Airport', 'Plaza', 'Station', 'Harbour'];

/** `k` digits drawn from `r`. */
function digits(r: (n: number) => number, k: number): string {
  let out = '';
  for (let i = 0; i < k; i++) out += r(10);
  return out;
}

/** A postal-code letter drawn from `r`. */
const letter = (r: (n: number) => number): string => 'ABCDEFGHJKLMNPRSTUWXYZ'[r(22)];

function postalCode(c: Country, r: (n: number) => number): string {
  switch (c.code) {
    case 'GB':
      return `${letter(r)}${letter(r)}${1 + r(9)} ${r(10)}${letter(r)}${letter(r)}`;
    case 'CA':
      return `${letter(r)}${r(10)}${letter(r)} ${r(10)}${letter(r)}${r(10)}`;
    case 'NL':
      return `${1 + r(9)}${digits(r, 3)} ${letter(r)}${letter(r)}`;
    case 'AT':
    case 'CH':
    case 'AU':
      return `${1 + r(9)}${digits(r, 3)}`;
    case 'JP':
      return `${digits(r, 3)}-${digits(r, 4)}`;
    case 'IN':
      return `${1 + r(9)}${digits(r, 5)}`;
    case 'BR':
      return `${digits(r, 5)}-${digits(r, 3)}`;
    default:
      return `${1 + r(9)}${digits(r, 4)}`;
  }
}

function companyParts(domain: string, c: Country): Parts {
  const r = hashStream(`address:${domain}`);
  const style =
    c.code === 'DE' || c.code === 'AT' || c.code === 'CH'
      ? 'german'
      : c.code === 'NL'
        ? 'dutch'
        : c.code === 'SE'
          ? 'swedish'
          : c.code === 'FR' || c.code === 'ES' || c.code === 'BR' || c.code === 'MX'
            ? 'romance'
            : 'english';
  const cities = CITIES[c.code] ?? ['Capital'];
  return {
    number: 1 + r(style === 'english' ? 1999 : 120),
    name: style === 'german' ? GERMAN_NAMES[r(GERMAN_NAMES.length)] : ALL_NAMES[r(ALL_NAMES.length)],
    type: r(STREET_TYPES.length),
    dir: (c.code === 'US' || c.code === 'CA') && r(10) < 3 ? r(DIRECTIONS.length) : -1,
    postalCode: postalCode(c, r),
    city: cities[r(cities.length)],
    style,
  };
}

function streetOf(p: Parts, short: boolean): string {
  switch (p.style) {
    case 'german':
      return short ? `${p.name}str. ${p.number}` : `${p.name}straße ${p.number}`;
    case 'dutch':
      return `${p.name}straat ${p.number}`;
    case 'swedish':
      return `${p.name}gatan ${p.number}`;
    case 'romance':
      return `${p.number} Rue ${p.name}`;
    default: {
      const dir = p.dir < 0 ? '' : `${DIRECTIONS[p.dir][short ? 1 : 0]}${short ? '.' : ''} `;
      return `${p.number} ${dir}${p.name} ${STREET_TYPES[p.type][short ? 1 : 0]}${short ? '.' : ''}`;
    }
  }
}

/** companyAddress results (a pure function of its arguments; addresses are never changed once made). */
const addressMemo = new Map<string, Address>();
const ADDRESS_MEMO_LIMIT = 50_000;

/** The address of the company with this (unique) domain: street types and directions written out. */
export function companyAddress(domain: string, c: Country): Address {
  const key = `${c.code} ${domain}`;
  let a = addressMemo.get(key);
  if (!a) {
    const p = companyParts(domain, c);
    a = { street: streetOf(p, false), postalCode: p.postalCode, city: p.city };
    if (addressMemo.size < ADDRESS_MEMO_LIMIT) addressMemo.set(key, a);
  }
  return a;
}

/** The same address as a duplicate writes it: abbreviated, sometimes with a suite, sometimes without postal code. */
export function abbreviatedAddress(domain: string, c: Country, recordId: string): Address {
  const p = companyParts(domain, c);
  const r = hashStream(`abbrev:${recordId}`);
  const unit = p.style === 'english' && r(2) === 0 ? [', Suite 200', ' Ste 4', ' #12', ', Unit 3'][r(4)] : '';
  return { street: `${streetOf(p, true)}${unit}`, postalCode: p.postalCode, city: p.city };
}

/** Whether a record (by Id) carries its company's address: most do, not all. */
export const hasAddress = (recordId: string, share: number): boolean =>
  firstHash('has:', recordId, 1000) < share * 1000;

/** hashStream(prefix + key)(n), without building the key or the stream. */
function firstHash(prefix: string, key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < prefix.length; i++) h = Math.imul(h ^ prefix.charCodeAt(i), 0x01000193);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  let x = h >>> 0 || 1;
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  return x % n;
}

/**
 * A duplicate's business variants, decided from its Id: a qualified name (30%), an abbreviated address (50%), a
 * phone that moved (`movedPhone`: a business's switchboard moves more often than a person's number).
 */
export function businessVariants(
  recordId: string,
  movedPhone: number,
): { qualifier: boolean; abbreviate: boolean; movePhone: boolean } {
  const r = hashStream(`variants:${recordId}`);
  return { qualifier: r(100) < 30, abbreviate: r(100) < 50, movePhone: r(100) < movedPhone * 100 };
}

/** The company name with a qualifier the name normalisation cuts: "The X", "X, The (City)", "X at the Marina". */
export function qualifiedName(base: string, city: string, recordId: string): string {
  const r = hashStream(`qualifier:${recordId}`);
  switch (r(3)) {
    case 0:
      return `The ${base}`;
    case 1:
      return `${base}, The (${city})`;
    default:
      return `${base} at the ${LANDMARKS[r(LANDMARKS.length)]}`;
  }
}

/** A new phone number (digits) for a record whose phone moved: same length and first digit rules as the demo's. */
export function movedPhoneDigits(recordId: string, c: Country): string {
  const r = hashStream(`phone:${recordId}`);
  const len = c.dial === '1' ? 10 : 9;
  let d = '';
  for (let i = 0; i < len; i++) d += i === 0 ? String(2 + r(8)) : String(r(10));
  return d;
}

/** The national trunk prefix the demo writes before a national number ('' where the country has none). */
export const trunkOf = (c: Country): string => TRUNK_PREFIXES[c.code] ?? '';
