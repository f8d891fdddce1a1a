// Pipeline: Stage_Policy__mdt (opportunity stage hygiene) and Approval_Tier__mdt (deal-desk approval tiers).
import { FUNNEL_STAGES } from '../../rules/metricSnapshot.ts';
import { API_NAME, bool, check, isBlank, num, str, type TypeDef } from './fields.ts';

/** The opportunity stages in order: the funnel (Qualified … Closed Won) and Closed Lost. */
export const STAGES: readonly string[] = [...FUNNEL_STAGES, 'Closed Lost'];
export const TIERS = ['Standard', 'Manager', 'VP Sales', 'Deal Desk', 'Finance and Legal'] as const;
export const APPROVERS = ['Manager', 'VP_Sales', 'Deal_Desk', 'Finance', 'Legal'] as const;
const FORECAST = ['Pipeline', 'Best Case', 'Commit', 'Closed', 'Omitted'];

/** Messages used both for a value of the wrong type and by the check that mirrors the validation rule. */
const MSG = {
  order: 'Order__c must be a whole number of 1 or more',
  probability: 'Probability__c must be between 0 and 100',
};

export const STAGE_POLICY: TypeDef = {
  type: 'Stage_Policy',
  fields: [
    { api: 'Stage__c', key: 'stage', kind: 'text', required: true },
    {
      api: 'Order__c',
      key: 'order',
      kind: 'number',
      message: MSG.order,
    },
    { api: 'Required_Fields__c', key: 'requiredFields', kind: 'text' },
    { api: 'Stale_Multiplier__c', key: 'staleMultiplier', kind: 'number' },
    {
      api: 'Probability__c',
      key: 'probability',
      kind: 'number',
      message: MSG.probability,
    },
    { api: 'Forecast_Category__c', key: 'forecastCategory', kind: 'text' },
    { api: 'Is_Closed__c', key: 'isClosed', kind: 'checkbox' },
    { api: 'Is_Won__c', key: 'isWon', kind: 'checkbox' },
    { api: 'Close_Date_Not_Future__c', key: 'closeDateNotFuture', kind: 'checkbox', default: false },
  ],
  checks: (r) => {
    const order = num(r, 'Order__c');
    const p = num(r, 'Probability__c');
    const stale = num(r, 'Stale_Multiplier__c');
    const req = str(r, 'Required_Fields__c');
    return [
      ...check(
        !STAGES.includes(str(r, 'Stage__c')),
        'Stage__c',
        `Stage__c must be one of the opportunity stages: ${STAGES.join(', ')}`,
      ),
      ...check(order === null || order < 1, 'Order__c', MSG.order),
      ...check(p === null || p < 0 || p > 100, 'Probability__c', MSG.probability),
      ...check(
        !bool(r, 'Is_Closed__c') && (stale === null || stale < 1),
        'Stale_Multiplier__c',
        'Open stages need Stale_Multiplier__c of 1 or more (e.g. 2 = stale after twice the average days in stage)',
      ),
      ...check(
        bool(r, 'Is_Won__c') && !bool(r, 'Is_Closed__c'),
        'Is_Closed__c',
        'A won stage must also be closed: check Is_Closed__c',
      ),
      ...check(
        !FORECAST.includes(str(r, 'Forecast_Category__c')),
        'Forecast_Category__c',
        'Forecast_Category__c must be Pipeline, Best Case, Commit, Closed or Omitted',
      ),
      ...check(
        req !== '' && !req.split(';').every((f) => API_NAME.test(f)),
        'Required_Fields__c',
        'Required_Fields__c must be field API names separated by ";" (e.g. Pain_Points__c;Timeline__c)',
      ),
    ];
  },
};

export const APPROVAL_TIER: TypeDef = {
  type: 'Approval_Tier',
  fields: [
    {
      api: 'Order__c',
      key: 'order',
      kind: 'number',
      message: MSG.order,
    },
    { api: 'Tier__c', key: 'tier', kind: 'text', required: true },
    { api: 'Min_Discount__c', key: 'minDiscount', kind: 'percent' },
    { api: 'Max_Discount__c', key: 'maxDiscount', kind: 'percent' },
    { api: 'Triggers_On_Non_Standard_Terms__c', key: 'triggersOnNonStandardTerms', kind: 'checkbox' },
    { api: 'Min_Term_Months__c', key: 'minTermMonths', kind: 'number' },
    { api: 'Segment__c', key: 'segment', kind: 'text' },
    { api: 'Approvers__c', key: 'approvers', kind: 'text' },
    { api: 'Parallel__c', key: 'parallel', kind: 'checkbox' },
    { api: 'Approval_Process__c', key: 'approvalProcess', kind: 'text' },
  ],
  checks: (r) => {
    const tier = str(r, 'Tier__c');
    const order = num(r, 'Order__c');
    const min = num(r, 'Min_Discount__c');
    const max = num(r, 'Max_Discount__c');
    const term = num(r, 'Min_Term_Months__c');
    const approvers = str(r, 'Approvers__c');
    const std = tier === 'Standard';
    return [
      ...check(
        !(TIERS as readonly string[]).includes(tier),
        'Tier__c',
        `Tier__c must be one of: ${TIERS.join(', ')}`,
      ),
      ...check(order === null || order < 1, 'Order__c', MSG.order),
      ...check(
        (min !== null && (min < 0 || min > 100)) ||
          (max !== null && (max <= 0 || max > 100)) ||
          (min !== null && max !== null && min >= max),
        'Min_Discount__c',
        'Min_Discount__c and Max_Discount__c must be between 0% and 100%, with Min below Max',
      ),
      ...check(
        !std &&
          min === null &&
          !bool(r, 'Triggers_On_Non_Standard_Terms__c') &&
          term === null &&
          isBlank(r.Segment__c),
        'Min_Discount__c',
        'Set at least one condition: Min_Discount__c, Triggers_On_Non_Standard_Terms__c, Min_Term_Months__c or Segment__c',
      ),
      ...check(
        !std && !approvers.split(';').every((a) => (APPROVERS as readonly string[]).includes(a)),
        'Approvers__c',
        'Approvers__c must list approvers separated by ";" from: Manager, VP_Sales, Deal_Desk, Finance, Legal',
      ),
      ...check(
        !std && isBlank(r.Approval_Process__c),
        'Approval_Process__c',
        'Approval_Process__c is required for every tier above Standard (the Opportunity approval process DeveloperName)',
      ),
      ...check(
        std && (!isBlank(r.Approvers__c) || !isBlank(r.Approval_Process__c)),
        'Approvers__c',
        'The Standard tier is auto-approved: leave Approvers__c and Approval_Process__c blank',
      ),
      ...check(
        bool(r, 'Parallel__c') && !approvers.includes(';'),
        'Parallel__c',
        'A Parallel tier needs at least two approvers in Approvers__c (e.g. Finance;Legal)',
      ),
      ...check(term !== null && term < 1, 'Min_Term_Months__c', 'Min_Term_Months__c must be at least 1'),
    ];
  },
};

/** The types of this file, in the order TYPE_DEFS lists them. */
export const PIPELINE_TYPES: TypeDef[] = [STAGE_POLICY, APPROVAL_TIER];
