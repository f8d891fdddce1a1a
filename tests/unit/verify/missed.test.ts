// Issue 14, "mistakes it missed": one small tree per mistake class under tests/fixtures/verify/missed-*, each holding
// the mistake next to a correct instance of the same thing. The gate names exactly the mistake (check, file, line and
// what to change) and nothing else; our own force-app stays clean under the same checks.
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckName, Problem } from '../../../tooling/verify/index.ts';
import { MISSED_CHECKS } from '../../../tooling/verify/missed.ts';
import { loadProjectSchema } from '../../../tooling/verify/schema.ts';
import { REPO, fixture, problemsOf, verifyFixture } from './helpers.ts';

type Expected = [check: CheckName, file: string, line: number, message: RegExp];

interface Case {
  title: string;
  fixture: string;
  checks: CheckName[];
  expected: Expected[];
}

const CASES: Case[] = [
  {
    title:
      'a duplicate rule naming a matching rule the tree lacks; matching on long text; FirstName method on Email',
    fixture: 'missed-duplicate-rules',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'duplicateRules/Lead.Ghost_Lead_Duplicates.duplicateRule-meta.xml',
        12,
        /uses matching rule Lead_Phone_Fuzzy on Lead, which the tree does not define: add it to matchingRules\/Lead\.matchingRule-meta\.xml or use one it has \(Lead_Email_Exact, /,
      ],
      [
        'deploy',
        'matchingRules/Lead.matchingRule-meta.xml',
        23,
        /Lead_Email_Fuzzy: matching method FirstName does not fit Lead\.Email \(email\).*Use <matchingMethod>Exact<\/matchingMethod>/,
      ],
      [
        'deploy',
        'matchingRules/Lead.matchingRule-meta.xml',
        33,
        /Lead_Notes compares Lead\.Notes__c, a long text area field; matching rules compare only text/,
      ],
    ],
  },
  {
    title: 'LeadConvertSettings mapping to a missing field and between mismatched types',
    fixture: 'missed-lead-convert',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'LeadConvertSettings/LeadConvertSettings.LeadConvertSetting-meta.xml',
        12,
        /maps Lead\.Region__c to Contact\.Region__c: Contact\.Region__c does not exist .*Add the field to Contact or map to one it has/,
      ],
      [
        'deploy',
        'LeadConvertSettings/LeadConvertSettings.LeadConvertSetting-meta.xml',
        20,
        /maps Lead\.Segment__c to Contact\.Is_Key__c: a Text field maps only to Text, TextArea, LongTextArea, Picklist field \(Text\(100\) to Checkbox\)/,
      ],
    ],
  },
  {
    title: 'a queue on an object a queue cannot own (Opportunity)',
    fixture: 'missed-queue',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'queues/Deal_Desk.queue-meta.xml',
        6,
        /Queue Deal_Desk lists Opportunity: Opportunity's owner can only be a user.*Remove this <queueSobject>/,
      ],
    ],
  },
  {
    title: 'an OpportunityStage value with an invalid forecast category, and one won but not closed',
    fixture: 'missed-opportunity-stage',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'standardValueSets/OpportunityStage.standardValueSet-meta.xml',
        18,
        /Stage Committed: forecastCategory Commit is not one of Omitted, Pipeline, BestCase, MostLikely, Forecast, Closed/,
      ],
      [
        'deploy',
        'standardValueSets/OpportunityStage.standardValueSet-meta.xml',
        29,
        /Stage Won Pending Signature is won but not closed: a won stage must also set <closed>true<\/closed>/,
      ],
    ],
  },
  {
    title:
      'an approval step to the manager without nextAutomatedApprover, and a submitter role the tree lacks',
    fixture: 'missed-approval',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'approvalProcesses/Opportunity.Large_Deal_Broken.approvalProcess-meta.xml',
        10,
        /allows submitters of role Regional_Manager, which the tree does not define \(no roles\/Regional_Manager\.role-meta\.xml\)/,
      ],
      [
        'deploy',
        'approvalProcesses/Opportunity.Large_Deal_Broken.approvalProcess-meta.xml',
        20,
        /Manager_Step sends to the submitter's manager \(userHierarchyField\), but the process has no <nextAutomatedApprover>.*Add one to the process/,
      ],
    ],
  },
  {
    title: 'a field update setting a picklist by formula, or to a value outside the picklist',
    fixture: 'missed-field-update',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'workflows/Opportunity.workflow-meta.xml',
        16,
        /Set_Done sets Opportunity\.Approval_Status__c to "Done", which is not one of its values \(Pending, Approved, Rejected\)/,
      ],
      [
        'deploy',
        'workflows/Opportunity.workflow-meta.xml',
        29,
        /Set_By_Formula sets the picklist Opportunity\.Approval_Status__c with a formula.*Use <operation>Literal<\/operation>/,
      ],
    ],
  },
  {
    title: 'two lookups to one object with the same relationshipName',
    fixture: 'missed-relationship-name',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'objects/Deal_Note__c/fields/Primary_Account__c.field-meta.xml',
        8,
        /Deal_Note__c\.Primary_Account__c and Deal_Note__c\.Billing_Account__c both name their child relationship on Account "Deal_Notes".*Rename this <relationshipName>/,
      ],
    ],
  },
  {
    title: 'a Trigger_Action__mdt record naming an Apex class the tree lacks',
    fixture: 'missed-cmdt-class',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'customMetadata/Trigger_Action.Lead_BI_Route.md-meta.xml',
        6,
        /record Lead_BI_Route names Apex class TA_Lead_Rout in Apex_Class__c, which the tree does not define \(no classes\/TA_Lead_Rout\.cls\)/,
      ],
    ],
  },
  {
    title: 'put/get of a field the schema lacks, and dynamic SOQL built from literals naming one',
    fixture: 'missed-dynamic-soql',
    checks: ['apex-schema'],
    expected: [
      [
        'apex-schema',
        'classes/DynamicFields.cls',
        2,
        /Dynamic SOQL \(built from literals\): No field 'Colour__c' on Deal_Note__c\. Fix the name/,
      ],
      [
        'apex-schema',
        'classes/DynamicFields.cls',
        6,
        /lead\.put\('Fit_Scor__c'\): Lead has no field Fit_Scor__c/,
      ],
      [
        'apex-schema',
        'classes/DynamicFields.cls',
        8,
        /note\.get\('Heading__c'\): Deal_Note__c has no field Heading__c/,
      ],
      [
        'apex-schema',
        'classes/DynamicFields.cls',
        16,
        /Dynamic SOQL \(built from literals\): No field 'Lead_Ref__c' on Deal_Note__c/,
      ],
    ],
  },
  {
    title:
      "custom metadata records that violate their own type's validation rules ($CustomMetadata included)",
    fixture: 'missed-cmdt-validation',
    checks: ['formula'],
    expected: [
      [
        'formula',
        'customMetadata/Threshold.Huge.md-meta.xml',
        6,
        /record Huge violates its type's active validation rule Max_Within_Default \("Max may be at most ten times the Default record's Max\."\)/,
      ],
      [
        'formula',
        'customMetadata/Threshold.Inverted.md-meta.xml',
        10,
        /record Inverted violates its type's active validation rule Min_Below_Max \("Min must be below Max\."\).*Fix the record's values/,
      ],
    ],
  },
  {
    title: 'Apex test DML that an active validation rule refuses',
    fixture: 'missed-test-data',
    checks: ['deploy'],
    expected: [
      [
        'deploy',
        'classes/Deals_Tests.cls',
        11,
        /savesAWonDealWithoutAReason inserts an Opportunity \(line 12\) that the active validation rule Opportunity\.Win_Reason_Required refuses: A won deal needs a Win Reason\. RunLocalTests fails/,
      ],
    ],
  },
];

const where = (name: string, p: Problem): string =>
  `${p.check} ${relative(join(fixture(name), 'main', 'default'), p.file)}:${p.line}`;

describe('verify: the mistakes the gate used to miss (issue 14)', () => {
  for (const c of CASES) {
    it(`fails ${c.title}, naming only the mistake`, async () => {
      const report = await verifyFixture(c.fixture, c.checks);
      const problems = problemsOf(report);
      expect(report.ok).toBe(false);
      expect(problems.map((p) => where(c.fixture, p)).sort()).toEqual(
        c.expected.map(([check, file, line]) => `${check} ${file}:${line}`).sort(),
      );
      for (const [check, file, line, message] of c.expected) {
        const p = problems.find((x) => where(c.fixture, x) === `${check} ${file}:${line}`);
        expect(p?.message, `${file}:${line}`).toMatch(message);
        expect(p?.severity).toBe('error');
      }
    }, 60_000);
  }

  it('finds none of them in our own force-app', () => {
    const root = join(REPO, 'force-app');
    const schema = loadProjectSchema(root, REPO);
    const problems = Object.values(MISSED_CHECKS).flatMap((check) => check!({ root, repoDir: REPO }, schema));
    expect(problems.map((p) => `${relative(REPO, p.file)}:${p.line} ${p.message}`)).toEqual([]);
  }, 180_000);
});
