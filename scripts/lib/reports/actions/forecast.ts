// Forecast accuracy by quarter: what the pipeline said on a quarter's first day (each deal's latest
// OpportunityHistory row before it: stage, amount, close date, forecast category, probability) against what was
// won in the quarter. Only quarters that have ended by the as-of date and have history from before their first
// day are judged; otherwise the report says there is not enough history.
import type { StagePolicy } from '../../rules/hygiene.ts';
import { lit, type Db } from '../db.ts';
import { absentObjects, missingColumns, unavailable, type Maybe } from './common.ts';

export interface QuarterRow {
  quarter: string; // "2026-Q2"
  start: string; // first day, YYYY-MM-DD
  /** Deals forecast to close in the quarter on its first day (open, close date inside it). */
  deals: number;
  commit: number;
  /** Commit + Best Case. */
  bestCase: number;
  /** Commit + Best Case + Pipeline. */
  pipeline: number;
  /** Σ amount × probability. */
  weighted: number;
  /** Closed won with a close date in the quarter. */
  actual: number;
  /** (commit − actual) / actual; null when nothing was won. */
  commitError: number | null;
  weightedError: number | null;
}

export interface ForecastReport {
  asOf: string;
  quarters: QuarterRow[];
  /** Quarters that could not be judged and why (e.g. history starts inside them). */
  skipped: { quarter: string; reason: string }[];
}

const quarterOf = (y: number, q: number) => `${y}-Q${q}`;
const iso = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}-01`;

/** Up to `max` calendar quarters ending on or before asOf, oldest first. */
export function pastQuarters(asOf: string, max: number): { quarter: string; start: string; end: string }[] {
  const y0 = Number(asOf.slice(0, 4));
  const m0 = Number(asOf.slice(5, 7));
  const out: { quarter: string; start: string; end: string }[] = [];
  // the quarter holding asOf counts when asOf is its last instant or later (i.e. never): start one before it
  let y = y0;
  let q = Math.floor((m0 - 1) / 3) + 1;
  const dayAfter = new Date(Date.parse(`${asOf.slice(0, 10)}T00:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);
  const ended = (yy: number, qq: number) => (qq === 4 ? iso(yy + 1, 1) : iso(yy, qq * 3 + 1)) <= dayAfter;
  if (!ended(y, q)) [y, q] = q === 1 ? [y - 1, 4] : [y, q - 1];
  while (out.length < max) {
    out.unshift({
      quarter: quarterOf(y, q),
      start: iso(y, q * 3 - 2),
      end: q === 4 ? iso(y + 1, 1) : iso(y, q * 3 + 1),
    });
    [y, q] = q === 1 ? [y - 1, 4] : [y, q - 1];
  }
  return out;
}

const err = (f: number, a: number): number | null => (a ? (f - a) / a : null);

export async function forecastAccuracy(
  db: Db,
  policies: StagePolicy[],
  asOf: string,
  maxQuarters = 8,
): Promise<Maybe<ForecastReport>> {
  const absent = await absentObjects(db, ['OpportunityHistory', 'Opportunity']);
  if (absent) return absent;
  const need = ['OpportunityId', 'StageName', 'CreatedDate', 'Amount', 'CloseDate'];
  const missing = await missingColumns(db, 'OpportunityHistory', need);
  if (missing.length)
    return unavailable(
      `not enough history: forecast accuracy needs OpportunityHistory with ${need.join(', ')} (missing: ${missing.join(', ')})`,
    );
  const hcols = new Set(await db.tableColumns('OpportunityHistory'));
  // the category each stage forecasts in (Stage_Policy__mdt) stands in when history lacks ForecastCategory
  const byStage = policies
    .map((p) => `WHEN ${lit(p.stage)} THEN ${lit(p.forecastCategory ?? 'Pipeline')}`)
    .join(' ');
  // OpportunityHistory.ForecastCategory holds API values (Forecast, BestCase, MostLikely), the stage policies the
  // labels of ForecastCategoryName (Commit, Best Case, Most Likely)
  const recorded = `CASE h."ForecastCategory" WHEN 'Forecast' THEN 'Commit' WHEN 'BestCase' THEN 'Best Case' WHEN 'MostLikely' THEN 'Most Likely' ELSE h."ForecastCategory" END`;
  const category = `coalesce(${hcols.has('ForecastCategory') ? `${recorded}, ` : ''}CASE h."StageName" ${byStage || "WHEN '' THEN ''"} END, 'Pipeline')`;
  const probability = `coalesce(${hcols.has('Probability') ? 'h."Probability"' : 'NULL'}, CASE h."StageName" ${policies.map((p) => `WHEN ${lit(p.stage)} THEN ${Number(p.probability ?? 0)}`).join(' ') || 'WHEN NULL THEN 0'} END, 0)`;
  const [{ first }] = await db.all<{ first: string | null }>(
    `SELECT strftime(min("CreatedDate"), '%Y-%m-%d') AS first FROM "OpportunityHistory"`,
  );
  const quarters: QuarterRow[] = [];
  const skipped: ForecastReport['skipped'] = [];
  for (const q of pastQuarters(asOf, maxQuarters)) {
    if (!first || first >= q.start) {
      skipped.push({
        quarter: q.quarter,
        reason: first ? `history starts ${first}, not before the quarter` : 'no history',
      });
      continue;
    }
    const S = `CAST(${lit(q.start)} AS TIMESTAMP)`;
    const E = `CAST(${lit(q.end)} AS TIMESTAMP)`;
    const [r] = await db.all<Omit<QuarterRow, 'quarter' | 'start' | 'commitError' | 'weightedError'>>(`
      WITH last AS (
        SELECT h."OpportunityId" AS opp, coalesce(h."Amount", 0) AS amount, h."CloseDate" AS close, ${category} AS cat,
               ${probability} AS prob
        FROM "OpportunityHistory" h WHERE h."CreatedDate" < ${S}
        QUALIFY row_number() OVER (PARTITION BY h."OpportunityId" ORDER BY h."CreatedDate" DESC, h."Id" DESC) = 1),
      f AS (SELECT * FROM last WHERE close >= ${S} AND close < ${E} AND cat NOT IN ('Closed', 'Omitted'))
      SELECT count(*) AS deals,
             coalesce(sum(amount) FILTER (WHERE cat = 'Commit'), 0) AS commit,
             coalesce(sum(amount) FILTER (WHERE cat IN ('Commit', 'Most Likely', 'Best Case')), 0) AS "bestCase",
             coalesce(sum(amount), 0) AS pipeline,
             coalesce(sum(amount * prob / 100.0), 0) AS weighted,
             (SELECT coalesce(sum("Amount"), 0) FROM "Opportunity" WHERE "IsWon" AND "CloseDate" >= ${S} AND "CloseDate" < ${E}) AS actual
      FROM f`);
    quarters.push({
      quarter: q.quarter,
      start: q.start,
      ...r,
      commitError: err(r.commit, r.actual),
      weightedError: err(r.weighted, r.actual),
    });
  }
  if (!quarters.length)
    return unavailable(
      `not enough history: no quarter that ended by ${asOf.slice(0, 10)} has OpportunityHistory from before its first day${first ? ` (history starts ${first})` : ''}`,
    );
  return { available: true, asOf, quarters, skipped };
}
