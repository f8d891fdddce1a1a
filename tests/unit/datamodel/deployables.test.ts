import { describe, expect, it } from 'vitest';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import { DATA_OBJECTS, fieldNames, layoutBehaviours, listFiles, readMeta, ROOT } from './helpers.ts';

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
    const expected = DATA_OBJECTS.flatMap((o) => fieldNames(o).map((f) => `${o}.${f}`));
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
    for (const p of ['RevOps_Admin', 'RevOps_Sales_Rep', 'RevOps_Deal_Desk', 'RevOps_Data_Load'])
      expect(has('PermissionSet', p), p).toBe(true);
    for (const p of ['RevOps_Bypass_Validation', 'RevOps_Bypass_Automation'])
      expect(has('CustomPermission', p), p).toBe(true);
    expect(has('StandardValueSet', 'OpportunityStage')).toBe(true);
    for (const d of [
      'Lead.RevOps_Lead_Duplicates',
      'Lead.RevOps_Lead_Matches_Contact',
      'Contact.RevOps_Contact_Duplicates',
      'Account.RevOps_Account_Duplicates',
    ]) {
      expect(has('DuplicateRule', d), d).toBe(true);
    }
    for (const m of [
      'Lead.RevOps_Lead_Email',
      'Lead.RevOps_Lead_Name_Company',
      'Lead.RevOps_Lead_Name_Phone',
      'Contact.RevOps_Contact_Email',
      'Contact.RevOps_Contact_Name_Phone',
      'Account.RevOps_Account_Website',
      'Account.RevOps_Account_Name_Phone',
      'Account.RevOps_Account_Name_City',
    ]) {
      expect(has('MatchingRule', m), m).toBe(true);
    }
    expect(has('CustomMetadata', 'Scoring_Setting.Default')).toBe(true);
    expect(
      [...(byType.get('CustomMetadata') ?? [])].filter((n) => !n.startsWith('Trigger_Action.')).length,
    ).toBe(123); // 119 + the Contact_Named_Account routing rule, Engagement_Mapping.HubSpot_Identify, Scheduling_Setting.Default, Scoring_Rule.Fit_Revenue_Core
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
      'Engagement_Mapping__mdt',
      'Enrichment_Provider__mdt',
      'Enrichment_Mapping__mdt',
      'Enrichment_Usage__c',
      'Webhook_Secret__c',
      'RevOps_Metric_Snapshot__c',
      'RevOps_Target__c',
      'Marketing_Spend__c',
      'Lead_Digest_Setting__mdt',
      'Lead_Digest__c',
      'Scheduling_Setting__mdt',
    ];
    for (const o of objects) {
      const name = `${o}-${o.replace(/__(c|mdt)$/, '')}_Layout`;
      expect(has('Layout', name), name).toBe(true);
      const behaviour = layoutBehaviours(name);
      for (const f of fieldNames(o)) {
        const meta = readMeta<{ CustomField: { required?: string; formula?: string } }>(
          `objects/${o}/fields/${f}.field-meta.xml`,
        ).CustomField;
        const expected = meta.required === 'true' ? 'Required' : meta.formula ? 'Readonly' : 'Edit';
        expect(behaviour.get(f), `${o}.${f}`).toBe(expected);
      }
    }
  });

  it('each matching rule is all-exact or all-fuzzy and has no OR, so Salesforce evaluates every criterion', () => {
    for (const o of ['Lead', 'Contact', 'Account', 'Rep_Availability__c']) {
      const rules = readMeta<{
        MatchingRules: {
          matchingRules: {
            fullName: string;
            booleanFilter?: string;
            matchingRuleItems: { matchingMethod: string }[];
          }[];
        };
      }>(`matchingRules/${o}.matchingRule-meta.xml`).MatchingRules.matchingRules;
      expect(rules.length, o).toBeLessThanOrEqual(5); // active matching rules per object
      for (const r of rules) {
        const exact = r.matchingRuleItems.map((i) => i.matchingMethod === 'Exact');
        expect(new Set(exact).size, r.fullName).toBe(1);
        expect(r.booleanFilter ?? '', r.fullName).not.toMatch(/OR/);
      }
    }
  });

  it('turns on Require Validation for Converted Leads and no other Lead setting', () => {
    expect(has('Settings', 'LeadConfig')).toBe(true);
    const settings = readMeta<{ LeadConfigSettings: Record<string, string> }>(
      'settings/LeadConfig.settings-meta.xml',
    ).LeadConfigSettings;
    const fields = Object.keys(settings).filter((k) => !k.startsWith('@_'));
    expect(fields).toEqual(['shouldLeadConvertRequireValidation']);
    expect(String(settings.shouldLeadConvertRequireValidation)).toBe('true');
  });

  it('blocks a second availability row for the same rep and pool, whoever can see the first', () => {
    const rule = readMeta<{
      DuplicateRule: { actionOnInsert: string; actionOnUpdate: string; securityOption: string };
    }>('duplicateRules/Rep_Availability__c.RevOps_Rep_Pool_Unique.duplicateRule-meta.xml').DuplicateRule;
    expect(rule).toMatchObject({
      actionOnInsert: 'Block',
      actionOnUpdate: 'Block',
      securityOption: 'BypassSharingRules',
    });
    expect(has('MatchingRule', 'Rep_Availability__c.RevOps_Rep_Pool')).toBe(true);
  });

  it('duplicate rules point at matching rules that exist for the right object (at most 3 each)', () => {
    for (const file of listFiles('duplicateRules', '.duplicateRule-meta.xml')) {
      const o = file.split('.')[0];
      const rule = readMeta<{
        DuplicateRule: { duplicateRuleMatchRules: { matchRuleSObjectType: string; matchingRule: string }[] };
      }>(`duplicateRules/${file}`).DuplicateRule;
      expect(rule.duplicateRuleMatchRules.length, file).toBeLessThanOrEqual(3);
      for (const m of rule.duplicateRuleMatchRules)
        expect(
          has('MatchingRule', `${m.matchRuleSObjectType}.${m.matchingRule}`),
          `${o} -> ${m.matchingRule}`,
        ).toBe(true);
    }
  });
});
