// The Apex test run passes on a fresh org (issue 12): tests run as users they create, insert only data the active
// validation rules accept, and no trigger path aggregates history or filters with a leading-wildcard LIKE.
// Each check is proven on a small failing fixture (tests/fixtures/apex-tests) and then run on the real tree.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunAsUsers, checkTestData } from '../../../tooling/verify/apexTests.ts';
import { checkTriggerPathSoql } from '../../../tooling/verify/triggerSoql.ts';
import { ROOT } from './helpers.ts';

// recursive: main classes sit in layer folders (classes/actions, services, ...)
const classes = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cls'))
    .sort()
    .map((f) => join(dir, f));
const MAIN = classes(join(ROOT, 'main', 'default', 'classes'));
const TESTS = classes(join(ROOT, 'test', 'default', 'classes'));
const FIXTURE = join('tests', 'fixtures', 'apex-tests');
const TEST_DATA = join(ROOT, 'test', 'default', 'classes', 'RevOpsTestData.cls');
const fixture = {
  mainFiles: classes(join(FIXTURE, 'main')),
  testFiles: [...classes(join(FIXTURE, 'test')), TEST_DATA],
  root: ROOT,
};
const real = { mainFiles: MAIN, testFiles: TESTS, root: ROOT };
const at = (problems: { file: string; line: number }[]): string[] =>
  problems.map((p) => `${p.file.split('/').at(-1)}:${p.line}`);
const SLOW = 180_000; // parses every Apex class of the tree

describe('Apex tests run as users they create', () => {
  it(
    'flags a controller call or user-mode query outside System.runAs of a created user',
    () => {
      const problems = checkRunAsUsers(fixture);
      expect(at(problems)).toEqual(['Fixture_Tests.cls:11', 'Fixture_Tests.cls:17', 'Fixture_Tests.cls:23']);
      expect(problems[0].message).toContain('FixtureController.getLead (@AuraEnabled)');
      expect(problems[0].message).toContain("RevOpsTestData.userWith('RevOps_Sales_Rep')");
      expect(problems[2].message).toContain('a user-mode query');
    },
    SLOW,
  );

  it(
    'holds for every Apex test of the tree',
    () => {
      expect(checkRunAsUsers(real).map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
    },
    SLOW,
  );
});

describe('Apex tests insert data the active validation rules accept', () => {
  it(
    'names the file, line and rule of each inserted record a rule refuses; try/catch, allOrNone=false and the bypass permission set are exempt',
    () => {
      const result = checkTestData(fixture);
      expect(
        result.problems.map((p) => `${at([p])[0]} ${p.message.match(/validation rule (\S+) refuses/)?.[1]}`),
      ).toEqual([
        'Fixture_Tests.cls:40 Opportunity.Stage_Discovery_Required_Fields',
        'Fixture_Tests.cls:4 Opportunity.Stage_Proposal_Required_Fields',
        'Fixture_Tests.cls:50 Rep_Availability__c.Capacity_And_Weight_Valid',
      ]);
      expect(result.problems[0].message).toContain('Current_Solution__c');
      expect(result.skipped).toEqual([]);
      // evaluated: the three refused, the two builder deals, the valid row, the bypass insert and the lead (Lead has
      // the lifecycle rules; the try/catch and allOrNone=false inserts are exempt, so not evaluated)
      expect(result.checked).toBe(8);
    },
    SLOW,
  );

  it(
    'holds for every Apex test of the tree, RevOpsTestData.opportunityAt included',
    () => {
      const result = checkTestData(real);
      expect(result.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
      expect(result.checked).toBeGreaterThan(10);
    },
    SLOW,
  );
});

describe('trigger paths read no unbounded history aggregate and no leading-wildcard LIKE', () => {
  it(
    'follows TA_* actions into the classes they call and names each offending query with its path',
    () => {
      const problems = checkTriggerPathSoql(fixture);
      expect(at(problems)).toEqual([
        'FixtureSelector.cls:9',
        'FixtureSelector.cls:10',
        'FixtureSelector.cls:14',
      ]);
      expect(problems[0].message).toContain("Name LIKE '%Inc'");
      expect(problems[1].message).toContain("LIKE :patterns ('%' + ...)");
      expect(problems[2].message).toContain('Routing_Decision__c');
      expect(problems[2].path).toEqual(['TA_Fixture_Route.beforeInsert', 'FixtureSelector.lastPointers']);
    },
    SLOW,
  );

  it(
    'holds for every trigger action of the tree',
    () => {
      expect(checkTriggerPathSoql(real).map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
    },
    SLOW,
  );
});

describe('every trigger action states its governor budget', () => {
  const actions = MAIN.filter((f) => /\/TA_[A-Za-z]+_[A-Za-z]+\.cls$/.test(f));
  const apexDoc = readFileSync(join(ROOT, '..', 'docs', 'apex.md'), 'utf8');
  const table = apexDoc.slice(apexDoc.indexOf('**Governor budget per trigger action**'));

  it('in its doc comment (SOQL and DML per 200-record chunk)', () => {
    const missing = actions.filter((f) => {
      const raw = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(f, 'utf8'))?.[1] ?? '';
      const doc = raw.replace(/\n\s*\*/g, ' ').replace(/\s+/g, ' ');
      return !/SOQL/.test(doc) || !/DML/.test(doc) || !/200-record chunk/.test(doc);
    });
    expect(actions.length).toBeGreaterThan(20);
    expect(missing.map((f) => f.split('/').at(-1))).toEqual([]);
  });

  it("in docs/apex.md's per-action budget table", () => {
    const unlisted = actions
      .map((f) => f.split('/').at(-1)!.replace('.cls', ''))
      .filter((name) => !table.includes(`\`${name}\``));
    expect(unlisted).toEqual([]);
  });
});

describe("docs/apex.md's trigger table", () => {
  const OBJECTS = ['Lead', 'Contact', 'Account', 'Opportunity', 'Task', 'Event', 'Engagement_Event__c'];
  const EVENTS = [
    'BEFORE_INSERT',
    'BEFORE_UPDATE',
    'AFTER_INSERT',
    'AFTER_UPDATE',
    'AFTER_DELETE',
    'AFTER_UNDELETE',
  ];
  const dir = join(ROOT, 'main', 'default', 'customMetadata');
  const records = readdirSync(dir)
    .filter((f) => f.startsWith('Trigger_Action.'))
    .map((f) => {
      const xml = readFileSync(join(dir, f), 'utf8');
      const value = (field: string) =>
        new RegExp(`<field>${field}</field>\\s*<value[^>]*>([^<]*)</value>`).exec(xml)?.[1] ?? '';
      return {
        object: value('Object__c'),
        event: value('Event__c'),
        order: Number(value('Order__c')),
        action: value('Apex_Class__c').replace(/^TA_[A-Za-z]+_/, ''),
        active: value('Active__c') === 'true',
      };
    });

  it('lists every shipped Trigger_Action record, in order, with its Order__c', () => {
    const doc = readFileSync(join(ROOT, '..', 'docs', 'apex.md'), 'utf8');
    expect(doc).toContain(`(${records.length} shipped, \`customMetadata/Trigger_Action.*\`)`);
    expect(records.filter((r) => !EVENTS.includes(r.event))).toEqual([]);
    expect(records.filter((r) => !r.active)).toEqual([]);
    expect([...new Set(records.map((r) => r.object))].filter((o) => !OBJECTS.includes(o))).toEqual([]);
    for (const object of OBJECTS) {
      const cells = EVENTS.map((event) =>
        records
          .filter((r) => r.object === object && r.event === event)
          .sort((a, b) => a.order - b.order || a.action.localeCompare(b.action))
          .map((r) => `${r.action} ${r.order}`)
          .join(', '),
      );
      expect(doc).toContain(`| ${object} | ${cells.join(' | ')} |`.replace(/ {2}\|/g, ' |'));
    }
  });
});
