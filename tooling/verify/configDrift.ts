// Config drift: the deal-desk approval processes and the Opportunity stage validation rules are GENERATED from the
// custom metadata records they enforce (Approval_Tier__mdt, Stage_Policy__mdt), and the verify gate fails when the
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
//   Required_Fields__c) and Stage_Skip_Blocked.validationRule-meta.xml, whole (their <active> flag is kept).
// The formulas follow scripts/lib/rules/dealdesk.ts and hygiene.ts exactly; tests/unit/datamodel proves it on
// sample deals.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRecordFiles } from '../../scripts/lib/config/load.ts';
import {
  APPROVAL_TIER,
  STAGE_POLICY,
  toDomain,
  validateRecord,
  type TypeDef,
} from '../../scripts/lib/config/schema/index.ts';
import type { ApprovalTierConfig, StagePolicyConfig } from '../../scripts/lib/config/types.ts';
import { readRecordFile } from '../../scripts/lib/config/xml.ts';
import { decodeXml, lineAt, listFiles, readXml, xmlText } from './files.ts';
import { getObject, loadProjectSchema, type ProjectSchema } from './schema.ts';
import type { CheckInput, Problem } from './types.ts';

const REGENERATE = 'npx tsx tooling/verify/configDrift.ts --write';
const DISCOUNT = 'BLANKVALUE(Discount_Percent__c, 0)';
const TERM = 'BLANKVALUE(Contract_Term_Months__c, 12)';

/** One generated formula (plain text) and the custom metadata records it was generated from. */
export interface Generated {
  text: string;
  records: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// deal desk: Approval_Tier__mdt -> approval-process formulas

type Criterion =
  | { kind: 'band'; min: number | null; max: number | null }
  | { kind: 'terms' }
  | { kind: 'term'; min: number }
  | { kind: 'segment'; value: string };

const has = (v: number | null | undefined): v is number => v !== null && v !== undefined;

function criteriaOf(t: ApprovalTierConfig): Criterion[] {
  const out: Criterion[] = [];
  if (has(t.minDiscount))
    out.push({ kind: 'band', min: t.minDiscount, max: has(t.maxDiscount) ? t.maxDiscount : null });
  if (t.triggersOnNonStandardTerms) out.push({ kind: 'terms' });
  if (has(t.minTermMonths)) out.push({ kind: 'term', min: t.minTermMonths });
  if (t.segment) out.push({ kind: 'segment', value: t.segment });
  return out;
}

/** A percent as the fraction a formula sees (Percent fields are 0..1 in formulas): 10 -> 0.10, 12.5 -> 0.125. */
export function fraction(percent: number): string {
  const decimals = (String(percent).split('.')[1] ?? '').length;
  return (percent / 100).toFixed(Math.max(2, decimals + 2));
}

function bandParts(c: { min: number | null; max: number | null }): string[] {
  const parts: string[] = [];
  if (c.min !== null && c.min > 0) parts.push(`${DISCOUNT} >= ${fraction(c.min)}`);
  if (c.max !== null) parts.push(`${DISCOUNT} < ${fraction(c.max)}`);
  return parts.length ? parts : [`${DISCOUNT} >= 0`];
}

function holds(c: Criterion): string {
  switch (c.kind) {
    case 'band':
      return bandParts(c).join(' && ');
    case 'terms':
      return 'NOT(ISBLANK(Non_Standard_Terms__c))';
    case 'term':
      return `${TERM} >= ${c.min}`;
    case 'segment':
      return `ISPICKVAL(Segment__c, "${c.value}")`;
  }
}

function fails(c: Criterion): string {
  switch (c.kind) {
    case 'band': {
      const parts = bandParts(c);
      return parts.length === 1 ? `NOT(${parts[0]})` : `NOT(${parts.join(' && ')})`;
    }
    case 'terms':
      return 'ISBLANK(Non_Standard_Terms__c)';
    case 'term':
      return `${TERM} < ${c.min}`;
    case 'segment':
      return `NOT(ISPICKVAL(Segment__c, "${c.value}"))`;
  }
}

const paren = (s: string, many: boolean): string => (many ? `(${s})` : s);

/** The tier's criteria hold (any one of them). */
function matches(criteria: Criterion[], inConjunction: boolean): string {
  const s = criteria.map((c) =>
    paren(holds(c), criteria.length > 1 && c.kind === 'band' && bandParts(c).length > 1),
  );
  return paren(s.join(' || '), inConjunction && s.length > 1);
}

/** None of the tier's criteria holds. */
const matchesNot = (criteria: Criterion[]): string[] => criteria.map(fails);

const disjoint = (
  a: { min: number | null; max: number | null },
  b: { min: number | null; max: number | null },
) => (a.max !== null && (b.min ?? 0) >= a.max) || (b.max !== null && (a.min ?? 0) >= b.max);

/**
 * The later tiers that could override `tier` as the escalation tier, each with the criteria that can still hold
 * when `tier` matches: a tier whose only criterion is a discount band cannot meet a later band that does not overlap
 * it, so that band is dropped (and a later tier left with no criteria is dropped).
 */
function overriders(
  tier: ApprovalTierConfig,
  later: ApprovalTierConfig[],
): { t: ApprovalTierConfig; criteria: Criterion[] }[] {
  const own = criteriaOf(tier);
  const band = own.length === 1 && own[0].kind === 'band' ? own[0] : null;
  return later
    .map((t) => ({
      t,
      criteria: criteriaOf(t).filter((c) => !(band && c.kind === 'band' && disjoint(band, c))),
    }))
    .filter((x) => x.criteria.length > 0);
}

const approversOf = (t: ApprovalTierConfig): string[] =>
  (t.approvers ?? '')
    .split(';')
    .map((a) => a.trim())
    .filter(Boolean);

const record = (t: { name: string }, type: string): string => `${type}.${t.name}`;

/** "`tier` is the escalation tier": it matches and no later non-parallel tier does. */
function escalationIs(tier: ApprovalTierConfig, tiers: ApprovalTierConfig[]): Generated {
  const escalations = tiers.filter((t) => !t.parallel);
  const later = escalations.filter((t) => t.order > tier.order);
  const over = overriders(tier, later);
  const own = criteriaOf(tier);
  const exclusions = over.flatMap((o) => matchesNot(o.criteria));
  const parts = [matches(own, exclusions.length > 0), ...exclusions];
  return {
    text: parts.join(' && '),
    records: [tier, ...over.map((o) => o.t)].map((t) => record(t, 'Approval_Tier')),
  };
}

/** The union of the non-parallel discount bands covers every valid discount (0..100 %). */
function bandsCoverAllDiscounts(tiers: ApprovalTierConfig[]): boolean {
  const bands = tiers
    .filter((t) => !t.parallel && has(t.minDiscount))
    .map((t) => ({ min: t.minDiscount as number, max: has(t.maxDiscount) ? t.maxDiscount : Infinity }))
    .sort((a, b) => a.min - b.min);
  let reach = 0;
  for (const b of bands) {
    if (b.min > reach) return false;
    reach = Math.max(reach, b.max);
  }
  return reach > 100;
}

export interface ProcessFormulas {
  process: string; // Approval_Process__c
  tier: ApprovalTierConfig;
  entry: Generated;
  steps: Map<string, Generated>; // step name (<ParallelTier>_Approval) -> step entry criteria
  tierName: Generated; // formula of the Approval_Tier__c field update on submission
}

/**
 * The formulas of each tier's approval process, following evaluateDealDesk: the escalation tier is the last
 * non-parallel tier whose criteria hold; its process runs when it has approvers, with one step per parallel tier
 * (entry: that tier's criteria; not met = approve). A parallel tier's own process runs when the escalation tier
 * needs no approval and no earlier parallel tier with a process matches. Throws when two tiers share a process.
 */
export function dealDeskFormulas(all: ApprovalTierConfig[]): ProcessFormulas[] {
  const tiers = [...all].sort((a, b) => a.order - b.order);
  const parallels = tiers.filter((t) => t.parallel);
  const out: ProcessFormulas[] = [];
  const seen = new Map<string, string>();
  const tierNameFor = (
    head: string,
    after: ApprovalTierConfig[],
    before: ApprovalTierConfig[] = [],
  ): Generated => {
    const pieces = [
      ...before.map((p) => `IF(${matches(criteriaOf(p), false)}, "${p.tier} + ", "")`),
      `"${head}"`,
      ...after.map((p) => `IF(${matches(criteriaOf(p), false)}, " + ${p.tier}", "")`),
    ];
    return {
      text: pieces.join(' & '),
      records: [...before, ...after].map((t) => record(t, 'Approval_Tier')),
    };
  };
  for (const t of tiers.filter((x) => x.approvalProcess && approversOf(x).length > 0)) {
    const process = t.approvalProcess as string;
    const first = seen.get(process);
    if (first)
      throw new Error(
        `Approval_Tier.${t.name} and Approval_Tier.${first} both name Approval_Process__c ${process}; each tier needs its own process`,
      );
    seen.set(process, t.name);
    if (!t.parallel) {
      const steps = new Map<string, Generated>();
      for (const p of parallels.filter((x) => approversOf(x).length > 0)) {
        steps.set(`${p.name}_Approval`, {
          text: matches(criteriaOf(p), false),
          records: [record(p, 'Approval_Tier')],
        });
      }
      const entry = escalationIs(t, tiers);
      const name = tierNameFor(t.tier, parallels);
      out.push({
        process,
        tier: t,
        entry,
        steps,
        tierName: { ...name, records: [record(t, 'Approval_Tier'), ...name.records] },
      });
      continue;
    }
    // a parallel tier's own process: no escalation approval, this tier matches, no earlier parallel process matches
    const quiet = tiers.filter((x) => !x.parallel && approversOf(x).length === 0);
    const quietParts = quiet.map((q) => escalationIs(q, tiers));
    const noEscalation = bandsCoverAllDiscounts(tiers)
      ? []
      : [
          {
            text: tiers
              .filter((x) => !x.parallel)
              .flatMap((x) => matchesNot(criteriaOf(x)))
              .join(' && '),
            records: [],
          },
        ];
    const alternatives = [...quietParts, ...noEscalation];
    const earlier = parallels.filter((p) => p.order < t.order && p.approvalProcess);
    const parts = [
      matches(criteriaOf(t), true),
      ...earlier.flatMap((p) => matchesNot(criteriaOf(p))),
      alternatives.length === 1
        ? alternatives[0].text
        : `(${alternatives.map((a) => `(${a.text})`).join(' || ')})`,
    ];
    const before = parallels.filter((p) => p.order < t.order && !p.approvalProcess);
    const after = parallels.filter((p) => p.order > t.order);
    out.push({
      process,
      tier: t,
      entry: {
        text: parts.join(' && '),
        records: [
          ...new Set([
            record(t, 'Approval_Tier'),
            ...earlier.map((p) => record(p, 'Approval_Tier')),
            ...alternatives.flatMap((a) => a.records),
          ]),
        ],
      },
      steps: new Map(),
      tierName: { ...tierNameFor(t.tier, after, before), records: [record(t, 'Approval_Tier')] },
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// stage hygiene: Stage_Policy__mdt -> validation rules

export interface FieldInfo {
  label: string;
  type: string; // schema type: picklist, multipicklist, checkbox, text, ...
}

export const stageRuleName = (stage: string): string =>
  `Stage_${stage.replace(/[^A-Za-z0-9]+/g, '_')}_Required_Fields`;

const xmlEscape = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

const splitFields = (v: string | null | undefined): string[] =>
  (v ?? '')
    .split(';')
    .map((f) => f.trim())
    .filter(Boolean);

function blankTest(field: string, info: FieldInfo | undefined): string {
  if (info?.type === 'picklist') return `ISPICKVAL(${field}, "")`;
  if (info?.type === 'checkbox') return `NOT(${field})`;
  return `ISBLANK(${field})`;
}

function validationRuleXml(
  name: string,
  active: boolean,
  description: string,
  formula: string,
  message: string,
  displayField?: string,
): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata">',
    `    <fullName>${name}</fullName>`,
    `    <active>${active}</active>`,
    `    <description>${xmlEscape(description)}</description>`,
    `    <errorConditionFormula>${xmlEscape(formula)}</errorConditionFormula>`,
    ...(displayField ? [`    <errorDisplayField>${displayField}</errorDisplayField>`] : []),
    `    <errorMessage>${xmlEscape(message)}</errorMessage>`,
    '</ValidationRule>',
    '',
  ].join('\n');
}

/** The required-fields rule of one stage (null when the stage requires nothing). */
export function stageRule(
  policy: StagePolicyConfig,
  fields: (api: string) => FieldInfo | undefined,
  active = true,
): { name: string; xml: string } | null {
  const required = splitFields(policy.requiredFields);
  if (required.length === 0) return null;
  const name = stageRuleName(policy.stage);
  const formula = [
    'NOT($Permission.RevOps_Bypass_Validation)',
    `&& ISPICKVAL(StageName, "${policy.stage}")`,
    '&& (',
    required.map((f, i) => `    ${i ? '|| ' : ''}${blankTest(f, fields(f))}`).join('\n'),
    ')',
  ].join('\n');
  const named = required.map((f) => `${fields(f)?.label ?? f} (${f})`).join(', ');
  return {
    name,
    xml: validationRuleXml(
      name,
      active,
      `A deal in ${policy.stage} must have the fields that stage requires (Stage_Policy__mdt ${policy.stage}: ${required.join(';')}).`,
      formula,
      `${policy.stage} requires: ${named}. Fill them in, or move the deal back to an earlier stage.`,
    ),
  };
}

/**
 * Stage_Skip_Blocked, following stageSkip in hygiene.ts: a forward move that passes over an open stage is refused;
 * moves into a closed-lost stage, out of a closed stage or from a stage without a policy are not skips. Each stage's
 * number is its rank among the open stages by Order__c (a won stage ranks right after the open stages before it).
 */
export function stageSkipRule(all: StagePolicyConfig[], active = true): string {
  const policies = [...all].sort((a, b) => a.order - b.order);
  const open = policies.filter((p) => !p.isClosed);
  const lost = policies.filter((p) => p.isClosed && !p.isWon);
  const rank = (p: StagePolicyConfig): number => open.filter((o) => o.order < p.order).length + 1;
  const targets = policies.filter((p) => !p.isClosed || p.isWon);
  const caseOf = (head: string, list: StagePolicyConfig[], otherwise: number): string =>
    [`CASE(${head},`, ...list.map((p) => `        "${p.stage}", ${rank(p)},`), `        ${otherwise})`].join(
      '\n',
    );
  const formula = [
    'NOT($Permission.RevOps_Bypass_Validation)',
    '&& NOT(ISNEW())',
    '&& ISCHANGED(StageName)',
    ...lost.map((p) => `&& NOT(ISPICKVAL(StageName, "${p.stage}"))`),
    `&& ${caseOf('StageName', targets, 0)}`,
    `    - ${caseOf('TEXT(PRIORVALUE(StageName))', open, 99)}`,
    '    > 1',
  ].join('\n');
  const lostNames = lost.map((p) => p.stage).join(' or ');
  const example =
    open.length >= 3 ? ` (e.g. ${open[0].stage} to ${open[Math.min(3, open.length - 1)].stage})` : '';
  return validationRuleXml(
    'Stage_Skip_Blocked',
    active,
    `Blocks forward moves of more than one stage${example}. Moving back, one step forward${lostNames ? `, or to ${lostNames}` : ''} is allowed. Stage order matches Stage_Policy__mdt.Order__c.`,
    formula,
    `Stages cannot be skipped: move the deal one stage forward at a time (${targets.map((p) => p.stage).join(', ')}).${lostNames ? ` ${lostNames} is allowed from any stage.` : ''}`,
    'StageName',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// reading the tree, comparing, writing

function readRecords<T>(
  root: string,
  def: TypeDef,
): { records: T[]; problems: { file: string; message: string }[] } {
  const records: T[] = [];
  const problems: { file: string; message: string }[] = [];
  let files: string[] = [];
  try {
    files = findRecordFiles(root).filter((f) => basename(f).startsWith(`${def.type}.`));
  } catch {
    return { records, problems };
  }
  for (const file of files) {
    const raw = readRecordFile(file);
    const { row, issues } = validateRecord(def, raw);
    if (!row || issues.length) {
      problems.push({
        file,
        message: `${def.type}.${raw.name} is invalid, so the files generated from it cannot be checked: ${issues.map((i) => i.message).join('; ')}`,
      });
      continue;
    }
    records.push(toDomain(def, row, raw.name) as T);
  }
  return { records, problems };
}

/** The valid Approval_Tier__mdt records under `root`, by Order__c (invalid ones are left out). */
export function readApprovalTiers(root: string): ApprovalTierConfig[] {
  return readRecords<ApprovalTierConfig>(root, APPROVAL_TIER).records.sort((a, b) => a.order - b.order);
}

/** Field label and type of an Opportunity field (custom: its field file; standard: the schema, label from the name). */
function opportunityFields(root: string, schema: ProjectSchema): (api: string) => FieldInfo | undefined {
  const object = getObject(schema, 'Opportunity');
  const dir = schema.objectDirs.get('opportunity');
  return (api) => {
    const field = object?.fields.get(api.toLowerCase());
    if (!field) return undefined;
    const file = dir ? join(dir, 'fields', `${api}.field-meta.xml`) : '';
    const label = file && existsSync(file) ? xmlText(readXml(file), 'label') : undefined;
    return { type: field.type, label: label ?? api.replace(/([a-z])([A-Z])/g, '$1 $2') };
  };
}

/** One generated piece of a file: where it is, what it should say, what it says. */
export interface DriftItem {
  file: string;
  line: number;
  what: string;
  records: string[];
  expected: string;
  found: string | null; // null: the element or file is missing
  /** the whole file as it should be (null when it cannot be written automatically) */
  rewrite: ((content: string) => string) | null;
}

interface ElementRef {
  start: number; // offset of the text inside the element
  end: number;
}

function blocks(content: string, tag: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  const re = new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'g');
  for (const m of content.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

/** The text range of the first <formula> inside [from, to) of content. */
function formulaIn(content: string, from: number, to: number): ElementRef | null {
  const slice = content.slice(from, to);
  const m = /<formula>([\s\S]*?)<\/formula>/.exec(slice);
  if (!m) return null;
  const start = from + m.index + '<formula>'.length;
  return { start, end: start + m[1].length };
}

const replaceAt = (content: string, ref: ElementRef, text: string): string =>
  content.slice(0, ref.start) + xmlEscape(text) + content.slice(ref.end);

/** Every generated piece of the approval processes and the workflow, compared with the tree. */
function processItems(root: string, tiers: ApprovalTierConfig[]): DriftItem[] {
  const dir = join(root, 'main', 'default');
  const processDir = existsSync(join(dir, 'approvalProcesses')) ? join(dir, 'approvalProcesses') : null;
  const files = listFiles(root);
  const processFile = (name: string): string | undefined =>
    files.find((f) => f.endsWith(`/approvalProcesses/Opportunity.${name}.approvalProcess-meta.xml`));
  const workflowFile = files.find((f) => f.endsWith('/workflows/Opportunity.workflow-meta.xml'));
  const items: DriftItem[] = [];
  let formulas: ProcessFormulas[];
  try {
    formulas = dealDeskFormulas(tiers);
  } catch (err) {
    return [
      {
        file: processDir ?? root,
        line: 1,
        what: 'approval processes',
        records: [],
        expected: (err as Error).message,
        found: '',
        rewrite: null,
      },
    ];
  }
  for (const f of formulas) {
    const file = processFile(f.process);
    const records = f.entry.records;
    if (!file) {
      items.push({
        file: join(
          processDir ?? join(dir, 'approvalProcesses'),
          `Opportunity.${f.process}.approvalProcess-meta.xml`,
        ),
        line: 1,
        what: `approval process ${f.process} (Approval_Tier.${f.tier.name}.Approval_Process__c)`,
        records: [record(f.tier, 'Approval_Tier')],
        expected: 'the file',
        found: null,
        rewrite: null,
      });
      continue;
    }
    const content = readFileSync(file, 'utf8');
    const steps = blocks(content, 'approvalStep');
    // the process entry criteria: the <entryCriteria> outside every <approvalStep>
    const entry = blocks(content, 'entryCriteria').find(
      (b) => !steps.some((s) => b.start > s.start && b.end < s.end),
    );
    const entryRef = entry ? formulaIn(content, entry.start, entry.end) : null;
    items.push(
      item(file, content, entryRef, `approval process ${f.process}: entry criteria formula`, f.entry),
    );
    for (const [stepName, gen] of f.steps) {
      const step = steps.find((s) => s.text.includes(`<name>${stepName}</name>`));
      const criteria = step ? blocks(step.text, 'entryCriteria')[0] : undefined;
      const ref =
        step && criteria ? formulaIn(content, step.start + criteria.start, step.start + criteria.end) : null;
      items.push(
        item(
          file,
          content,
          ref,
          `approval process ${f.process}: step ${stepName} entry criteria formula`,
          gen,
          step ? step.start : 0,
        ),
      );
    }
    // the field update that records Approval_Tier__c on submission
    const initial = blocks(content, 'initialSubmissionActions')[0]?.text ?? '';
    const actionNames = [...initial.matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1]);
    if (!workflowFile) continue;
    const workflow = readFileSync(workflowFile, 'utf8');
    const update = blocks(workflow, 'fieldUpdates').find(
      (b) =>
        actionNames.some((n) => b.text.includes(`<fullName>${n}</fullName>`)) &&
        b.text.includes('<field>Approval_Tier__c</field>'),
    );
    const ref = update ? formulaIn(workflow, update.start, update.end) : null;
    items.push(
      item(
        workflowFile,
        workflow,
        ref,
        `workflow field update ${update ? (/<fullName>([^<]+)</.exec(update.text)?.[1] ?? '') : '(none)'} stamping Approval_Tier__c for ${f.process}`,
        f.tierName,
      ),
    );
  }
  return items;
}

function item(
  file: string,
  content: string,
  ref: ElementRef | null,
  what: string,
  gen: Generated,
  near = 0,
): DriftItem {
  return {
    file,
    line: lineAt(content, ref ? ref.start : near),
    what,
    records: gen.records,
    expected: gen.text,
    found: ref ? decodeXml(content.slice(ref.start, ref.end)).trim() : null,
    rewrite: ref ? (c: string) => replaceAt(c, ref, gen.text) : null,
  };
}

/** The generated validation rules, compared with the tree. */
function ruleItems(root: string, schema: ProjectSchema, policies: StagePolicyConfig[]): DriftItem[] {
  const dir = schema.objectDirs.get('opportunity') ?? join(root, 'main', 'default', 'objects', 'Opportunity');
  const rulesDir = join(dir, 'validationRules');
  const fields = opportunityFields(root, schema);
  const activeOf = (file: string): boolean =>
    !existsSync(file) || xmlText(readXml(file), 'active') !== 'false';
  const whole = (
    name: string,
    xml: (active: boolean) => string,
    records: string[],
    what: string,
  ): DriftItem => {
    const file = join(rulesDir, `${name}.validationRule-meta.xml`);
    const expected = xml(activeOf(file));
    const found = existsSync(file) ? readFileSync(file, 'utf8') : null;
    return { file, line: 1, what, records, expected, found, rewrite: () => expected };
  };
  const items: DriftItem[] = [];
  for (const p of policies) {
    const rule = stageRule(p, fields);
    const name = stageRuleName(p.stage);
    if (!rule) {
      const file = join(rulesDir, `${name}.validationRule-meta.xml`);
      if (existsSync(file))
        items.push({
          file,
          line: 1,
          what: `validation rule ${name}`,
          records: [record(p, 'Stage_Policy')],
          expected: `no rule (Stage_Policy.${p.name} requires no fields): delete the file`,
          found: 'the file',
          rewrite: null,
        });
      continue;
    }
    items.push(
      whole(
        name,
        (active) => (stageRule(p, fields, active) as { xml: string }).xml,
        [record(p, 'Stage_Policy')],
        `validation rule ${name}`,
      ),
    );
  }
  if (policies.length)
    items.push(
      whole(
        'Stage_Skip_Blocked',
        (active) => stageSkipRule(policies, active),
        policies.map((p) => record(p, 'Stage_Policy')),
        'validation rule Stage_Skip_Blocked',
      ),
    );
  return items;
}

/** Every generated piece of the tree under `root` (force-app), with what it should say and what it says. */
export function driftItems(
  root: string,
  schema: ProjectSchema = loadProjectSchema(root),
): { items: DriftItem[]; problems: Problem[] } {
  const tiers = readRecords<ApprovalTierConfig>(root, APPROVAL_TIER);
  const policies = readRecords<StagePolicyConfig>(root, STAGE_POLICY);
  const problems: Problem[] = [...tiers.problems, ...policies.problems].map((p) => ({
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
