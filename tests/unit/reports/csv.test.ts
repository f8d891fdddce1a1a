// CSV export of report tables: one file per table, UTF-8 with BOM, CRLF, formula cells guarded; the HTML links them.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvCell, csvTables, csvText } from '../../../scripts/lib/render/csv.ts';
import { writeReportOutputs, instanceUrlFor } from '../../../scripts/lib/reports/snapshot.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';
import type { ReportDoc } from '../../../scripts/lib/render/doc.ts';
import { fixtureSnapshot } from './fixture.ts';

const DOC: ReportDoc = {
  title: 'Quarterly data audit',
  sections: [
    {
      title: 'Checklist',
      blocks: [
        {
          kind: 'kpis',
          items: [{ label: 'Duplicate leads', value: '86', status: 'warn', note: 'of 5,000' }],
        },
        {
          kind: 'table',
          title: 'Top clusters',
          columns: ['cluster', 'record', 'name'],
          rows: [
            ['C1', '00Q8a0000000004EAA', '=HYPERLINK("http://evil")'],
            ['C2', '00Q8a0000000005EAA', 'Müller, "Max"'],
          ],
          rowStatus: ['bad', undefined],
          idColumns: [1],
        },
      ],
    },
  ],
};

describe('CSV export', () => {
  it('guards cells a spreadsheet would run as formulas, but not plain numbers', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+1 555 0100')).toBe("'+1 555 0100");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell('-35.0%')).toBe('-35.0%');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });

  it('writes UTF-8 with a byte-order mark and CRLF after every line', () => {
    expect(csvText(['a', 'b'], [['x', 1]])).toBe('\uFEFFa,b\r\nx,1\r\n');
  });

  it('writes one file per table (KPIs as a figures table, row statuses in words) and the HTML links to them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revops-csv-'));
    const notes = writeReportOutputs([DOC], { html: join(dir, 'out', 'report.html'), csv: join(dir, 'csv') });
    expect(notes).toEqual([
      `2 CSV file(s) written to ${join(dir, 'csv')}`,
      `HTML report written to ${join(dir, 'out', 'report.html')}`,
    ]);
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual([
      'quarterly-data-audit--checklist--figures.csv',
      'quarterly-data-audit--checklist--top-clusters.csv',
    ]);
    const table = readFileSync(join(dir, 'csv', 'quarterly-data-audit--checklist--top-clusters.csv'), 'utf8');
    expect(table).toBe(
      '\uFEFFcluster,record,name,status\r\n' +
        'C1,00Q8a0000000004EAA,"\'=HYPERLINK(""http://evil"")",off target\r\n' +
        'C2,00Q8a0000000005EAA,"Müller, ""Max""",\r\n',
    );
    const figures = readFileSync(join(dir, 'csv', 'quarterly-data-audit--checklist--figures.csv'), 'utf8');
    expect(figures).toContain('Duplicate leads,86,,watch,"of 5,000"');
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain(
      '<a class="csv" href="../csv/quarterly-data-audit--checklist--top-clusters.csv">CSV</a>',
    );
    expect(csvTables([DOC]).map((t) => t.file)).toHaveLength(2);
  });

  it('links record Ids to the org when the instance URL is known, and only then', () => {
    const linked = renderHtml([DOC], 'x', { instanceUrl: 'https://acme.my.salesforce.com' });
    expect(linked).toContain(
      '<a href="https://acme.my.salesforce.com/00Q8a0000000004EAA">00Q8a0000000004EAA</a>',
    );
    expect(renderHtml([DOC])).not.toContain('salesforce.com/00Q');
  });

  it('accepts only an https org URL for --instance-url', async () => {
    const { db } = await fixtureSnapshot({});
    try {
      expect(await instanceUrlFor(db, 'https://acme.my.salesforce.com/')).toBe(
        'https://acme.my.salesforce.com',
      );
      await expect(instanceUrlFor(db, 'http://acme.my.salesforce.com')).rejects.toThrow(
        /--instance-url must be an https URL/,
      );
      await expect(instanceUrlFor(db, 'acme')).rejects.toThrow(/--instance-url must be an https URL/);
      expect(await instanceUrlFor(db, undefined)).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
