// The report document model: every report turns its typed result into a ReportDoc, and the
// renderers turn a ReportDoc into a terminal summary (terminal.ts) or a self-contained HTML page (html.ts).

export type Status = 'good' | 'warn' | 'bad' | 'info';

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
      rowStatus?: (Status | undefined)[];
      limit?: number;
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
  | { kind: 'text'; text: string };

export interface Section {
  title: string;
  blocks: Block[];
}

export interface ReportDoc {
  title: string;
  subtitle?: string;
  sections: Section[];
}

/** Status of a figure against a benchmark range (inside = good, within 20% of an edge = warn, else bad). */
export function rangeStatus(
  value: number | null,
  lo: number,
  hi: number,
  opts: { higherIsBetter?: boolean } = {},
): Status {
  if (value === null || !Number.isFinite(value)) return 'info';
  if (value >= lo && value <= hi) return 'good';
  if (opts.higherIsBetter && value > hi) return 'good';
  const edge = value < lo ? lo : hi;
  return Math.abs(value - edge) <= Math.abs(edge) * 0.2 ? 'warn' : 'bad';
}

export const STATUS_WORD: Record<Status, string> = {
  good: 'on target',
  warn: 'watch',
  bad: 'off target',
  info: 'n/a',
};

export const pct = (x: number | null, digits = 1): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
export const num = (x: number | null, digits = 0): string =>
  x === null || !Number.isFinite(x)
    ? 'n/a'
    : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const money = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : `$${Math.round(x).toLocaleString('en-US')}`;
