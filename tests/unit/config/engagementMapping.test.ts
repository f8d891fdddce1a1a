// Engagement_Mapping__mdt: the config loader's checks (scripts/lib/config/schema/engagement.ts) refuse what the
// type's validation rules refuse, record by record; both are run on the same bad records here.
import { describe, expect, it } from 'vitest';
import { ENGAGEMENT_MAPPING, validateRecord } from '../../../scripts/lib/config/schema/index.ts';
import type { RawValue } from '../../../scripts/lib/config/types.ts';
import { evaluateValidationRule } from '../../../tooling/formula/index.ts';

const GOOD: Record<string, RawValue> = {
  Provider__c: 'hubspot',
  Event__c: 'contact.propertyChange',
  Property_Filter__c: 'propertyName=recent_conversion_event_name;propertyValue*=demo',
  Signal__c: 'Demo Request',
  Create_Lead__c: false,
  Points_Override__c: null,
  Order__c: 30,
  Description__c: null,
  Active__c: true,
};

const check = (values: Record<string, RawValue>) => {
  const record = { type: 'Engagement_Mapping', name: 'Test', label: 'Test', values: { ...GOOD, ...values } };
  const loader = validateRecord(ENGAGEMENT_MAPPING, record).issues.map((i) => i.field);
  const rules = [
    'Provider_Valid',
    'Event_Required',
    'Signal_Valid',
    'Property_Filter_Format',
    'Create_Lead_Needs_Email_Provider',
    'Points_Override_Range',
  ].filter((r) => evaluateValidationRule('Engagement_Mapping__mdt', r, { record: record.values }).fires);
  return { loader, rules };
};

describe('Engagement_Mapping__mdt records', () => {
  it('a good record passes the loader and every validation rule', () => {
    expect(check({})).toEqual({ loader: [], rules: [] });
  });

  it.each([
    [{ Provider__c: 'HubSpot' }, 'Provider__c', 'Provider_Valid'],
    [{ Provider__c: 'mailchimp' }, 'Provider__c', 'Provider_Valid'],
    [{ Event__c: null }, 'Event__c', 'Event_Required'],
    [{ Signal__c: 'Pricing' }, 'Signal__c', 'Signal_Valid'],
    [{ Property_Filter__c: 'propertyName' }, 'Property_Filter__c', 'Property_Filter_Format'],
    [{ Property_Filter__c: 'a=1;;b=2' }, 'Property_Filter__c', 'Property_Filter_Format'],
    [{ Create_Lead__c: true }, 'Create_Lead__c', 'Create_Lead_Needs_Email_Provider'],
    [{ Points_Override__c: 120 }, 'Points_Override__c', 'Points_Override_Range'],
  ])('%j is refused by the loader (%s) and by the rule %s', (values, field, rule) => {
    expect(check(values)).toEqual({ loader: [field], rules: [rule] });
  });

  it('accepts a contains filter on a URL, a wildcard event, Create Lead for a provider with e-mails and negative points', () => {
    expect(
      check({
        Provider__c: 'segment',
        Event__c: '*',
        Property_Filter__c: 'url*=/pricing',
        Create_Lead__c: true,
        Points_Override__c: -20,
      }),
    ).toEqual({ loader: [], rules: [] });
  });
});
