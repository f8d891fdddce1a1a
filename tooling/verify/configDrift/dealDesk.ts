// Deal desk: the approval-process formulas generated from Approval_Tier__mdt (process entry criteria, the entry
// criteria of the parallel steps, the Approval_Tier__c field update), and where they sit in the tree.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPROVAL_TIER } from '../../../scripts/lib/config/schema/index.ts';
import type { ApprovalTierConfig } from '../../../scripts/lib/config/types.ts';
import { listFiles } from '../files.ts';
import { blocks, formulaIn, item, readRecords, record, type DriftItem, type Generated } from './items.ts';

const DISCOUNT = 'BLANKVALUE(Discount_Percent__c, 0)';
const TERM = 'BLANKVALUE(Contract_Term_Months__c, 12)';

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

/** The valid Approval_Tier__mdt records under `root`, by Order__c (invalid ones are left out). */
export function readApprovalTiers(root: string): ApprovalTierConfig[] {
  return readRecords<ApprovalTierConfig>(root, APPROVAL_TIER).records.sort((a, b) => a.order - b.order);
}

/** Every generated piece of the approval processes and the workflow, compared with the tree. */
export function processItems(root: string, tiers: ApprovalTierConfig[]): DriftItem[] {
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
