// Enrichment on create: Enrichment_Provider__mdt (Named Credential, daily budget, rank of each provider) and
// Enrichment_Mapping__mdt (provider attribute -> Lead/Contact field, optional rank); rules/enrichment.ts decide,
// EnrichmentService / EnrichmentPrecedence.
import { ENRICHMENT_ATTRIBUTES, ENRICHMENT_PROVIDERS } from '../../rules/enrichment.ts';
import { check, num, str, type TypeDef } from './fields.ts';

const isProvider = (v: string): boolean => (ENRICHMENT_PROVIDERS as readonly string[]).includes(v);
const PROVIDER_MESSAGE = 'Provider__c must be clearbit, apollo or zoominfo (lower case).';

export const ENRICHMENT_PROVIDER: TypeDef = {
  type: 'Enrichment_Provider',
  fields: [
    { api: 'Provider__c', key: 'provider', kind: 'text' },
    { api: 'Named_Credential__c', key: 'namedCredential', kind: 'text' },
    { api: 'Daily_Budget__c', key: 'dailyBudget', kind: 'number' },
    { api: 'Rank__c', key: 'rank', kind: 'number' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: false },
  ],
  // one check per validation rule of objects/Enrichment_Provider__mdt
  checks: (r) => {
    const budget = num(r, 'Daily_Budget__c');
    const rank = num(r, 'Rank__c');
    return [
      ...check(!isProvider(str(r, 'Provider__c')), 'Provider__c', PROVIDER_MESSAGE),
      ...check(
        str(r, 'Named_Credential__c') === '',
        'Named_Credential__c',
        'Named_Credential__c is required: the API name of the Named Credential to call (e.g. RevOps_Clearbit).',
      ),
      ...check(
        budget === null || budget < 1,
        'Daily_Budget__c',
        'Daily_Budget__c must be 1 or more: the most callouts a day to this provider.',
      ),
      ...check(
        rank === null || rank < 1,
        'Rank__c',
        'Rank__c must be 1 or more (1 = most trusted provider).',
      ),
    ];
  },
};

export const ENRICHMENT_MAPPING: TypeDef = {
  type: 'Enrichment_Mapping',
  fields: [
    { api: 'Provider__c', key: 'provider', kind: 'text' },
    { api: 'Object__c', key: 'object', kind: 'text' },
    { api: 'Attribute__c', key: 'attribute', kind: 'text' },
    { api: 'Target_Field__c', key: 'targetField', kind: 'text' },
    { api: 'Rank__c', key: 'rank', kind: 'number' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
  ],
  // one check per validation rule of objects/Enrichment_Mapping__mdt
  checks: (r) => {
    const rank = num(r, 'Rank__c');
    return [
      ...check(!isProvider(str(r, 'Provider__c')), 'Provider__c', PROVIDER_MESSAGE),
      ...check(
        !['Lead', 'Contact', 'Account'].includes(str(r, 'Object__c')),
        'Object__c',
        'Object__c must be Lead, Contact or Account.',
      ),
      ...check(
        !(ENRICHMENT_ATTRIBUTES as readonly string[]).includes(str(r, 'Attribute__c')),
        'Attribute__c',
        `Attribute__c must be ${ENRICHMENT_ATTRIBUTES.slice(0, -1).join(', ')} or ${ENRICHMENT_ATTRIBUTES.at(-1)}.`,
      ),
      ...check(
        str(r, 'Target_Field__c') === '',
        'Target_Field__c',
        'Target_Field__c is required: the API name of the Lead, Contact or Account field to fill (e.g. NumberOfEmployees).',
      ),
      ...check(
        rank !== null && rank < 1,
        'Rank__c',
        "Rank__c must be blank (the provider's rank) or 1 or more (1 = most trusted).",
      ),
    ];
  },
};

export const ENRICHMENT_TYPES: TypeDef[] = [ENRICHMENT_PROVIDER, ENRICHMENT_MAPPING];
