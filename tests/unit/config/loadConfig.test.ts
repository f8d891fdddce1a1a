import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  configQueries,
  recordFromQueryRow,
  findRecordFiles,
  loadConfig,
  parseConfig,
  parseRecordXml,
  readRecordFile,
  recordToXml,
  schemaFromSource,
  serializeRecord,
  type RawRecord,
  type RawValue,
} from '../../../scripts/lib/config/index.ts';
import { evaluateValidationRule } from '../../../tooling/formula/index.ts';

const ROOT = 'force-app';
const files = findRecordFiles(ROOT);
const shipped = files.map(readRecordFile);
const find = (type: string, name: string): RawRecord => {
  const r = shipped.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no shipped record ${type}.${name}`);
  return r;
};
const patched = (type: string, name: string, values: Record<string, RawValue>): RawRecord => {
  const r = find(type, name);
  return { ...r, values: { ...r.values, ...values } };
};
const withRecord = (record: RawRecord): RawRecord[] => [
  ...shipped.filter((r) => !(r.type === record.type && r.name === record.name)),
  record,
];
function problems(records: RawRecord[]): string[] {
  try {
    parseConfig(records);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.message);
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  const config = loadConfig(ROOT);

  it('loads every shipped record into the rule-domain types', () => {
    expect(config.scoringRules).toHaveLength(27);
    const leadRules = config.routingRules.filter((r) => (r.object ?? 'Lead') === 'Lead');
    expect(leadRules.map((r) => r.priority)).toEqual([10, 20, 30, 40, 50, 90]);
    expect(config.routingRules.find((r) => r.name === 'Contact_Named_Account')).toMatchObject({
      object: 'Contact',
      method: 'Account-Based',
      fallbackOwner: null,
    });
    expect(config.stagePolicies.map((s) => s.stage)).toEqual([
      'Qualified',
      'Discovery',
      'Demo/Evaluation',
      'Proposal',
      'Negotiation',
      'Closed Won',
      'Closed Lost',
    ]);
    expect(config.approvalTiers.find((t) => t.tier === 'Manager')).toMatchObject({
      minDiscount: 10,
      maxDiscount: 20,
      approvers: 'Manager',
      parallel: false,
    });
    expect(config.businessCalendars[0].holidays).toContain('2026-11-26');
    expect(config.dedupRules.find((d) => d.object === 'Lead')?.fieldWeights).toMatchObject({
      email: 1,
      name: 2,
    });
    const demo = config.scoringRules.find((r) => r.name === 'Eng_Demo_Request');
    expect(demo).toMatchObject({
      model: 'Engagement',
      signal: 'Demo Request',
      operator: null,
      points: 30,
      halfLifeDays: 30,
      active: true,
    });
  });

  it('names the record and field and shows the bad value: Points__c "abc"', () => {
    const bad = {
      ...patched('Scoring_Rule', 'Eng_Pricing_Page', { Points__c: 'abc' }),
      name: 'Pricing_Page',
    };
    expect(problems(withRecord(bad))).toEqual([
      "Scoring_Rule.Pricing_Page: Points__c must be a number between -100 and 100 (got 'abc')",
    ]);
  });

  it('reports every problem at once, with the file to fix', () => {
    const a = patched('Routing_Rule', 'Territory_EMEA', { Fallback_Owner__c: null });
    const b = patched('Stage_Policy', 'Proposal', { Probability__c: 140 });
    let error: ConfigError | undefined;
    try {
      parseConfig([
        ...shipped.filter(
          (r) => r !== find('Routing_Rule', 'Territory_EMEA') && r !== find('Stage_Policy', 'Proposal'),
        ),
        a,
        b,
      ]);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.issues.map((i) => i.record)).toEqual([
      'Routing_Rule.Territory_EMEA',
      'Stage_Policy.Proposal',
    ]);
    expect(error?.issues[0].message).toContain('Fallback_Owner__c is required');
    expect(error?.issues[1].message).toBe(
      "Stage_Policy.Proposal: Probability__c must be between 0 and 100 (got '140')",
    );
    expect(error?.message).toContain('Routing_Rule.Territory_EMEA.md-meta.xml');
  });

  it('rejects fields the type does not have, and picklist values it does not know', () => {
    expect(problems(withRecord(patched('Scoring_Rule', 'Fit_Size_SMB', { Pionts__c: 5 })))[0]).toMatch(
      /^Scoring_Rule.Fit_Size_SMB: Pionts__c is not a field of Scoring_Rule__mdt/,
    );
    expect(problems(withRecord(patched('Scoring_Rule', 'Fit_Size_SMB', { Operator__c: 'roughly' })))).toEqual(
      [
        "Scoring_Rule.Fit_Size_SMB: Operator__c must be one of: equals, not equals, in, contains, starts with, ends with, greater than, less than, between, is blank, is not blank, email domain in (got 'roughly')",
      ],
    );
  });

  it('checks what no single record can: calendars referenced by SLA policies, the Default setting, stage coverage and unique orders', () => {
    expect(
      problems(withRecord(patched('SLA_Policy', 'MQL_To_SQL', { Business_Calendar__c: 'EU_Hours' }))),
    ).toEqual([
      "SLA_Policy.MQL_To_SQL: Business_Calendar__c 'EU_Hours' is not a Business_Calendar record (have: US_Business_Hours)",
    ]);
    expect(problems(shipped.filter((r) => r.type !== 'Scoring_Setting'))[0]).toContain(
      'Scoring_Setting: the Default record is missing',
    );
    expect(problems(shipped.filter((r) => r.name !== 'Negotiation'))[0]).toContain(
      'no policy for stage(s) Negotiation',
    );
    expect(problems(shipped.filter((r) => r.type !== 'Stage_Policy'))[0]).toContain(
      'no policy for stage(s) Qualified, Discovery',
    );
    expect(problems(withRecord(patched('Approval_Tier', 'VP_Sales', { Order__c: 2 })))[0]).toContain(
      'Order__c 2 is also used by Approval_Tier.Manager',
    );
  });

  it('checks the lifecycle field policies: one per object and stage, naming only fields the object has', () => {
    expect(
      problems(withRecord({ ...find('Lifecycle_Field_Policy', 'Lead_SQL'), name: 'Lead_SQL_Copy' })),
    ).toEqual([
      'Lifecycle_Field_Policy.Lead_SQL_Copy: Object__c and Stage__c Lead SQL is also used by Lifecycle_Field_Policy.Lead_SQL; each must be unique',
    ]);
    let wrong = '';
    try {
      parseConfig(
        withRecord(patched('Lifecycle_Field_Policy', 'Contact_MQL', { Required_Fields__c: 'Email;Country' })),
        { schema: schemaFromSource([ROOT]) },
      );
    } catch (err) {
      wrong = err instanceof ConfigError ? err.issues.map((i) => i.message).join('\n') : String(err);
    }
    expect(wrong).toContain('Lifecycle_Field_Policy.Contact_MQL: Required_Fields__c names Country');
    expect(wrong).toContain('Contact has no field Country');
  });

  it('rejects routing criteria the routing rule cannot parse', () => {
    expect(
      problems(
        withRecord(patched('Routing_Rule', 'Territory_EMEA', { Criteria__c: 'Country somewhere GB' })),
      )[0],
    ).toMatch(
      /^Routing_Rule.Territory_EMEA: Criteria__c: criteria "Country somewhere GB" is not "<Field> <operator> <value>"/,
    );
  });

  describe('reading a force-app folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revops-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // the records and what they reference: objects (fields) and queues (routing fallback owners)
    for (const folder of ['customMetadata', 'objects', 'queues'])
      cpSync(join(ROOT, 'main', 'default', folder), join(dir, 'main', 'default', folder), {
        recursive: true,
      });

    it('skips record types of other areas and names a broken file', () => {
      writeFileSync(
        join(dir, 'main', 'default', 'customMetadata', 'Trigger_Action.Anything.md-meta.xml'),
        '<not-xml',
      );
      expect(loadConfig(dir).scoringRules).toHaveLength(27);
      const file = join(dir, 'main', 'default', 'customMetadata', 'Scoring_Setting.Default.md-meta.xml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          '<value xsi:type="xsd:double">40</value>',
          '<value xsi:type="xsd:string">forty</value>',
        ),
      );
      expect(() => loadConfig(dir)).toThrow(
        /Scoring_Setting.Default: MQL_Fit_Threshold__c must be between 0 and Score_Cap__c \(got 'forty'\)[\s\S]*Scoring_Setting.Default.md-meta.xml/,
      );
    });

    it('says which folder is missing', () => {
      expect(() => loadConfig(join(dir, 'nope'))).toThrow(/no such folder/);
    });
  });
});

describe('loading the same records from an org', () => {
  it('queries every config type and validates query rows like source files', () => {
    const queries = configQueries();
    expect(queries.map((q) => q.type)).toEqual([
      'Scoring_Rule',
      'Scoring_Setting',
      'Routing_Rule',
      'SLA_Policy',
      'Business_Calendar',
      'Stage_Policy',
      'Approval_Tier',
      'Dedup_Rule',
      'Engagement_Mapping',
      'Enrichment_Provider',
      'Enrichment_Mapping',
      'Lifecycle_Field_Policy',
      'Lead_Digest_Setting',
      'Scheduling_Setting',
    ]);
    expect(queries[1].soql).toBe(
      'SELECT DeveloperName, MasterLabel, MQL_Fit_Threshold__c, MQL_Engagement_Threshold__c, Score_Cap__c, Burst_Window_Seconds__c, Burst_Max_Events__c, MQL_Max_Negative__c FROM Scoring_Setting__mdt ORDER BY DeveloperName',
    );
    // an org returns the same values as query rows (attributes included); the config must come out identical
    const rows = shipped.map((r) =>
      recordFromQueryRow(r.type, {
        attributes: { type: `${r.type}__mdt` },
        DeveloperName: r.name,
        MasterLabel: r.label,
        ...r.values,
      }),
    );
    expect(parseConfig(rows)).toEqual(loadConfig(ROOT));
    const bad = recordFromQueryRow('Scoring_Setting', {
      DeveloperName: 'Default',
      MasterLabel: 'Default',
      MQL_Fit_Threshold__c: 400,
      MQL_Engagement_Threshold__c: 30,
      Score_Cap__c: 100,
      Burst_Window_Seconds__c: 60,
      Burst_Max_Events__c: 5,
    });
    expect(problems(withRecord(bad))).toEqual([
      "Scoring_Setting.Default: MQL_Fit_Threshold__c must be between 0 and Score_Cap__c (got '400')",
    ]);
  });
});

describe('writing records (config init)', () => {
  it('writes every shipped record back byte for byte', () => {
    for (const file of files)
      expect(recordToXml(readRecordFile(file)), file).toBe(readFileSync(file, 'utf8'));
  });

  it('serialises a domain object to a record that loads back to the same object', () => {
    const config = loadConfig(ROOT);
    const rule = { ...config.scoringRules.find((r) => r.name === 'Fit_Size_Mid_Market'), points: 18 };
    const { file, xml } = serializeRecord('Scoring_Rule', 'Fit_Size_Mid_Market', rule);
    expect(file).toBe('Scoring_Rule.Fit_Size_Mid_Market.md-meta.xml');
    const back = parseRecordXml(xml, file);
    expect(parseConfig(withRecord(back)).scoringRules.find((r) => r.name === 'Fit_Size_Mid_Market')).toEqual(
      rule,
    );
    const tier = config.approvalTiers.find((t) => t.tier === 'Finance and Legal') as object;
    const tierBack = parseRecordXml(
      serializeRecord('Approval_Tier', 'Finance_And_Legal', tier).xml,
      'Approval_Tier.Finance_And_Legal.md-meta.xml',
    );
    expect(tierBack.values).toEqual(find('Approval_Tier', 'Finance_And_Legal').values);
  });

  it('refuses to write an invalid record or a bad DeveloperName', () => {
    const rule = loadConfig(ROOT).scoringRules[0];
    expect(() => serializeRecord('Scoring_Rule', rule.name, { ...rule, points: 500 })).toThrow(
      /Points__c must be a number between -100 and 100 \(got '500'\)/,
    );
    expect(() => serializeRecord('Scoring_Rule', 'Bad Name', rule)).toThrow(
      /DeveloperName must start with a letter/,
    );
  });
});

// The loader mirrors each type's validation rules: a record the org would refuse, the loader refuses too.
describe('the loader agrees with the custom metadata validation rules', () => {
  const cases: [string, string, Record<string, RawValue>, string][] = [
    ['Scoring_Rule', 'Fit_Size_SMB', { Points__c: 150 }, 'Points_Range'],
    ['Scoring_Rule', 'Fit_Size_SMB', { Object__c: 'Account' }, 'Object_Valid'],
    ['Scoring_Rule', 'Fit_Size_SMB', { Model__c: null }, 'Model_Required'],
    ['Scoring_Rule', 'Eng_Webinar', { Signal__c: null }, 'Engagement_Needs_Signal'],
    ['Scoring_Rule', 'Fit_Title_Manager', { Field__c: null }, 'Field_Rule_Needs_Field'],
    ['Scoring_Rule', 'Fit_Title_Manager', { Field__c: 'Job Title' }, 'Field_Is_Api_Name'],
    ['Scoring_Rule', 'Fit_Title_Manager', { Value__c: null }, 'Value_Required'],
    ['Scoring_Rule', 'Fit_Size_Enterprise', { Value__c: 'lots' }, 'Numeric_Operator_Value'],
    ['Scoring_Rule', 'Fit_Size_SMB', { Value__c: '50-199' }, 'Between_Value_Format'],
    ['Scoring_Rule', 'Fit_Size_SMB', { Half_Life_Days__c: 10 }, 'Half_Life_Engagement_Only'],
    ['Scoring_Rule', 'Eng_Pricing_Page', { Max_Points__c: 10 }, 'Max_Points_Valid'],
    ['Scoring_Setting', 'Default', { MQL_Fit_Threshold__c: 140 }, 'Fit_Threshold_Range'],
    ['Scoring_Setting', 'Default', { MQL_Engagement_Threshold__c: -1 }, 'Engagement_Threshold_Range'],
    ['Scoring_Setting', 'Default', { Score_Cap__c: 0 }, 'Score_Cap_Range'],
    ['Scoring_Setting', 'Default', { Burst_Max_Events__c: 0 }, 'Burst_Valid'],
    ['Scoring_Setting', 'Default', { MQL_Max_Negative__c: 0 }, 'Max_Negative_Range'],
    ['Routing_Rule', 'Territory_EMEA', { Priority__c: 0 }, 'Priority_Positive'],
    ['Routing_Rule', 'Territory_EMEA', { Method__c: null }, 'Method_Required'],
    ['Routing_Rule', 'Territory_EMEA', { Target_Pool__c: null }, 'Target_Required'],
    [
      'Routing_Rule',
      'Round_Robin_Default',
      { Target_Pool__c: null, Target_Queue__c: 'SDR_Queue' },
      'Pool_Methods_Need_Pool',
    ],
    ['Routing_Rule', 'Territory_EMEA', { Criteria__c: null }, 'Criteria_Required'],
    ['Routing_Rule', 'Named_Account', { Fallback_Owner__c: null }, 'Fallback_Required'],
    [
      'Routing_Rule',
      'Contact_Named_Account',
      { Target_Queue__c: 'Lead_Fallback' },
      'No_Queue_For_Contacts_Accounts',
    ],
    ['Routing_Rule', 'Contact_Named_Account', { Object__c: 'Account' }, 'Account_Rules_Not_Account_Based'],
    ['SLA_Policy', 'MQL_To_SQL', { Contact_Within_Hours__c: 0 }, 'Contact_Hours_Positive'],
    ['SLA_Policy', 'MQL_To_SQL', { Qualify_Within_Hours__c: 2 }, 'Qualify_After_Contact'],
    ['SLA_Policy', 'MQL_To_SQL', { Warning_Percent__c: 100 }, 'Warning_Percent_Range'],
    ['SLA_Policy', 'MQL_To_SQL', { Escalate_To__c: 'Queue' }, 'Escalation_Target'],
    ['SLA_Policy', 'MQL_To_SQL', { Auto_Recycle_Reason__c: 'Ghosted' }, 'Auto_Recycle_Reason_Valid'],
    [
      'SLA_Policy',
      'Won_To_CS',
      { Recipient__c: 'Queue', Recipient_Queue__c: null },
      'Recipient_Queue_Required',
    ],
    ['SLA_Policy', 'Re_Engagement', { Dormant_Days__c: 0 }, 'Dormant_Days_Positive'],
    ['SLA_Policy', 'MQL_To_SQL', { Reroute_Away_Days__c: 0 }, 'Reroute_Away_Days_Positive'],
    ['SLA_Policy', 'MQL_To_SQL', { Reassign_After_Hours__c: 0 }, 'Reassign_After_Hours_Positive'],
    ['SLA_Policy', 'MQL_To_SQL', { Reassign_After_Hours__c: 44 }, 'Reassign_Before_Qualify_Due'],
    ['Business_Calendar', 'US_Business_Hours', { Time_Zone__c: 'EST' }, 'Time_Zone_Is_IANA'],
    ['Business_Calendar', 'US_Business_Hours', { Workdays__c: 'Monday;Tuesday' }, 'Workdays_Format'],
    ['Business_Calendar', 'US_Business_Hours', { Day_Start__c: '9am' }, 'Day_Hours_Format'],
    ['Business_Calendar', 'US_Business_Hours', { Day_End__c: '08:30' }, 'Day_End_After_Start'],
    ['Stage_Policy', 'Proposal', { Stage__c: 'Proposal/Price Quote' }, 'Stage_Valid'],
    ['Stage_Policy', 'Proposal', { Order__c: 0 }, 'Order_Positive'],
    ['Stage_Policy', 'Proposal', { Probability__c: 140 }, 'Probability_Range'],
    ['Stage_Policy', 'Proposal', { Stale_Multiplier__c: 0.5 }, 'Stale_Multiplier_Open_Stages'],
    ['Stage_Policy', 'Closed_Won', { Is_Closed__c: false }, 'Won_Means_Closed'],
    ['Stage_Policy', 'Proposal', { Forecast_Category__c: 'Upside' }, 'Forecast_Category_Valid'],
    ['Stage_Policy', 'Proposal', { Required_Fields__c: 'Pricing, Terms' }, 'Required_Fields_Format'],
    ['Approval_Tier', 'Manager', { Tier__c: 'Director' }, 'Tier_Valid'],
    ['Approval_Tier', 'Manager', { Order__c: 0 }, 'Order_Positive'],
    ['Approval_Tier', 'Manager', { Min_Discount__c: 25 }, 'Discount_Range'],
    ['Approval_Tier', 'Manager', { Min_Discount__c: null, Max_Discount__c: null }, 'Has_Condition'],
    ['Approval_Tier', 'Manager', { Approvers__c: 'Boss' }, 'Approvers_Format'],
    ['Approval_Tier', 'Manager', { Approval_Process__c: null }, 'Process_Required'],
    ['Approval_Tier', 'Standard', { Approvers__c: 'Manager' }, 'Standard_Auto_Approved'],
    ['Approval_Tier', 'Finance_And_Legal', { Approvers__c: 'Finance' }, 'Parallel_Needs_Two'],
    ['Approval_Tier', 'Finance_And_Legal', { Min_Term_Months__c: 0 }, 'Min_Term_Positive'],
    ['Dedup_Rule', 'Lead_Default', { Object__c: 'Opportunity' }, 'Object_Valid'],
    ['Dedup_Rule', 'Lead_Default', { Match_Keys__c: 'email;zip' }, 'Match_Keys_Format'],
    ['Dedup_Rule', 'Lead_Default', { Review_Threshold__c: 0.95 }, 'Thresholds_Range'],
    ['Dedup_Rule', 'Lead_Default', { Merge_Priority__c: 'newest' }, 'Merge_Priority_Format'],
    ['Dedup_Rule', 'Account_Default', { System_Of_Record_Field__c: null }, 'System_Of_Record_Field_Set'],
    ['Enrichment_Provider', 'Clearbit', { Provider__c: 'hunter' }, 'Provider_Valid'],
    ['Enrichment_Provider', 'Clearbit', { Named_Credential__c: null }, 'Named_Credential_Required'],
    ['Enrichment_Provider', 'Clearbit', { Daily_Budget__c: 0 }, 'Daily_Budget_Positive'],
    ['Enrichment_Provider', 'Clearbit', { Rank__c: 0 }, 'Rank_Positive'],
    ['Enrichment_Mapping', 'Clearbit_Lead_Employees', { Provider__c: 'Clearbit' }, 'Provider_Valid'],
    ['Enrichment_Mapping', 'Clearbit_Lead_Employees', { Object__c: 'Opportunity' }, 'Object_Valid'],
    ['Enrichment_Mapping', 'Clearbit_Lead_Employees', { Attribute__c: 'headcount' }, 'Attribute_Valid'],
    ['Enrichment_Mapping', 'Clearbit_Lead_Employees', { Target_Field__c: null }, 'Target_Field_Required'],
    ['Enrichment_Mapping', 'Clearbit_Lead_Employees', { Rank__c: 0 }, 'Rank_Positive'],
    ['Lead_Digest_Setting', 'Default', { Send_Hour__c: 24 }, 'Send_Hour_Range'],
    ['Lead_Digest_Setting', 'Default', { Max_Leads__c: 0 }, 'Max_Leads_Range'],
    ['Lead_Digest_Setting', 'Default', { Return_Visit_Days__c: 0 }, 'Return_Visit_Days_Positive'],
    ['Lead_Digest_Setting', 'Default', { Signals__c: null }, 'Signals_Required'],
    ['Scheduling_Setting', 'Default', { Lead_Source__c: null }, 'Lead_Source_Required'],
    ['Scheduling_Setting', 'Default', { Fallback_Owner__c: 'Dana Okafor' }, 'Fallback_Owner_Format'],
    ['Scheduling_Setting', 'Default', { Alert_Queue__c: 'Lead Fallback' }, 'Alert_Queue_Format'],
    ['Lifecycle_Field_Policy', 'Lead_MQL', { Object__c: 'Account' }, 'Object_Valid'],
    ['Lifecycle_Field_Policy', 'Lead_MQL', { Stage__c: 'Marketing Qualified' }, 'Stage_Valid'],
    [
      'Lifecycle_Field_Policy',
      'Lead_MQL',
      { Required_Fields__c: 'Email, Country' },
      'Required_Fields_Format',
    ],
  ];

  it('covers every validation rule of every config type', async () => {
    const { readdirSync } = await import('node:fs');
    const all = [
      'Scoring_Rule',
      'Scoring_Setting',
      'Routing_Rule',
      'SLA_Policy',
      'Business_Calendar',
      'Stage_Policy',
      'Approval_Tier',
      'Dedup_Rule',
      'Enrichment_Provider',
      'Enrichment_Mapping',
      'Lead_Digest_Setting',
      'Lifecycle_Field_Policy',
      'Scheduling_Setting',
    ].flatMap((t) =>
      readdirSync(join(ROOT, 'main', 'default', 'objects', `${t}__mdt`, 'validationRules')).map(
        (f) => `${t}.${f.replace('.validationRule-meta.xml', '')}`,
      ),
    );
    expect(cases.map(([t, , , v]) => `${t}.${v}`).sort()).toEqual(all.sort());
  });

  for (const [type, name, patch, rule] of cases) {
    it(`${type}.${rule}: ${JSON.stringify(patch)} is refused by the org and by the loader`, () => {
      const record = patched(type, name, patch);
      const vr = evaluateValidationRule(`${type}__mdt`, rule, { record: record.values }, ROOT);
      expect(vr.fires).toBe(true);
      const found = problems(withRecord(record));
      expect(found.length, 'loader accepted it').toBeGreaterThan(0);
      expect(found.join('\n')).toContain(`${type}.${name}: `);
    });
  }
});
