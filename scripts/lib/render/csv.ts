// CSV export of a report: one file per table (KPI blocks become a "figures" table), UTF-8 with a byte-order mark
// (so spreadsheet apps read accents right) and CRLF line ends (RFC 4180). A cell a spreadsheet would run as a
// formula (starting with = + - @, a tab or a carriage return) is written with a leading apostrophe, except plain
// numbers such as -12.5 or +3%, which cannot be formulas.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_WORD, clusterRows, tableCells, type Block, type ReportDoc } from './doc.ts';

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d{1,3}(,\d{3})*|\d+)(\.\d+)?%?$/;

/** One cell as CSV text: guarded against formula injection, quoted when it holds a comma, quote or line break. */
export function csvCell(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV file: BOM, header row, rows, CRLF after every line. */
export function csvText(columns: string[], rows: (string | number | null)[][]): string {
  return '\uFEFF' + [columns, ...rows].map((r) => r.map(csvCell).join(',') + '\r\n').join('');
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'table';

/** The tables of a report (every table block, and each KPI block as a figures table), with a file name each. */
export function csvTables(
  docs: ReportDoc[],
): { block: Block; file: string; columns: string[]; rows: (string | number)[][] }[] {
  const out: { block: Block; file: string; columns: string[]; rows: (string | number)[][] }[] = [];
  const used = new Set<string>();
  for (const d of docs)
    for (const s of d.sections)
      s.blocks.forEach((b) => {
        let t: { columns: string[]; rows: (string | number)[][] } | null = null;
        let name = '';
        if (b.kind === 'table') {
          t = tableCells(b);
          name = b.title ?? '';
        } else if (b.kind === 'kpis') {
          t = {
            columns: ['figure', 'value', 'benchmark', 'status', 'note'],
            rows: b.items.map((k) => [
              k.label,
              k.value,
              k.benchmark ?? '',
              k.status && k.status !== 'info' ? STATUS_WORD[k.status] : '',
              k.note ?? '',
            ]),
          };
          name = 'figures';
        } else if (b.kind === 'clusters') {
          t = clusterRows(b);
          name = b.title ?? 'clusters';
        }
        if (!t) return;
        // an untitled table is named by its section alone
        const base = `${slug(d.title)}--${slug(s.title)}${name ? `--${slug(name)}` : ''}`;
        let file = base;
        for (let n = 2; used.has(file); n++) file = `${base}-${n}`;
        used.add(file);
        out.push({ block: b, file: `${file}.csv`, ...t });
      });
  return out;
}

/** Writes one CSV per table into `dir`; returns the files and, per block, the file name (for the HTML's links). */
export function writeCsvTables(
  dir: string,
  docs: ReportDoc[],
): { files: string[]; links: Map<Block, string> } {
  mkdirSync(dir, { recursive: true });
  const links = new Map<Block, string>();
  const files: string[] = [];
  for (const t of csvTables(docs)) {
    const path = join(dir, t.file);
    writeFileSync(path, csvText(t.columns, t.rows));
    files.push(path);
    links.set(t.block, t.file);
  }
  return { files, links };
}
