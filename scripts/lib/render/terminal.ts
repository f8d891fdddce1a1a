// Terminal rendering of a ReportDoc: headings, aligned tables, KPI lines with benchmark and status, bar charts.
import { STATUS_WORD, tableCells, type Block, type ReportDoc, type Status } from './doc.ts';

const MARK: Record<Status, string> = { good: 'OK ', warn: '~  ', bad: '!! ', info: '   ', skipped: '-  ' };
const word = (s: Status | undefined): string => (s && s !== 'info' ? `  [${STATUS_WORD[s]}]` : '');

const isNumeric = (s: string): boolean => /^[-+$]?[\d,.]+(%|x|×| ?s| ?d| ?min)?$/.test(s.trim());

/** A plain aligned table; numeric-looking columns are right-aligned. */
export function textTable(columns: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = columns.map((c, i) =>
    Math.min(48, Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length))),
  );
  const right = columns.map((_, i) => cells.length > 0 && cells.every((r) => !r[i] || isNumeric(r[i])));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => {
        const v = c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c;
        return right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd();
  return [fmt(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt)].join('\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'kpis': {
      const w = Math.max(...b.items.map((k) => k.label.length));
      const vw = Math.max(...b.items.map((k) => k.value.length));
      return b.items
        .map((k) => {
          const bench = k.benchmark ? `  benchmark ${k.benchmark}` : '';
          return `${MARK[k.status ?? 'info']}${k.label.padEnd(w)}  ${k.value.padStart(vw)}${bench}${word(k.status)}${k.note ? `  (${k.note})` : ''}`;
        })
        .join('\n');
    }
    case 'table': {
      const t = tableCells(b);
      const rows = b.limit ? t.rows.slice(0, b.limit) : t.rows;
      if (!rows.length) return (b.title ? `${b.title}: ` : '') + '(none)';
      const more =
        b.limit && b.rows.length > b.limit
          ? `\n… ${b.rows.length - b.limit} more (see --json, --csv or --html)`
          : '';
      return (b.title ? `${b.title}\n` : '') + textTable(t.columns, rows) + more;
    }
    case 'bars': {
      if (!b.items.length) return `${b.title}: (none)`;
      const max = Math.max(...b.items.map((i) => Math.abs(i.value)), 1e-9);
      const lw = Math.max(...b.items.map((i) => i.label.length));
      return [
        b.title,
        ...b.items.map(
          (i) =>
            `  ${i.label.padEnd(lw)}  ${'█'.repeat(Math.round((Math.abs(i.value) / max) * 30)).padEnd(30)}  ${i.display ?? String(i.value)}${word(i.status)}`,
        ),
      ].join('\n');
    }
    case 'line':
      return ''; // charts of curves are HTML-only; the figures they summarise are in KPIs/tables
    case 'text':
      return b.text;
    case 'clusters':
      // cards are for the HTML review; the terminal names where they are
      return `${b.title ? `${b.title}: ` : ''}${b.clusters.length} cluster card(s), records side by side: see --html (or --csv)`;
  }
}

export function renderTerminal(doc: ReportDoc): string {
  const out: string[] = [doc.title, '='.repeat(doc.title.length)];
  if (doc.subtitle) out.push(doc.subtitle);
  for (const s of doc.sections) {
    out.push('', s.title, '-'.repeat(s.title.length));
    for (const b of s.blocks) {
      const t = block(b);
      if (t) out.push(t, '');
    }
    if (out[out.length - 1] === '') out.pop();
  }
  return out.join('\n') + '\n';
}
