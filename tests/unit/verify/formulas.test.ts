import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../tooling/verify/index.ts';
import { expectProblem, problemsOf, verifyFixture } from './helpers.ts';

describe('verify: formulas', () => {
  let problems: Problem[];
  beforeAll(async () => {
    const report = await verifyFixture('formula-broken', ['formula']);
    expect(report.ok).toBe(false);
    problems = problemsOf(report);
  });

  it('fails a validation rule that does not parse, on the line of the formula', () => {
    expectProblem(
      problems,
      'Unbalanced_Brackets.validationRule-meta.xml',
      6,
      /Opportunity.Unbalanced_Brackets: Formula does not parse/,
    );
  });

  it('fails an unknown function', () => {
    expectProblem(problems, 'Unknown_Function.validationRule-meta.xml', 6, /Unknown function ISBLANKK\(\)/);
  });

  it('fails a field the object does not have', () => {
    expectProblem(
      problems,
      'Unknown_Field.validationRule-meta.xml',
      6,
      /No field 'Pricing_Note__c' on Opportunity/,
    );
  });

  it('fails a picklist compared with = (Salesforce only allows ISPICKVAL, CASE, TEXT)', () => {
    expectProblem(
      problems,
      'Picklist_Compared_With_Equals.validationRule-meta.xml',
      6,
      /Type error: Picklist fields are only supported/,
    );
  });

  it('fails a $Permission that is not a custom permission in the tree', () => {
    expectProblem(
      problems,
      'Unknown_Permission.validationRule-meta.xml',
      6,
      /\$Permission.Skip_Everything: no customPermissions/,
    );
  });

  it('fails a formula field referring to a missing field', () => {
    expectProblem(
      problems,
      'fields/Margin_Band__c.field-meta.xml',
      4,
      /Opportunity.Margin_Band__c: No field 'Margin__c'/,
    );
  });

  it('checks workflow field-update formulas against their object', () => {
    expectProblem(
      problems,
      'workflows/Opportunity.workflow-meta.xml',
      6,
      /workflow on Opportunity: No field 'Tier_Name__c'/,
    );
  });

  it('fails an ISPICKVAL on a standard picklist value the StandardValueSet does not have', () => {
    expectProblem(
      problems,
      'Stage_Value_Typo.validationRule-meta.xml',
      6,
      /StageName has no picklist value "Discovry" \(values: Qualified, Discovery\)/,
    );
  });

  it('fails a CASE branch on a custom picklist value the field does not have, and accepts the real ones', () => {
    expectProblem(
      problems,
      'Case_Value_Typo.validationRule-meta.xml',
      6,
      /Deal_Type__c has no picklist value "Upsell"/,
    );
    expect(problems.filter((p) => p.file.endsWith('Case_Value_Typo.validationRule-meta.xml'))).toHaveLength(
      1,
    );
  });

  it('checks validation rules of custom metadata types too', () => {
    expectProblem(
      problems,
      'Config__mdt/validationRules/Threshold_In_Range.validationRule-meta.xml',
      6,
      /Formula does not parse/,
    );
  });
});
