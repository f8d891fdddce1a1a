import { describe, expect, it } from 'vitest';
import { table, orgLabel } from '../../../scripts/commands/format.ts';
import { parseDeployFlags } from '../../../scripts/commands/deploy.ts';
import { applyProfile } from '../../../scripts/lib/config/profile.ts';
import { diffRecords } from '../../../scripts/lib/config/diff.ts';
import { formatProblem } from '../../../scripts/lib/org/deploy.ts';
import type { RawRecord } from '../../../scripts/lib/config/index.ts';

const rec = (type: string, name: string, values: RawRecord['values']): RawRecord => ({
  type,
  name,
  label: name,
  values,
});

describe('CLI building blocks', () => {
  it('renders tables with numbers right-aligned and thousands separators', () => {
    expect(
      table(
        ['Table', 'Rows'],
        [
          ['Lead', 5000],
          ['User', 77],
        ],
      ),
    ).toBe('Table   Rows\n-----  -----\nLead   5,000\nUser      77');
  });

  it('never prints an access token given as -o', () => {
    expect(orgLabel('my-sandbox', 'x')).toBe('my-sandbox');
    expect(orgLabel('00D5e000000FAKE!AQ8AQtoken', 'https://acme.my.salesforce.com')).toBe(
      'https://acme.my.salesforce.com',
    );
  });

  it('deploys check-only unless --execute is given, whether or not an org is named', () => {
    expect(parseDeployFlags({}).dryRun).toBe(true);
    expect(parseDeployFlags({ 'target-org': 'prod' }).dryRun).toBe(true);
    expect(parseDeployFlags({ 'target-org': 'prod', 'dry-run': true }).dryRun).toBe(true);
    expect(parseDeployFlags({ 'target-org': 'prod', execute: true }).dryRun).toBe(false);
    expect(() => parseDeployFlags({ 'test-level': 'RunSpecifiedTests' })).toThrow(/needs --tests/);
    expect(() => parseDeployFlags({ wait: '-3' })).toThrow(/--wait takes minutes/);
  });

  it('prints a component failure as file:line:column: problem', () => {
    expect(
      formatProblem({
        file: 'force-app/main/default/classes/A.cls',
        line: 3,
        column: 9,
        type: 'ApexClass',
        fullName: 'A',
        problem: 'Unexpected token',
        problemType: 'Error',
      }),
    ).toBe('force-app/main/default/classes/A.cls:3:9: Unexpected token (ApexClass A)');
  });

  it('moves PLG thresholds toward engagement and raises product-usage points, keeping caps above points', () => {
    const { records, changes } = applyProfile(
      [
        rec('Scoring_Setting', 'Default', { MQL_Fit_Threshold__c: 40, MQL_Engagement_Threshold__c: 30 }),
        rec('Scoring_Rule', 'Eng_Product_Usage', {
          Model__c: 'Engagement',
          Signal__c: 'Product Usage',
          Points__c: 10,
          Max_Points__c: 15,
          Half_Life_Days__c: 14,
        }),
      ],
      { motion: 'plg', acv: 5000, cycleDays: 14 },
    );
    expect(records[0].values).toMatchObject({ MQL_Fit_Threshold__c: 30, MQL_Engagement_Threshold__c: 45 });
    expect(records[1].values).toMatchObject({ Points__c: 20, Max_Points__c: 20, Half_Life_Days__c: 4 });
    expect(changes).toHaveLength(5);
  });

  it('diffs source and org records field by field, treating 4 and "4.0" as equal', () => {
    const d = diffRecords(
      [
        rec('SLA_Policy', 'MQL_To_SQL', { Contact_Within_Hours__c: 4, Active__c: true }),
        rec('Dedup_Rule', 'Lead_Default', {}),
      ],
      [
        rec('SLA_Policy', 'MQL_To_SQL', { Contact_Within_Hours__c: '4.0', Active__c: false }),
        rec('Dedup_Rule', 'Extra', {}),
      ],
    );
    expect(d).toEqual({
      onlyInSource: ['Dedup_Rule.Lead_Default'],
      onlyInOrg: ['Dedup_Rule.Extra'],
      changed: [{ record: 'SLA_Policy.MQL_To_SQL', field: 'Active__c', source: 'true', org: 'false' }],
    });
  });
});
