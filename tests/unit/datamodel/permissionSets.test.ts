import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_OBJECTS as OBJECTS, DEFAULT, fieldNames, readMeta, ROOT } from './helpers.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';

interface FieldPerm {
  field: string;
  editable: string;
  readable: string;
}
interface ObjPerm {
  object: string;
  allowCreate: string;
  allowRead: string;
  allowEdit: string;
  allowDelete: string;
  viewAllRecords: string;
  modifyAllRecords: string;
}
interface PermSet {
  classAccesses?: { apexClass: string; enabled: string }[];
  fieldPermissions: FieldPerm[];
  objectPermissions: ObjPerm[];
  customPermissions?: { name: string; enabled: string }[];
  customMetadataTypeAccesses: { name: string; enabled: string }[];
}
const sets = Object.fromEntries(
  ['RevOps_Admin', 'RevOps_Sales_Rep', 'RevOps_Deal_Desk'].map((n) => [
    n,
    readMeta<{ PermissionSet: PermSet }>(`permissionsets/${n}.permissionset-meta.xml`).PermissionSet,
  ]),
);
const field = (path: string) =>
  readMeta<{ CustomField: { required?: string; formula?: string } }>(
    `objects/${path.split('.')[0].replace(/^Event$/, 'Activity')}/fields/${path.split('.')[1]}.field-meta.xml`,
  ).CustomField;
// custom fields defined on Activity are granted as Event fields (the meetings the scheduling webhook books)
const fieldsOf = (objects: string[]) => [
  ...objects.flatMap((o) => fieldNames(o).map((f) => `${o}.${f}`)),
  ...fieldNames('Activity').map((f) => `Event.${f}`),
];
// Merge_Snapshot__c holds the undo copies of merged records, the dedup review objects the weekly review: admins only.
const ADMIN_ONLY = [
  'Merge_Snapshot__c',
  'Dedup_Review__c',
  'Dedup_Rejected_Pair__c',
  'Enrichment_Usage__c',
  'Lead_Digest__c',
].filter((o) => fieldNames(o).length > 0);

describe('permission sets', () => {
  for (const [name, ps] of Object.entries(sets)) {
    it(`${name} grants read on every RevOps field, never lists a required field and never edits a formula field`, () => {
      const listed = ps.fieldPermissions.map((p) => p.field).sort();
      const expected = fieldsOf(name === 'RevOps_Admin' ? [...OBJECTS, ...ADMIN_ONLY] : OBJECTS);
      expect(listed).toEqual(expected.filter((f) => field(f).required !== 'true').sort());
      for (const p of ps.fieldPermissions) {
        expect(p.readable, p.field).toBe('true');
        if (field(p.field).formula) expect(p.editable, p.field).toBe('false');
      }
    });

    it(`${name} can read every config type and keeps object permissions consistent (delete needs edit, modify-all needs view-all)`, () => {
      expect(ps.customMetadataTypeAccesses.map((a) => a.name).sort()).toEqual([
        'Approval_Tier__mdt',
        'Business_Calendar__mdt',
        'Dedup_Rule__mdt',
        'Engagement_Mapping__mdt',
        'Enrichment_Mapping__mdt',
        'Enrichment_Provider__mdt',
        'Lead_Digest_Setting__mdt',
        'Lifecycle_Field_Policy__mdt',
        'Routing_Rule__mdt',
        'SLA_Policy__mdt',
        'Scheduling_Setting__mdt',
        'Scoring_Rule__mdt',
        'Scoring_Setting__mdt',
        'Stage_Policy__mdt',
      ]);
      for (const o of ps.objectPermissions) {
        if (o.allowDelete === 'true') expect(o.allowEdit, o.object).toBe('true');
        if (o.allowEdit === 'true' || o.allowCreate === 'true') expect(o.allowRead, o.object).toBe('true');
        if (o.modifyAllRecords === 'true')
          expect([o.viewAllRecords, o.allowDelete], o.object).toEqual(['true', 'true']);
      }
    });
  }

  it('every RevOps user may call the panel controllers; only admins the merge REST resource', () => {
    const classes = readdirSync(join(DEFAULT, 'classes'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.cls'))
      .map((f) => f.split('/').at(-1)!.replace('.cls', ''));
    const controllers = classes.filter((c) => c.endsWith('Controller')).sort();
    expect(controllers.length).toBeGreaterThan(0);
    for (const [name, ps] of Object.entries(sets)) {
      const granted = (ps.classAccesses ?? []).map((c) => c.apexClass);
      for (const c of granted) expect(classes, `${name} grants ${c}`).toContain(c);
      expect(
        granted.filter((c) => c.endsWith('Controller')),
        name,
      ).toEqual(controllers);
      expect(granted.includes('RevOpsMergeResource'), name).toBe(
        name === 'RevOps_Admin' && classes.includes('RevOpsMergeResource'),
      );
    }
  });

  it('no working permission set carries a bypass: RevOps Admin runs the triggers and validation rules like everyone', () => {
    for (const [name, ps] of Object.entries(sets)) expect(ps.customPermissions, name).toBeUndefined();
  });

  it('RevOps Data Load holds exactly the two bypass permissions and no data access', () => {
    const load = readMeta<{
      PermissionSet: PermSet & {
        label: string;
        objectPermissions?: ObjPerm[];
        fieldPermissions?: FieldPerm[];
      };
    }>('permissionsets/RevOps_Data_Load.permissionset-meta.xml').PermissionSet;
    expect(load.label).toBe('RevOps Data Load (bypass)');
    expect(load.customPermissions?.map((p) => [p.name, p.enabled]).sort()).toEqual([
      ['RevOps_Bypass_Automation', 'true'],
      ['RevOps_Bypass_Validation', 'true'],
    ]);
    expect(load.objectPermissions).toBeUndefined();
    expect(load.fieldPermissions).toBeUndefined();
    expect(load.classAccesses).toBeUndefined();
    const customPermissions = readdirSync(join(DEFAULT, 'customPermissions'))
      .map((f) => f.split('.')[0])
      .sort();
    // the third marks the enrichment callers (RevOps_Enrichment), not a bypass
    expect(customPermissions).toEqual([
      'RevOps_Bypass_Automation',
      'RevOps_Bypass_Validation',
      'RevOps_Enrichment_Caller',
    ]);
  });

  it('sales reps can append history but never edit it, and cannot set scores, SLA clocks or approval fields', () => {
    const rep = sets.RevOps_Sales_Rep;
    for (const o of ['Lifecycle_Transition__c', 'Routing_Decision__c', 'SLA_Event__c']) {
      const p = rep.objectPermissions.find((x) => x.object === o);
      expect([p?.allowCreate, p?.allowEdit, p?.allowDelete], o).toEqual(['true', 'false', 'false']);
    }
    const editable = new Set(rep.fieldPermissions.filter((p) => p.editable === 'true').map((p) => p.field));
    for (const f of [
      'Lead.Fit_Score__c',
      'Lead.SLA_Status__c',
      'Contact.Lifecycle_Stage_Entered_At__c',
      'Opportunity.Approval_Status__c',
      'Opportunity.Close_Date_Push_Count__c',
    ]) {
      expect(editable.has(f), f).toBe(false);
    }
    for (const f of [
      'Opportunity.Pain_Points__c',
      'Opportunity.Close_Date_Push_Reason__c',
      'Lead.Recycle_Reason__c',
    ])
      expect(editable.has(f), f).toBe(true);
  });

  it('only RevOps Webhook Secrets grants the webhook secrets: the object and both fields, nothing else', () => {
    const secrets = readMeta<{ PermissionSet: PermSet & { classAccesses?: unknown } }>(
      'permissionsets/RevOps_Webhook_Secrets.permissionset-meta.xml',
    ).PermissionSet;
    expect(secrets.objectPermissions.map((o) => [o.object, o.allowCreate, o.allowRead, o.allowEdit])).toEqual(
      [['Webhook_Secret__c', 'true', 'true', 'true']],
    );
    expect(secrets.fieldPermissions.map((p) => [p.field, p.readable, p.editable]).sort()).toEqual(
      fieldNames('Webhook_Secret__c').map((f) => [`Webhook_Secret__c.${f}`, 'true', 'true']),
    );
    expect(secrets.classAccesses).toBeUndefined();
    for (const [name, ps] of Object.entries(sets))
      expect(
        [
          ...ps.objectPermissions.map((o) => o.object),
          ...ps.fieldPermissions.map((p) => p.field.split('.')[0]),
        ],
        name,
      ).not.toContain('Webhook_Secret__c');
  });

  it('RevOps Admin can write every RevOps field of Lead, Contact and Account that is not a formula (a merge undo re-creates the record as the admin, in user mode)', () => {
    const admin = sets.RevOps_Admin.fieldPermissions.filter((p) => /^(Lead|Contact|Account)\./.test(p.field));
    expect(admin.length).toBeGreaterThan(50);
    for (const p of admin) expect(p.editable, p.field).toBe(field(p.field).formula ? 'false' : 'true');
  });

  it('a rep can fill every field a stage requires, so no stage refuses a deal the rep cannot complete', () => {
    const editable = new Set(
      sets.RevOps_Sales_Rep.fieldPermissions.filter((p) => p.editable === 'true').map((p) => p.field),
    );
    const required = loadConfig(ROOT).stagePolicies.flatMap((p) =>
      (p.requiredFields ?? '')
        .split(';')
        .map((f) => f.trim())
        .filter((f) => f.endsWith('__c'))
        .map((f) => [p.stage, `Opportunity.${f}`] as const),
    );
    expect(required.length).toBeGreaterThan(10);
    for (const [stage, f] of required) expect(editable.has(f), `${stage} requires ${f}`).toBe(true);
  });

  it('the deal desk edits pricing, terms and approvers but not the sales rep fields', () => {
    const editable = new Set(
      sets.RevOps_Deal_Desk.fieldPermissions.filter((p) => p.editable === 'true').map((p) => p.field),
    );
    for (const f of [
      'Opportunity.Discount_Percent__c',
      'Opportunity.Non_Standard_Terms__c',
      'Opportunity.Deal_Desk_Approver__c',
    ])
      expect(editable.has(f), f).toBe(true);
    for (const f of ['Opportunity.Pain_Points__c', 'Lead.Lifecycle_Stage__c'])
      expect(editable.has(f), f).toBe(false);
  });
});
