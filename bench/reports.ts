// Report benchmarks: dedup of the 1M-lead demo (engine vs a DuckDB-SQL baseline of the same blocking and
// comparisons), dedup quality (FEBRL dataset3, demo planted duplicates), metrics over 1M opportunities /
// 5M stage-history rows, backtest over 1M leads.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { BenchSuite } from './suites.ts';
import { buildDemoSnapshot } from '../scripts/lib/snapshot/demo.ts';
import { openDb, type Db } from '../scripts/lib/reports/db.ts';
import { dedupExport, dedupSnapshot } from '../scripts/lib/reports/dedup/report.ts';
import { FEBRL_MAPPING } from '../scripts/lib/reports/dedup/profiles.ts';
import { tableFromCsv } from '../scripts/lib/reports/dedup/source.ts';
import { pairQuality } from '../scripts/lib/reports/dedup/quality.ts';
import { FREE_MAIL_DOMAINS, type DedupRule } from '../scripts/lib/rules/match.ts';
import { loadConfig } from '../scripts/lib/config/index.ts';
import { computeMetrics } from '../scripts/lib/reports/metrics.ts';
import { runBacktest } from '../scripts/lib/reports/backtest.ts';

const LARGE = '.revops/snapshots/demo-large.duckdb';
const SMALL = '.revops/snapshots/demo-small.duckdb';

async function ensureDemo(path: string, size: 'small' | 'large'): Promise<void> {
  if (existsSync(path)) return;
  mkdirSync('.revops/snapshots', { recursive: true });
  await buildDemoSnapshot({ out: path, size, progress: (m) => process.stderr.write(`  ${m}\n`) });
}

/** Peak RSS while `fn` runs (sampled every 50 ms). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, ms: Math.round(performance.now() - t0), peakRssMb: Math.round(peak / 1e6) };
  } finally {
    clearInterval(timer);
  }
}

const leadRule = (): DedupRule =>
  loadConfig('force-app').dedupRules.find((r) => r.object === 'Lead' && r.active !== false)!;
export const RECOMMENDED_LEAD_RULE: DedupRule = {
  name: 'Lead_Recommended',
  object: 'Lead',
  matchKeys: ['email', 'email_domain', 'name', 'company', 'phone'],
  matchThreshold: 0.75,
  reviewThreshold: 0.55,
  mergePriority: ['most_recent_activity', 'oldest_created'],
  fieldWeights: { email: 1, email_domain: 0.5, name: 2, company: 1, phone: 2 },
};

/**
 * The same blocking keys (e-mail, company domain + last name, phone, company + last name, name + company) and the
 * same weighted comparisons (exact e-mail / domain / phone, Jaro-Winkler on names and companies) in DuckDB SQL.
 */
async function sqlBaseline(db: Db, rule: DedupRule): Promise<{ pairs: number; matches: number }> {
  const w = { email: 3, email_domain: 1, phone: 2, company: 2, name: 2, ...(rule.fieldWeights ?? {}) };
  const free = [...FREE_MAIL_DOMAINS].map((d) => `'${d}'`).join(',');
  const norm = (c: string) => `nullif(regexp_replace(lower(trim(${c})), '[^a-z0-9 ]', '', 'g'), '')`;
  await db.conn.run(`CREATE OR REPLACE TEMP TABLE bl AS
    SELECT "Id" AS id, nullif(lower(trim("Email")), '') AS email,
           CASE WHEN split_part(lower("Email"), '@', 2) NOT IN (${free}) THEN nullif(split_part(lower("Email"), '@', 2), '') END AS dom,
           nullif(right(regexp_replace("Phone", '[^0-9]', '', 'g'), 10), '') AS phone,
           ${norm(`concat_ws(' ', "FirstName", "LastName")`)} AS name,
           ${norm('"Company"')} AS company,
           split_part(${norm('"Company"')}, ' ', 1) AS ctok, left(lower("LastName"), 4) AS ln4, left(lower("FirstName"), 3) AS fn3
    FROM "Lead"`);
  const keys = [
    'email',
    `dom || '|' || ln4`,
    'phone',
    `ctok || '|' || ln4`,
    `ln4 || '|' || fn3 || '|' || ctok`,
  ];
  const pairSql = keys
    .map(
      (k) =>
        `SELECT a.id AS a, b.id AS b FROM bl a JOIN bl b ON (${k.replace(/(\w+)/g, 'a.$1')}) = (${k.replace(/(\w+)/g, 'b.$1')}) AND a.id < b.id`,
    )
    .join(' UNION ');
  const part = (present: string, sim: string, weight: number) =>
    `CASE WHEN ${present} THEN ${weight} * (${sim}) ELSE 0 END`;
  const den = (present: string, weight: number) => `CASE WHEN ${present} THEN ${weight} ELSE 0 END`;
  const fields: [string, string, number][] = [
    ['x.email IS NOT NULL AND y.email IS NOT NULL', '(x.email = y.email)::INT', w.email],
    ['x.dom IS NOT NULL AND y.dom IS NOT NULL', '(x.dom = y.dom)::INT', w.email_domain],
    ['x.phone IS NOT NULL AND y.phone IS NOT NULL', '(x.phone = y.phone)::INT', w.phone],
    [
      'x.company IS NOT NULL AND y.company IS NOT NULL',
      'jaro_winkler_similarity(x.company, y.company)',
      w.company,
    ],
    ['x.name IS NOT NULL AND y.name IS NOT NULL', 'jaro_winkler_similarity(x.name, y.name)', w.name],
  ];
  const [r] = await db.all<{ pairs: number; matches: number }>(`
    WITH p AS (${pairSql}),
    s AS (SELECT (${fields.map((f) => part(f[0], f[1], f[2])).join(' + ')}) / nullif(${fields.map((f) => den(f[0], f[2])).join(' + ')}, 0) AS score
          FROM p JOIN bl x ON x.id = p.a JOIN bl y ON y.id = p.b)
    SELECT count(*) AS pairs, count(*) FILTER (WHERE score >= ${rule.matchThreshold}) AS matches FROM s`);
  return r;
}

async function leadQuality(
  db: Db,
  rule: DedupRule,
): Promise<{ precision: number; recall: number; f1: number; truePairs: number }> {
  const r = await dedupSnapshot(db, rule);
  const truth = new Map<string, string>();
  for (const { Id } of await db.all<{ Id: string }>('SELECT "Id" FROM "Lead"')) truth.set(Id, Id);
  for (const t of await db.all<{ Id: string; entity_id: string }>(
    `SELECT "Id", entity_id FROM _dedup_truth WHERE object = 'Lead'`,
  ))
    truth.set(t.Id, t.entity_id);
  const pred = new Map<string, string>();
  r.clusters.forEach((c, i) => c.memberIds.forEach((m) => pred.set(m, `c${i}`)));
  const q = pairQuality(pred, truth);
  const r3 = (x: number) => Math.round(x * 10000) / 10000;
  return { precision: r3(q.precision), recall: r3(q.recall), f1: r3(q.f1), truePairs: q.truePairs };
}

export const reportSuites: BenchSuite[] = [
  {
    name: 'reports-dedup-quality',
    async run() {
      const out: Record<string, unknown> = {};
      const febrl = '../shared/data/febrl/dataset3.csv';
      if (existsSync(febrl)) {
        const r = await dedupExport(febrl, FEBRL_MAPPING);
        const t = await tableFromCsv(febrl, 'febrl', 'rec_id');
        const truth = new Map(t.ids.map((id) => [id, id.replace(/-(org|dup-\d+)$/, '')]));
        const pred = new Map<string, string>();
        r.clusters.forEach((c, i) => c.memberIds.forEach((m) => pred.set(m, `c${i}`)));
        const q = pairQuality(pred, truth);
        out.febrl3 = {
          records: r.records,
          pairsCompared: r.pairsCompared,
          precision: +q.precision.toFixed(4),
          recall: +q.recall.toFixed(4),
          f1: +q.f1.toFixed(4),
          ms: r.elapsedMs,
        };
      }
      await ensureDemo(SMALL, 'small');
      const db = await openDb(SMALL, { readOnly: true });
      try {
        out.demoLeadsShippedRule = await leadQuality(db, leadRule());
        out.demoLeadsRecommendedRule = await leadQuality(db, RECOMMENDED_LEAD_RULE);
      } finally {
        db.close();
      }
      return out;
    },
  },
  {
    name: 'reports-dedup-1m',
    async run() {
      await ensureDemo(LARGE, 'large');
      const db = await openDb(LARGE, { readOnly: true });
      try {
        const rule = leadRule();
        const engine = await measured(() => dedupSnapshot(db, rule));
        const baseline = await measured(() => sqlBaseline(db, rule));
        return {
          records: engine.value.records,
          engineMs: engine.ms,
          enginePeakRssMb: engine.peakRssMb,
          enginePairs: engine.value.pairsCompared,
          clusters: engine.value.clusters.length,
          sqlBaselineMs: baseline.ms,
          sqlBaselinePairs: baseline.value.pairs,
          ratio: +(engine.ms / baseline.ms).toFixed(2),
        };
      } finally {
        db.close();
      }
    },
  },
  {
    name: 'reports-metrics-1m',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'bench-metrics-'));
      const file = join(dir, 'm.duckdb');
      try {
        const inst = await DuckDBInstance.create(file);
        const c = await inst.connect();
        const stages = ['Qualified', 'Discovery', 'Demo/Evaluation', 'Proposal', 'Negotiation'];
        await c.run(`CREATE TABLE "Lead" AS SELECT 'L' || i AS "Id", TIMESTAMP '2025-01-01' + to_days(CAST(i % 600 AS INTEGER)) AS "CreatedDate",
          ['Web','Event','Partner','Paid'][1 + i % 4] AS "LeadSource", CASE WHEN i % 9 = 0 THEN TIMESTAMP '2025-06-01' END AS "MQL_Date__c",
          CASE WHEN i % 27 = 0 THEN TIMESTAMP '2025-06-05' END AS "SQL_Date__c", CASE WHEN i % 54 = 0 THEN 'O' || i END AS "ConvertedOpportunityId",
          CAST(i % 30 AS DOUBLE) AS "Speed_To_Lead_Minutes__c" FROM range(1000000) t(i)`);
        await c.run(`CREATE TABLE "Opportunity" AS SELECT 'O' || i AS "Id", CASE WHEN i % 5 = 0 THEN 'Closed Won' WHEN i % 5 = 1 THEN 'Closed Lost' ELSE ${`['${stages.join("','")}']`}[1 + i % 5] END AS "StageName",
          CAST(1000 + i % 90000 AS DOUBLE) AS "Amount", TIMESTAMP '2025-01-01' + to_days(CAST(i % 640 AS INTEGER)) AS "CloseDate", TIMESTAMP '2025-01-01' + to_days(CAST(i % 540 AS INTEGER)) AS "CreatedDate",
          (i % 5 < 2) AS "IsClosed", (i % 5 = 0) AS "IsWon", ['Web','Event','Partner','Paid'][1 + i % 4] AS "LeadSource", 'A' || (i % 50000) AS "AccountId" FROM range(1000000) t(i)`);
        await c.run(`CREATE TABLE "OpportunityHistory" AS SELECT 'H' || i || '-' || k AS "Id", 'O' || i AS "OpportunityId", ${`['${stages.join("','")}']`}[k] AS "StageName",
          TIMESTAMP '2025-01-01' + to_days(CAST(i % 540 + k * 7 AS INTEGER)) AS "CreatedDate" FROM range(1000000) t(i), range(1, 6) s(k)`);
        c.closeSync();
        inst.closeSync();
        const db = await openDb(file, { readOnly: true });
        try {
          const m = await measured(() => computeMetrics(db, { asOf: '2026-06-30 00:00:00' }));
          return { opportunities: 1_000_000, historyRows: 5_000_000, leads: 1_000_000, ms: m.ms };
        } finally {
          db.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'reports-backtest-1m',
    async run() {
      await ensureDemo(LARGE, 'large');
      const db = await openDb(LARGE, { readOnly: true });
      try {
        const config = loadConfig('force-app');
        const s = config.scoringSettings;
        const rules = config.scoringRules.map((r) => ({ ...r, operator: r.operator ?? ('equals' as const) }));
        const replay = { rules, settings: s, horizonDays: 30 };
        const thresholds = { fit: s.mqlFitThreshold, engagement: s.mqlEngagementThreshold };
        const stored = await measured(() => runBacktest(db, thresholds));
        const m = await measured(() => runBacktest(db, thresholds, { replay }));
        return {
          leads: m.value.train.leads + m.value.test.leads,
          replayedMs: m.ms,
          replayedAuc: m.value.auc === null ? null : +m.value.auc.toFixed(4),
          replayedPeakRssMb: m.peakRssMb,
          storedScoresMs: stored.ms,
          storedScoresAuc: stored.value.auc === null ? null : +stored.value.auc.toFixed(4),
        };
      } finally {
        db.close();
      }
    },
  },
];
