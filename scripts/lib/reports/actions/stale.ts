// The stale-deal list: open deals that have sat in their stage longer than Stale_Multiplier__c × the team's
// average days in that stage (Stage_Policy__mdt; averages over finished stage stays in OpportunityHistory),
// judged by the same staleness() rule the org's pipeline alerts use, with each deal's owner.
import { staleness, teamAverages, type StagePolicy } from '../../rules/hygiene.ts';
import type { Db } from '../db.ts';
import {
  absentObjects,
  missingColumns,
  unavailable,
  unknownStagesReason,
  users,
  type Maybe,
} from './common.ts';

export interface StaleDeal {
  id: string;
  name: string;
  owner: string;
  stage: string;
  amount: number | null;
  daysInStage: number;
  teamAverageDays: number;
  multiplier: number;
  thresholdDays: number;
}

export interface StaleReport {
  asOf: string;
  openDeals: number;
  /** Average days per open stage, and the multiplier its Stage_Policy__mdt sets. */
  stages: { stage: string; averageDays: number | null; multiplier: number | null; stale: number }[];
  deals: StaleDeal[];
}

/** SQL: `changes`, the OpportunityHistory rows that moved a deal into a stage (opp, stage, ts). */
const STAGE_CHANGES = `h AS (
      SELECT "OpportunityId" AS opp, "StageName" AS stage, "CreatedDate" AS ts,
             lag("StageName") OVER (PARTITION BY "OpportunityId" ORDER BY "CreatedDate", "Id") AS prev
      FROM "OpportunityHistory"),
    changes AS (SELECT opp, stage, ts FROM h WHERE prev IS DISTINCT FROM stage)`;

/**
 * Finished stays per stage: from a row that changed the stage to the deal's next stage change (rows that changed
 * only the amount or close date do not end a stay).
 */
async function stays(db: Db): Promise<{ stage: string; days: number }[]> {
  return db.all<{ stage: string; days: number }>(`
    WITH ${STAGE_CHANGES}
    SELECT stage, days FROM (
      SELECT stage, date_diff('second', ts, lead(ts) OVER (PARTITION BY opp ORDER BY ts)) / 86400.0 AS days FROM changes)
    WHERE days IS NOT NULL ORDER BY stage, days`);
}

export async function staleDeals(db: Db, policies: StagePolicy[], asOf: string): Promise<Maybe<StaleReport>> {
  const absent = await absentObjects(db, ['Opportunity', 'OpportunityHistory']);
  if (absent) return absent;
  const missing = await missingColumns(db, 'Opportunity', ['Id', 'StageName', 'IsClosed']);
  if (missing.length) return unavailable(`the snapshot's Opportunity table lacks ${missing.join(', ')}`);
  if ((await missingColumns(db, 'OpportunityHistory', ['OpportunityId', 'StageName', 'CreatedDate'])).length)
    return unavailable('the snapshot has no OpportunityHistory to average the days in each stage');
  const averages = teamAverages(await stays(db));
  const cols = new Set(await db.tableColumns('Opportunity'));
  // Stage_Entered_At__c is ours; before install, the latest history row that moved the deal into its current stage
  // says when the stay began
  const stored = cols.has('Stage_Entered_At__c') ? 'o."Stage_Entered_At__c", ' : '';
  const open = await db.all<{
    id: string;
    name: string | null;
    owner: string | null;
    stage: string;
    amount: number | null;
    entered: string | null;
  }>(`WITH ${STAGE_CHANGES},
      entered AS (SELECT opp, stage, max(ts) AS ts FROM changes GROUP BY ALL)
      SELECT o."Id" AS id, ${cols.has('Name') ? 'o."Name"' : 'NULL'} AS name, ${cols.has('OwnerId') ? 'o."OwnerId"' : 'NULL'} AS owner,
             o."StageName" AS stage, ${cols.has('Amount') ? 'o."Amount"' : 'NULL'} AS amount,
             CAST(coalesce(${stored}e.ts) AS VARCHAR) AS entered
      FROM "Opportunity" o LEFT JOIN entered e ON e.opp = o."Id" AND e.stage = o."StageName"
      WHERE NOT coalesce(o."IsClosed", false) ORDER BY o."Id"`);
  const unknown = unknownStagesReason(
    open.map((d) => d.stage),
    policies,
  );
  if (unknown) return unavailable(unknown);
  const known = new Set(policies.map((p) => p.stage));
  const people = await users(db);
  const deals: StaleDeal[] = [];
  const staleCount = new Map<string, number>();
  for (const d of open) {
    if (!d.entered || !known.has(d.stage)) continue;
    const r = staleness({
      stage: d.stage,
      stageEnteredAt: d.entered,
      now: asOf,
      policies,
      teamAverageDays: averages,
    });
    if (!r.stale) continue;
    staleCount.set(d.stage, (staleCount.get(d.stage) ?? 0) + 1);
    deals.push({
      id: d.id,
      name: d.name ?? d.id,
      owner: d.owner ? (people.get(d.owner)?.name ?? d.owner) : '(no owner)',
      stage: d.stage,
      amount: d.amount,
      daysInStage: r.daysInStage,
      teamAverageDays: r.teamAverageDays!,
      multiplier: r.multiplier!,
      thresholdDays: r.thresholdDays!,
    });
  }
  deals.sort(
    (a, b) => b.daysInStage / b.thresholdDays - a.daysInStage / a.thresholdDays || a.id.localeCompare(b.id),
  );
  return {
    available: true,
    asOf,
    openDeals: open.length,
    stages: [...policies]
      .filter((p) => !p.isClosed)
      .sort((a, b) => a.order - b.order)
      .map((p) => ({
        stage: p.stage,
        averageDays: averages[p.stage] ?? null,
        multiplier: p.staleMultiplier ?? null,
        stale: staleCount.get(p.stage) ?? 0,
      })),
    deals,
  };
}
