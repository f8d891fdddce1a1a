// The pure keys of the weekly dedup review: the TypeScript twin of DedupReviewKeys.cls (blocking keys, pair and
// cluster keys, winning values per field). Golden vectors in tests/vectors/dedupReview.json hold both to the same
// behaviour (vitest here, DedupReviewKeys_Tests in Apex). No I/O.
import { countryCode, normalizeCompany, phoneToE164, websiteDomain } from './match.ts';
import { RuleInputError, compareIds, isBlank, type FieldValue, type SRecord } from './types.ts';

export type ReviewObject = 'Lead' | 'Contact' | 'Account';

/** The fields a review shows side by side and whose winning values the merge sets on the survivor. */
export const REVIEW_FIELDS: Record<ReviewObject, readonly string[]> = {
  Lead: ['FirstName', 'LastName', 'Email', 'Phone', 'Company', 'Website', 'Title'],
  Contact: ['FirstName', 'LastName', 'Email', 'Phone', 'Title'],
  Account: ['Name', 'Website', 'Phone'],
};

const COUNTRY_FIELD: Record<ReviewObject, string> = {
  Lead: 'Country',
  Contact: 'MailingCountry',
  Account: 'BillingCountry',
};

function reviewObject(objectName: string): ReviewObject {
  if (objectName === 'Lead' || objectName === 'Contact' || objectName === 'Account') return objectName;
  throw new RuleInputError(`dedup review object "${objectName}" is unknown; use Lead, Contact or Account`);
}

function text(v: FieldValue | undefined): string {
  return isBlank(v) ? '' : String(v).trim().toLowerCase();
}

/**
 * The blocking keys of a record, sorted: two records are compared only when they share one. Every object: the
 * phone in E.164 in the record's country (US when unknown) as "p:". Accounts: the website domain "d:" and the
 * normalised company name "c:". Persons: the trimmed lower-case e-mail "e:" and "n:last:f" (last name, first
 * initial; the initial is empty without a first name).
 */
export function blockKeys(record: SRecord, objectName: string): string[] {
  const object = reviewObject(objectName);
  const keys = new Set<string>();
  const phone = phoneToE164(record.Phone, countryCode(record[COUNTRY_FIELD[object]]) ?? 'US');
  if (phone !== null) keys.add(`p:${phone}`);
  if (object === 'Account') {
    const domain = websiteDomain(record.Website);
    const name = normalizeCompany(record.Name);
    if (domain !== '') keys.add(`d:${domain}`);
    if (name !== '') keys.add(`c:${name}`);
  } else {
    const email = text(record.Email);
    if (email !== '') keys.add(`e:${email}`);
    const last = text(record.LastName);
    if (last !== '') keys.add(`n:${last}:${text(record.FirstName).slice(0, 1)}`);
  }
  return [...keys].sort(compareIds);
}

const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * A Salesforce Id in its 18-character form, as Apex Id.valueOf gives it: a 15-character Id gets the three
 * checksum characters of its upper-case letters; an 18-character Id is kept.
 */
export function id18(id: string): string {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(id ?? '')) {
    throw new RuleInputError(`"${id}" is not a Salesforce Id (15 or 18 letters and digits)`);
  }
  if (id.length === 18) return id;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_CHARS.charAt(bits);
  }
  return id + suffix;
}

/** The key of a pair, whichever way round: the two 18-character Ids sorted, joined by ':'. */
export function pairKey(a: string, b: string): string {
  const [x, y] = [id18(a), id18(b)].sort(compareIds);
  return `${x}:${y}`;
}

/** The keys of every pair of `ids`, in their order (i before j). */
export function pairKeys(ids: readonly string[]): string[] {
  const keys: string[] = [];
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) keys.push(pairKey(ids[i], ids[j]));
  return keys;
}

/** The cluster key: object, kind and the sorted 18-character member Ids (whoever survives). */
export function clusterKey(objectName: string, kind: string, ids: readonly string[]): string {
  return `${objectName}:${kind}:${ids.map(id18).sort(compareIds).join(',')}`;
}

export interface Winner {
  value: FieldValue;
  from: string | null;
}

/**
 * The winning value per field when the records rank in `order` (the survivor first): the first non-blank value,
 * with the Id (as given in `order`) of the record it comes from; { value: null, from: null } when nobody has one.
 */
export function winners(
  order: readonly string[],
  records: readonly SRecord[],
  fields: readonly string[],
): Record<string, Winner> {
  const byId = new Map<string, SRecord>();
  for (const r of records) {
    if (typeof r.Id !== 'string') throw new RuleInputError('every record of winners needs its Id');
    byId.set(id18(r.Id), r);
  }
  const out: Record<string, Winner> = {};
  for (const f of fields) {
    out[f] = { value: null, from: null };
    for (const rid of order) {
      const v = byId.get(id18(rid))?.[f];
      if (v !== undefined && !isBlank(v)) {
        out[f] = { value: v, from: rid };
        break;
      }
    }
  }
  return out;
}
