// Dedup: Dedup_Rule__mdt (match keys, thresholds and merge priority per object).
import { MATCH_KEYS } from '../../rules/match.ts';
import { MERGE_CRITERIA } from '../../rules/merge.ts';
import { check, isBlank, num, type TypeDef } from './fields.ts';

export const DEDUP_RULE: TypeDef = {
  type: 'Dedup_Rule',
  fields: [
    {
      api: 'Object__c',
      key: 'object',
      kind: 'picklist',
      options: ['Lead', 'Contact', 'Account'],
      required: true,
      message: 'Object__c must be Lead, Contact or Account',
    },
    {
      api: 'Match_Keys__c',
      key: 'matchKeys',
      kind: 'list',
      required: true,
      options: MATCH_KEYS,
      message: `Match_Keys__c must list keys separated by ";" from: ${MATCH_KEYS.join(', ')}`,
    },
    { api: 'Match_Threshold__c', key: 'matchThreshold', kind: 'number' },
    { api: 'Review_Threshold__c', key: 'reviewThreshold', kind: 'number' },
    { api: 'System_Of_Record_Field__c', key: 'systemOfRecordField', kind: 'text' },
    {
      api: 'Merge_Priority__c',
      key: 'mergePriority',
      kind: 'list',
      required: true,
      options: MERGE_CRITERIA,
      message:
        'Merge_Priority__c must list criteria separated by ";" from: system_of_record, most_recent_activity, oldest_created',
    },
    { api: 'Field_Weights__c', key: 'fieldWeights', kind: 'json' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
  ],
  checks: (r) => {
    const match = num(r, 'Match_Threshold__c');
    const review = num(r, 'Review_Threshold__c');
    const weights = (r.Field_Weights__c as Record<string, number> | null) ?? {};
    const badWeight = Object.keys(weights).find((k) => !(MATCH_KEYS as readonly string[]).includes(k));
    return [
      ...check(
        match === null || review === null || match <= 0 || match > 1 || review <= 0 || review > match,
        'Match_Threshold__c',
        'Match_Threshold__c must be above 0 and at most 1, and Review_Threshold__c above 0 and at most Match_Threshold__c',
      ),
      ...check(
        ((r.Merge_Priority__c as string[] | null) ?? []).includes('system_of_record') &&
          isBlank(r.System_Of_Record_Field__c),
        'System_Of_Record_Field__c',
        'Merge_Priority__c uses system_of_record, so System_Of_Record_Field__c must name the checkbox that marks it',
      ),
      ...check(
        badWeight !== undefined,
        'Field_Weights__c',
        `Field_Weights__c keys must be match keys (${MATCH_KEYS.join(', ')}); '${badWeight}' is not one`,
      ),
    ];
  },
};

/** The types of this file, in the order TYPE_DEFS lists them. */
export const DEDUP_TYPES: TypeDef[] = [DEDUP_RULE];
