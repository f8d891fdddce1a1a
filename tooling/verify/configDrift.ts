// Config drift: the deal-desk approval processes and the Opportunity stage validation rules are GENERATED from the
// custom metadata records they enforce (Approval_Tier__mdt, Stage_Policy__mdt, Lifecycle_Field_Policy__mdt), and the verify gate fails when the
// committed files disagree with the records. Salesforce cannot read the records live there: approval-process entry
// criteria do not support $CustomMetadata, and a formula cannot turn Required_Fields__c (a list of field names) into
// field references. (The close-won gate, an Apex trigger action, reads Approval_Tier__mdt live and needs no file.)
//
//   npx tsx tooling/verify/configDrift.ts           report drift (exit 1 when a file disagrees)
//   npx tsx tooling/verify/configDrift.ts --write   rewrite the files from the records
//
// What is generated (everything else in those files is left as written):
// - approvalProcesses/Opportunity.<Approval_Process__c>.approvalProcess-meta.xml: the process entry criteria, the
//   entry criteria of the step <ParallelTier>_Approval, and the formula of the field update that stamps
//   Approval_Tier__c on submission (workflows/Opportunity.workflow-meta.xml);
// - objects/Opportunity/validationRules/Stage_<Stage>_Required_Fields.validationRule-meta.xml (one per stage with
//   Required_Fields__c) and Stage_Skip_Blocked.validationRule-meta.xml, whole (their <active> flag is kept);
// - objects/{Lead,Contact}/validationRules/Lifecycle_<Stage>_Required_Fields.validationRule-meta.xml, whole, one per
//   Lifecycle_Field_Policy__mdt record with Required_Fields__c (active as the record's Active__c).
// The formulas follow scripts/lib/rules/dealdesk.ts and hygiene.ts exactly; tests/unit/datamodel proves it on
// sample deals.
//
// Layout: configDrift/items.ts (a generated piece of a file, reading records), configDrift/dealDesk.ts (approval
// processes), configDrift/stageRules.ts (Opportunity validation rules), configDrift/lifecycleRules.ts (Lead and
// Contact validation rules); this file compares them with the tree and writes fixes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  APPROVAL_TIER,
  LIFECYCLE_FIELD_POLICY,
  STAGE_POLICY,
} from '../../scripts/lib/config/schema/index.ts';
import type { ApprovalTierConfig, StagePolicyConfig } from '../../scripts/lib/config/types.ts';
import type { LifecycleFieldPolicy } from '../../scripts/lib/rules/lifecycle.ts';
import { processItems } from './configDrift/dealDesk.ts';
import { readRecords, type DriftItem } from './configDrift/items.ts';
import { lifecycleRuleItems } from './configDrift/lifecycleRules.ts';
import { ruleItems } from './configDrift/stageRules.ts';
import { loadProjectSchema, type ProjectSchema } from './schema.ts';
import type { CheckInput, Problem } from './types.ts';

export {
  dealDeskFormulas,
  fraction,
  readApprovalTiers,
  type ProcessFormulas,
} from './configDrift/dealDesk.ts';
export type { DriftItem, Generated } from './configDrift/items.ts';
export { stageRule, stageRuleName, stageSkipRule, type FieldInfo } from './configDrift/stageRules.ts';

const REGENERATE = 'npx tsx tooling/verify/configDrift.ts --write';

/** Every generated piece of the tree under `root` (force-app), with what it should say and what it says. */
export function driftItems(
  root: string,
  schema: ProjectSchema = loadProjectSchema(root),
): { items: DriftItem[]; problems: Problem[] } {
  const tiers = readRecords<ApprovalTierConfig>(root, APPROVAL_TIER);
  const policies = readRecords<StagePolicyConfig>(root, STAGE_POLICY);
  const lifecycle = readRecords<LifecycleFieldPolicy>(root, LIFECYCLE_FIELD_POLICY);
  const problems: Problem[] = [...tiers.problems, ...policies.problems, ...lifecycle.problems].map((p) => ({
    check: 'formula',
    file: p.file,
    line: 1,
    message: p.message,
    severity: 'error',
  }));
  const items = [
    ...(tiers.records.length && !tiers.problems.length ? processItems(root, tiers.records) : []),
    ...(policies.records.length && !policies.problems.length
      ? ruleItems(root, schema, policies.records)
      : []),
    ...(!lifecycle.problems.length ? lifecycleRuleItems(root, schema, lifecycle.records) : []),
  ];
  return { items, problems };
}

const short = (s: string): string => (s.length > 400 ? `${s.slice(0, 400)}…` : s).replace(/\s*\n\s*/g, ' ');

/** The first line where two multi-line texts differ (1-based), with both lines. */
function firstDifference(expected: string, found: string): { line: number; expected: string; found: string } {
  const e = expected.split('\n');
  const f = found.split('\n');
  let i = 0;
  while (i < Math.max(e.length, f.length) && (e[i] ?? '').trim() === (f[i] ?? '').trim()) i++;
  return { line: i + 1, expected: (e[i] ?? '').trim(), found: (f[i] ?? '').trim() };
}

/** One line per differing piece: the file, the piece, the metadata records it comes from, expected vs found. */
function describe(i: DriftItem): { line: number; message: string } {
  const from = i.records.length ? ` (generated from customMetadata ${i.records.join(', ')})` : '';
  if (i.found === null)
    return {
      line: i.line,
      message: `${i.what} is missing${from}: expected ${short(i.expected)}. ${i.rewrite ? `Run ${REGENERATE}.` : 'Add it (copy a shipped one), then run the generator.'}`,
    };
  const fix = `Run ${REGENERATE} after changing the records (or fix the record).`;
  if (i.expected.includes('\n') && i.line === 1) {
    const d = firstDifference(i.expected, i.found);
    return {
      line: d.line,
      message: `${i.what} disagrees with the metadata${from}: expected "${short(d.expected)}", found "${short(d.found)}". ${fix}`,
    };
  }
  return {
    line: i.line,
    message: `${i.what} disagrees with the metadata${from}: expected "${short(i.expected)}", found "${short(i.found)}". ${fix}`,
  };
}

const normalize = (s: string): string => s.replace(/\r\n/g, '\n').trim();

/**
 * The drift check of the verify gate (runs with the `formula` check): every generated formula and validation rule
 * in the tree must equal what the Approval_Tier__mdt and Stage_Policy__mdt records under `input.root` produce.
 */
export function checkConfigDrift(
  input: CheckInput,
  schema: ProjectSchema = loadProjectSchema(input.root, input.repoDir),
): Problem[] {
  const { items, problems } = driftItems(input.root, schema);
  for (const i of items) {
    if (i.found !== null && normalize(i.found) === normalize(i.expected)) continue;
    problems.push({
      check: 'formula',
      file: i.file,
      line: describe(i).line,
      message: `config drift: ${describe(i).message}`,
      severity: 'error',
    });
  }
  return problems;
}

/** Rewrites every drifted file it can; returns the files written and the drift it could not fix. */
export function writeConfig(
  root: string,
  schema: ProjectSchema = loadProjectSchema(root),
): { written: string[]; unfixed: string[] } {
  const written = new Set<string>();
  const unfixed: string[] = [];
  // re-read after each write: offsets of later pieces of the same file move
  for (let pass = 0; pass < 50; pass++) {
    const { items, problems } = driftItems(root, schema);
    if (problems.length)
      return { written: [...written], unfixed: problems.map((p) => `${p.file}: ${p.message}`) };
    const next = items.find(
      (i) => i.rewrite && (i.found === null || normalize(i.found) !== normalize(i.expected)),
    );
    if (!next) {
      for (const i of items.filter(
        (x) => !x.rewrite && (x.found === null || normalize(x.found) !== normalize(x.expected)),
      ))
        unfixed.push(`${i.file}: ${describe(i).message}`);
      return { written: [...written], unfixed };
    }
    const before = existsSync(next.file) ? readFileSync(next.file, 'utf8') : '';
    mkdirSync(dirname(next.file), { recursive: true });
    writeFileSync(next.file, (next.rewrite as (c: string) => string)(before));
    written.add(next.file);
  }
  throw new Error('config generator did not settle after 50 rewrites');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const root = resolve(process.argv.find((a, i) => i > 1 && !a.startsWith('--')) ?? 'force-app');
  if (process.argv.includes('--write')) {
    const { written, unfixed } = writeConfig(root);
    for (const f of written) process.stdout.write(`wrote ${relative(process.cwd(), f)}\n`);
    for (const u of unfixed) process.stderr.write(`${u}\n`);
    if (!written.length && !unfixed.length)
      process.stdout.write('approval processes and validation rules match the metadata\n');
    process.exit(unfixed.length ? 1 : 0);
  }
  const problems = checkConfigDrift({ root, repoDir: process.cwd() });
  for (const p of problems)
    process.stderr.write(`${relative(process.cwd(), p.file)}:${p.line}: ${p.message}\n`);
  if (!problems.length) process.stdout.write('approval processes and validation rules match the metadata\n');
  process.exit(problems.length ? 1 : 0);
}
