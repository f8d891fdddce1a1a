// Scheduling: Scheduling_Setting__mdt (what a scheduling tool's booking may create, and where a meeting no rep can
// take goes: SchedulingService.cls, its twin scripts/lib/engine/scheduling.ts).
import { check, isBlank, str, type TypeDef } from './fields.ts';

/** Messages used both for a value of the wrong type and by the check that mirrors the validation rule. */
const MSG = {
  leadSource:
    'Lead_Source__c is required when Create_Lead__c is on (a Lead Source value, e.g. Meeting Booked).',
  fallbackOwner: "Fallback_Owner__c must be a user's Username (name@domain, no spaces), or blank.",
  alertQueue:
    "Alert_Queue__c must be a queue's DeveloperName (letters, digits and underscores, e.g. Lead_Fallback), or blank.",
};

export const SCHEDULING_SETTING: TypeDef = {
  type: 'Scheduling_Setting',
  fields: [
    { api: 'Create_Lead__c', key: 'createLead', kind: 'checkbox', default: false },
    { api: 'Lead_Source__c', key: 'leadSource', kind: 'text' },
    { api: 'Fallback_Owner__c', key: 'fallbackOwner', kind: 'text' },
    { api: 'Alert_Queue__c', key: 'alertQueue', kind: 'text' },
  ],
  // one check per validation rule of objects/Scheduling_Setting__mdt
  checks: (r) => {
    const fallback = str(r, 'Fallback_Owner__c');
    const queue = str(r, 'Alert_Queue__c');
    return [
      ...check(r.Create_Lead__c === true && isBlank(r.Lead_Source__c), 'Lead_Source__c', MSG.leadSource),
      ...check(
        fallback !== '' && (!fallback.includes('@') || fallback.includes(' ')),
        'Fallback_Owner__c',
        MSG.fallbackOwner,
      ),
      ...check(queue !== '' && !/^[A-Za-z][A-Za-z0-9_]*$/.test(queue), 'Alert_Queue__c', MSG.alertQueue),
    ];
  },
};

/** The types of this file, in the order TYPE_DEFS lists them. */
export const SCHEDULING_TYPES: TypeDef[] = [SCHEDULING_SETTING];
