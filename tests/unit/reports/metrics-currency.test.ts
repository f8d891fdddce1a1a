// Money in a multi-currency org, held in both twins: the CLI's `revops metrics` (DuckDB SQL over a snapshot) and the
// snapshot job's TypeScript twin (RevOpsMetricMath.cls). Each deal's Amount is in its own CurrencyIsoCode; the money
// figures add them up in the corporate currency (Amount / its currency's CurrencyType.ConversionRate) and say so
// ("USD 67,167", not "$10,000,500"). Deals in several currencies without rates, or a currency without a rate: the
// figures that add deal amounts are not available, never a mixed sum. A single-currency snapshot is as it was.
import { describe, expect, it } from 'vitest';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import { SCHEMA, type ColumnType } from '../../../scripts/lib/snapshot/schema.ts';
import {
  computeMetrics,
  formatFigure,
  metricsDoc,
  type MetricsResult,
} from '../../../scripts/lib/reports/metrics.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import {
  figureMap,
  metricSnapshot,
  type SnapshotCurrency,
} from '../../../scripts/lib/rules/metricSnapshot.ts';

interface Deal {
  id: string;
  currency: string | null;
  amount: number;
  created: string;
  close: string;
  stage: 'Discovery' | 'Closed Won' | 'Closed Lost';
}

// as of 2026-09-30 (the latest CreatedDate): the period starts 2025-10-01; under 14 days of Q3 left, coverage is Q4's
const AS_OF_LEAD: FixtureRow = {
  Id: '00Q1',
  CreatedDate: '2026-09-30 12:00:00',
  Status: 'Open',
  OwnerId: '005A',
};
const USD_OPEN: Deal = {
  id: '006U',
  currency: 'USD',
  amount: 500,
  created: '2026-05-01',
  close: '2026-11-30',
  stage: 'Discovery',
};
const JPY_OPEN: Deal = {
  id: '006J',
  currency: 'JPY',
  amount: 10_000_000,
  created: '2026-06-01',
  close: '2026-12-15',
  stage: 'Discovery',
};
const USD_WON: Deal = {
  id: '006W',
  currency: 'USD',
  amount: 1_000,
  created: '2026-02-01',
  close: '2026-03-01',
  stage: 'Closed Won',
};
const EUR_WON: Deal = {
  id: '006E',
  currency: 'EUR',
  amount: 800,
  created: '2026-03-02',
  close: '2026-04-01',
  stage: 'Closed Won',
};
const RATES: SnapshotCurrency[] = [
  { isoCode: 'USD', conversionRate: 1, isCorporate: true },
  { isoCode: 'JPY', conversionRate: 150, isCorporate: false },
  { isoCode: 'EUR', conversionRate: 0.8, isCorporate: false },
];
const TARGETS = { quarterlyQuota: 100_000, grossMargin: 0.8, annualChurn: 0.1 };

const OPPORTUNITY_WITH_CURRENCY: [string, ColumnType][] = [
  ...(SCHEMA.Opportunity.fields as [string, ColumnType][]),
  ['CurrencyIsoCode', 'VARCHAR'],
];
const CURRENCY_TYPE: [string, ColumnType][] = [
  ['Id', 'VARCHAR'],
  ['IsoCode', 'VARCHAR'],
  ['ConversionRate', 'DOUBLE'],
  ['IsCorporate', 'BOOLEAN'],
  ['IsActive', 'BOOLEAN'],
];

/**
 * The deals through `revops metrics` and through the twin. `rates`: the snapshot's CurrencyType (null: none, an
 * export without CurrencyType.csv); `multiCurrency: false` builds a single-currency snapshot (no CurrencyIsoCode).
 */
async function both(deals: Deal[], rates: SnapshotCurrency[] | null, multiCurrency = true) {
  const closed = (d: Deal) => d.stage.startsWith('Closed');
  const extra: Record<string, [string, ColumnType][]> = {};
  if (multiCurrency) extra.Opportunity = OPPORTUNITY_WITH_CURRENCY;
  if (rates) extra.CurrencyType = CURRENCY_TYPE;
  const { db } = await fixtureSnapshot(
    {
      Lead: [AS_OF_LEAD],
      Opportunity: deals.map((d) => ({
        Id: d.id,
        AccountId: `001${d.id}`,
        StageName: d.stage,
        Amount: d.amount,
        CurrencyIsoCode: d.currency,
        CreatedDate: `${d.created} 00:00:00`,
        CloseDate: `${d.close} 00:00:00`,
        IsClosed: closed(d),
        IsWon: d.stage === 'Closed Won',
      })),
      CurrencyType: (rates ?? []).map((r, i) => ({
        Id: `01L${i}`,
        IsoCode: r.isoCode,
        ConversionRate: r.conversionRate,
        IsCorporate: r.isCorporate ?? false,
        IsActive: true,
      })),
    },
    extra,
  );
  let cli: MetricsResult;
  try {
    cli = await computeMetrics(db, { targets: TARGETS });
  } finally {
    db.close();
  }
  const twin = figureMap(
    metricSnapshot({
      asOf: '2026-09-30T12:00:00Z',
      leads: [{ CreatedDate: '2026-09-30T12:00:00Z' }],
      opportunities: deals.map((d) => ({
        Id: d.id,
        AccountId: `001${d.id}`,
        Amount: d.amount,
        CurrencyIsoCode: multiCurrency ? d.currency : null,
        CreatedDate: `${d.created}T00:00:00Z`,
        CloseDate: d.close,
        IsClosed: closed(d),
        IsWon: d.stage === 'Closed Won',
      })),
      spend: [],
      targets: TARGETS,
      currencies: rates,
    }),
  );
  const fig = (key: string) => [...cli.sales.figures, ...cli.executive.figures].find((f) => f.key === key)!;
  return { cli, twin, fig };
}

describe('deal amounts in the corporate currency (Amount / CurrencyType.ConversionRate)', () => {
  it('USD 500 + JPY 10,000,000 at 150 is USD 67,167 of open pipeline, not $10,000,500', async () => {
    const { cli, twin, fig } = await both([USD_OPEN, JPY_OPEN], RATES);
    expect(cli.currency).toBe('USD');
    expect(fig('pipeline').value).toBeCloseTo(500 + 10_000_000 / 150, 6);
    expect(twin['Sales.pipeline']).toBe(67166.6667);
    expect(formatFigure(fig('pipeline'), cli.currency)).toBe('USD 67,167');
    // coverage of Q4 (under 14 days of Q3 left): both deals close in it, against the 100,000 quota
    expect(fig('coverage').value).toBeCloseTo(67166.6667 / 100_000, 6);
    expect(twin['Sales.coverage']).toBe(0.6717);
    expect(fig('coverage').note).toBe(
      'USD 67,167 open closing in 2026-Q4, the next quarter: under 2 weeks of this one remain / USD 100,000 quota left',
    );
    expect(cli.notAvailable).toEqual([]);
    expect(cli.assumptions.join(' ')).toMatch(
      /Money is in USD: deal amounts in JPY are divided by their currency's conversion rate \(the snapshot's CurrencyType: static rates; dated exchange rates are not used\)/,
    );
  });

  it('converts won deals before revenue, the average deal and LTV: USD 1,000 + EUR 800 at 0.8 is USD 2,000', async () => {
    const { twin, fig, cli } = await both([USD_WON, EUR_WON, USD_OPEN, JPY_OPEN], RATES);
    expect(fig('revenue').value).toBe(2_000);
    expect(twin['Executive.revenue']).toBe(2_000);
    expect(fig('avgDealSize').value).toBe(1_000);
    expect(twin['Sales.avgDealSize']).toBe(1_000);
    expect(fig('ltv').value).toBe(8_000);
    expect(twin['Executive.ltv']).toBe(8_000);
    // velocity: 2 open deals × USD 1,000 × 100% won / 29 days (28 and 30)
    expect(fig('velocity').value).toBeCloseTo(2_000 / 29, 6);
    expect(twin['Sales.velocity']).toBe(68.9655);
    const text = renderTerminal(metricsDoc(cli));
    expect(text).toContain('USD 2,000');
    expect(text).not.toMatch(/\$\d/);
  });

  it('deals in 2 currencies and no rates (an export without CurrencyType.csv): not available, never a mixed sum', async () => {
    const { cli, twin, fig } = await both([USD_OPEN, JPY_OPEN, USD_WON], null);
    const reason =
      'not available (deals in 2 currencies: JPY, USD; no conversion rates — export CurrencyType or snapshot the org)';
    for (const key of ['pipeline', 'avgDealSize', 'velocity', 'revenue', 'ltv'])
      expect(fig(key), key).toMatchObject({ value: null, status: 'skipped', note: reason });
    expect(cli.notAvailable).toContainEqual({ figure: 'Open pipeline', reason });
    expect(cli.notAvailable).toContainEqual({ figure: 'Revenue (closed won)', reason });
    expect(cli.notAvailable.filter((n) => n.figure === 'Forecast coverage')).toHaveLength(1);
    expect(renderTerminal(metricsDoc(cli))).not.toContain('10,000,500');
    // what does not add amounts is still there
    expect(fig('winRate').value).toBe(1);
    expect(fig('openDeals').value).toBe(2);
    for (const key of [
      'Sales.pipeline',
      'Sales.avgDealSize',
      'Executive.revenue',
      'Executive.ltv',
      'Sales.coverage',
    ])
      expect(twin[key], key).toBeNull();
    expect(twin['Sales.winRate']).toBe(1);
  });

  it('a deal currency without a rate: not available, naming the currency', async () => {
    const { twin, fig } = await both(
      [USD_OPEN, JPY_OPEN],
      RATES.filter((r) => r.isoCode !== 'JPY'),
    );
    expect(fig('pipeline')).toMatchObject({
      value: null,
      note: 'not available (no conversion rate for JPY in the snapshot’s CurrencyType)',
    });
    expect(twin['Sales.pipeline']).toBeNull();
  });

  it('a currency without a rate on a deal no money figure adds (lost before the period) does not matter', async () => {
    const oldLost: Deal = {
      id: '006L',
      currency: 'GBP',
      amount: 9_999,
      created: '2024-01-01',
      close: '2024-02-01',
      stage: 'Closed Lost',
    };
    const { twin, fig } = await both([USD_OPEN, JPY_OPEN, oldLost], RATES);
    expect(fig('pipeline').value).toBeCloseTo(67166.6667, 4);
    expect(twin['Sales.pipeline']).toBe(67166.6667);
  });

  it('deals all in one currency and no rates: summed as they are, labelled with it', async () => {
    const eur = (d: Deal): Deal => ({ ...d, currency: 'EUR' });
    const { cli, twin, fig } = await both([eur(USD_OPEN), eur(JPY_OPEN)], null);
    expect(cli.currency).toBe('EUR');
    expect(fig('pipeline').value).toBe(10_000_500);
    expect(twin['Sales.pipeline']).toBe(10_000_500);
    expect(formatFigure(fig('pipeline'), cli.currency)).toBe('EUR 10,000,500');
  });

  it('a single-currency snapshot (no CurrencyIsoCode) is summed and labelled "$" as always', async () => {
    const { cli, twin, fig } = await both([USD_OPEN, USD_WON], null, false);
    expect(cli.currency).toBeNull();
    expect(fig('pipeline').value).toBe(500);
    expect(twin['Sales.pipeline']).toBe(500);
    expect(formatFigure(fig('pipeline'))).toBe('$500');
    expect(renderTerminal(metricsDoc(cli))).toContain('$1,000');
    expect(cli.assumptions.join(' ')).not.toMatch(/Money is in/);
  });
});
