import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../tooling/verify/index.ts';
import { expectProblem, problemsOf, verifyFixture } from './helpers.ts';

describe('verify: deployability', () => {
  let problems: Problem[];
  beforeAll(async () => {
    const report = await verifyFixture('deploy-broken', ['deploy']);
    expect(report.ok).toBe(false);
    problems = problemsOf(report);
  });

  it('fails a file whose metadata type SDR cannot infer', () => {
    expectProblem(problems, 'gadgets/Widget.gadget-meta.xml', 1, /Could not infer a metadata type/);
  });

  it('fails malformed XML on the line of the XML error', () => {
    expectProblem(
      problems,
      'fields/Broken_Xml__c.field-meta.xml',
      4,
      /Malformed XML: .*closing tag 'label'.*'labl'/,
    );
  });

  it('fails a custom field without a <type>', () => {
    expectProblem(problems, 'fields/No_Type__c.field-meta.xml', 2, /Custom field No_Type__c has no <type>/);
  });

  it('fails a picklist value defined twice, on the line of the second definition', () => {
    expectProblem(
      problems,
      'Account/fields/Segment__c.field-meta.xml',
      15,
      /Duplicate fullName "SMB".*first at line 10/,
    );
  });

  it('fails a class defined in two package folders', () => {
    expectProblem(
      problems,
      'other/classes/Dup.cls-meta.xml',
      1,
      /Duplicate ApexClass "Dup": also defined at main\/default\/classes\/Dup\.cls-meta\.xml/,
    );
  });

  it('fails a validation rule whose fullName disagrees with its file name', () => {
    expectProblem(
      problems,
      'validationRules/Wrong_Name.validationRule-meta.xml',
      3,
      /<fullName>Other_Name<\/fullName> does not match the file name Wrong_Name/,
    );
  });
});

describe('verify: one API version (house policy)', () => {
  it('fails, as house policy, a -meta.xml whose apiVersion is not the project sourceApiVersion', async () => {
    const report = await verifyFixture('deploy-broken', ['deploy']);
    const hit = expectProblem(
      problemsOf(report),
      'lwc/oldApi/oldApi.js-meta.xml',
      3,
      /apiVersion 58.0; this project keeps every component at its sourceApiVersion 66.0/,
    );
    expect(hit).toMatchObject({ severity: 'error', kind: 'policy' });
  });
});

describe('verify: custom metadata records', () => {
  let problems: Problem[];
  beforeAll(async () => {
    problems = problemsOf(await verifyFixture('deploy-broken', ['deploy']));
  });
  const record = 'customMetadata/Config.Default.md-meta.xml';

  it('fails a value for a field the type does not have', () => {
    expectProblem(problems, record, 18, /Config__mdt has no field Colour__c/);
  });

  it('fails a number field holding text and a checkbox holding neither true nor false', () => {
    expectProblem(
      problems,
      record,
      14,
      /Config__mdt.Threshold__c is a Number field but the record has "lots"/,
    );
    expectProblem(problems, record, 6, /Config__mdt.Enabled__c is a Checkbox but the record has "yes"/);
  });

  it("fails a picklist value outside the field's value set", () => {
    expectProblem(problems, record, 10, /"Lenient" is not one of its picklist values \(Strict, Loose\)/);
  });

  it('fails a field given twice in one record', () => {
    expectProblem(problems, record, 22, /Config__mdt.Threshold__c has two values in this record/);
  });

  it('fails a record of a type the tree does not define', () => {
    expectProblem(
      problems,
      'customMetadata/Ghost.Record.md-meta.xml',
      1,
      /Custom metadata type Ghost__mdt is not defined/,
    );
  });
});

describe('verify: permission sets', () => {
  let problems: Problem[];
  beforeAll(async () => {
    problems = problemsOf(await verifyFixture('deploy-broken', ['deploy']));
  });
  const ps = 'permissionsets/Broken_Access.permissionset-meta.xml';

  it('fails class, object and custom-permission references the tree does not define', () => {
    expectProblem(problems, ps, 8, /Apex class GhostService is not in the tree/);
    expectProblem(problems, ps, 13, /Custom permission Ghost_Permission is not in the tree/);
    expectProblem(problems, ps, 38, /Object Ghost_Object__c does not exist/);
    expect(problems.some((p) => p.file.endsWith(ps) && p.line === 4)).toBe(false); // Dup exists
  });

  it('fails field permissions Salesforce refuses: unknown or required fields', () => {
    expect(expectProblem(problems, ps, 27, /Field Opportunity.Ghost_Field__c is not defined/).kind).toBe(
      undefined,
    );
    expect(expectProblem(problems, ps, 17, /Opportunity.Must_Have__c is required/).kind).toBe(undefined);
  });

  it('reports edit on a calculated field as house policy: Salesforce accepts it and keeps the field read-only', () => {
    const hit = expectProblem(
      problems,
      ps,
      22,
      /Opportunity.Amount_Band__c is calculated \(formula\); grant it read-only/,
    );
    expect(hit.kind).toBe('policy');
  });
});

describe('verify: references from layouts and approval processes', () => {
  let problems: Problem[];
  beforeAll(async () => {
    problems = problemsOf(await verifyFixture('deploy-broken', ['deploy']));
  });

  it('fails a layout placing a custom field the object does not have, and accepts one it has', () => {
    const layout = 'layouts/Opportunity-Deal_Layout.layout-meta.xml';
    expectProblem(problems, layout, 11, /Opportunity.Missing_On_Layout__c is not defined/);
    expect(problems.some((p) => p.file.endsWith(layout) && p.line === 15)).toBe(false);
  });

  it('fails an approval process with an unknown criteria field, approver queue or field update', () => {
    const ap = 'approvalProcesses/Opportunity.Ghost_Approval.approvalProcess-meta.xml';
    expectProblem(problems, ap, 22, /Opportunity.Ghost_Discount__c is not defined/);
    expectProblem(problems, ap, 11, /Approver queue Ghost_Queue is not in the tree/);
    expectProblem(
      problems,
      ap,
      28,
      /FieldUpdate Ghost_Update is not defined in workflows\/Opportunity.workflow-meta.xml/,
    );
  });
});

describe('verify: Lightning pages', () => {
  let problems: Problem[];
  beforeAll(async () => {
    problems = problemsOf(await verifyFixture('deploy-broken', ['deploy']));
  });
  const page = 'flexipages/Deal_Record_Page.flexipage-meta.xml';

  it('fails a page placing a component the tree does not have or does not expose', () => {
    expectProblem(problems, page, 11, /Component ghostPanel is not an LWC or Aura bundle in the tree/);
    expectProblem(problems, page, 16, /LWC oldApi is not exposed/);
    expect(problems.some((p) => p.file.endsWith(page) && p.line === 6)).toBe(false); // force:detailPanel
  });

  it("fails a record page for an object the component's targetConfig excludes", () => {
    expectProblem(problems, page, 21, /LWC pagePanel is limited to Lead record pages, not Opportunity/);
  });

  it('fails a dynamic-form field the object does not have', () => {
    expectProblem(problems, page, 26, /Field Opportunity.Ghost_Page_Field__c on this page does not exist/);
  });
});
