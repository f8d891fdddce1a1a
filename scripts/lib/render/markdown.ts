// Markdown rendering of a ReportDoc (used for the generated docs): headings, tables, text; KPIs and bars
// become tables, curves are left to the HTML version.
import { STATUS_WORD, clusterRows, tableCells, type Block, type ReportDoc } from './doc.ts';

const cell = (v: string | number): string => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function mdTable(columns: string[], rows: (string | number)[][]): string {
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'kpis':
      return mdTable(
        ['figure', 'value', 'benchmark', 'status'],
        b.items.map((k) => [k.label, k.value, k.benchmark ?? '', k.status ? STATUS_WORD[k.status] : '']),
      );
    case 'table':
      return (
        (b.title ? `**${b.title}**\n\n` : '') +
        (b.rows.length ? mdTable(tableCells(b).columns, tableCells(b).rows) : '_(none)_')
      );
    case 'bars':
      return (
        `**${b.title}**\n\n` +
        mdTable(
          ['', 'value'],
          b.items.map((i) => [i.label, i.display ?? String(i.value)]),
        )
      );
    case 'line':
      return '';
    case 'text':
      return b.text;
    case 'clusters':
      return (b.title ? `**${b.title}**\n\n` : '') + mdTable(clusterRows(b).columns, clusterRows(b).rows);
  }
}

export function renderMarkdown(doc: ReportDoc): string {
  const out = [`# ${doc.title}`, ''];
  if (doc.subtitle) out.push(doc.subtitle, '');
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, '');
    for (const b of s.blocks) {
      const t = block(b);
      if (t) out.push(t, '');
    }
  }
  return out.join('\n').trimEnd() + '\n';
}
