// The dedup report: runs the engine over the records a source reads (source.ts), applies survivorship, and shapes
// the result for --json, the terminal, HTML and the weekly review CSV.
import { clusterBlock } from '../../render/dedupReview.ts';
import { fieldLabeler } from '../labels.ts';
import type { DedupRule } from '../../rules/match.ts';
import { survivorship, type SurvivorRecord } from '../../rules/merge.ts';
import type { FieldValue } from '../../rules/types.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExportSnapshot } from '../../snapshot/build.ts';
import { openDb, requireColumns, toIso as iso, type Db } from '../db.ts';
import { fieldScorer, findDuplicates, type EngineResult, type RecordTable } from './engine.ts';
import { personProfile, salesforceSetup, type PersonMapping } from './profiles.ts';
import { ruleScorer } from './ruleScorer.ts';
import {
  loadSalesforceRecords,
  SHOWN_FIELDS,
  startDetails,
  tableFromCsv,
  type DedupOptions,
} from './source.ts';
import type { ReportDoc } from '../../render/doc.ts';
import { REVIEW_COLUMNS } from './review.ts';
import { notAvailableKpi, notAvailableSections, snapshotCoverage, type NotAvailable } from '../coverage.ts';

export { THREADED_FROM_ROWS, type DedupOptions } from './source.ts';

/** The --json result (exactly this shape). */
export interface DedupJson {
  clusters: { survivorId: string; memberIds: string[]; score: number; reasons: string[] }[];
  pairsCompared: number;
  /** null: not computed, the snapshot's source had no such object (notAvailable says so). */
  records: number | null;
  /**
   * Only when something was: the object itself when the source lacked it (an export without its CSV), or what needs
   * fields of our package the snapshot lacks (an org before install).
   */
  notAvailable?: NotAvailable[];
}

export interface ClusterDetail {
  survivorId: string;
  memberIds: string[];
  score: number;
  reasons: string[];
  /** Winning value per field and the record it comes from (survivorship). */
  winners: Record<string, { value: FieldValue; fromId: string | null }>;
}

export interface DedupResult {
  object: string;
  /** null: not computed, the snapshot's source had no such object (notAvailable says so). */
  records: number | null;
  pairsCompared: number;
  windowedBlocks: number;
  /** Candidate pairs decided 'match' (before clustering). */
  matchPairs?: number;
  clusters: ClusterDetail[];
  review: { ids: [string, string]; score: number; reasons: string[] }[];
  /** Fields shown per record in the review CSV. */
  fields: string[];
  /** Field values by record id, for the records that appear in clusters or review pairs. */
  values: Record<string, Record<string, FieldValue>>;
  elapsedMs: number;
  notAvailable?: NotAvailable[];
  /** What the import of a Data Export said about it (dedup --from-export): objects and fields it lacks. */
  warnings?: string[];
}

/** The name of an object's duplicates figure, in the audit's checklist and in notAvailable: "Duplicate accounts". */
export const duplicatesFigure = (object: string): string => `Duplicate ${object.toLowerCase()}s`;

/** The result for an object the snapshot's source did not have: nothing compared, not 0 records. */
function notComputed(object: string, na: NotAvailable): DedupResult {
  return {
    object,
    records: null,
    pairsCompared: 0,
    windowedBlocks: 0,
    clusters: [],
    review: [],
    fields: [],
    values: {},
    elapsedMs: 0,
    notAvailable: [na],
  };
}

export function toJson(r: DedupResult): DedupJson {
  return {
    clusters: r.clusters.map((c) => ({
      survivorId: c.survivorId,
      memberIds: c.memberIds,
      score: c.score,
      reasons: c.reasons,
    })),
    pairsCompared: r.pairsCompared,
    records: r.records,
    ...(r.notAvailable?.length ? { notAvailable: r.notAvailable } : {}),
  };
}

/**
 * Survivorship by the system-of-record flag needs that field (Account.Is_System_Of_Record__c is ours): without it
 * (an org before install) the next merge priorities pick the survivor, and the report says so.
 */
async function dedupCoverage(db: Db, rule: DedupRule): Promise<NotAvailable[]> {
  if (!rule.systemOfRecordField || !rule.mergePriority.includes('system_of_record')) return [];
  const na = (await snapshotCoverage(db)).check('Survivor by system of record', [
    `${rule.object}.${rule.systemOfRecordField}`,
  ]);
  const next = rule.mergePriority.filter((p) => p !== 'system_of_record').join(', ');
  return na ? [{ ...na, reason: `${na.reason}; survivors are picked by ${next || 'creation date'}` }] : [];
}

function detail(
  table: RecordTable,
  res: EngineResult,
  fields: string[],
  rule: DedupRule | null,
  elapsedMs: number,
  object: string,
): DedupResult {
  const sorField = rule?.systemOfRecordField ?? undefined;
  const values: DedupResult['values'] = {};
  // columns looked up once, not per record
  const shown = fields.map((f) => table.columns[f]);
  const sorColumn = sorField ? table.columns[sorField] : undefined;
  const {
    _LastActivity: lastActivity,
    LastActivityDate: lastActivityDate,
    CreatedDate: created,
  } = table.columns;
  // every record's values object starts as a copy of one template: same shape, no property added per value
  const template: Record<string, FieldValue> = Object.fromEntries(fields.map((f) => [f, null]));
  const rowValues = (i: number): Record<string, FieldValue> => {
    const o = { ...template };
    for (let k = 0; k < fields.length; k++) o[fields[k]] = shown[k]?.[i] ?? null;
    values[table.ids[i]] = o;
    return o;
  };
  const clusters: ClusterDetail[] = res.clusters.map((c) => {
    const recs: SurvivorRecord[] = c.members.map((i) => ({
      id: table.ids[i],
      isSystemOfRecord: sorColumn ? sorColumn[i] === 'true' : false,
      lastActivityAt: iso(lastActivity?.[i] ?? lastActivityDate?.[i]),
      createdAt: iso(created?.[i]),
      fields: rowValues(i),
    }));
    const s = survivorship(recs, rule?.mergePriority ?? ['oldest_created']);
    return {
      survivorId: s.survivorId,
      memberIds: s.ranking,
      score: c.score,
      reasons: c.reasons,
      winners: s.values,
    };
  });
  const review = res.reviewPairs.map((p) => {
    rowValues(p.a);
    rowValues(p.b);
    return { ids: [table.ids[p.a], table.ids[p.b]] as [string, string], score: p.score, reasons: p.reasons };
  });
  return {
    object,
    records: res.records,
    pairsCompared: res.pairsCompared,
    windowedBlocks: res.windowedBlocks,
    matchPairs: res.matchPairs,
    clusters,
    review,
    fields,
    values,
    elapsedMs,
  };
}

/**
 * Dedup of a snapshot's Lead / Contact / Account table under a Dedup_Rule__mdt; not computed when the snapshot's
 * source had no such object (an export without its CSV: an empty table is no evidence of zero duplicates).
 */
export async function dedupSnapshot(db: Db, rule: DedupRule, opts: DedupOptions = {}): Promise<DedupResult> {
  await requireColumns(db, rule.object, ['Id']); // a snapshot without the table: say so, not DuckDB's Catalog Error
  const absent = (await snapshotCoverage(db)).check(duplicatesFigure(rule.object), [rule.object]);
  if (absent) return notComputed(rule.object, absent);
  const t0 = performance.now();
  const table = await loadSalesforceRecords(db, rule, opts);
  const setup = salesforceSetup(rule);
  // the latest activity per record (for survivorship) is computed by DuckDB while the pairs are scored
  const details = await startDetails(db, rule);
  try {
    const res = findDuplicates(
      table,
      setup.blocking,
      ruleScorer(table, rule, setup.columns),
      rule.defaultCountry ?? 'US',
    );
    const rows = new Set([
      ...res.clusters.flatMap((c) => c.members),
      ...res.reviewPairs.flatMap((p) => [p.a, p.b]),
    ]);
    await details.attach(table, [...rows]);
    const fields = SHOWN_FIELDS.filter(
      (f) => table.columns[f] && !(rule.object !== 'Account' && f === 'Name'),
    );
    const notAvailable = await dedupCoverage(db, rule);
    return {
      ...detail(table, res, fields, rule, Math.round(performance.now() - t0), rule.object),
      notAvailable,
    };
  } finally {
    await details.drop();
  }
}

/**
 * Dedup of one object of a Salesforce Data Export (a folder or zip of WE_<orgid>_<n>.ZIP files, or a folder of
 * <Object>.csv) under its Dedup_Rule__mdt, as for a snapshot: the export is imported into a temporary snapshot
 * first, by the same import as `revops snapshot --from-export` (so an org without our package works too).
 */
export async function dedupSalesforceExport(
  path: string,
  rule: DedupRule,
  opts: DedupOptions & { progress?: (message: string) => void } = {},
): Promise<DedupResult> {
  const dir = mkdtempSync(join(tmpdir(), 'revops-dedup-export-'));
  // the temporary snapshot goes on every exit: errors (finally) and a process.exit() (e.g. a second Ctrl-C)
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.on('exit', cleanup);
  try {
    const out = join(dir, 'export.duckdb');
    const built = await buildExportSnapshot({ path, out, scratch: dir, progress: opts.progress });
    const db = await openDb(out, { readOnly: true });
    try {
      return { ...(await dedupSnapshot(db, rule, opts)), warnings: built.warnings };
    } finally {
      db.close();
    }
  } finally {
    cleanup();
    process.off('exit', cleanup);
  }
}

/** Dedup of an exported CSV through a person mapping (e.g. FEBRL). */
export async function dedupExport(
  path: string,
  mapping: PersonMapping,
  object = 'records',
): Promise<DedupResult> {
  const t0 = performance.now();
  const table = await tableFromCsv(path, object, mapping.id);
  const p = personProfile(mapping);
  const res = findDuplicates(table, p.blocking, fieldScorer(table, p.profile));
  const fields = Object.entries(mapping)
    .filter(([k, v]) => k !== 'id' && typeof v === 'string')
    .map(([, v]) => v as string);
  return detail(table, res, fields, null, Math.round(performance.now() - t0), object);
}

const csvCell = (v: FieldValue | undefined): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The weekly review sheet: one row per record of each cluster (decision "merge") and of each review pair
 * (decision "review"), the proposed winner flagged, confidence = pair/cluster score, an empty survivor_id, then
 * the fields; each merge cluster ends with a "(merged)" row holding the winning value per field. The reviewer
 * edits decision (merge / keep apart / change survivor with survivor_id) and applies the sheet with
 * `dedup --apply --from-review` (review.ts).
 */
export function reviewCsv(r: DedupResult): string {
  const head = [...REVIEW_COLUMNS, ...r.fields];
  const lines = [head.join(',')];
  r.clusters.forEach((c, i) => {
    const id = `C${i + 1}`;
    for (const m of c.memberIds) {
      lines.push(
        [
          id,
          'merge',
          m,
          m === c.survivorId ? 'yes' : 'no',
          c.score,
          c.reasons.join('; '),
          '',
          ...r.fields.map((f) => r.values[m]?.[f]),
        ]
          .map(csvCell)
          .join(','),
      );
    }
    lines.push(
      [
        id,
        'merge',
        '(merged)',
        '',
        c.score,
        'winning value per field',
        '',
        ...r.fields.map((f) => c.winners[f]?.value),
      ]
        .map(csvCell)
        .join(','),
    );
  });
  r.review.forEach((p, i) => {
    for (const m of p.ids) {
      lines.push(
        [
          `R${i + 1}`,
          'review',
          m,
          m === p.ids[0] ? 'yes' : 'no',
          p.score,
          p.reasons.join('; '),
          '',
          ...r.fields.map((f) => r.values[m]?.[f]),
        ]
          .map(csvCell)
          .join(','),
      );
    }
  });
  return lines.join('\n') + '\n';
}

export function dedupDoc(r: DedupResult, label = fieldLabeler()): ReportDoc {
  if (r.records === null) return notComputedDoc(r);
  const dupRecords = r.clusters.reduce((s, c) => s + c.memberIds.length - 1, 0);
  const sizes = new Map<number, number>();
  for (const c of r.clusters) sizes.set(c.memberIds.length, (sizes.get(c.memberIds.length) ?? 0) + 1);
  const reasons = new Map<string, number>();
  for (const c of r.clusters) for (const x of c.reasons) reasons.set(x, (reasons.get(x) ?? 0) + 1);
  return {
    title: `Duplicates: ${r.object}`,
    subtitle: `${r.records.toLocaleString('en-US')} records, ${r.pairsCompared.toLocaleString('en-US')} candidate pairs compared in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    sections: [
      {
        title: 'Summary',
        blocks: [
          {
            kind: 'kpis',
            items: [
              { label: 'Records', value: r.records.toLocaleString('en-US') },
              { label: 'Duplicate clusters', value: r.clusters.length.toLocaleString('en-US') },
              {
                label: 'Records to merge away',
                value: dupRecords.toLocaleString('en-US'),
                note: r.records ? `${((dupRecords / r.records) * 100).toFixed(2)}% of records` : undefined,
              },
              { label: 'Pairs for manual review', value: r.review.length.toLocaleString('en-US') },
            ],
          },
          {
            kind: 'bars',
            title: 'Clusters by size (records per cluster)',
            items: [...sizes.entries()]
              .sort((a, b) => a[0] - b[0])
              .map(([k, v]) => ({ label: `${k} records`, value: v })),
          },
          {
            kind: 'bars',
            title: 'Why records matched (clusters per reason)',
            items: [...reasons.entries()]
              .sort((a, b) => b[1] - a[1])
              .map(([k, v]) => ({ label: k, value: v })),
          },
        ],
      },
      {
        title: 'Top clusters (survivor first, winning value per field)',
        blocks: [
          {
            kind: 'table',
            columns: [
              '#',
              'survivor',
              'members',
              'score',
              'reasons',
              ...r.fields.slice(0, 5).map((f) => label(r.object, f)),
            ],
            idColumns: [1],
            rows: r.clusters.map((c, i) => [
              `C${i + 1}`,
              c.survivorId,
              c.memberIds.length,
              c.score.toFixed(2),
              c.reasons.join(', '),
              ...r.fields.slice(0, 5).map((f) => String(c.winners[f]?.value ?? '')),
            ]),
            limit: 10,
          },
        ],
      },
      {
        title: 'Review: one card per cluster',
        blocks: [clusterBlock(r, (f) => label(r.object, f))],
      },
      {
        title: 'Manual review (below the match threshold)',
        blocks: [
          {
            kind: 'table',
            columns: ['pair', 'record A', 'record B', 'score', 'reasons'],
            idColumns: [1, 2],
            rows: r.review.map((p, i) => [
              `R${i + 1}`,
              p.ids[0],
              p.ids[1],
              p.score.toFixed(2),
              p.reasons.join(', '),
            ]),
            limit: 10,
          },
        ],
      },
      ...notAvailableSections(r.notAvailable ?? []),
    ],
  };
}

/** The document for an object the source did not have: the figures in grey with the reason, never as 0. */
function notComputedDoc(r: DedupResult): ReportDoc {
  const reason = r.notAvailable?.[0]?.reason ?? 'not available';
  return {
    title: `Duplicates: ${r.object}`,
    subtitle: reason,
    sections: [
      {
        title: 'Summary',
        blocks: [
          {
            kind: 'kpis',
            items: ['Records', 'Duplicate clusters', 'Records to merge away'].map((label) =>
              notAvailableKpi(label, reason),
            ),
          },
        ],
      },
      ...notAvailableSections(r.notAvailable ?? []),
    ],
  };
}
