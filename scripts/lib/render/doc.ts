// The report document model: every report turns its typed result into a ReportDoc, and the
// renderers turn a ReportDoc into a terminal summary (terminal.ts) or a self-contained HTML page (html.ts).

/**
 * How a figure stands: good / warn / bad against its benchmark, `info` for a figure without one, `skipped` for a
 * check that did not run (grey, "not checked"). Every renderer writes the word beside the colour.
 */
export type Status = 'good' | 'warn' | 'bad' | 'info' | 'skipped';

/** Which way a figure is better: above its benchmark, below it, or inside its range. */
export type Direction = 'higher' | 'lower' | 'range';

export interface Kpi {
  label: string;
  value: string;
  /** Benchmark text shown beside the figure, e.g. "5-15%". */
  benchmark?: string;
  status?: Status;
  note?: string;
}

export interface BarItem {
  label: string;
  value: number;
  /** Text shown for the value (default: the number). */
  display?: string;
  status?: Status;
}

export interface Series {
  name: string;
  points: [number, number][];
}

export type Block =
  | { kind: 'kpis'; items: Kpi[] }
  | {
      kind: 'table';
      title?: string;
      columns: string[];
      rows: (string | number)[][];
      /** Each row's status: renderers add a "status" column with its word (not colour only). */
      rowStatus?: (Status | undefined)[];
      limit?: number;
      /** Columns holding record Ids (renderers link them to the record when the instance URL is known). */
      idColumns?: number[];
    }
  | { kind: 'bars'; title: string; items: BarItem[] }
  | {
      kind: 'line';
      title: string;
      xLabel: string;
      yLabel: string;
      series: Series[];
      xMax?: number;
      yMax?: number;
    }
  | { kind: 'text'; text: string }
  | ClusterBlock;

/** Duplicate clusters for review: one card per cluster, its records side by side, the winning value per field. */
export interface ClusterBlock {
  kind: 'clusters';
  title?: string;
  /** Field labels, in row order. */
  fields: string[];
  clusters: {
    /** e.g. "C1 · David Wright" (the person or company the records are). */
    title: string;
    /** Score and reasons. */
    note?: string;
    records: { id: string; survivor: boolean; values: string[] }[];
    /** The value each field keeps after the merge, and the record it comes from. */
    winners: { value: string; fromId: string | null }[];
  }[];
  /** How many cards the HTML shows (the rest are in the CSV and --json). */
  limit?: number;
}

/** A cluster block as one flat table (terminal, CSV): a row per record and a "(merged)" row of winning values. */
export function clusterRows(b: ClusterBlock): { columns: string[]; rows: string[][] } {
  return {
    columns: ['cluster', 'record', 'survivor', ...b.fields],
    rows: b.clusters.flatMap((c) => [
      ...c.records.map((r) => [c.title, r.id, r.survivor ? 'yes' : '', ...r.values]),
      [c.title, '(merged)', '', ...c.winners.map((w) => w.value)],
    ]),
  };
}

export interface Section {
  title: string;
  blocks: Block[];
}

export interface ReportDoc {
  title: string;
  subtitle?: string;
  sections: Section[];
}

/**
 * Status of a figure against its benchmark [lo, hi] in its direction. `higher`: at or above lo is good (no upper
 * edge); `lower`: at or below hi is good; `range`: inside is good. Within 20% of the edge that matters is a
 * warning, beyond it bad. A figure that could not be computed has no status (info).
 */
export function judge(value: number | null, lo: number, hi: number, direction: Direction): Status {
  if (value === null || !Number.isFinite(value)) return 'info';
  if (direction === 'higher') return value >= lo ? 'good' : value >= lo * 0.8 ? 'warn' : 'bad';
  if (direction === 'lower') return value <= hi ? 'good' : value <= hi * 1.2 ? 'warn' : 'bad';
  if (value >= lo && value <= hi) return 'good';
  const edge = value < lo ? lo : hi;
  return Math.abs(value - edge) <= Math.abs(edge) * 0.2 ? 'warn' : 'bad';
}

/** Status of a figure against a benchmark range (inside = good, within 20% of an edge = warn, else bad). */
export function rangeStatus(
  value: number | null,
  lo: number,
  hi: number,
  opts: { higherIsBetter?: boolean } = {},
): Status {
  return judge(value, lo, hi, opts.higherIsBetter ? 'higher' : 'range');
}

export const STATUS_WORD: Record<Status, string> = {
  good: 'on target',
  warn: 'watch',
  bad: 'off target',
  info: 'n/a',
  skipped: 'not checked',
};

/** A table's columns and rows as printed: with rowStatus, a last "status" column holding each row's word. */
export function tableCells(b: Extract<Block, { kind: 'table' }>): {
  columns: string[];
  rows: (string | number)[][];
} {
  if (!b.rowStatus?.some((s) => s && s !== 'info')) return { columns: b.columns, rows: b.rows };
  return {
    columns: [...b.columns, 'status'],
    rows: b.rows.map((r, i) => {
      const st = b.rowStatus![i];
      return [...r, st && st !== 'info' ? STATUS_WORD[st] : ''];
    }),
  };
}

export const pct = (x: number | null, digits = 1): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
export const num = (x: number | null, digits = 0): string =>
  x === null || !Number.isFinite(x)
    ? 'n/a'
    : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const money = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : `$${Math.round(x).toLocaleString('en-US')}`;
