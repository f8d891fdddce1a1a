import { describe, expect, it } from 'vitest';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import { fieldNames, layoutBehaviours, readMeta, ROOT } from './helpers.ts';

// What `sf project deploy start` sends: SDR resolves force-app exactly as the CLI does.
const components = ComponentSet.fromSource(ROOT);
const byType = new Map<string, Set<string>>();
for (const c of components.getSourceComponents()) {
  for (const x of [c, ...c.getChildren()]) {
    if (!byType.has(x.type.name)) byType.set(x.type.name, new Set());
    byType.get(x.type.name)?.add(x.fullName);
  }
}
const has = (type: string, name: string) => byType.get(type)?.has(name) ?? false;

describe('force-app converts with source-deploy-retrieve into the expected components', () => {
  it('custom objects and custom metadata types', () => {
    for (const o of [
      'Engagement_Event__c',
      'Lifecycle_Transition__c',
      'Routing_Decision__c',
      'SLA_Event__c',
      'Rep_Availability__c',
      'Scoring_Rule__mdt',
      'Scoring_Setting__mdt',
      'Routing_Rule__mdt',
      'SLA_Policy__mdt',
      'Business_Calendar__mdt',
      'Stage_Policy__mdt',
      'Approval_Tier__mdt',
      'Dedup_Rule__mdt',
    ]) {
      expect(has('CustomObject', o), o).toBe(true);
    }
  });

  it('every field file, including the contract fields on Lead, Contact, Account and Opportunity', () => {
    for (const f of [
      'Lead.Lifecycle_Stage__c',
      'Lead.Total_Score__c',
      'Lead.Matched_Account__c',
      'Contact.SLA_Status__c',
      'Account.Is_System_Of_Record__c',
      'Opportunity.Discount_Percent__c',
      'Opportunity.Non_Standard_Terms__c',
      'Opportunity.Approval_Status__c',
      'Scoring_Rule__mdt.Points__c',
    ]) {
      expect(has('CustomField', f), f).toBe(true);
    }
    const objects = [
      'Lead',
      'Contact',
      'Account',
      'Opportunity',
      'Engagement_Event__c',
      'Lifecycle_Transition__c',
      'Routing_Decision__c',
      'SLA_Event__c',
      'Rep_Availability__c',
    ];
    const expected = objects.flatMap((o) => fieldNames(o).map((f) => `${o}.${f}`));
    for (const f of expected) expect(has('CustomField', f), f).toBe(true);
  });

  it('validation rules, approval processes and their field updates', () => {
    for (const v of [
      'Opportunity.Stage_Skip_Blocked',
      'Opportunity.Close_Date_Push_Requires_Reason',
      'Opportunity.Stage_Closed_Won_Required_Fields',
      'Lifecycle_Transition__c.Append_Only',
      'Scoring_Rule__mdt.Points_Range',
    ]) {
      expect(has('ValidationRule', v), v).toBe(true);
    }
    for (const p of [
      'Opportunity.Deal_Desk_Manager_Approval',
      'Opportunity.Deal_Desk_VP_Sales_Approval',
      'Opportunity.Deal_Desk_Deal_Desk_Approval',
      'Opportunity.Deal_Desk_Finance_Legal_Approval',
    ]) {
      expect(has('ApprovalProcess', p), p).toBe(true);
    }
    expect(has('WorkflowFieldUpdate', 'Opportunity.Set_Approval_Status_Pending')).toBe(true);
  });

  it('queues, permission sets, custom permissions, value set, duplicate and matching rules, config records', () => {
    for (const q of ['VP_Sales', 'Deal_Desk', 'Finance', 'Legal', 'Lead_Fallback'])
      expect(has('Queue', q), q).toBe(true);
    for (const p of ['RevOps_Admin', 'RevOps_Sales_Rep', 'RevOps_Deal_Desk'])
      expect(has('PermissionSet', p), p).toBe(true);
    for (const p of ['RevOps_Bypass_Validation', 'RevOps_Bypass_Automation'])
      expect(has('CustomPermission', p), p).toBe(true);
    expect(has('StandardValueSet', 'OpportunityStage')).toBe(true);
    for (const o of ['Lead', 'Contact', 'Account']) {
      expect(has('DuplicateRule', `${o}.RevOps_${o}_Duplicates`), o).toBe(true);
      expect(has('MatchingRule', `${o}.RevOps_${o}_Match`), o).toBe(true);
    }
    expect(has('CustomMetadata', 'Scoring_Setting.Default')).toBe(true);
    expect(
      [...(byType.get('CustomMetadata') ?? [])].filter((n) => !n.startsWith('Trigger_Action.')).length,
    ).toBe(49);
  });

  it('a page layout per custom object and config type shows every field, required ones as required', () => {
    const objects = [
      'Engagement_Event__c',
      'Lifecycle_Transition__c',
      'Routing_Decision__c',
      'SLA_Event__c',
      'Rep_Availability__c',
      'Scoring_Rule__mdt',
      'Scoring_Setting__mdt',
      'Routing_Rule__mdt',
      'SLA_Policy__mdt',
      'Business_Calendar__mdt',
      'Stage_Policy__mdt',
      'Approval_Tier__mdt',
      'Dedup_Rule__mdt',
    ];
    for (const o of objects) {
      const name = `${o}-${o.replace(/__(c|mdt)$/, '')}_Layout`;
      expect(has('Layout', name), name).toBe(true);
      const behaviour = layoutBehaviours(name);
      for (const f of fieldNames(o)) {
        const required =
          readMeta<{ CustomField: { required?: string } }>(`objects/${o}/fields/${f}.field-meta.xml`)
            .CustomField.required === 'true';
        expect(behaviour.get(f), `${o}.${f}`).toBe(required ? 'Required' : 'Edit');
      }
    }
  });

  it('duplicate rules point at matching rules that exist for the right object', () => {
    for (const o of ['Lead', 'Contact', 'Account']) {
      const rule = readMeta<{
        DuplicateRule: { duplicateRuleMatchRules: { matchRuleSObjectType: string; matchingRule: string }[] };
      }>(`duplicateRules/${o}.RevOps_${o}_Duplicates.duplicateRule-meta.xml`).DuplicateRule;
      for (const m of rule.duplicateRuleMatchRules)
        expect(
          has('MatchingRule', `${m.matchRuleSObjectType}.${m.matchingRule}`),
          `${o} -> ${m.matchingRule}`,
        ).toBe(true);
    }
  });
});
