// The definitions a RevOps lead reads the funnel and CAC by, on tiny hand-checked cases, held in both twins: the
// CLI's `revops metrics` (DuckDB SQL over a snapshot) and the snapshot job's TypeScript twin (RevOpsMetricMath.cls).
// - days in stage: a history row that repeats the stage (a close-date push) neither ends nor starts a stay;
// - stage conversion: over the deals that have left the stage (moved on or closed), not those still open in it;
// - CAC: spend / new customers, the accounts whose first-ever won deal closes in the period;
// - speed to lead: the median over the contacted MQLs, beside the share of MQLs contacted (an MQL never contacted
//   has no Speed_To_Lead_Minutes__c: left out of a median, it must show in the share).
import { describe, expect, it } from 'vitest';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { generateDocs } from '../../../scripts/lib/reports/docs.ts';
import { computeMetrics, metricsDoc, type MetricsResult } from '../../../scripts/lib/reports/metrics.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import {
  STAGE_CONVERSION_LABEL,
  figureMap,
  metricSnapshot,
} from '../../../scripts/lib/rules/metricSnapshot.ts';

interface Deal {
  id: string;
  account: string;
  type?: string;
  created: string;
  close: string;
  /** current stage: Closed Won / Closed Lost close the deal */
  stage: string;
  amount?: number;
  history: [stage: string, at: string][];
}

// the as-of instant: the latest CreatedDate of a lead or deal (2026-09-30), so the period starts 2025-10-01
const AS_OF_LEAD: FixtureRow = {
  Id: '00Q1',
  CreatedDate: '2026-09-30 12:00:00',
  Status: 'Open',
  OwnerId: '005A',
};

/** The same records through `revops metrics` (SQL) and through the snapshot twin. */
async function both(deals: Deal[], spend: { source: string; month: string; amount: number }[] = []) {
  const closed = (d: Deal) => d.stage.startsWith('Closed');
  const { db } = await fixtureSnapshot({
    Lead: [AS_OF_LEAD],
    Opportunity: deals.map((d) => ({
      Id: d.id,
      AccountId: d.account,
      Type: d.type ?? 'New Business',
      StageName: d.stage,
      Amount: d.amount ?? 50_000,
      CreatedDate: `${d.created} 00:00:00`,
      CloseDate: `${d.close} 00:00:00`,
      IsClosed: closed(d),
      IsWon: d.stage === 'Closed Won',
    })),
    OpportunityHistory: deals.flatMap((d) =>
      d.history.map(([StageName, at], i) => ({
        Id: `${d.id}H${i}`,
        OpportunityId: d.id,
        StageName,
        CreatedDate: `${at} 00:00:00`,
      })),
    ),
  });
  let cli: MetricsResult;
  try {
    cli = await computeMetrics(db, { costs: spend });
  } finally {
    db.close();
  }
  const twin = figureMap(
    metricSnapshot({
      asOf: '2026-09-30T12:00:00Z',
      leads: [{ CreatedDate: '2026-09-30T12:00:00Z' }],
      opportunities: deals.map((d) => ({
        Id: d.id,
        AccountId: d.account,
        Amount: d.amount ?? 50_000,
        CreatedDate: `${d.created}T00:00:00Z`,
        CloseDate: d.close,
        IsClosed: closed(d),
        IsWon: d.stage === 'Closed Won',
        history: d.history.map(([StageName, at]) => ({ StageName, CreatedDate: `${at}T00:00:00Z` })),
      })),
      spend,
      targets: { grossMargin: 0.8, annualChurn: 0.1 },
    }),
  );
  const stage = (name: string) => cli.sales.stages.find((s) => s.stage === name)!;
  const cac = cli.executive.figures.find((f) => f.key === 'cac')!;
  return { cli, twin, stage, cac };
}

// Discovery entered 03-02, close date pushed 03-12 (a history row in the same stage), Proposal 03-22, won 04-01
const PUSHED: Deal = {
  id: '006B1',
  account: '001B',
  created: '2026-03-01',
  close: '2026-04-01',
  stage: 'Closed Won',
  history: [
    ['Qualified', '2026-03-01'],
    ['Discovery', '2026-03-02'],
    ['Discovery', '2026-03-12'],
    ['Proposal', '2026-03-22'],
    ['Closed Won', '2026-04-01'],
  ],
};

// open in Discovery since 05-03, close date pushed 05-13: its Discovery stay is not over
const OPEN_PUSHED: Deal = {
  id: '006C1',
  account: '001C',
  created: '2026-05-01',
  close: '2026-11-30',
  stage: 'Discovery',
  history: [
    ['Qualified', '2026-05-01'],
    ['Discovery', '2026-05-03'],
    ['Discovery', '2026-05-13'],
  ],
};

// lost in Discovery: it left the stage without advancing
const LOST: Deal = {
  id: '006D1',
  account: '001D',
  created: '2026-04-01',
  close: '2026-04-25',
  stage: 'Closed Lost',
  history: [
    ['Qualified', '2026-04-01'],
    ['Discovery', '2026-04-05'],
    ['Closed Lost', '2026-04-25'],
  ],
};

describe('average days in stage: one stay per stage change', () => {
  it('a close-date push inside Discovery does not split the stay: 03-02 to 03-22 is 20 days, not 10', async () => {
    const { stage, twin } = await both([PUSHED]);
    expect(stage('Discovery').avgDaysInStage).toBe(20);
    expect(twin['Sales.avgDaysInStage.Discovery']).toBe(20);
    expect(stage('Qualified').avgDaysInStage).toBe(1);
    expect(stage('Proposal').avgDaysInStage).toBe(10);
  });

  it('an open deal still in its stage has no finished stay there, even after a close-date push', async () => {
    const { stage, twin } = await both([OPEN_PUSHED]);
    expect(stage('Discovery').avgDaysInStage).toBeNull();
    expect(twin['Sales.avgDaysInStage.Discovery']).toBeNull();
    expect(stage('Qualified').avgDaysInStage).toBe(2);
  });

  it('averages the finished stays of every deal: (20 + 20) / 2, the open stay left out', async () => {
    const { stage, twin } = await both([PUSHED, OPEN_PUSHED, LOST]);
    expect(stage('Discovery').avgDaysInStage).toBe(20);
    expect(twin['Sales.avgDaysInStage.Discovery']).toBe(20);
  });
});

describe('stage conversion: over the deals that have left the stage', () => {
  it('Discovery: 3 reached it, 1 is still open in it; of the 2 that left, 1 moved on: 50%, not 33%', async () => {
    const { stage, twin } = await both([PUSHED, OPEN_PUSHED, LOST]);
    expect(stage('Discovery').conversionToNext).toBe(0.5);
    expect(twin['Sales.stageConversion.Discovery']).toBe(0.5);
    expect(stage('Discovery')).toMatchObject({ reached: 3, left: 2 });
    // every deal left Qualified (the open one for Discovery): 3 / 3
    expect(stage('Qualified').conversionToNext).toBe(1);
    expect(twin['Sales.stageConversion.Qualified']).toBe(1);
  });

  it('a stage whose every deal is still open in it has no conversion yet (n/a, not 0%)', async () => {
    const { stage, twin } = await both([OPEN_PUSHED]);
    expect(stage('Discovery').conversionToNext).toBeNull();
    expect(twin['Sales.stageConversion.Discovery']).toBeNull();
    expect(stage('Discovery')).toMatchObject({ reached: 1, left: 0 });
  });

  it('says what it divides by: in the snapshot row label and the CLI assumptions', async () => {
    const { cli } = await both([PUSHED]);
    expect(STAGE_CONVERSION_LABEL).toMatch(/of deals that left the stage/);
    expect(cli.assumptions.join(' ')).toMatch(/deals that reached the stage and have left it/);
    const rows = metricSnapshot({
      asOf: '2026-09-30T12:00:00Z',
      leads: [],
      opportunities: [],
      spend: [],
      targets: { grossMargin: 0.8, annualChurn: 0.1 },
    }).rows.filter((r) => r.metric === 'stageConversion');
    expect(rows.every((r) => r.label === STAGE_CONVERSION_LABEL)).toBe(true);
  });
});

describe('CAC: spend / new customers (accounts first won in the period)', () => {
  // A won New Business 2025-06 (before the period) and an Existing Business upsell 2026-03; B won 2026-04
  const A_BEFORE: Deal = {
    id: '006A1',
    account: '001A',
    created: '2025-03-01',
    close: '2025-06-01',
    stage: 'Closed Won',
    history: [],
  };
  const A_UPSELL: Deal = {
    id: '006A2',
    account: '001A',
    type: 'Existing Business',
    created: '2026-02-01',
    close: '2026-03-01',
    stage: 'Closed Won',
    history: [],
  };
  const SPEND = [{ source: 'Web', month: '2026-03', amount: 100_000 }];

  it('an existing customer’s upsell is not a new customer: $100,000 / 1, not / 2', async () => {
    const { cac, twin } = await both([A_BEFORE, A_UPSELL, PUSHED], SPEND);
    expect(cac.value).toBe(100_000);
    expect(cac.note).toBe('spend / 1 new customers (accounts first won in the period)');
    expect(twin['Executive.cac']).toBe(100_000);
  });

  it('an account first won in the period is new however many deals it wins in it, whatever their Type', async () => {
    const { cac, twin } = await both([{ ...A_BEFORE, close: '2025-11-01' }, A_UPSELL, PUSHED], SPEND);
    expect(cac.value).toBe(50_000);
    expect(twin['Executive.cac']).toBe(50_000);
  });

  it('with only an existing customer’s upsell won in the period there is no new customer: CAC n/a', async () => {
    const { cac, twin } = await both([A_BEFORE, A_UPSELL], SPEND);
    expect(cac.value).toBeNull();
    expect(twin['Executive.cac']).toBeNull();
  });
});

describe('the generated metrics spec states the definitions', () => {
  it('conversion over deals that left the stage, finished stays, CAC over accounts first won in the period', () => {
    const spec = generateDocs(loadConfig('force-app'))['metrics-dashboard-spec.md'];
    expect(spec).toMatch(
      /\| Stage conversion \| [^|]*deals that reached the stage and have left it, moved on or closed/,
    );
    expect(spec).toMatch(/\| Average time in stage \| [^|]*close-date pushes, do not split a stay/);
    expect(spec).toMatch(/\| CAC \| [^|]*accounts whose first-ever won deal closes in the period/);
  });
});

/** Leads of the period through `revops metrics` and the snapshot twin: [MQL?, Speed_To_Lead_Minutes__c]. */
async function leadsBoth(leads: [mql: boolean, minutes: number | null][]) {
  const rows = leads.map(([mql, minutes], i) => ({
    Id: `00Q2${i}`,
    CreatedDate: '2026-05-01 00:00:00',
    Status: 'Open',
    OwnerId: '005A',
    MQL_Date__c: mql ? '2026-05-01 01:00:00' : null,
    Speed_To_Lead_Minutes__c: minutes,
  }));
  const { db } = await fixtureSnapshot({ Lead: [AS_OF_LEAD, ...rows] });
  let cli: MetricsResult;
  try {
    cli = await computeMetrics(db);
  } finally {
    db.close();
  }
  const twin = figureMap(
    metricSnapshot({
      asOf: '2026-09-30T12:00:00Z',
      leads: [{ CreatedDate: '2026-09-30T12:00:00Z' }, ...rows].map((l) => ({
        ...l,
        CreatedDate: l.CreatedDate.replace(' ', 'T').replace(/(\d)$/, '$1Z'),
      })),
      opportunities: [],
      spend: [],
      targets: { grossMargin: 0.8, annualChurn: 0.1 },
    }),
  );
  const figure = (key: string) => cli.marketing.figures.find((f) => f.key === key)!;
  const terminal = renderTerminal(metricsDoc(cli));
  // a KPI line: status mark (3 characters), then the label
  const line = (label: string) => terminal.split('\n').find((l) => l.slice(3).startsWith(label)) ?? '';
  return { cli, twin, figure, terminal, line };
}

describe('speed to lead: the median over contacted MQLs, beside the share of MQLs contacted', () => {
  it('four MQLs touched at 2 and 4 min, two never contacted: 3.0 min of 2 contacted MQLs, 50% contacted, off target', async () => {
    // a lead that is no MQL has a first touch too: in neither figure
    const { figure, twin, line } = await leadsBoth([
      [true, 2],
      [true, 4],
      [true, null],
      [true, null],
      [false, 1],
    ]);
    expect(figure('speedToLead')).toMatchObject({ value: 3, note: 'median of 2 contacted MQLs' });
    expect(twin['Marketing.speedToLead']).toBe(3);
    expect(figure('mqlsContacted')).toMatchObject({
      label: 'MQLs contacted',
      value: 0.5,
      unit: 'ratio',
      benchmark: '≥ 95%',
      status: 'bad',
      note: '2 of 4 MQLs have a first touch; 2 never contacted',
    });
    expect(twin['Marketing.mqlsContacted']).toBe(0.5);
    expect(line('Speed to lead')).toMatch(/3\.0 min .*\(median of 2 contacted MQLs\)/);
    expect(line('MQLs contacted')).toMatch(/^!! MQLs contacted +50\.0% +benchmark ≥ 95% +\[off target\]/);
  });

  it('shows the share right after speed to lead, in the terminal, the HTML and the JSON', async () => {
    const { cli, terminal } = await leadsBoth([
      [true, 2],
      [true, null],
    ]);
    const keys = cli.marketing.figures.map((f) => f.key);
    expect(keys.indexOf('mqlsContacted')).toBe(keys.indexOf('speedToLead') + 1);
    expect(terminal.indexOf('MQLs contacted')).toBeGreaterThan(terminal.indexOf('Speed to lead'));
    expect(renderHtml([metricsDoc(cli)])).toContain('MQLs contacted');
    expect(JSON.parse(JSON.stringify(cli)).marketing.figures[keys.indexOf('mqlsContacted')].value).toBe(0.5);
  });

  it('MQLs of the period but none contacted: the median is n/a, 0% contacted, both off target', async () => {
    const { figure, twin, line } = await leadsBoth([
      [true, null],
      [true, null],
      [true, null],
    ]);
    expect(figure('speedToLead')).toMatchObject({
      value: null,
      status: 'bad',
      note: 'none of the 3 MQLs contacted',
    });
    expect(twin['Marketing.speedToLead']).toBeNull();
    expect(figure('mqlsContacted')).toMatchObject({ value: 0, status: 'bad' });
    expect(twin['Marketing.mqlsContacted']).toBe(0);
    expect(line('Speed to lead')).toMatch(/n\/a .*\[off target\]/);
    expect(line('MQLs contacted')).toMatch(/0\.0% .*\[off target\]/);
  });

  it('a first touch in the same minute (0 min) is a touch; every MQL contacted is on target', async () => {
    const { figure, twin } = await leadsBoth([
      [true, 0],
      [true, 7],
    ]);
    expect(figure('speedToLead').value).toBe(3.5);
    expect(figure('mqlsContacted')).toMatchObject({ value: 1, status: 'good' });
    expect(twin['Marketing.mqlsContacted']).toBe(1);
  });

  it('no MQL in the period: neither figure is checked', async () => {
    const { figure, twin } = await leadsBoth([[false, 5]]);
    expect(figure('speedToLead')).toMatchObject({ value: null, status: 'skipped' });
    expect(figure('mqlsContacted')).toMatchObject({ value: null, status: 'skipped' });
    expect(twin['Marketing.mqlsContacted']).toBeNull();
  });

  it('the generated spec and the CLI assumptions say what the median leaves out', async () => {
    const spec = generateDocs(loadConfig('force-app'))['metrics-dashboard-spec.md'];
    expect(spec).toMatch(/\| Speed to lead \| [^|]*contacted[^|]*\| < 5 min \| lower \|/);
    expect(spec).toMatch(/\| MQLs contacted \| [^|]*Speed_To_Lead_Minutes__c[^|]*\| ≥ 95% \| higher \|/);
    const { cli } = await leadsBoth([[true, 2]]);
    expect(cli.assumptions.join(' ')).toMatch(/MQLs contacted: /);
  });
});
