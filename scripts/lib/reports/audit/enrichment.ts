// The audit's enrichment accuracy check ("verify enrichment data accuracy"): from Enrichment_Sources__c (the provider
// and time of every enriched field, written by EnrichmentJob) it counts what each provider filled, draws a
// deterministic sample per provider to check by hand (a CSV with a blank "correct" column), and, given that CSV back
// with "correct" filled in, measures each provider's accuracy per field with a 95% Wilson interval and flags the
// fields below the threshold with the action to take (lower the provider's rank for that field).
import { parse } from 'csv-parse/sync';
import { csvText } from '../../render/csv.ts';
import { lit, q, ReportError, type Db } from '../db.ts';
import { notAvailableReason, snapshotCoverage, type NotAvailable } from '../coverage.ts';
import { hashOrder } from './figures.ts';

export const ENRICHMENT_FIGURE = 'Enrichment accuracy by provider';
/** The objects EnrichmentJob enriches (Enrichment_Sources__c on each). */
export const ENRICHED_OBJECTS = ['Lead', 'Contact', 'Account'] as const;
const SOURCES = 'Enrichment_Sources__c';
const PAGE = 50_000;
/** The columns of the sample CSV, in order; the verified file must keep record_id, field, provider and correct. */
export const SAMPLE_COLUMNS = [
  'record_link',
  'object',
  'record_id',
  'field',
  'enriched_value',
  'provider',
  'enriched_at',
  'correct',
] as const;

/** One enriched field of one record, as Enrichment_Sources__c records it. */
export interface EnrichedField {
  object: string;
  recordId: string;
  field: string;
  provider: string;
  at: string | null;
  /** The field's value in the snapshot (null when blank or when the snapshot has no such column). */
  value: string | null;
}

export interface ProviderFields {
  provider: string;
  /** Records with at least one field from this provider. */
  records: number;
  /** Fields the provider filled, most first. */
  fields: { object: string; field: string; count: number }[];
}

export interface AccuracyRow {
  provider: string;
  /** "Lead.Industry", or "all fields" for the provider's total. */
  field: string;
  verified: number;
  correct: number;
  accuracy: number;
  /** 95% Wilson score interval. */
  low: number;
  high: number;
  flagged: boolean;
  action: string | null;
}

export interface EnrichmentAudit {
  providers: ProviderFields[];
  /** Per provider, up to sampleSize enriched fields, the same for the same snapshot and seed. */
  sample: EnrichedField[];
  /** Null until a verified sample is given (--enrichment-verified). */
  accuracy: AccuracyRow[] | null;
  threshold: number;
  notAvailable: NotAvailable[];
}

/** One verified row of the sample CSV. */
export interface VerifiedRow {
  object: string;
  recordId: string;
  field: string;
  provider: string;
  correct: boolean;
}

export interface EnrichmentAuditOptions {
  /** Fields to sample per provider (default 20). */
  sampleSize?: number;
  seed?: number;
  verified?: VerifiedRow[];
  /** Accuracy below this is flagged (default 0.9). */
  threshold?: number;
}

/** The objects whose snapshot table has Enrichment_Sources__c and whose source had it (installed orgs). */
async function enrichedObjects(db: Db): Promise<{ objects: string[]; notAvailable: NotAvailable[] }> {
  const coverage = await snapshotCoverage(db);
  const objects: string[] = [];
  for (const o of ENRICHED_OBJECTS) {
    if (!(await db.hasTable(o))) continue;
    if ((await db.tableColumns(o)).includes(SOURCES) && coverage.has(o, SOURCES)) objects.push(o);
  }
  if (objects.length) return { objects, notAvailable: [] };
  const needs = ENRICHED_OBJECTS.map((o) => `${o}.${SOURCES}`);
  return { objects, notAvailable: [{ figure: ENRICHMENT_FIGURE, reason: notAvailableReason(needs) }] };
}

/** Enrichment_Sources__c parsed: field -> {provider, at}; an unreadable value counts as none. */
export function parseSources(text: string | null): { field: string; provider: string; at: string | null }[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  const out: { field: string; provider: string; at: string | null }[] = [];
  for (const [field, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const e = entry as { provider?: unknown; at?: unknown } | null;
    if (e && typeof e.provider === 'string' && e.provider)
      out.push({ field, provider: e.provider, at: typeof e.at === 'string' ? e.at : null });
  }
  return out;
}

/** Counts per provider and field, and the deterministic sample (the sampleSize lowest hashes per provider). */
async function scan(db: Db, objects: string[], sampleSize: number, seed: number) {
  const counts = new Map<string, { records: number; fields: Map<string, number> }>();
  const picked = new Map<string, { h: number; f: EnrichedField }[]>();
  for (const object of objects) {
    // keyset pages by Id: each record is read once, so a provider's record count needs no set of Ids
    for (let after = ''; ;) {
      const rows = await db.all<{ id: string; s: string }>(
        `SELECT "Id" AS id, ${q(SOURCES)} AS s FROM ${q(object)} WHERE ${q(SOURCES)} IS NOT NULL AND "Id" > ${lit(after)} ORDER BY "Id" LIMIT ${PAGE}`,
      );
      for (const r of rows) {
        const entries = parseSources(r.s);
        for (const provider of new Set(entries.map((e) => e.provider))) {
          const c = counts.get(provider) ?? { records: 0, fields: new Map<string, number>() };
          counts.set(provider, c);
          c.records++;
        }
        for (const e of entries) {
          const c = counts.get(e.provider)!;
          const key = `${object}.${e.field}`;
          c.fields.set(key, (c.fields.get(key) ?? 0) + 1);
          const list = picked.get(e.provider) ?? [];
          picked.set(e.provider, list);
          list.push({
            h: hashOrder(`${r.id}|${e.field}`, seed),
            f: { object, recordId: r.id, ...e, value: null },
          });
          if (list.length > 4 * sampleSize) trim(list, sampleSize);
        }
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].id;
    }
  }
  const providers: ProviderFields[] = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, c]) => ({
      provider,
      records: c.records,
      fields: [...c.fields.entries()]
        .map(([k, count]) => ({ object: k.split('.')[0], field: k.split('.').slice(1).join('.'), count }))
        .sort(
          (a, b) => b.count - a.count || `${a.object}.${a.field}`.localeCompare(`${b.object}.${b.field}`),
        ),
    }));
  const sample = providers.flatMap(({ provider }) => {
    const list = picked.get(provider)!;
    trim(list, sampleSize);
    return list.map((x) => x.f);
  });
  return { providers, sample };
}

function trim(list: { h: number; f: EnrichedField }[], n: number): void {
  list.sort(
    (a, b) => a.h - b.h || a.f.recordId.localeCompare(b.f.recordId) || a.f.field.localeCompare(b.f.field),
  );
  list.length = Math.min(list.length, n);
}

/** Fills each sampled field's current value from the snapshot (one query per object). */
async function fillValues(db: Db, sample: EnrichedField[]): Promise<void> {
  for (const object of new Set(sample.map((s) => s.object))) {
    const mine = sample.filter((s) => s.object === object);
    const cols = new Set(await db.tableColumns(object));
    const fields = [...new Set(mine.map((s) => s.field))].filter((f) => cols.has(f));
    if (!fields.length) continue;
    const ids = [...new Set(mine.map((s) => s.recordId))].map(lit).join(', ');
    const rows = await db.all<Record<string, string | number | boolean | null>>(
      `SELECT "Id" AS id, ${fields.map(q).join(', ')} FROM ${q(object)} WHERE "Id" IN (${ids})`,
    );
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    for (const s of mine) {
      const v = byId.get(s.recordId)?.[s.field];
      s.value = v === null || v === undefined ? null : String(v);
    }
  }
}

/** The 95% Wilson score interval of k successes in n trials. */
export function wilson(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const d = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** Accuracy per provider and field, then per provider over all its fields; below the threshold flagged. */
export function accuracyRows(verified: VerifiedRow[], threshold: number): AccuracyRow[] {
  const groups = new Map<string, { provider: string; field: string; n: number; k: number }>();
  const add = (provider: string, field: string, ok: boolean) => {
    const key = `${provider}\u0000${field}`;
    const g = groups.get(key) ?? { provider, field, n: 0, k: 0 };
    groups.set(key, g);
    g.n++;
    if (ok) g.k++;
  };
  for (const v of verified) {
    add(v.provider, `${v.object}.${v.field}`, v.correct);
    add(v.provider, 'all fields', v.correct);
  }
  return [...groups.values()]
    .sort(
      (a, b) =>
        a.provider.localeCompare(b.provider) ||
        Number(a.field === 'all fields') - Number(b.field === 'all fields') ||
        a.field.localeCompare(b.field),
    )
    .map((g) => {
      const accuracy = g.k / g.n;
      const { low, high } = wilson(g.k, g.n);
      const flagged = accuracy < threshold;
      return {
        provider: g.provider,
        field: g.field,
        verified: g.n,
        correct: g.k,
        accuracy,
        low,
        high,
        flagged,
        action: flagged ? actionFor(g.provider, g.field, high < threshold, threshold) : null,
      };
    });
}

function actionFor(provider: string, field: string, sure: boolean, threshold: number): string {
  const pct = `${Math.round(threshold * 100)}%`;
  const what =
    field === 'all fields'
      ? `lower ${provider}'s rank (Enrichment_Provider__mdt.Rank__c: a higher number is less trusted) or deactivate it`
      : `lower ${provider}'s rank for ${field} (Rank__c on its Enrichment_Mapping__mdt record for ${field.replace('.', ' ')}: a higher number is less trusted) or deactivate that mapping`;
  return sure
    ? `${what}: even the upper bound of the interval is below ${pct}`
    : `${what}, or verify more records first: the interval still reaches ${pct}`;
}

const YES = new Set(['y', 'yes', 'true', '1', 'correct', 'ok', 'x', '✓']);
const NO = new Set(['n', 'no', 'false', '0', 'wrong', 'incorrect', '✗']);

/**
 * Reads the sample CSV back with "correct" filled in (y/yes/1/true or n/no/0/false; blank rows are not counted).
 * Throws a ReportError naming the file, the row and the fix for a missing column or an unreadable answer.
 */
export function parseVerified(text: string, file: string): VerifiedRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new ReportError(`--enrichment-verified ${file} is not a readable CSV: ${(e as Error).message}`, [
      'Give back the enrichment sample CSV the audit wrote (--enrichment-sample), with the correct column filled in.',
    ]);
  }
  const need = ['object', 'record_id', 'field', 'provider', 'correct'];
  const header = records.length ? Object.keys(records[0]) : [];
  const missing = need.filter((c) => !header.includes(c));
  if (missing.length)
    throw new ReportError(`--enrichment-verified ${file} has no column ${missing.join(', ')}.`, [
      `Keep the header row the audit wrote: ${SAMPLE_COLUMNS.join(',')}.`,
    ]);
  const out: VerifiedRow[] = [];
  records.forEach((r, i) => {
    const answer = (r.correct ?? '').trim().toLowerCase();
    if (answer === '') return;
    const correct = YES.has(answer) ? true : NO.has(answer) ? false : null;
    if (correct === null)
      throw new ReportError(
        `--enrichment-verified ${file}, row ${i + 2}: correct is "${r.correct}", which is neither yes nor no.`,
        ['Write y or n in the correct column (or leave it blank for a record you did not check).'],
      );
    out.push({ object: r.object, recordId: r.record_id, field: r.field, provider: r.provider, correct });
  });
  return out;
}

/** The sample as the CSV to check by hand: a link to each record, its enriched value, and a blank correct column. */
export function enrichmentSampleCsv(sample: EnrichedField[], instanceUrl?: string): string {
  return csvText(
    [...SAMPLE_COLUMNS],
    sample.map((s) => [
      `${instanceUrl ?? ''}/lightning/r/${s.object}/${s.recordId}/view`,
      s.object,
      s.recordId,
      s.field,
      s.value ?? '',
      s.provider,
      s.at ?? '',
      '',
    ]),
  );
}

/** The enrichment audit of one snapshot (and of a verified sample, when given). */
export async function enrichmentAudit(db: Db, o: EnrichmentAuditOptions = {}): Promise<EnrichmentAudit> {
  const threshold = o.threshold ?? 0.9;
  if (!(threshold > 0 && threshold <= 1))
    throw new ReportError(
      `The enrichment accuracy threshold must be above 0 and at most 1 (got ${threshold}).`,
      ['Give it as a fraction, e.g. 0.9 for 90%.'],
    );
  const { objects, notAvailable } = await enrichedObjects(db);
  const { providers, sample } = objects.length
    ? await scan(db, objects, o.sampleSize ?? 20, o.seed ?? 2026)
    : { providers: [], sample: [] };
  await fillValues(db, sample);
  return {
    providers,
    sample,
    accuracy: o.verified ? accuracyRows(o.verified, threshold) : null,
    threshold,
    notAvailable,
  };
}
