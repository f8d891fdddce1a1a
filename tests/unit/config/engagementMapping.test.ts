// Engagement_Mapping__mdt: the config loader's checks (scripts/lib/config/schema/engagement.ts) refuse what the
// type's validation rules refuse, record by record; both are run on the same bad records here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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
  Identify_Only__c: false,
  Points_Override__c: null,
  Order__c: 30,
  Description__c: null,
  Active__c: true,
};

const RULES = [
  'Provider_Valid',
  'Event_Required',
  'Signal_Valid',
  'Property_Filter_Format',
  'Create_Lead_Needs_Email_Provider',
  'Points_Override_Range',
  'Identify_Only_Saves_No_Event',
];

const check = (values: Record<string, RawValue>) => {
  const record = { type: 'Engagement_Mapping', name: 'Test', label: 'Test', values: { ...GOOD, ...values } };
  const loader = validateRecord(ENGAGEMENT_MAPPING, record).issues.map((i) => i.field);
  const rules = RULES.filter(
    (r) => evaluateValidationRule('Engagement_Mapping__mdt', r, { record: record.values }).fires,
  );
  return { loader, rules };
};

describe('Engagement_Mapping__mdt records', () => {
  it('checks every validation rule of the type', () => {
    const dir = join(
      import.meta.dirname,
      '../../../force-app/main/default/objects/Engagement_Mapping__mdt/validationRules',
    );
    const shipped = readdirSync(dir).map((f) => f.replace('.validationRule-meta.xml', ''));
    expect([...RULES].sort()).toEqual(shipped.sort());
  });

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
    [{ Identify_Only__c: true }, 'Identify_Only__c', 'Identify_Only_Saves_No_Event'],
    [
      { Identify_Only__c: true, Signal__c: null, Points_Override__c: 10 },
      'Identify_Only__c',
      'Identify_Only_Saves_No_Event',
    ],
    [
      { Identify_Only__c: true, Signal__c: null, Create_Lead__c: true, Provider__c: 'segment' },
      'Identify_Only__c',
      'Identify_Only_Saves_No_Event',
    ],
    [{ Signal__c: null }, 'Signal__c', 'Signal_Valid'],
  ])('%j is refused by the loader (%s) and by the rule %s', (values, field, rule) => {
    expect(check(values)).toEqual({ loader: [field], rules: [rule] });
  });

  it('accepts an identify-only mapping without a signal (HubSpot_Identify: the e-mail property links the contact id)', () => {
    expect(
      check({
        Property_Filter__c: 'propertyName=email',
        Signal__c: null,
        Identify_Only__c: true,
      }),
    ).toEqual({ loader: [], rules: [] });
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
