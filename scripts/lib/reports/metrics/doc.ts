// The metrics dashboard as a ReportDoc: KPI blocks with benchmarks and statuses, charts and tables per view.
import { judge, num, pct, type Block, type ReportDoc } from '../../render/doc.ts';
import { notAvailableSections } from '../coverage.ts';
import { BENCHMARKS, type Figure, type MetricsResult } from '../metrics.ts';
import { moneyIn } from './currency.ts';

/** A figure as the dashboard shows it; money in `currency` ("USD 1,200"), or "$1,200" without one. */
export function formatFigure(f: Figure, currency: string | null = null): string {
  const money = moneyIn(currency);
  switch (f.unit) {
    case 'ratio':
      return pct(f.value);
    case 'money':
      return money(f.value);
    case 'money/day':
      return f.value === null ? 'n/a' : `${money(f.value)}/day`;
    case 'days':
      return f.value === null ? 'n/a' : `${num(f.value, 1)} d`;
    case 'minutes':
      return f.value === null ? 'n/a' : `${num(f.value, 1)} min`;
    case 'multiple':
      return f.value === null ? 'n/a' : `${num(f.value, 2)}×`;
    default:
      return num(f.value);
  }
}

const kpis = (figs: Figure[], currency: string | null): Block => ({
  kind: 'kpis',
  items: figs.map((f) => ({
    label: f.label,
    value: formatFigure(f, currency),
    benchmark: f.benchmark,
    status: f.status,
    note: f.note,
  })),
});

export function metricsDoc(r: MetricsResult): ReportDoc {
  const money = moneyIn(r.currency ?? null);
  return {
    title: 'Metrics dashboard',
    subtitle: `${r.months} months to ${r.asOf.slice(0, 10)}`,
    sections: [
      {
        title: 'Marketing',
        blocks: [
          kpis(r.marketing.figures, r.currency ?? null),
          {
            kind: 'bars',
            title: 'Lead volume by month',
            items: r.marketing.volumeByMonth.map((v) => ({
              label: v.month,
              value: v.leads,
              display: `${num(v.leads)} leads, ${num(v.mqls)} MQLs`,
            })),
          },
          {
            kind: 'bars',
            title: 'MQL rate by source (benchmark 5-15%)',
            items: r.marketing.bySource.map((s) => ({
              label: s.source,
              value: s.mqlRate ?? 0,
              display: pct(s.mqlRate),
              status: judge(s.mqlRate, 0.05, 0.15, BENCHMARKS.leadToMql.direction),
            })),
          },
          {
            kind: 'table',
            title: 'By source',
            columns: ['source', 'leads', 'MQLs', 'MQL rate', 'spend', 'cost / MQL', 'won', 'win rate'],
            rows: r.marketing.bySource.map((s) => [
              s.source,
              num(s.leads),
              num(s.mqls),
              pct(s.mqlRate),
              money(s.cost),
              money(s.costPerMql),
              num(s.closedWon),
              pct(s.winRate),
            ]),
          },
        ],
      },
      {
        title: 'Sales',
        blocks: [
          kpis(r.sales.figures, r.currency ?? null),
          // no stages: the funnel is not available (the notes below say why), not a chart of zeros
          ...stageBlocks(r),
          {
            kind: 'bars',
            title: 'Win rate by source (benchmark 20-30%)',
            items: r.marketing.bySource
              .filter((s) => s.closed > 0)
              .map((s) => ({
                label: s.source,
                value: s.winRate ?? 0,
                display: pct(s.winRate),
                status: judge(s.winRate, 0.2, 0.3, BENCHMARKS.winRate.direction),
              })),
          },
        ],
      },
      {
        title: 'Executive',
        blocks: [
          kpis(r.executive.figures, r.currency ?? null),
          { kind: 'text', text: r.assumptions.join(' ') },
        ],
      },
      ...notAvailableSections(r.notAvailable),
    ],
  };
}

/** The funnel's bar chart and table; none when it is not available (the notAvailable notes say why). */
function stageBlocks(r: MetricsResult): Block[] {
  if (!r.sales.stages.length) return [];
  return [
    {
      kind: 'bars',
      title: 'Deals reaching each stage',
      items: r.sales.stages.map((s) => ({ label: s.stage, value: s.reached, display: num(s.reached) })),
    },
    {
      kind: 'table',
      title: 'Stage conversion and time in stage',
      columns: ['stage', 'deals reached', 'conversion to next (of deals that left)', 'avg days in stage'],
      rows: r.sales.stages.map((s) => [
        s.stage,
        num(s.reached),
        pct(s.conversionToNext),
        s.avgDaysInStage === null ? 'n/a' : num(s.avgDaysInStage, 1),
      ]),
    },
  ];
}
