// The checks added for the mistakes the gate used to miss (issue 14), by the gate check they report under. index.ts
// appends each one to its check's runner. All are deployability errors except where a message says otherwise.
import { readFileSync } from 'node:fs';
import { checkTestData } from './apexTests.ts';
import { checkRecordApexClasses, checkRecordValidationRules } from './cmdtRecords.ts';
import { checkDuplicateManagement } from './duplicateRules.ts';
import { checkDynamicStrings } from './dynamicSoql.ts';
import { listFiles } from './files.ts';
import { checkLeadConvertSettings } from './leadConvert.ts';
import { checkReports } from './reports.ts';
import {
  checkApprovalProcesses,
  checkFieldUpdates,
  checkOpportunityStages,
  checkQueues,
  checkRelationshipNames,
} from './metadataRules.ts';
import type { ProjectSchema } from './schema.ts';
import type { CheckInput, CheckName, Problem } from './types.ts';

/** Metadata Salesforce rejects on deploy: duplicate/matching rules, lead conversion, queues, stages, approvals ... */
export function checkMetadataRules(input: CheckInput, schema: ProjectSchema): Problem[] {
  const files = listFiles(input.root);
  return [
    ...checkDuplicateManagement(files, schema),
    ...checkLeadConvertSettings(files, schema),
    ...checkQueues(files, schema),
    ...checkOpportunityStages(files),
    ...checkApprovalProcesses(files, schema),
    ...checkFieldUpdates(files, schema),
    ...checkRelationshipNames(schema),
    ...checkRecordApexClasses(files),
  ];
}

/**
 * Apex test data an active validation rule refuses (apexTests.ts checkTestData): the org's RunLocalTests, and so a
 * production deploy, fails. Every class with @IsTest is a test or a test data builder.
 */
export function checkApexTestData(input: CheckInput, schema: ProjectSchema): Problem[] {
  // parsing every test class is the slow part: none is needed when no record object has an active rule
  if (!schema.validationRules.some((r) => r.active && !/__mdt$/i.test(r.object))) return [];
  const testFiles = listFiles(input.root).filter(
    (f) => f.endsWith('.cls') && /@IsTest\b/i.test(readFileSync(f, 'utf8')),
  );
  if (testFiles.length === 0) return [];
  return checkTestData({ testFiles, mainFiles: [], root: input.root }).problems.map((p) => ({
    check: 'deploy',
    file: p.file,
    line: p.line,
    message: `${p.message} RunLocalTests fails in the org: give the test record the values the rule needs.`,
    severity: 'error',
  }));
}

/** Extra checks per gate check, appended to that check's results. */
export const MISSED_CHECKS: Partial<
  Record<CheckName, (input: CheckInput, schema: ProjectSchema) => Problem[]>
> = {
  deploy: (input, schema) => [
    ...checkMetadataRules(input, schema),
    ...checkApexTestData(input, schema),
    ...checkReports(input, schema), // report types, reports and dashboards (issue 20)
  ],
  'apex-schema': (input, schema) => checkDynamicStrings(input, schema),
  formula: (input, schema) => checkRecordValidationRules(input.root, listFiles(input.root), schema),
};
