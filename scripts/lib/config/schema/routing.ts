// Routing: Routing_Rule__mdt (who gets a lead: account-based, territory, skill or round-robin).
import { parseCriteria } from '../../rules/types.ts';
import { check, isBlank, num, str, type TypeDef } from './fields.ts';

/** Messages used both for a value of the wrong type and by the check that mirrors the validation rule. */
const MSG = {
  priority: 'Priority__c must be a whole number of 1 or more (lower is tried first)',
  method: 'Method__c is required: Account-Based, Territory, Skill or Round-Robin',
};

const FALLBACK_MSG =
  'Fallback_Owner__c is required on a Lead rule (a queue DeveloperName such as Lead_Fallback), so no lead is ever left unassigned';

export const ROUTING_RULE: TypeDef = {
  type: 'Routing_Rule',
  fields: [
    {
      api: 'Priority__c',
      key: 'priority',
      kind: 'number',
      message: MSG.priority,
    },
    {
      api: 'Method__c',
      key: 'method',
      kind: 'picklist',
      options: ['Account-Based', 'Territory', 'Skill', 'Round-Robin'],
      message: MSG.method,
    },
    { api: 'Criteria__c', key: 'criteria', kind: 'text' },
    { api: 'Target_Pool__c', key: 'targetPool', kind: 'text' },
    { api: 'Target_Queue__c', key: 'targetQueue', kind: 'text' },
    { api: 'Target_User__c', key: 'targetUser', kind: 'text' },
    // required on a Lead rule (checks below): a contact or account no rule places keeps its owner
    { api: 'Fallback_Owner__c', key: 'fallbackOwner', kind: 'text' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
    { api: 'Object__c', key: 'object', kind: 'picklist', options: ['Lead', 'Contact', 'Account'] },
  ],
  checks: (r) => {
    const method = str(r, 'Method__c');
    const priority = num(r, 'Priority__c');
    const object = str(r, 'Object__c') || 'Lead';
    const noTarget = isBlank(r.Target_Pool__c) && isBlank(r.Target_Queue__c) && isBlank(r.Target_User__c);
    let criteriaProblem: string | null = null;
    try {
      parseCriteria(str(r, 'Criteria__c') || null);
    } catch (err) {
      criteriaProblem = (err as Error).message;
    }
    return [
      ...check(priority === null || priority < 1, 'Priority__c', MSG.priority),
      ...check(method === '', 'Method__c', MSG.method),
      ...check(
        method !== 'Account-Based' && method !== '' && noTarget,
        'Target_Pool__c',
        'Territory, Skill and Round-Robin rules need a target: Target_Pool__c, Target_Queue__c or Target_User__c',
      ),
      ...check(
        (method === 'Round-Robin' || method === 'Skill') && isBlank(r.Target_Pool__c),
        'Target_Pool__c',
        'Round-Robin and Skill rules choose among reps: set Target_Pool__c to a Rep_Availability__c pool',
      ),
      ...check(
        ['Territory', 'Skill', 'Account-Based'].includes(method) && isBlank(r.Criteria__c),
        'Criteria__c',
        'Account-Based, Territory and Skill rules need Criteria__c (e.g. "Country in US;CA")',
      ),
      ...check(criteriaProblem !== null, 'Criteria__c', `Criteria__c: ${criteriaProblem}`),
      ...check(object === 'Lead' && isBlank(r.Fallback_Owner__c), 'Fallback_Owner__c', FALLBACK_MSG),
      ...check(
        object !== 'Lead' && !isBlank(r.Target_Queue__c),
        'Target_Queue__c',
        'Contact and Account rules cannot target a queue (only users own contacts and accounts): clear Target_Queue__c and set Target_Pool__c or Target_User__c',
      ),
      ...check(
        object === 'Account' && method === 'Account-Based',
        'Method__c',
        'An Account rule routes by Territory, Skill or Round-Robin, not Account-Based: change Method__c',
      ),
    ];
  },
};

/** The types of this file, in the order TYPE_DEFS lists them. */
export const ROUTING_TYPES: TypeDef[] = [ROUTING_RULE];
