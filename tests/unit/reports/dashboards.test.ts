// Issue 20: every figure of the three native dashboards equals the `revops metrics` figure on the same data. The demo
// snapshot (as `revops snapshot --demo` builds it) is read twice: by computeMetrics (DuckDB SQL), and by the report
// definitions of force-app run offline (tooling/reports/evaluate.ts: their filters, groupings and summary formulas,
// formula fields evaluated from their field definitions). Figures the reports cannot compute come from the rows
// RevOpsMetricSnapshotJob writes; here they are the rows of its TypeScript twin (scripts/lib/rules/metricSnapshot.ts),
// read back through the snapshot reports exactly as the dashboard reads them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db, type Row } from '../../../scripts/lib/reports/db.ts';
import {
  BENCHMARKS,
  computeMetrics,
  loadCosts,
  type Figure,
  type MetricsResult,
} from '../../../scripts/lib/reports/metrics.ts';
import {
  SNAPSHOT_BENCHMARKS,
  metricSnapshot,
  type MetricSnapshot,
  type SnapshotOpportunity,
} from '../../../scripts/lib/rules/metricSnapshot.ts';
import { buildDemoSnapshot } from '../../../scripts/lib/snapshot/demo.ts';
import { componentFigures, type EvalContext, type Rec } from '../../../tooling/reports/evaluate.ts';
import { loadReportTree, type DashboardDef } from '../../../tooling/reports/reportMeta.ts';
import { loadProjectSchema } from '../../../tooling/verify/schema.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');
const FORCE_APP = join(REPO, 'force-app');
const TARGETS = { quarterlyQuota: 2_000_000, revenueTarget: 6_000_000, grossMargin: 0.8, annualChurn: 0.1 };
const SOURCES = ['Web', 'Paid Search', 'Outbound', 'Event', 'Webinar', 'Content Syndication'];

let db: Db;
let metrics: MetricsResult;
let twin: MetricSnapshot;
let ctx: EvalContext;
let tables: Record<string, Rec[]>;

/** Spend per source and month over 14 months (two before the period, which must not count). */
function costsCsv(asOf: string): string {
  const lines = ['source,month,amount'];
  const d = new Date(`${asOf.slice(0, 7)}-01T00:00:00Z`);
  for (let k = -13; k <= 0; k++) {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1)).toISOString().slice(0, 7);
    SOURCES.forEach((s, i) => lines.push(`${s},${m},${1000 * (i + 1) + 37 * (k + 13)}`));
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'revops-dash-'));
  const file = join(dir, 'demo.duckdb');
  await buildDemoSnapshot({ out: file, size: 'small', progress: () => {} });
  db = await openDb(file, { readOnly: true });
  const [{ t }] = await db.all<{ t: string }>(
    `SELECT CAST(greatest((SELECT max("CreatedDate") FROM "Lead"), (SELECT max("CreatedDate") FROM "Opportunity")) AS VARCHAR) AS t`,
  );
  writeFileSync(join(dir, 'costs.csv'), costsCsv(t));
  const costs = await loadCosts(db, join(dir, 'costs.csv'));
  metrics = await computeMetrics(db, { targets: TARGETS, costs });
  const read = async (table: string) => (await db.all<Row>(`SELECT * FROM "${table}"`)) as Rec[];
  const history = new Map<string, { StageName: string; CreatedDate: string }[]>();
  for (const h of await read('OpportunityHistory'))
    history.set(String(h.OpportunityId), [
      ...(history.get(String(h.OpportunityId)) ?? []),
      { StageName: String(h.StageName), CreatedDate: String(h.CreatedDate) },
    ]);
  tables = {
    Lead: await read('Lead'),
    Opportunity: await read('Opportunity'),
    SLA_Event__c: await read('SLA_Event__c'),
  };
  twin = metricSnapshot({
    asOf: `${metrics.asOf.replace(' ', 'T')}Z`,
    leads: tables.Lead as never,
    opportunities: tables.Opportunity.map((o) => ({
      ...o,
      history: history.get(String(o.Id)) ?? [],
    })) as SnapshotOpportunity[],
    spend: costs,
    targets: TARGETS,
  });
  // the rows RevOpsMetricSnapshotJob writes, as the snapshot reports read them
  tables.RevOps_Metric_Snapshot__c = twin.rows.map((r, i) => ({
    Id: `a00${i}`,
    View__c: r.view,
    Metric__c: r.metric,
    Label__c: r.label,
    Dimension__c: r.dimension,
    Unit__c: r.unit,
    Value__c: r.value,
    Benchmark_Low__c: r.benchmarkLow,
    Benchmark_High__c: r.benchmarkHigh,
    As_Of__c: twin.asOf.slice(0, 10),
    Is_Latest__c: true,
  }));
  ctx = {
    tree: loadReportTree(FORCE_APP),
    schema: loadProjectSchema(FORCE_APP, REPO),
    objectsDir: join(FORCE_APP, 'main', 'default', 'objects'),
    records: (object) => tables[object] ?? [],
    today: metrics.asOf.slice(0, 10),
  };
}, 120_000);

afterAll(() => db?.close());

const fig = (key: string): number => {
  const all: Figure[] = [
    ...metrics.marketing.figures,
    ...metrics.sales.figures,
    ...metrics.executive.figures,
  ];
  const f = all.find((x) => x.key === key);
  expect(f?.value, `metrics figure ${key}`).not.toBeNull();
  return f!.value!;
};
const close = (actual: number | null, expected: number, what: string) => {
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(
    Math.max(5.000001e-5, Math.abs(expected) * 1e-9),
  );
};
type Figs = ReturnType<typeof componentFigures>;
const grand = (f: Figs, col: string) => f[0].values[col];
const bySource = (f: Figs, col: string) => new Map(f.map((g) => [g.group ?? '(none)', g.values[col]]));
const sumOf = (f: Figs, col: string) => f.reduce((t, g) => t + (g.values[col] ?? 0), 0);

/** The snapshot table: each label's value is the metrics figure of that key, its benchmark the playbook's. */
function snapshotTable(f: Figs, view: string) {
  const rows = twin.rows.filter((r) => r.view === view && r.dimension === null);
  expect(f.map((g) => g.group).sort()).toEqual(rows.map((r) => r.label).sort());
  for (const r of rows) {
    const g = f.find((x) => x.group === r.label)!;
    close(g.values.FORMULA1, fig(r.metric), `${view} ${r.metric}`);
    const b = BENCHMARKS[r.metric];
    close(g.values.FORMULA2, b ? b.lo : 0, `${r.metric} benchmark low`);
    close(g.values.FORMULA3, b && Number.isFinite(b.hi) ? b.hi : 0, `${r.metric} benchmark high`);
  }
}

/** One agreement check per dashboard component (dashboard title / component header). */
const CHECKS: Record<string, (f: Figs) => void> = {
  'RevOps Marketing/Lead volume': (f) => expect(grand(f, 'RowCount')).toBe(fig('leads')),
  'RevOps Marketing/MQLs': (f) => expect(grand(f, 'FORMULA1')).toBe(fig('mqls')),
  'RevOps Marketing/Lead to MQL': (f) => close(grand(f, 'FORMULA2'), fig('leadToMql'), 'lead to MQL'),
  'RevOps Marketing/Lead volume by month': (f) => {
    expect(f.map((g) => [g.group, g.values.RowCount, g.values.FORMULA1]).sort()).toEqual(
      metrics.marketing.volumeByMonth.map((m) => [m.month, m.leads, m.mqls]).sort(),
    );
  },
  'RevOps Marketing/Lead volume by source': (f) => {
    const got = bySource(f, 'RowCount');
    expect(got.size).toBe(metrics.marketing.bySource.filter((s) => s.leads > 0).length);
    for (const s of metrics.marketing.bySource.filter((x) => x.leads > 0))
      expect(got.get(s.source), s.source).toBe(s.leads);
  },
  'RevOps Marketing/MQL rate by source': (f) => {
    const got = bySource(f, 'FORMULA2');
    for (const s of metrics.marketing.bySource.filter((x) => x.leads > 0))
      close(got.get(s.source) ?? null, s.mqlRate!, `MQL rate ${s.source}`);
  },
  'RevOps Marketing/Marketing figures and benchmarks': (f) => snapshotTable(f, 'Marketing'),
  'RevOps Sales/Open pipeline': (f) => close(grand(f, 'FORMULA1'), fig('pipeline'), 'open pipeline'),
  'RevOps Sales/Open deals': (f) => expect(grand(f, 'RowCount')).toBe(fig('openDeals')),
  'RevOps Sales/Win rate': (f) => close(grand(f, 'FORMULA1'), fig('winRate'), 'win rate'),
  'RevOps Sales/Pipeline value by stage': (f) => {
    close(sumOf(f, 'FORMULA1'), fig('pipeline'), 'pipeline over stages');
    expect(f.every((g) => !['Closed Won', 'Closed Lost'].includes(String(g.group)))).toBe(true);
  },
  'RevOps Sales/Win rate by source': (f) => {
    const got = bySource(f, 'FORMULA1');
    const closed = metrics.marketing.bySource.filter((s) => s.closed > 0);
    expect(got.size).toBe(closed.length);
    for (const s of closed) close(got.get(s.source) ?? null, s.winRate!, `win rate ${s.source}`);
  },
  'RevOps Sales/Stage conversion to next stage': (f) => {
    const stages = metrics.sales.stages.filter((s) => s.conversionToNext !== null);
    expect(f.map((g) => g.group).sort()).toEqual(stages.map((s) => s.stage).sort());
    for (const s of stages)
      close(
        f.find((g) => g.group === s.stage)!.values.FORMULA1,
        s.conversionToNext!,
        `conversion ${s.stage}`,
      );
  },
  'RevOps Sales/Average days in stage': (f) => {
    const stages = metrics.sales.stages.filter((s) => s.avgDaysInStage !== null);
    expect(f.map((g) => g.group).sort()).toEqual(stages.map((s) => s.stage).sort());
    for (const s of stages)
      close(f.find((g) => g.group === s.stage)!.values.FORMULA1, s.avgDaysInStage!, `days in ${s.stage}`);
  },
  'RevOps Sales/SLA compliance by rep': () => {}, // not a metrics figure: checked against SQL below
  'RevOps Sales/Sales figures and benchmarks': (f) => snapshotTable(f, 'Sales'),
  'RevOps Executive/Revenue (closed won)': (f) => close(grand(f, 'FORMULA1'), fig('revenue'), 'revenue'),
  'RevOps Executive/Average deal size': (f) =>
    close(grand(f, 'FORMULA2'), fig('avgDealSize'), 'average deal size'),
  'RevOps Executive/Revenue by month': (f) =>
    close(sumOf(f, 'FORMULA1'), fig('revenue'), 'revenue over months'),
  'RevOps Executive/Executive figures and benchmarks': (f) => snapshotTable(f, 'Executive'),
};

describe('native dashboards agree with revops metrics on the demo snapshot', () => {
  it('every component of the three dashboards has an agreement check, and every check a component', () => {
    const names = ctx.tree.dashboards.flatMap((d: DashboardDef) =>
      d.components.map((c) => `${d.title}/${c.header}`),
    );
    expect(ctx.tree.dashboards.map((d) => d.title).sort()).toEqual([
      'RevOps Executive',
      'RevOps Marketing',
      'RevOps Sales',
    ]);
    expect(names.sort()).toEqual(Object.keys(CHECKS).sort());
  });

  for (const name of Object.keys(CHECKS)) {
    it(name, () => {
      const [title, header] = name.split('/');
      const d = ctx.tree.dashboards.find((x) => x.title === title)!;
      const c = d.components.find((x) => x.header === header)!;
      const f = componentFigures(ctx, c);
      expect(f.length, 'the component shows something').toBeGreaterThan(0);
      CHECKS[name](f);
    });
  }

  it('SLA compliance by rep equals met / (met + breached) SLA events of each owner in the period (SQL)', async () => {
    const d = ctx.tree.dashboards.find((x) => x.title === 'RevOps Sales')!;
    const f = componentFigures(
      ctx,
      d.components.find((c) => c.header === 'SLA compliance by rep')!,
    );
    const sql = await db.all<{ owner: string; rate: number }>(`
      SELECT l."OwnerId" AS owner, count(*) FILTER (WHERE e."Event_Type__c" = 'Met') / count(*) AS rate
      FROM "SLA_Event__c" e JOIN "Lead" l ON l."Id" = e."Lead__c"
      WHERE e."Event_Type__c" IN ('Met', 'Breached')
        AND e."Occurred_At__c" >= CAST('${metrics.periodStart}' AS TIMESTAMP)
        AND e."Occurred_At__c" < CAST('${ctx.today}' AS TIMESTAMP) + INTERVAL 1 DAY
      GROUP BY 1`);
    expect(sql.length).toBeGreaterThan(1);
    expect(f.map((g) => g.group).sort()).toEqual(sql.map((r) => r.owner).sort());
    for (const r of sql) close(f.find((g) => g.group === r.owner)!.values.FORMULA1, r.rate, `SLA ${r.owner}`);
  });
});

describe('the snapshot job twin (RevOpsMetricMath) computes the metrics figures', () => {
  it('every total figure of the three views, to the 4 decimals the snapshot stores', () => {
    for (const r of twin.rows.filter((x) => x.dimension === null))
      close(r.value, fig(r.metric), `${r.view} ${r.metric}`);
  });

  it('the stage funnel: deals reaching each stage, conversion to the next, days in stage', () => {
    for (const s of metrics.sales.stages) {
      const at = (metric: string) =>
        twin.rows.find((r) => r.metric === metric && r.dimension === s.stage)?.value ?? null;
      expect(at('stageReached'), s.stage).toBe(s.reached);
      if (s.conversionToNext !== null)
        close(at('stageConversion'), s.conversionToNext, `conversion ${s.stage}`);
      if (s.avgDaysInStage !== null) close(at('avgDaysInStage'), s.avgDaysInStage, `days ${s.stage}`);
    }
  });

  it('uses the playbook benchmarks of revops metrics', () => {
    for (const [key, [lo, hi]] of Object.entries(SNAPSHOT_BENCHMARKS)) {
      expect(lo, key).toBe(BENCHMARKS[key].lo);
      expect(hi ?? Infinity, key).toBe(BENCHMARKS[key].hi);
    }
  });
});
