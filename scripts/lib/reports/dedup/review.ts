// The weekly review sheet read back: `revops dedup --review-csv FILE` writes it (reviewCsv in report.ts), a person
// edits its decision column (merge / keep apart / change survivor, with survivor_id) and
// `revops dedup --apply --from-review FILE -o ORG` merges the accepted clusters through the same path as
// `dedup --apply` (applyMerges: dry run by default, idempotent keys, the log, undo).
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ReportError } from '../db.ts';
import type { FieldValue } from '../../rules/types.ts';
import type { ClusterDetail, DedupResult } from './report.ts';

/** The decisions a sheet row may carry ("review" = not decided yet: the cluster is left alone). */
export const DECISIONS = ['merge', 'keep apart', 'change survivor', 'review'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The columns reviewCsv writes before the record fields. */
export const REVIEW_COLUMNS = [
  'cluster',
  'decision',
  'record_id',
  'proposed_winner',
  'confidence',
  'reasons',
  'survivor_id',
] as const;

/** The row reviewCsv adds to each merge cluster, holding the winning value per field. */
export const MERGED_ROW = '(merged)';

const PREFIXES: Record<string, string> = { '00Q': 'Lead', '003': 'Contact', '001': 'Account' };
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export interface ReviewedCluster {
  /** The sheet's cluster label: C<n> (a merge cluster) or R<n> (a pair below the match threshold). */
  label: string;
  decision: Decision;
  survivorId: string;
  memberIds: string[];
}

export interface ReviewPlan {
  file: string;
  object: string;
  /** What applyMerges runs: only the clusters to merge, survivor first, with the values to set on it. */
  result: DedupResult;
  merge: ReviewedCluster[];
  keptApart: string[];
  undecided: string[];
}

interface Row {
  line: number;
  cells: Record<string, string>;
}

const fail = (file: string, line: number, column: string, problem: string, fix: string): never => {
  throw new ReportError(`${file} row ${line}, column ${column}: ${problem}`, [fix], 2);
};

/** "Keep-Apart", " keep  apart " -> "keep apart"; anything else is reported with the row and column. */
function decisionOf(file: string, row: Row): Decision | null {
  const raw = row.cells.decision ?? '';
  const d = raw
    .trim()
    .toLowerCase()
    .replace(/[-_\s]+/g, ' ');
  if (d === '') return null;
  if ((DECISIONS as readonly string[]).includes(d)) return d as Decision;
  return fail(
    file,
    row.line,
    'decision',
    `"${raw}" is not a decision.`,
    `Write one of: ${DECISIONS.join(', ')} ("review" leaves the cluster for later).`,
  );
}

function readRows(file: string): { fields: string[]; rows: Row[] } {
  if (!existsSync(file))
    throw new ReportError(`Review sheet ${file} does not exist.`, [
      'Write one with revops dedup --review-csv FILE, edit its decision column, then pass it to --from-review.',
    ]);
  const records = parse(readFileSync(file, 'utf8'), {
    info: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const header = records[0]?.record.map((h) => h.trim()) ?? [];
  const missing = REVIEW_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length)
    throw new ReportError(
      `Review sheet ${file} lacks the column(s) ${missing.join(', ')}; it is not a sheet revops dedup --review-csv wrote (or an older one).`,
      ['Write a new sheet with revops dedup --review-csv FILE and make the decisions there.'],
      2,
    );
  const rows = records.slice(1).map(({ record, info }) => ({
    line: info.lines,
    cells: Object.fromEntries(header.map((h, i) => [h, (record[i] ?? '').trim()])),
  }));
  return { fields: header.filter((h) => !(REVIEW_COLUMNS as readonly string[]).includes(h)), rows };
}

/** A cluster's value of a column and the row it was first written on. */
interface Agreed {
  v: string;
  line: number;
}

/** One value per cluster from its rows' cells in `column` (blank cells inherit); two different values are an error. */
function agreed(
  file: string,
  label: string,
  rows: Row[],
  column: string,
  value: (r: Row) => string | null,
): Agreed | null {
  let found: Agreed | null = null;
  for (const r of rows) {
    const v = value(r);
    if (v === null) continue;
    if (found && found.v !== v)
      fail(
        file,
        r.line,
        column,
        `cluster ${label} says "${v}" here but "${found.v}" on row ${found.line}.`,
        `Give every row of cluster ${label} the same ${column} (or leave the others blank).`,
      );
    found ??= { v, line: r.line };
  }
  return found;
}

/** The winning value per field with `order` ranked survivor first: the first non-blank value, as survivorship does. */
function winnersInOrder(
  order: string[],
  values: DedupResult['values'],
  fields: string[],
): ClusterDetail['winners'] {
  const winners: ClusterDetail['winners'] = {};
  for (const f of fields) {
    const from = order.find((id) => (values[id]?.[f] ?? '') !== '');
    winners[f] = { value: from ? values[from][f] : null, fromId: from ?? null };
  }
  return winners;
}

/** The (merged) row's values, as written or as the reviewer edited them, attributed to the member holding each. */
function winnersFromRow(
  merged: Row,
  members: string[],
  values: DedupResult['values'],
  fields: string[],
): ClusterDetail['winners'] {
  const winners: ClusterDetail['winners'] = {};
  for (const f of fields) {
    const value = merged.cells[f] ?? '';
    if (value === '') continue;
    const from = members.find((id) => values[id][f] === value) ?? MERGED_ROW;
    winners[f] = { value, fromId: from };
  }
  return winners;
}

function objectOf(file: string, rows: Row[], wanted: string | undefined): string {
  const objects = new Set<string>();
  for (const r of rows) {
    const id = r.cells.record_id;
    if (id === MERGED_ROW) continue;
    if (!SF_ID.test(id))
      fail(
        file,
        r.line,
        'record_id',
        `"${id}" is not a Salesforce Id.`,
        'Keep the record_id column as revops dedup wrote it.',
      );
    const o = PREFIXES[id.slice(0, 3)];
    if (!o)
      fail(
        file,
        r.line,
        'record_id',
        `${id} is not a Lead, Contact or Account Id.`,
        'Only leads, contacts and accounts are merged from a review sheet.',
      );
    objects.add(o);
  }
  if (objects.size > 1)
    throw new ReportError(
      `Review sheet ${file} mixes ${[...objects].join(', ')} records; one sheet holds one object.`,
      [],
      2,
    );
  const object = [...objects][0] ?? wanted ?? 'Lead';
  if (wanted && wanted !== object)
    throw new ReportError(`--object ${wanted} does not match the sheet's ${object} records.`, [], 2);
  return object;
}

/**
 * Reads an edited review sheet: per cluster one decision (its rows agree; blank cells inherit), for "change
 * survivor" one survivor_id that is a record of the cluster. Only "merge" and "change survivor" clusters go into
 * the result; "merge" keeps the (merged) row's values (edits included), "change survivor" recomputes the winners
 * with the chosen record first.
 */
export function readReview(file: string, wantedObject?: string): ReviewPlan {
  const { fields, rows } = readRows(file);
  const object = objectOf(file, rows, wantedObject);
  const values: DedupResult['values'] = {};
  const plan: ReviewPlan = {
    file,
    object,
    merge: [],
    keptApart: [],
    undecided: [],
    result: {
      object,
      records: 0,
      pairsCompared: 0,
      windowedBlocks: 0,
      clusters: [],
      review: [],
      fields,
      values,
      elapsedMs: 0,
    },
  };
  for (const [label, all] of clustersOf(file, rows)) {
    const members = all.filter((r) => r.cells.record_id !== MERGED_ROW);
    for (const r of members)
      values[r.cells.record_id] = Object.fromEntries(fields.map((f) => [f, r.cells[f] ?? ''])) as Record<
        string,
        FieldValue
      >;
    const { decision, survivor } = clusterDecision(file, label, members);
    if (!decision || decision === 'review') plan.undecided.push(label);
    else if (decision === 'keep apart') plan.keptApart.push(label);
    else addMerge(plan, label, decision, all, survivor);
  }
  plan.result.records = Object.keys(values).length;
  return plan;
}

/** The sheet's rows by cluster label, in sheet order; a label revops dedup did not write is an error. */
function clustersOf(file: string, rows: Row[]): Map<string, Row[]> {
  const byLabel = new Map<string, Row[]>();
  for (const r of rows) {
    const label = r.cells.cluster;
    if (!/^[CR]\d+$/.test(label))
      fail(
        file,
        r.line,
        'cluster',
        `"${label}" is not a cluster label.`,
        'Keep the labels revops dedup wrote (C1, R1, ...).',
      );
    byLabel.set(label, [...(byLabel.get(label) ?? []), r]);
  }
  return byLabel;
}

/** A cluster's one decision and survivor_id (its rows agree); a survivor goes only with "change survivor". */
function clusterDecision(
  file: string,
  label: string,
  members: Row[],
): { decision: Decision | undefined; survivor: Agreed | null } {
  const decision = agreed(file, label, members, 'decision', (r) => decisionOf(file, r))?.v as
    Decision | undefined;
  const survivor = agreed(file, label, members, 'survivor_id', (r) => r.cells.survivor_id || null);
  if (survivor && decision !== 'change survivor')
    fail(
      file,
      survivor.line,
      'survivor_id',
      `cluster ${label} names a survivor but its decision is "${decision ?? ''}".`,
      'Write "change survivor" in the decision column to merge into that record, or clear survivor_id.',
    );
  return { decision, survivor };
}

/**
 * Adds a cluster to merge to the plan: survivor first (the proposed winner, or the reviewer's survivor_id), with the
 * (merged) row's values for "merge" and the winners recomputed in that order for "change survivor".
 */
function addMerge(
  plan: ReviewPlan,
  label: string,
  decision: 'merge' | 'change survivor',
  all: Row[],
  survivor: Agreed | null,
): void {
  const { file, result } = plan;
  const members = all.filter((r) => r.cells.record_id !== MERGED_ROW);
  const merged = all.find((r) => r.cells.record_id === MERGED_ROW);
  const memberIds = members.map((r) => r.cells.record_id);
  if (memberIds.length < 2)
    throw new ReportError(
      `${file}: cluster ${label} has ${memberIds.length} record(s); a merge needs two.`,
      [],
      2,
    );
  const proposed = members.find((r) => r.cells.proposed_winner.toLowerCase() === 'yes')?.cells.record_id;
  const survivorId =
    decision === 'change survivor'
      ? chosenSurvivor(file, label, members, memberIds, survivor)
      : (proposed ?? memberIds[0]);
  const order = [survivorId, ...memberIds.filter((m) => m !== survivorId)];
  const winners =
    decision === 'merge' && merged
      ? winnersFromRow(merged, order, result.values, result.fields)
      : winnersInOrder(order, result.values, result.fields);
  plan.merge.push({ label, decision, survivorId, memberIds: order });
  result.clusters.push({
    survivorId,
    memberIds: order,
    score: Number(members[0].cells.confidence) || 0,
    reasons: members[0].cells.reasons ? members[0].cells.reasons.split('; ') : [],
    winners,
  });
}

/** The survivor a "change survivor" cluster names: it must name one, and one of the cluster's records. */
function chosenSurvivor(
  file: string,
  label: string,
  members: Row[],
  memberIds: string[],
  survivor: Agreed | null,
): string {
  if (!survivor)
    return fail(
      file,
      members[0].line,
      'survivor_id',
      `cluster ${label} is "change survivor" but no row names the survivor.`,
      `Write the record_id of the record that survives in survivor_id (one of ${memberIds.join(', ')}).`,
    );
  if (!memberIds.includes(survivor.v))
    fail(
      file,
      survivor.line,
      'survivor_id',
      `${survivor.v} is not a record of cluster ${label}.`,
      `Use one of ${memberIds.join(', ')}.`,
    );
  return survivor.v;
}

/** The lines a person reads before the merge plan: what the sheet decided, cluster by cluster. */
export function reviewSummary(plan: ReviewPlan): string {
  const list = (labels: string[]) => (labels.length ? ` (${labels.join(', ')})` : '');
  return [
    `Review sheet ${plan.file}: ${plan.merge.length} cluster(s) to merge${list(plan.merge.map((c) => c.label))}, ${plan.keptApart.length} kept apart${list(plan.keptApart)}, ${plan.undecided.length} not decided${list(plan.undecided)}`,
    ...plan.merge.map(
      (c, i) =>
        `  merge cluster ${i + 1} = ${c.label}: ${c.memberIds.length - 1} record(s) into ${c.survivorId}${c.decision === 'change survivor' ? ' (survivor changed by the reviewer)' : ''}`,
    ),
  ].join('\n');
}
