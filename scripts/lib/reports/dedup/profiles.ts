// Field mappings that point the one dedup engine at a record type.
// Lead / Contact / Account: field API names, shaped by the Dedup_Rule__mdt record (match keys, thresholds,
// weights) and scored by the rules' scorePair. Person mappings (e.g. FEBRL exports): a generic weighted
// field comparison over person/address columns.
import { z } from 'zod';
import type { DedupRule, MatchKey } from '../../rules/match.ts';
import type { BlockKeySpec, Blocking, FieldProfile, FieldSpec } from './engine.ts';
import type { MatchColumns } from './ruleScorer.ts';
import { ReportError } from '../db.ts';

export type SfObject = 'Lead' | 'Contact' | 'Account';

export interface SalesforceSetup {
  blocking: Blocking;
  columns: MatchColumns;
}

const BLOCK_LIMITS = { maxBlockSize: 200, window: 25 };

/** Default Dedup_Rule__mdt per object, used when the config has no active rule for it. */
export function defaultDedupRule(object: SfObject): DedupRule {
  return {
    name: `${object}_Default`,
    object,
    matchKeys:
      object === 'Account'
        ? ['company', 'website', 'phone']
        : ['email', 'email_domain', 'phone', 'company', 'name'],
    matchThreshold: 0.85,
    reviewThreshold: 0.7,
    systemOfRecordField: object === 'Account' ? 'Is_System_Of_Record__c' : null,
    mergePriority: ['system_of_record', 'most_recent_activity', 'oldest_created'],
  };
}

export function salesforceSetup(rule: DedupRule): SalesforceSetup {
  const o = rule.object;
  // the postal address: Billing on Account, Mailing on Contact, the Lead's own
  const prefix = o === 'Account' ? 'Billing' : o === 'Contact' ? 'Mailing' : '';
  const address = {
    street: `${prefix}Street`,
    postalCode: `${prefix}PostalCode`,
    city: `${prefix}City`,
  };
  const columns: MatchColumns =
    o === 'Account'
      ? { company: 'Name', phone: 'Phone', website: 'Website', country: 'BillingCountry', address }
      : // Contacts get "Company" from their Account's Name (joined when the records are read).
        {
          email: 'Email',
          phone: 'Phone',
          company: 'Company',
          name: ['FirstName', 'LastName'],
          website: o === 'Lead' ? 'Website' : undefined,
          country: o === 'Lead' ? 'Country' : 'MailingCountry',
          address,
        };
  const byKey: Record<MatchKey, BlockKeySpec[]> = {
    email: [{ name: 'email', parts: [{ field: 'Email', transform: 'exact' }] }],
    email_domain:
      o === 'Account'
        ? []
        : [
            {
              name: 'email domain + last name',
              parts: [
                { field: 'Email', transform: 'email_domain' },
                { field: 'LastName', transform: 'soundex' },
              ],
            },
          ],
    phone: [{ name: 'phone', parts: [{ field: 'Phone', transform: 'phone' }] }],
    company:
      o === 'Account'
        ? [{ name: 'company', parts: [{ field: 'Name', transform: 'company' }] }]
        : [
            {
              name: 'company + last name',
              parts: [
                { field: 'Company', transform: 'company' },
                { field: 'LastName', transform: 'soundex' },
              ],
            },
          ],
    name:
      o === 'Account'
        ? []
        : [
            {
              // a name alone is too common a key at scale (thousands of "Maria Garcia"): the first name within a
              // company, with the surname's initial only, so a surname typo ("Simon" -> "Siomn": another Soundex)
              // still meets its original when the e-mail and phone differ too
              name: 'name + company',
              parts: [
                { field: 'LastName', transform: 'initial' },
                { field: 'FirstName', transform: 'prefix3' },
                { field: 'Company', transform: 'company' },
              ],
            },
          ],
    website: [{ name: 'website', parts: [{ field: 'Website', transform: 'website' }] }],
    // an account's address is the business's own; people share their company's address with their colleagues, so
    // for Lead and Contact the block is the address with a sound-alike last name (as company + last name)
    address:
      o === 'Account'
        ? [{ name: 'address', parts: [{ field: address.street, transform: 'address' }] }]
        : [
            {
              name: 'address + last name',
              parts: [
                { field: address.street, transform: 'address' },
                { field: 'LastName', transform: 'soundex' },
              ],
            },
          ],
  };
  const keys = [...new Set(rule.matchKeys)].flatMap((k) => byKey[k] ?? []);
  // national phone numbers get the calling code of the record's own country
  return {
    blocking: {
      keys,
      ...BLOCK_LIMITS,
      countryField: columns.country,
      address: { postalCode: address.postalCode, city: address.city },
    },
    columns,
  };
}

/** Person/address columns of a generic export. Every key but `id` is optional. */
export const PersonMappingSchema = z
  .object({
    id: z.string().min(1),
    givenName: z.string(),
    surname: z.string(),
    streetNumber: z.string(),
    address1: z.string(),
    address2: z.string(),
    suburb: z.string(),
    postcode: z.string(),
    state: z.string(),
    dateOfBirth: z.string(),
    nationalId: z.string(),
    email: z.string(),
    phone: z.string(),
    matchThreshold: z.number().min(0).max(1),
    reviewThreshold: z.number().min(0).max(1),
  })
  .partial()
  .required({ id: true })
  .strict();
export type PersonMapping = z.infer<typeof PersonMappingSchema>;

/** The FEBRL record-linkage benchmark files (dataset3.csv etc.). */
export const FEBRL_MAPPING: PersonMapping = {
  id: 'rec_id',
  givenName: 'given_name',
  surname: 'surname',
  streetNumber: 'street_number',
  address1: 'address_1',
  address2: 'address_2',
  suburb: 'suburb',
  postcode: 'postcode',
  state: 'state',
  dateOfBirth: 'date_of_birth',
  nationalId: 'soc_sec_id',
};

export function parsePersonMapping(json: unknown, source: string): PersonMapping {
  const r = PersonMappingSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ReportError(`Mapping ${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, [
      `Keys: ${Object.keys(PersonMappingSchema.shape).join(', ')} (values are column names of the export; id is required).`,
    ]);
  }
  return r.data;
}

export function personProfile(m: PersonMapping): {
  blocking: Blocking;
  profile: FieldProfile;
  idField: string;
} {
  const f = (field: string | undefined, spec: Omit<FieldSpec, 'field'>): FieldSpec[] =>
    field ? [{ field, ...spec }] : [];
  const fields: FieldSpec[] = [
    ...f(m.givenName, { comparator: 'name', weight: 1, reason: 'given name match' }),
    ...f(m.surname, { comparator: 'name', weight: 1.5, reason: 'surname match' }),
    ...f(m.streetNumber, { comparator: 'digits', weight: 0.5, reason: 'street number match' }),
    ...f(m.address1, { comparator: 'text', weight: 1, reason: 'address match' }),
    ...f(m.address2, { comparator: 'text', weight: 0.5, reason: 'address line 2 match' }),
    ...f(m.suburb, { comparator: 'text', weight: 0.75, reason: 'suburb match' }),
    ...f(m.postcode, { comparator: 'digits', weight: 0.75, reason: 'postcode match' }),
    ...f(m.state, { comparator: 'exact', weight: 0.25, reason: 'state match' }),
    ...f(m.dateOfBirth, { comparator: 'digits', weight: 1.5, reason: 'date of birth match' }),
    ...f(m.nationalId, { comparator: 'digits', weight: 2, reason: 'id number match' }),
    ...f(m.email, { comparator: 'email', weight: 2, reason: 'same email' }),
    ...f(m.phone, { comparator: 'phone', weight: 1.5, reason: 'phone match' }),
  ];
  const keys: BlockKeySpec[] = [];
  const key = (
    name: string,
    ...parts: [string | undefined, BlockKeySpec['parts'][number]['transform']][]
  ): void => {
    if (parts.every(([fld]) => fld))
      keys.push({ name, parts: parts.map(([fld, transform]) => ({ field: fld!, transform })) });
  };
  key('id number', [m.nationalId, 'digits']);
  key('date of birth', [m.dateOfBirth, 'digits']);
  key('surname + postcode', [m.surname, 'soundex'], [m.postcode, 'digits']);
  key('name', [m.surname, 'soundex'], [m.givenName, 'prefix3']);
  key('given name + suburb', [m.givenName, 'soundex'], [m.suburb, 'prefix3']);
  key('email', [m.email, 'exact']);
  key('phone', [m.phone, 'phone']);
  return {
    idField: m.id,
    blocking: { keys, ...BLOCK_LIMITS },
    profile: {
      fields,
      matchThreshold: m.matchThreshold ?? 0.72,
      reviewThreshold: m.reviewThreshold ?? 0.62,
      minEvidence: 4,
    },
  };
}
