// What a snapshot's source held: an org that has never installed our package exports no Fit_Score__c, no
// SLA_Event__c. The import records it in _provenance (in_source, absent_fields); reports ask here before computing a
// figure that needs such a field or object, and say "not available before install" instead of 0 or an error.
import { PROVENANCE_TABLE } from '../snapshot/schema.ts';
import type { Kpi, Section, Status } from '../render/doc.ts';
import type { Db } from './db.ts';

export const NOT_AVAILABLE = 'not available before install';

/** A figure a report could not compute, as its KPI: grey ("not checked"), with the reason, never a 0. */
export const notAvailableKpi = (label: string, reason: string | undefined): Kpi => ({
  label,
  value: 'n/a',
  status: 'skipped',
  note: reason ?? 'not available',
});

/** A figure a report did not compute, and why (in --json, the terminal and HTML). */
export interface NotAvailable {
  figure: string;
  reason: string;
}

export interface SnapshotCoverage {
  /** True when the snapshot's source had the object (and the field, when given). */
  has(object: string, field?: string): boolean;
  /** The needs ("Object" or "Object.Field") the source lacked, in the order given. */
  lacking(needs: readonly string[]): string[];
  /** Null when the source had every need; else the figure, marked not available, naming what is missing. */
  check(figure: string, needs: readonly string[]): NotAvailable | null;
}

/**
 * Reads the snapshot's provenance. Every object and field counts as present in a snapshot built before the import
 * recorded it (no in_source / absent_fields columns) and in the demo (it generates everything).
 */
export async function snapshotCoverage(db: Db): Promise<SnapshotCoverage> {
  const cols = new Set(await db.tableColumns(PROVENANCE_TABLE));
  const absentObjects = new Set<string>();
  const absentFields = new Map<string, Set<string>>();
  if (cols.has('in_source') && cols.has('absent_fields')) {
    const rows = await db.all<{ object: string; in_source: boolean | null; absent_fields: string | null }>(
      `SELECT object, in_source, absent_fields FROM "${PROVENANCE_TABLE}"`,
    );
    for (const r of rows) {
      if (r.in_source === false) absentObjects.add(r.object);
      const fields = r.absent_fields ? (JSON.parse(r.absent_fields) as string[]) : [];
      if (fields.length) absentFields.set(r.object, new Set(fields));
    }
  }
  const has = (object: string, field?: string): boolean =>
    !absentObjects.has(object) && (field === undefined || !absentFields.get(object)?.has(field));
  const lacking = (needs: readonly string[]): string[] => {
    const out = new Set<string>();
    for (const n of needs) {
      const [object, field] = n.split('.');
      // a field of an object the source lacks altogether is reported as the object
      if (absentObjects.has(object)) out.add(object);
      else if (field !== undefined && !has(object, field)) out.add(n);
    }
    return [...out];
  };
  return {
    has,
    lacking,
    check(figure, needs) {
      const missing = lacking(needs);
      return missing.length ? { figure, reason: notAvailableReason(missing) } : null;
    },
  };
}

/**
 * Why a figure was not computed: "not available before install (needs Lead.MQL_Date__c, SLA_Event__c records)"; a
 * standard object or field the export lacks: "not available (the export has no Opportunity records)".
 */
export function notAvailableReason(missing: readonly string[]): string {
  const named = missing.map((m) => (m.includes('.') ? m : `${m} records`)).join(', ');
  return missing.every((m) => m.endsWith('__c'))
    ? `${NOT_AVAILABLE} (needs ${named})`
    : `not available (the snapshot has no ${named})`;
}

/** The report section listing what was not computed (none when everything was). */
export function notAvailableSections(items: readonly NotAvailable[]): Section[] {
  if (!items.length) return [];
  return [
    {
      title: 'Not available in this snapshot',
      blocks: [
        {
          kind: 'text',
          text: 'These figures need fields or objects the snapshot does not have (an org without the RevOps package, or an export without them): they were left out, or computed without them where the reason says so; no zeros stand in for them.',
        },
        { kind: 'table', columns: ['figure', 'why'], rows: items.map((i) => [i.figure, i.reason]) },
      ],
    },
  ];
}

/** A headline figure as the reports hold it (metrics' Figure). */
interface Withholdable {
  key: string;
  label: string;
  value: number | null;
  status?: Status;
  note?: string;
}

/**
 * Withholds the figures whose needs (by figure key: "Object.Field" or "Object") the snapshot lacks: no value, the
 * grey "not checked" status and the reason as the note, in place. Returns them for the result's notAvailable.
 */
export function withholdFigures(
  figures: Withholdable[],
  coverage: SnapshotCoverage,
  needs: Readonly<Record<string, readonly string[]>>,
): NotAvailable[] {
  const out: NotAvailable[] = [];
  for (const f of figures) {
    const na = needs[f.key] ? coverage.check(f.label, needs[f.key]) : null;
    if (!na) continue;
    Object.assign(f, { value: null, status: 'skipped', note: na.reason });
    out.push(na);
  }
  return out;
}

/**
 * Withholds figures for a reason other than a missing field or object (deal amounts in currencies that cannot be
 * added up: "not available (deals in 2 currencies: ...)"), as withholdFigures does. Returns them for notAvailable.
 */
export function withholdFor(figures: Withholdable[], reason: string): NotAvailable[] {
  for (const f of figures) Object.assign(f, { value: null, status: 'skipped', note: reason });
  return figures.map((f) => ({ figure: f.label, reason }));
}
