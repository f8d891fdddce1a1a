// Digest: Lead_Digest_Setting__mdt (the daily lead activity digest: rules/digest.ts, LeadDigestJob.cls).
import { ENGAGEMENT_SIGNALS } from './engagement.ts';
import { check, num, type TypeDef } from './fields.ts';

/** Messages used both for a value of the wrong type and by the check that mirrors the validation rule. */
const MSG = {
  sendHour: "Send_Hour__c must be a whole hour from 0 to 23 (the rep's local time).",
  maxLeads: 'Max_Leads__c must be a number from 1 to 200.',
  returnDays: 'Return_Visit_Days__c must be at least 1 day (blank: no return visits).',
  signals: `Signals__c must list Engagement_Event__c signals separated by ; (e.g. Demo Request;Pricing Page) from: ${ENGAGEMENT_SIGNALS.join(', ')}.`,
};

export const LEAD_DIGEST_SETTING: TypeDef = {
  type: 'Lead_Digest_Setting',
  fields: [
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
    { api: 'Send_Hour__c', key: 'sendHour', kind: 'number', message: MSG.sendHour },
    {
      api: 'Signals__c',
      key: 'signals',
      kind: 'list',
      required: true,
      options: ENGAGEMENT_SIGNALS,
      message: MSG.signals,
    },
    { api: 'Return_Visit_Days__c', key: 'returnVisitDays', kind: 'number', message: MSG.returnDays },
    { api: 'Max_Leads__c', key: 'maxLeads', kind: 'number', message: MSG.maxLeads },
  ],
  // one check per validation rule of objects/Lead_Digest_Setting__mdt (Signals_Required: the field is required)
  checks: (r) => {
    const hour = num(r, 'Send_Hour__c');
    const max = num(r, 'Max_Leads__c');
    const days = num(r, 'Return_Visit_Days__c');
    return [
      ...check(
        hour === null || hour < 0 || hour > 23 || !Number.isInteger(hour),
        'Send_Hour__c',
        MSG.sendHour,
      ),
      ...check(max === null || max < 1 || max > 200 || !Number.isInteger(max), 'Max_Leads__c', MSG.maxLeads),
      ...check(days !== null && days < 1, 'Return_Visit_Days__c', MSG.returnDays),
    ];
  },
};

/** The types of this file, in the order TYPE_DEFS lists them. */
export const DIGEST_TYPES: TypeDef[] = [LEAD_DIGEST_SETTING];
