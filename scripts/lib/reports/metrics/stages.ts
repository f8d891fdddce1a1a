// The metrics dashboard's stage funnel (deals reaching each stage, conversion, days in stage) from the stage history
// of the period's opportunities, and when it cannot be drawn.
import { lit, type Db } from '../db.ts';
import { foreignStages } from '../actions/common.ts';
import { FUNNEL_STAGES, ratio } from '../../rules/metricSnapshot.ts';
import type { StageRow } from '../metrics.ts';

/** The period as SQL: the as-of timestamp and the period's first instant. */
interface PeriodSql {
  A: string;
  START: string;
}

export const STAGE_FUNNEL_FIGURE = 'Stage funnel and time in stage';

/**
 * Why the funnel cannot be drawn, or null: the period's deals have stage history, but none of it is in an open stage
 * of the package's funnel (an org before install keeps its own stages). Counted anyway, a deal won in the org's own
 * stages would reach every stage of ours, "100%" at each.
 */
export async function funnelStagesUnknown(db: Db, { A, START }: PeriodSql): Promise<string | null> {
  const rows = await db.all<{ stage: string }>(`
    SELECT DISTINCT h."StageName" AS stage FROM "OpportunityHistory" h JOIN "Opportunity" o ON o."Id" = h."OpportunityId"
    WHERE o."CreatedDate" >= ${START} AND o."CreatedDate" <= ${A} AND h."StageName" IS NOT NULL`);
  // only the funnel's open stages tell: a won deal reaches Closed Won whatever stages it went through
  const foreign = foreignStages(
    rows.map((r) => r.stage),
    FUNNEL_STAGES.slice(0, -1),
  );
  return foreign
    ? `not available (the deals' stage history is in stages the funnel does not use: ${foreign}; the funnel follows the package's stages, which a deploy adds: ${FUNNEL_STAGES.join(', ')})`
    : null;
}

/**
 * Stage funnel and time in stage from the stage history of opportunities created in the period. A history row that
 * repeats the stage before it (a close-date or amount change) is not a stage change: consecutive rows of one stage
 * are one stay, as in the stale-deals report (actions/stale.ts). A stay is finished when the next change begins;
 * the current stay of an open deal is not averaged. Conversion to the next stage counts the deals that have left
 * the stage (moved on or closed): a deal still open at its furthest stage is undecided, not a loss.
 */
export async function stageFunnel(db: Db, { A, START }: PeriodSql): Promise<StageRow[]> {
  const order = FUNNEL_STAGES.map((st, i) => `(${lit(st)}, ${i})`).join(', ');
  const stageRows = await db.all<{
    stage: string;
    ord: number;
    reached: number;
    pending: number;
    days: number | null;
  }>(`
    WITH ord(stage, ord) AS (VALUES ${order}),
    h AS (
      SELECT h."OpportunityId" AS opp, h."StageName" AS stage, h."CreatedDate" AS ts, o."IsClosed" AS closed,
             lag(h."StageName") OVER (PARTITION BY hash(h."OpportunityId") ORDER BY h."CreatedDate", h."Id") AS prev,
             row_number() OVER (PARTITION BY hash(h."OpportunityId") ORDER BY h."CreatedDate", h."Id") AS seq
      FROM "OpportunityHistory" h JOIN "Opportunity" o ON o."Id" = h."OpportunityId"
      WHERE o."CreatedDate" >= ${START} AND o."CreatedDate" <= ${A}),
    changes AS (
      SELECT opp, stage, ts,
             lead(ts) OVER (PARTITION BY hash(opp) ORDER BY seq) AS next_ts
      FROM h WHERE prev IS DISTINCT FROM stage),
    best AS (SELECT opp, max(ord.ord) AS top, bool_or(closed) AS closed FROM h JOIN ord USING (stage) GROUP BY opp),
    stay AS (SELECT stage, avg(date_diff('second', ts, next_ts)) / 86400.0 AS days FROM changes WHERE next_ts IS NOT NULL GROUP BY stage)
    SELECT ord.stage, ord.ord,
           (SELECT count(*) FROM best WHERE best.top >= ord.ord) AS reached,
           (SELECT count(*) FROM best WHERE best.top = ord.ord AND NOT best.closed) AS pending,
           stay.days
    FROM ord LEFT JOIN stay USING (stage) ORDER BY ord.ord`);
  return stageRows.map((r, i) => {
    const left = r.reached - r.pending;
    return {
      stage: r.stage,
      reached: r.reached,
      left,
      conversionToNext: i + 1 < stageRows.length ? ratio(stageRows[i + 1].reached, left) : null,
      avgDaysInStage: r.stage === 'Closed Won' ? null : r.days,
    };
  });
}
