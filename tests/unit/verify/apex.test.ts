import { beforeAll, describe, expect, it } from 'vitest';
import { parseApexLsOutput } from '../../../tooling/verify/apexls.ts';
import { extractSoql } from '../../../tooling/verify/apexSchema.ts';
import type { Problem } from '../../../tooling/verify/index.ts';
import { expectProblem, problemsOf, verifyFixture } from './helpers.ts';

// One apex-ls run over a fixture workspace holding several broken classes.
describe('verify: Apex semantics (apex-ls) and schema references', () => {
  let apex: Problem[];
  let schema: Problem[];
  beforeAll(async () => {
    const report = await verifyFixture('apex-broken', ['apex', 'apex-schema']);
    expect(report.ok).toBe(false);
    apex = problemsOf(report).filter((p) => p.check === 'apex');
    schema = problemsOf(report).filter((p) => p.check === 'apex-schema');
  });

  it('apex-ls fails an unknown field on a custom object', () => {
    expectProblem(
      apex,
      'classes/TypeErrors.cls',
      4,
      /Unknown field 'Colour__c' on SObject 'Schema.Deal_Note__c'/,
    );
  });

  it('apex-ls fails an assignment of the wrong type', () => {
    expectProblem(
      apex,
      'classes/TypeErrors.cls',
      5,
      /Incompatible types in assignment, from 'System.String' to 'System.Integer'/,
    );
  });

  it('apex-ls fails a call to a class that does not exist', () => {
    expectProblem(apex, 'classes/TypeErrors.cls', 6, /No variable or type found for 'DealMath'/);
  });

  it('fails a SOQL field the object does not have', () => {
    expectProblem(schema, 'classes/SchemaErrors.cls', 4, /SOQL: No field 'Bogus_Field__c' on Opportunity/);
  });

  it('resolves relationship paths: Owner.X against User, Account.X against Account', () => {
    expectProblem(
      schema,
      'classes/SchemaErrors.cls',
      4,
      /No field 'Nickname__c' on User \(in Owner.Nickname__c\)/,
    );
    expectProblem(
      schema,
      'classes/SchemaErrors.cls',
      7,
      /No field 'Tier__c' on Account \(in Account.Tier__c\)/,
    );
    // Account.Segment__c exists in the fixture's objects: not reported
    expect(schema.some((p) => /Segment__c/.test(p.message))).toBe(false);
  });

  it('fails a subquery over a child relationship that does not exist', () => {
    expectProblem(
      schema,
      'classes/SchemaErrors.cls',
      5,
      /Unknown child relationship 'Deal_Memos__r' on Opportunity/,
    );
  });

  it('fails a query on an object the tree does not define', () => {
    expectProblem(schema, 'classes/SchemaErrors.cls', 21, /Unknown object Widget__c/);
  });

  it('fails a custom field on a standard-object variable that apex-ls lets through', () => {
    expectProblem(
      schema,
      'classes/SchemaErrors.cls',
      13,
      /Field Missing_Discount__c is not defined on Opportunity/,
    );
    expect(apex.some((p) => p.line === 13)).toBe(false);
  });

  it('fails a Lead.X__c field token for a field the tree does not define', () => {
    expectProblem(schema, 'classes/SchemaErrors.cls', 17, /Field Fit_Score__c is not defined on Lead/);
  });

  it('checks dynamic SOQL written as a string literal (Database.query), on the line of the field', () => {
    expectProblem(schema, 'classes/SchemaErrors.cls', 31, /SOQL: No field 'Phantom__c' on Lead/);
    expect(schema.some((p) => p.line === 30)).toBe(false); // Company exists
  });

  it('does not report fields that exist (Discount_Percent__c on Opportunity)', () => {
    expect(schema.some((p) => /Discount_Percent__c/.test(p.message))).toBe(false);
  });
});

describe('verify: Apex helpers', () => {
  it('finds inline SOQL and replaces bind expressions so the query parses', () => {
    const src =
      "public class A { void m() { List<Lead> l = [SELECT Id FROM Lead WHERE Company LIKE :('%' + x) LIMIT :n]; } }";
    const [q] = extractSoql(src);
    expect(q.text).toBe('SELECT Id FROM Lead WHERE Company LIKE :b0 LIMIT 1');
  });

  it("reads apex-ls JSON into path:line problems, apex-ls's own warnings as house policy", () => {
    const out = `{ "files": [ { "path": "/ws/src/classes/A.cls", "messages": [
      {"start": {"line": 3, "offset": 1 }, "end": {"line": 3, "offset": 2 }, "category": "Syntax", "message": "missing ';'"},
      {"start": {"line": 9, "offset": 1 }, "end": {"line": 9, "offset": 2 }, "category": "Warning", "message": "unused"} ]}]}`;
    const problems = parseApexLsOutput(out, (p) => p.replace('/ws/src', '/repo/force-app'));
    expect(problems).toEqual([
      {
        check: 'apex',
        file: '/repo/force-app/classes/A.cls',
        line: 3,
        message: "Syntax: missing ';'",
        severity: 'error',
      },
      {
        check: 'apex',
        file: '/repo/force-app/classes/A.cls',
        line: 9,
        message: 'Warning: unused',
        severity: 'warning',
        kind: 'policy',
      },
    ]);
  });
});

describe('verify: standard objects beyond the hand-written schema', () => {
  it("resolves standard fields from apex-ls's SObject library (Case.Subject, Case.Priority) and still fails unknown ones", async () => {
    const report = await verifyFixture('apex-broken', ['apex-schema']);
    const problems = problemsOf(report);
    expectProblem(problems, 'classes/SchemaErrors.cls', 25, /No field 'Bogus_Case_Field__c' on Case/);
    expect(problems.some((p) => /Subject|Priority|Owner/.test(p.message) && p.line === 25)).toBe(false);
  });
});
