// Lifecycle: Lifecycle_Field_Policy__mdt (progressive profiling: the fields a Lead or Contact needs to enter a
// lifecycle stage; the Lead/Contact validation rules are generated from these records).
import { LIFECYCLE_STAGES } from '../../rules/lifecycle.ts';
import { check, str, type TypeDef } from './fields.ts';

const FIELD_LIST = /^[A-Za-z][A-Za-z0-9_]*(;[A-Za-z][A-Za-z0-9_]*)*$/;

export const LIFECYCLE_FIELD_POLICY: TypeDef = {
  type: 'Lifecycle_Field_Policy',
  fields: [
    {
      api: 'Object__c',
      key: 'object',
      kind: 'picklist',
      options: ['Lead', 'Contact'],
      required: true,
      message: 'Object__c must be Lead or Contact',
    },
    {
      api: 'Stage__c',
      key: 'stage',
      kind: 'picklist',
      options: LIFECYCLE_STAGES,
      required: true,
      message: `Stage__c must be one of the lifecycle stages: ${LIFECYCLE_STAGES.join(', ')}`,
    },
    { api: 'Required_Fields__c', key: 'requiredFields', kind: 'text' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
  ],
  checks: (r) => {
    const req = str(r, 'Required_Fields__c');
    return check(
      req !== '' && !FIELD_LIST.test(req),
      'Required_Fields__c',
      'Required_Fields__c must be field API names of the object separated by ";" (e.g. Email;Country)',
    );
  },
};

export const LIFECYCLE_TYPES: TypeDef[] = [LIFECYCLE_FIELD_POLICY];
