// Runs our report definitions offline: the filters, the first row grouping and the summaries (RowCount, column sums,
// summary formulas) of a report on a custom report type, over plain records (a snapshot's tables, or the rows the
// metrics snapshot job would write). Used by tests/unit/reports/dashboards.test.ts to show that every dashboard figure
// equals the `revops metrics` figure on the same data. Report semantics covered (what our reports use): AND-ed
// criteria with equals / notEqual (comma = any of), greaterOrEqual / lessOrEqual / greaterThan / lessThan on dates
// with relative date values (TODAY, THIS_MONTH, LAST_N_MONTHS:n, ...), checkboxes as 1/0; groupings by value or by
// calendar month; a report runs in UTC "as of" a given day. Anything else throws, naming the report and the element.
import { join } from 'node:path';
import { evaluateFormula, loadFieldTypes, loadFormulaFields, type FieldType } from '../formula/index.ts';
import { getObject, type ProjectSchema } from '../verify/schema.ts';
import {
  splitColumn,
  type DashboardComponentDef,
  type ReportDef,
  type ReportTree,
  type ReportTypeDef,
} from './reportMeta.ts';

export type Rec = Record<string, unknown>;

export interface EvalContext {
  tree: ReportTree;
  schema: ProjectSchema;
  /** the source tree's objects folder (force-app/main/default/objects), for formula fields */
  objectsDir: string;
  /** records of an object by API name: field API names as keys, date-times as ISO strings */
  records(object: string): Rec[];
  /** the day the report runs (YYYY-MM-DD, UTC) */
  today: string;
}

export interface Summary {
  rowCount: number;
  /** summary column (RowCount, FORMULA1, Table$Field) -> value */
  values: Map<string, number | null>;
}

export interface ReportResult {
  grand: Summary;
  /** by the first row grouping's key (null for a blank value) */
  groups: Map<string | null, Summary>;
}

const DAY = 86_400_000;
const ms = (v: unknown): number => {
  const s = String(v);
  return Date.parse(
    /T|\s/.test(s) ? (/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`) : `${s}T00:00:00Z`,
  );
};
const blank = (v: unknown): boolean => v === null || v === undefined || v === '';

/** [start, end) in ms of a relative or absolute date value, for a report run on `today` (UTC). */
export function dateRange(value: string, today: string): [number, number] {
  const t = Date.parse(`${today}T00:00:00Z`);
  const d = new Date(t);
  const month = (offset: number) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
  const quarter = (offset: number) =>
    Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3 + offset * 3, 1);
  const [lit, nText] = value.split(':');
  const n = Number(nText);
  switch (lit) {
    case 'TODAY':
      return [t, t + DAY];
    case 'YESTERDAY':
      return [t - DAY, t];
    case 'THIS_MONTH':
      return [month(0), month(1)];
    case 'LAST_MONTH':
      return [month(-1), month(0)];
    case 'THIS_QUARTER':
      return [quarter(0), quarter(1)];
    case 'LAST_N_MONTHS': // the n whole months before this one
      return [month(-n), month(0)];
    case 'NEXT_N_MONTHS':
      return [month(1), month(1 + n)];
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value))
    return [Date.parse(`${value}T00:00:00Z`), Date.parse(`${value}T00:00:00Z`) + DAY];
  throw new Error(
    `date value '${value}' is not one the evaluator knows (TODAY, THIS_MONTH, LAST_N_MONTHS:n, ...)`,
  );
}

interface Column {
  table: string;
  object: string;
  field: string;
}

/** The object of each section table of a custom report type, and the lookup field joining each child. */
function tables(
  type: ReportTypeDef,
  schema: ProjectSchema,
): Map<string, { object: string; lookup?: string }> {
  const out = new Map<string, { object: string; lookup?: string }>([
    [type.baseObject, { object: type.baseObject }],
  ]);
  let table = type.baseObject;
  for (const rel of type.joins) {
    const parent = out.get(table)!.object;
    const child = getObject(schema, parent)?.children.get(rel.toLowerCase());
    if (!child) throw new Error(`report type ${type.name}: no child relationship ${rel} on ${parent}`);
    const lookup = [...(schema.sourceFields.get(child.toLowerCase()) ?? [])].find(
      (f) =>
        `${f.childRelationshipName}__r`.toLowerCase() === rel.toLowerCase() &&
        (f.referenceTo ?? []).some((r) => r.toLowerCase() === parent.toLowerCase()),
    );
    table = `${table}.${rel}`;
    out.set(table, { object: child, lookup: lookup?.name });
  }
  return out;
}

class Reader {
  private formulas = new Map<
    string,
    Record<string, { formula: string; treatBlanksAs: 'BlankAsZero' | 'BlankAsBlank' }>
  >();
  private types = new Map<string, Record<string, FieldType>>();
  constructor(private ctx: EvalContext) {}

  fieldType(object: string, field: string): string {
    const f = getObject(this.ctx.schema, object)?.fields.get(field.toLowerCase());
    if (f) return f.type;
    const rel = [...(getObject(this.ctx.schema, object)?.fields.values() ?? [])].find(
      (x) => x.relationshipName?.toLowerCase() === field.toLowerCase(),
    );
    return rel ? 'reference' : 'text';
  }

  /** A field's value on a record: stored, a lookup by its relationship name (Owner -> OwnerId), or a formula. */
  value(object: string, rec: Rec, field: string): unknown {
    if (field in rec) return rec[field];
    if (`${field}Id` in rec) return rec[`${field}Id`];
    if (!this.formulas.has(object)) {
      const dir = join(this.ctx.objectsDir, object);
      this.formulas.set(object, loadFormulaFields(dir));
      this.types.set(object, loadFieldTypes(dir));
    }
    const f = this.formulas.get(object)![field];
    if (!f) return undefined;
    const v = evaluateFormula(f.formula, {
      record: rec,
      treatBlanksAs: f.treatBlanksAs,
      fieldTypes: this.types.get(object),
    });
    rec[field] = v;
    return v;
  }
}

function matches(reader: Reader, col: Column, v: unknown, op: string, value: string, today: string): boolean {
  const type = reader.fieldType(col.object, col.field);
  if (type === 'date' || type === 'datetime') {
    if (blank(v)) return op === 'equals' ? value === '' : op === 'notEqual' ? value !== '' : false;
    const t = ms(v);
    const [s, e] = dateRange(value, today);
    const ops: Record<string, boolean> = {
      equals: t >= s && t < e,
      notEqual: !(t >= s && t < e),
      greaterOrEqual: t >= s,
      greaterThan: t >= e,
      lessOrEqual: t < e,
      lessThan: t < s,
    };
    if (!(op in ops)) throw new Error(`operator ${op} on the date column ${col.table}$${col.field}`);
    return ops[op];
  }
  if (type === 'checkbox') {
    const want = value === '1' || value.toLowerCase() === 'true';
    const is = v === true || v === 'true' || v === 1;
    if (op === 'equals') return is === want;
    if (op === 'notEqual') return is !== want;
    throw new Error(`operator ${op} on the checkbox ${col.table}$${col.field}`);
  }
  const options = value === '' ? [''] : value.split(',').map((x) => x.trim().toLowerCase());
  const text = blank(v) ? '' : String(v).toLowerCase();
  if (op === 'equals') return options.includes(text);
  if (op === 'notEqual') return !options.includes(text);
  throw new Error(`operator ${op} on ${col.table}$${col.field}`);
}

/** The value of a summary formula once its column summaries are known: numbers, + - * / and parentheses. */
export function arithmetic(expr: string): number | null {
  const tokens = expr.match(/\d+(\.\d+)?|null|[-+*/()]/g) ?? [];
  if (tokens.join('') !== expr.replace(/\s+/g, ''))
    throw new Error(`summary formula '${expr}' has more than arithmetic`);
  let i = 0;
  const atom = (): number | null => {
    const t = tokens[i++];
    if (t === '(') {
      const v = sum();
      i++; // ')'
      return v;
    }
    if (t === '-') {
      const v = atom();
      return v === null ? null : -v;
    }
    return t === 'null' ? null : Number(t);
  };
  const product = (): number | null => {
    let v = atom();
    while (tokens[i] === '*' || tokens[i] === '/') {
      const op = tokens[i++];
      const r = atom();
      v = v === null || r === null ? null : op === '*' ? v * r : r === 0 ? null : v / r;
    }
    return v;
  };
  const sum = (): number | null => {
    let v = product();
    while (tokens[i] === '+' || tokens[i] === '-') {
      const op = tokens[i++];
      const r = product();
      v = v === null || r === null ? null : op === '+' ? v + r : v - r;
    }
    return v;
  };
  return sum();
}

/** Runs a report on a custom report type over the records the context gives. */
export function runReport(ctx: EvalContext, reportName: string): ReportResult {
  const report: ReportDef | undefined = ctx.tree.reports.get(reportName);
  if (!report) throw new Error(`no report ${reportName}`);
  const type = ctx.tree.reportTypes.get(report.reportType.replace(/__c$/, ''));
  if (!type)
    throw new Error(`report ${reportName}: only reports on the tree's custom report types are evaluated`);
  if (report.booleanFilter) throw new Error(`report ${reportName}: booleanFilter is not evaluated`);
  const tbl = tables(type, ctx.schema);
  const reader = new Reader(ctx);
  const column = (name: string): Column => {
    const parts = splitColumn(name) ?? dotted(name);
    if (!parts) throw new Error(`report ${reportName}: column ${name}`);
    return { table: parts.table, object: tbl.get(parts.table)!.object, field: parts.path };
  };
  const dotted = (name: string) => {
    const table = [...tbl.keys()]
      .filter((t) => name.startsWith(`${t}.`))
      .sort((a, b) => b.length - a.length)[0];
    if (table) return { table, path: name.slice(table.length + 1) };
    // a summary formula names a section by its object's API name: SLA_Event__c.Met_Count__c
    const [object, ...rest] = name.split('.');
    const byObject = [...tbl].find(([, t]) => t.object.toLowerCase() === object.toLowerCase());
    return byObject && rest.length ? { table: byObject[0], path: rest.join('.') } : undefined;
  };
  // rows: the base records, joined (inner) with the children of each join
  type Row = Map<string, Rec>;
  let rows: Row[] = ctx.records(type.baseObject).map((r) => new Map([[type.baseObject, r]]));
  for (const [table, t] of tbl) {
    if (!t.lookup) continue;
    const parentTable = table.slice(0, table.lastIndexOf('.'));
    const byParent = new Map<unknown, Rec[]>();
    for (const c of ctx.records(t.object)) {
      const k = c[t.lookup];
      if (!blank(k)) byParent.set(k, [...(byParent.get(k) ?? []), c]);
    }
    rows = rows.flatMap((r) =>
      (byParent.get(r.get(parentTable)!.Id) ?? []).map((c) => new Map([...r, [table, c]])),
    );
  }
  const get = (row: Row, c: Column) => reader.value(c.object, row.get(c.table)!, c.field);
  const criteria = report.filters.map((f) => ({ ...f, col: column(f.column) }));
  try {
    rows = rows.filter((row) =>
      criteria.every((f) => matches(reader, f.col, get(row, f.col), f.operator, f.value, ctx.today)),
    );
  } catch (e) {
    throw new Error(`report ${reportName}: ${(e as Error).message}`);
  }
  const grouping = report.groupingsDown[0];
  const groupCol = grouping ? column(grouping.field) : undefined;
  const key = (row: Row): string | null => {
    const v = get(row, groupCol!);
    if (blank(v)) return null;
    if (grouping!.dateGranularity === 'Month') return new Date(ms(v)).toISOString().slice(0, 7);
    if (grouping!.dateGranularity === 'Day') return new Date(ms(v)).toISOString().slice(0, 10);
    if (grouping!.dateGranularity !== 'None')
      throw new Error(`report ${reportName}: date granularity ${grouping!.dateGranularity}`);
    return String(v);
  };
  const summarize = (rs: Row[]): Summary => {
    const sumOf = (name: string): number => {
      const c = column(name);
      return rs.reduce((t, r) => {
        const v = get(r, c);
        return t + (typeof v === 'number' ? v : blank(v) ? 0 : Number(v));
      }, 0);
    };
    const values = new Map<string, number | null>([['RowCount', rs.length]]);
    for (const c of report.columns.filter((x) => x.aggregateTypes.includes('Sum')))
      values.set(c.field, sumOf(c.field));
    for (const a of report.aggregates) {
      const expr = a.calculatedFormula
        .replace(/([A-Za-z][\w.$]*):SUM\b/g, (_m, ref: string) => String(sumOf(ref)))
        .replace(/\bRowCount\b/g, String(rs.length));
      values.set(a.developerName, arithmetic(expr));
    }
    return { rowCount: rs.length, values };
  };
  const groups = new Map<string | null, Row[]>();
  if (groupCol) for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return {
    grand: summarize(rows),
    groups: new Map([...groups].map(([k, rs]) => [k, summarize(rs)])),
  };
}

/** What a dashboard component shows: its summaries per group of its grouping, or the grand totals. */
export function componentFigures(
  ctx: EvalContext,
  c: DashboardComponentDef,
): { group: string | null; values: Record<string, number | null> }[] {
  const r = runReport(ctx, c.report);
  const pick = (s: Summary) =>
    Object.fromEntries(c.chartSummaries.map((x) => [x.column, s.values.get(x.column) ?? null]));
  if (c.groupingColumns.length === 0) return [{ group: null, values: pick(r.grand) }];
  return [...r.groups].map(([group, s]) => ({ group, values: pick(s) }));
}
