// Scoring: Scoring_Rule__mdt (fit, engagement and negative rules) and Scoring_Setting__mdt (MQL thresholds).
import { OPERATORS } from '../../rules/types.ts';
import { API_NAME, BETWEEN, check, isBlank, num, NUMBER, str, type TypeDef } from './fields.ts';

/** Messages used both for a value of the wrong type and by the check that mirrors the validation rule. */
const MSG = {
  model: 'Model__c is required: choose Fit, Engagement or Negative',
  points: 'Points__c must be a number between -100 and 100',
  fitThreshold: 'MQL_Fit_Threshold__c must be between 0 and Score_Cap__c',
  engagementThreshold: 'MQL_Engagement_Threshold__c must be between 0 and Score_Cap__c',
  scoreCap: 'Score_Cap__c must be a number between 1 and 1000',
};

export const SCORING_RULE: TypeDef = {
  type: 'Scoring_Rule',
  fields: [
    {
      api: 'Model__c',
      key: 'model',
      kind: 'picklist',
      options: ['Fit', 'Engagement', 'Negative'],
      message: MSG.model,
    },
    {
      api: 'Object__c',
      key: 'object',
      kind: 'picklist',
      options: ['Lead', 'Contact', 'Any'],
      required: true,
      message: 'Object__c must be Lead, Contact or Any',
    },
    { api: 'Field__c', key: 'field', kind: 'text' },
    { api: 'Signal__c', key: 'signal', kind: 'text' },
    { api: 'Operator__c', key: 'operator', kind: 'picklist', options: OPERATORS },
    { api: 'Value__c', key: 'value', kind: 'text' },
    {
      api: 'Points__c',
      key: 'points',
      kind: 'number',
      message: MSG.points,
    },
    { api: 'Half_Life_Days__c', key: 'halfLifeDays', kind: 'number' },
    { api: 'Max_Points__c', key: 'maxPoints', kind: 'number' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
    { api: 'Description__c', key: 'description', kind: 'text' },
  ],
  checks: (r) => {
    const model = str(r, 'Model__c');
    const op = str(r, 'Operator__c');
    const points = num(r, 'Points__c');
    const max = num(r, 'Max_Points__c');
    const half = num(r, 'Half_Life_Days__c');
    const value = str(r, 'Value__c');
    return [
      ...check(points === null || points < -100 || points > 100, 'Points__c', MSG.points),
      ...check(model === '', 'Model__c', MSG.model),
      ...check(
        model === 'Engagement' && (isBlank(r.Signal__c) || !isBlank(r.Field__c)),
        'Signal__c',
        'Engagement rules need Signal__c (an Engagement_Event__c signal) and no Field__c',
      ),
      ...check(
        model !== 'Engagement' && model !== '' && (isBlank(r.Field__c) || op === '' || !isBlank(r.Signal__c)),
        'Field__c',
        'Fit and Negative rules need Field__c and Operator__c, and no Signal__c',
      ),
      ...check(
        !isBlank(r.Field__c) && !API_NAME.test(str(r, 'Field__c')),
        'Field__c',
        'Field__c must be a field API name such as NumberOfEmployees or Tech_Stack__c',
      ),
      ...check(
        op !== '' && op !== 'is blank' && op !== 'is not blank' && value === '',
        'Value__c',
        'Value__c is required for this operator (only "is blank" and "is not blank" need no value)',
      ),
      ...check(
        (op === 'greater than' || op === 'less than') && !NUMBER.test(value),
        'Value__c',
        'Value__c must be a number for "greater than" and "less than"',
      ),
      ...check(
        op === 'between' && !BETWEEN.test(value),
        'Value__c',
        'Value__c must be "min;max" (two numbers separated by ";") for "between"',
      ),
      ...check(
        half !== null && (model !== 'Engagement' || half <= 0),
        'Half_Life_Days__c',
        'Half_Life_Days__c is for Engagement rules only and must be greater than 0',
      ),
      ...check(
        max !== null && (max <= 0 || max > 100 || Math.abs(points ?? 0) > max),
        'Max_Points__c',
        "Max_Points__c must be between 0 and 100 and at least the rule's own Points__c",
      ),
    ];
  },
};

export const SCORING_SETTING: TypeDef = {
  type: 'Scoring_Setting',
  fields: [
    {
      api: 'MQL_Fit_Threshold__c',
      key: 'mqlFitThreshold',
      kind: 'number',
      message: MSG.fitThreshold,
    },
    {
      api: 'MQL_Engagement_Threshold__c',
      key: 'mqlEngagementThreshold',
      kind: 'number',
      message: MSG.engagementThreshold,
    },
    {
      api: 'Score_Cap__c',
      key: 'scoreCap',
      kind: 'number',
      message: MSG.scoreCap,
    },
    { api: 'Burst_Window_Seconds__c', key: 'burstWindowSeconds', kind: 'number' },
    { api: 'Burst_Max_Events__c', key: 'burstMaxEvents', kind: 'number' },
    { api: 'MQL_Max_Negative__c', key: 'mqlMaxNegative', kind: 'number' },
  ],
  checks: (r) => {
    const cap = num(r, 'Score_Cap__c');
    const fit = num(r, 'MQL_Fit_Threshold__c');
    const eng = num(r, 'MQL_Engagement_Threshold__c');
    const win = num(r, 'Burst_Window_Seconds__c');
    const max = num(r, 'Burst_Max_Events__c');
    const maxNegative = num(r, 'MQL_Max_Negative__c');
    return [
      ...check(cap === null || cap < 1 || cap > 1000, 'Score_Cap__c', MSG.scoreCap),
      ...check(
        fit === null || fit < 0 || (cap !== null && fit > cap),
        'MQL_Fit_Threshold__c',
        MSG.fitThreshold,
      ),
      ...check(
        eng === null || eng < 0 || (cap !== null && eng > cap),
        'MQL_Engagement_Threshold__c',
        MSG.engagementThreshold,
      ),
      ...check(
        win === null || max === null || win <= 0 || max < 1,
        'Burst_Max_Events__c',
        'Burst_Window_Seconds__c must be greater than 0 and Burst_Max_Events__c at least 1',
      ),
      ...check(
        maxNegative !== null && (maxNegative <= 0 || (cap !== null && maxNegative > cap)),
        'MQL_Max_Negative__c',
        'MQL_Max_Negative__c must be greater than 0 and at most Score_Cap__c (or blank for no negative gate)',
      ),
    ];
  },
};

/** The types of this file, in the order TYPE_DEFS lists them. */
export const SCORING_TYPES: TypeDef[] = [SCORING_RULE, SCORING_SETTING];
