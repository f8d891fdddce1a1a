import { beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../scripts/lib/verify/index.ts';
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

describe('verify: one API version', () => {
  it('fails a -meta.xml whose apiVersion is not the project sourceApiVersion', async () => {
    const report = await verifyFixture('deploy-broken', ['deploy']);
    expectProblem(
      problemsOf(report),
      'lwc/oldApi/oldApi.js-meta.xml',
      3,
      /apiVersion 58.0; the project uses 66.0/,
    );
  });
});
