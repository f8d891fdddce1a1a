// Backtest step 3: the result as a ReportDoc for the terminal, HTML and CSV renderers.
import { num, pct, type ReportDoc, type Section } from '../../render/doc.ts';
import { notAvailableSections } from '../coverage.ts';
import type { BacktestResult } from '../backtest.ts';
import { div, STEP, type RuleQuality, type Thresholds } from './measures.ts';

const t = (x: Thresholds): string => `fit ≥ ${x.fit}, engagement ≥ ${x.engagement}`;

const RULE_COLUMNS = [
  'rule (test leads)',
  'MQLs',
  'MQL share',
  'MQLs / month',
  'precision',
  'recall',
  'F1',
  'wins',
  'win capture',
];

/** The test leads' figures of one rule, as a row of RULE_COLUMNS. */
function ruleRow(q: RuleQuality, months: BacktestResult['test']['months']): (string | number)[] {
  const mqlsPerMonth = (flagged: number): string => (months ? num(flagged / months, 1) : 'n/a');
  return [
    t(q.thresholds),
    num(q.flagged),
    pct(q.flaggedShare),
    mqlsPerMonth(q.flagged),
    pct(q.precision),
    pct(q.recall),
    q.f1 === null ? 'n/a' : q.f1.toFixed(3),
    num(q.won),
    pct(q.winRecall),
  ];
}

/** How well the total score ranks the test leads: AUC, ROC curve, lift by decile. */
function rankingSection(r: BacktestResult): Section {
  return {
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
            label: 'Test wins (closed won)',
            value: num(r.test.won),
            note: `${pct(div(r.test.won, r.test.leads))} of test leads`,
          },
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
        columns: ['decile', 'leads', 'converted', 'won', 'rate', 'lift', 'cumulative capture'],
        rows: r.deciles.map((d) => [
          d.decile,
          num(d.leads),
          num(d.converted),
          num(d.won),
          pct(d.rate),
          d.lift === null ? 'n/a' : `${d.lift.toFixed(2)}×`,
          pct(d.cumulativeCapture),
        ]),
      },
    ],
  };
}

/** The current and recommended MQL rule, and the candidates the recommendation chose from. */
function mqlRuleSection(r: BacktestResult): Section {
  const rule = (q: RuleQuality): (string | number)[] => ruleRow(q, r.test.months);
  const guard = pct(r.maxMqlShare, 0);
  return {
    title: 'The MQL rule',
    blocks: [
      {
        kind: 'table',
        title: 'Current and recommended rule (test leads)',
        columns: RULE_COLUMNS,
        rows: [
          ['current: ' + rule(r.current)[0], ...rule(r.current).slice(1)],
          r.recommended.found
            ? ['recommended: ' + rule(r.recommended)[0], ...rule(r.recommended).slice(1)]
            : ['recommended: no pair passes the guard rails', '', '', '', '', '', '', '', ''],
        ],
      },
      {
        kind: 'text',
        text: `Recommended thresholds maximise F1 on the training leads (steps of ${STEP}) among those that make at most ${guard} of them MQLs (--max-mql-share) with a fit threshold of at least ${r.minFit}, above the points of any single fit rule, so no one criterion (such as geography) qualifies a lead alone. revops backtest --write puts them into Scoring_Setting.Default.`,
      },
      {
        kind: 'table',
        title: `Candidate thresholds and the MQL volume they produce (best engagement threshold per fit threshold)`,
        columns: ['candidate', 'train F1', 'train MQL share', ...RULE_COLUMNS.slice(1), 'ruled out'],
        rows: r.candidates.map((c) => [
          t(c.thresholds),
          c.trainF1.toFixed(3),
          pct(c.trainFlaggedShare),
          ...rule(c.test).slice(1),
          c.excluded ?? '',
        ]),
        rowStatus: r.candidates.map((c) => (c.excluded ? 'bad' : undefined)),
      },
    ],
  };
}
export function backtestDoc(r: BacktestResult): ReportDoc {
  return {
    title: 'Scoring backtest',
    subtitle: `Trained on ${num(r.train.leads)} leads before ${r.splitAt.slice(0, 10)}, tested on ${num(r.test.leads)} after; outcome: ${r.outcome}; scores: ${r.scores}`,
    sections: [rankingSection(r), mqlRuleSection(r), ...notAvailableSections(r.notAvailable)],
  };
}
