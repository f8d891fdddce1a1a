// The offline report evaluator's pieces (tooling/reports/evaluate.ts): relative date values, summary-formula
// arithmetic, and a report it cannot evaluate faithfully is refused with the report's name.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arithmetic, dateRange, runReport, type EvalContext } from '../../../tooling/reports/evaluate.ts';
import { loadReportTree } from '../../../tooling/reports/reportMeta.ts';
import { loadProjectSchema } from '../../../tooling/verify/schema.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');
const iso = ([s, e]: [number, number]) => [new Date(s).toISOString(), new Date(e).toISOString()];

describe('report evaluator', () => {
  it('reads relative dates as Salesforce does: LAST_N_MONTHS:11 is the 11 whole months before this one', () => {
    expect(iso(dateRange('LAST_N_MONTHS:11', '2026-09-30'))).toEqual([
      '2025-10-01T00:00:00.000Z',
      '2026-09-01T00:00:00.000Z',
    ]);
    expect(iso(dateRange('TODAY', '2026-09-30'))).toEqual([
      '2026-09-30T00:00:00.000Z',
      '2026-10-01T00:00:00.000Z',
    ]);
    expect(iso(dateRange('THIS_QUARTER', '2026-08-15'))).toEqual([
      '2026-07-01T00:00:00.000Z',
      '2026-10-01T00:00:00.000Z',
    ]);
    expect(iso(dateRange('2026-02-28', '2026-09-30'))).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(() => dateRange('LAST_FISCAL_YEAR', '2026-09-30')).toThrow(/LAST_FISCAL_YEAR/);
  });

  it('evaluates summary formulas once their summaries are numbers; a division by zero is blank', () => {
    expect(arithmetic('629 / 3750')).toBeCloseTo(0.16773, 5);
    expect(arithmetic('(10 - 4) * 2 / 3')).toBe(4);
    expect(arithmetic('5 / 0')).toBeNull();
    expect(() => arithmetic('PARENTGROUPVAL(5, GRAND_SUMMARY)')).toThrow(/more than arithmetic/);
  });

  it('refuses a report whose filter it cannot evaluate, naming the report and the column', () => {
    const root = join(REPO, 'force-app');
    const tree = loadReportTree(root);
    const report = tree.reports.get('RevOps_Sales/Win_Rate_by_Source')!;
    const ctx: EvalContext = {
      tree: {
        ...tree,
        reports: new Map([
          [
            report.name,
            { ...report, filters: [{ column: 'Opportunity$StageName', operator: 'contains', value: 'Won' }] },
          ],
        ]),
      },
      schema: loadProjectSchema(root, REPO),
      objectsDir: join(root, 'main', 'default', 'objects'),
      records: () => [{ Id: '006A', StageName: 'Closed Won' }],
      today: '2026-09-30',
    };
    expect(() => runReport(ctx, report.name)).toThrow(
      /report RevOps_Sales\/Win_Rate_by_Source: operator contains on Opportunity\$StageName/,
    );
    expect(() => runReport(ctx, 'RevOps_Sales/Nope')).toThrow(/no report RevOps_Sales\/Nope/);
  });
});
