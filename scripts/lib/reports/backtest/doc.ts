// Backtest step 3: the result as a ReportDoc for the terminal, HTML and CSV renderers.
import { num, pct, type ReportDoc } from '../../render/doc.ts';
import { notAvailableSections } from '../coverage.ts';
import type { BacktestResult } from '../backtest.ts';
import { STEP, type RuleQuality, type Thresholds } from './measures.ts';

const t = (x: Thresholds): string => `fit ≥ ${x.fit}, engagement ≥ ${x.engagement}`;

export function backtestDoc(r: BacktestResult): ReportDoc {
  const rule = (q: RuleQuality): (string | number)[] => [
    t(q.thresholds),
    num(q.flagged),
    pct(q.precision),
    pct(q.recall),
    q.f1 === null ? 'n/a' : q.f1.toFixed(3),
  ];
  return {
    title: 'Scoring backtest',
    subtitle: `Trained on ${num(r.train.leads)} leads before ${r.splitAt.slice(0, 10)}, tested on ${num(r.test.leads)} after; outcome: ${r.outcome}; scores: ${r.scores}`,
    sections: [
      {
        title: 'How well the score ranks leads',
        blocks: [
          {
            kind: 'kpis',
            items: [
              {
                label: 'ROC-AUC (total score)',
                value: r.auc === null ? 'n/a' : r.auc.toFixed(3),
                benchmark: '≥ 0.70',
                status: r.auc === null ? 'info' : r.auc >= 0.7 ? 'good' : r.auc >= 0.6 ? 'warn' : 'bad',
              },
              { label: 'Test conversion rate', value: pct(r.test.baseRate) },
              {
                label: 'Win rate, MQL deals',
                value: pct(r.winRate.mql),
                note: `${num(r.winRate.mqlDeals)} closed deals`,
              },
              {
                label: 'Win rate, non-MQL deals',
                value: pct(r.winRate.nonMql),
                note: `${num(r.winRate.nonMqlDeals)} closed deals`,
              },
            ],
          },
          {
            kind: 'line',
            title: 'ROC curve (test leads)',
            xLabel: 'false positive rate',
            yLabel: 'true positive rate',
            xMax: 1,
            yMax: 1,
            series: [
              { name: 'total score', points: r.roc },
              {
                name: 'random',
                points: [
                  [0, 0],
                  [1, 1],
                ],
              },
            ],
          },
          {
            kind: 'bars',
            title: 'Lift by score decile (1 = top 10%)',
            items: r.deciles.map((d) => ({
              label: `decile ${d.decile}`,
              value: d.lift ?? 0,
              display: `${(d.lift ?? 0).toFixed(2)}× (${pct(d.rate)})`,
            })),
          },
          {
            kind: 'table',
            title: 'Lift and capture by decile',
            columns: ['decile', 'leads', 'converted', 'rate', 'lift', 'cumulative capture'],
            rows: r.deciles.map((d) => [
              d.decile,
              num(d.leads),
              num(d.converted),
              pct(d.rate),
              d.lift === null ? 'n/a' : `${d.lift.toFixed(2)}×`,
              pct(d.cumulativeCapture),
            ]),
          },
        ],
      },
      {
        title: 'The MQL rule',
        blocks: [
          {
            kind: 'table',
            columns: ['rule (test leads)', 'flagged', 'precision', 'recall', 'F1'],
            rows: [
              ['current: ' + rule(r.current)[0], ...rule(r.current).slice(1)],
              ['recommended: ' + rule(r.recommended)[0], ...rule(r.recommended).slice(1)],
            ],
          },
          {
            kind: 'text',
            text: `Recommended thresholds maximise F1 on the training leads (steps of ${STEP}); revops backtest --write puts them into Scoring_Setting.Default.`,
          },
        ],
      },
      ...notAvailableSections(r.notAvailable),
    ],
  };
}
