// Engagement in: Engagement_Mapping__mdt (a provider's event name and property filters -> an Engagement_Event__c
// signal; rules/engagement.ts mapEvent, EngagementService.mapEvent).
import { PROVIDERS } from '../../rules/engagement.ts';
import { bool, check, num, str, type TypeDef } from './fields.ts';

/** Engagement_Event__c.Signal__c values (objects/Engagement_Event__c/fields/Signal__c, restricted picklist). */
export const ENGAGEMENT_SIGNALS = [
  'Pricing Page',
  'Demo Request',
  'Case Study',
  'Webinar',
  'Email Open',
  'Email Click',
  'Product Usage',
  'Content Download',
  'Referral',
  'Case Study Participant',
  'Unsubscribe',
] as const;

const FILTER = /^[A-Za-z0-9_.$[\]-]+\*?=[^;=]+(;[A-Za-z0-9_.$[\]-]+\*?=[^;=]+)*$/;

export const ENGAGEMENT_MAPPING: TypeDef = {
  type: 'Engagement_Mapping',
  fields: [
    { api: 'Provider__c', key: 'provider', kind: 'text' },
    { api: 'Event__c', key: 'event', kind: 'text' },
    { api: 'Property_Filter__c', key: 'filter', kind: 'text' },
    { api: 'Signal__c', key: 'signal', kind: 'text' },
    { api: 'Create_Lead__c', key: 'createLead', kind: 'checkbox', default: false },
    { api: 'Identify_Only__c', key: 'identifyOnly', kind: 'checkbox', default: false },
    { api: 'Points_Override__c', key: 'pointsOverride', kind: 'number' },
    { api: 'Order__c', key: 'order', kind: 'number' },
    { api: 'Description__c', key: 'description', kind: 'text' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
  ],
  // one check per validation rule of objects/Engagement_Mapping__mdt
  checks: (r) => [
    ...check(
      num(r, 'Points_Override__c') !== null && Math.abs(num(r, 'Points_Override__c') as number) > 100,
      'Points_Override__c',
      "Points_Override__c must be blank (the scoring rule's points) or a number between -100 and 100.",
    ),
    ...check(
      !(PROVIDERS as readonly string[]).includes(str(r, 'Provider__c')),
      'Provider__c',
      'Provider__c must be hubspot, segment, marketo, activecampaign or generic (lower case, as in the endpoint URL).',
    ),
    ...check(
      str(r, 'Event__c') === '',
      'Event__c',
      "Event__c is required: the provider's event name, or * for any event.",
    ),
    ...check(
      !bool(r, 'Identify_Only__c') &&
        !(ENGAGEMENT_SIGNALS as readonly string[]).includes(str(r, 'Signal__c')),
      'Signal__c',
      `Signal__c must be an Engagement_Event__c signal (or check Identify_Only__c): ${ENGAGEMENT_SIGNALS.join(', ')}.`,
    ),
    ...check(
      bool(r, 'Identify_Only__c') &&
        (str(r, 'Signal__c') !== '' || num(r, 'Points_Override__c') !== null || bool(r, 'Create_Lead__c')),
      'Identify_Only__c',
      'Identify_Only__c saves no event: leave Signal__c and Points_Override__c blank and Create_Lead__c unchecked, or uncheck Identify_Only__c.',
    ),
    ...check(
      str(r, 'Property_Filter__c') !== '' && !FILTER.test(str(r, 'Property_Filter__c')),
      'Property_Filter__c',
      'Property_Filter__c must be name=value or name*=value conditions separated by ; (e.g. propertyName=hs_email_last_click_date;propertyValue*=demo).',
    ),
    ...check(
      bool(r, 'Create_Lead__c') && str(r, 'Provider__c') === 'hubspot',
      'Create_Lead__c',
      'Create_Lead__c cannot be set for hubspot: its webhook events carry the contact id, not an e-mail, so a lead could not be created. Match HubSpot contacts by Provider_Person_Id__c (hubspot:<contact id>).',
    ),
  ],
};

export const ENGAGEMENT_TYPES: TypeDef[] = [ENGAGEMENT_MAPPING];
