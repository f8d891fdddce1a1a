// Stage skips and close-date pushes, read from OpportunityHistory (one row per stage, amount, close-date or
// forecast change) with the org's own rules: stageSkip() (a forward move passing over open stages) and
// closeDatePush() (a close date moved later). A push's reason is the deal's Close_Date_Push_Reason__c.
import { closeDatePush, stageSkip, type StagePolicy } from '../../rules/hygiene.ts';
import { lit, type Db } from '../db.ts';
import { absentObjects, missingColumns, unavailable, users, type Maybe } from './common.ts';

export interface SkipRow {
  from: string;
  to: string;
  skipped: string[];
  deals: number;
}

export interface PushReasonRow {
  reason: string;
  deals: number;
  pushes: number;
  daysPushed: number;
}

export interface ChangedDeal {
  id: string;
  name: string;
  owner: string;
  stage: string;
  /** Stages passed over, across all its skips. */
  skipped: string[];
  pushes: number;
  daysPushed: number;
  reason: string | null;
}

export interface ChangesReport {
  dealsWithHistory: number;
  skips: SkipRow[];
  pushReasons: PushReasonRow[];
  deals: ChangedDeal[];
}

const NO_REASON = '(no reason given)';

/** Two consecutive history rows of a deal, with the deal's name, owner, current stage and push reason. */
type HistoryPair = {
  opp: string;
  prev: string;
  stage: string;
  prevClose: string | null;
  close: string | null;
  name: string | null;
  owner: string | null;
  current: string | null;
  reason: string | null;
};

/**
 * Consecutive history rows of each deal, kept only where a skip or a push can be (a forward move of more than one
 * stage order, or a later close date on a row that does not close the deal): the rules decide which are.
 */
async function historyPairs(db: Db, policies: StagePolicy[]): Promise<HistoryPair[]> {
  const hcols = new Set(await db.tableColumns('OpportunityHistory'));
  const ocols = new Set(await db.tableColumns('Opportunity'));
  const col = (have: Set<string>, c: string, alias: string) => (have.has(c) ? `${alias}."${c}"` : 'NULL');
  const closed = new Set(policies.filter((p) => p.isClosed).map((p) => p.stage));
  const order = policies.map((p) => `(${lit(p.stage)}, ${Number(p.order)})`).join(', ') || "('', 0)";
  const closedList = [...closed].map(lit).join(', ') || "''";
  return db.all<HistoryPair>(`WITH ord(stage, n) AS (VALUES ${order}),
      h AS (
        SELECT "OpportunityId" AS opp, "StageName" AS stage, ${col(hcols, 'CloseDate', 'h')} AS close, "CreatedDate" AS ts, "Id" AS id,
               lag("StageName") OVER w AS prev, lag(${col(hcols, 'CloseDate', 'h')}) OVER w AS "prevClose"
        FROM "OpportunityHistory" h WINDOW w AS (PARTITION BY "OpportunityId" ORDER BY "CreatedDate", "Id"))
      SELECT h.opp, h.prev, h.stage, strftime(h."prevClose", '%Y-%m-%d') AS "prevClose", strftime(h.close, '%Y-%m-%d') AS close,
             ${col(ocols, 'Name', 'o')} AS name, ${col(ocols, 'OwnerId', 'o')} AS owner, o."StageName" AS current,
             ${col(ocols, 'Close_Date_Push_Reason__c', 'o')} AS reason
      FROM h LEFT JOIN ord a ON a.stage = h.prev LEFT JOIN ord b ON b.stage = h.stage
      LEFT JOIN "Opportunity" o ON o."Id" = h.opp
      WHERE h.prev IS NOT NULL
        AND (b.n > a.n + 1 OR (h.close > h."prevClose" AND h.stage NOT IN (${closedList})))
      ORDER BY h.opp, h.ts, h.id`);
}

export async function skipsAndPushes(db: Db, policies: StagePolicy[]): Promise<Maybe<ChangesReport>> {
  const absent = await absentObjects(db, ['OpportunityHistory', 'Opportunity']);
  if (absent) return absent;
  if ((await missingColumns(db, 'OpportunityHistory', ['OpportunityId', 'StageName', 'CreatedDate'])).length)
    return unavailable('the snapshot has no OpportunityHistory (stage and close-date changes) to read');
  const known = new Set(policies.map((p) => p.stage));
  const closed = new Set(policies.filter((p) => p.isClosed).map((p) => p.stage));
  const pairs = await historyPairs(db, policies);
  const [{ n: withHistory }] = await db.all<{ n: number }>(
    `SELECT count(DISTINCT "OpportunityId") AS n FROM "OpportunityHistory"`,
  );
  const people = await users(db);
  const skips = new Map<string, SkipRow>();
  const reasons = new Map<string, PushReasonRow>();
  const deals: ChangedDeal[] = [];
  for (let i = 0; i < pairs.length;) {
    const first = pairs[i];
    const deal: ChangedDeal = {
      id: first.opp,
      name: first.name ?? first.opp,
      owner: first.owner ? (people.get(first.owner)?.name ?? first.owner) : '(no owner)',
      stage: first.current ?? first.stage,
      skipped: [],
      pushes: 0,
      daysPushed: 0,
      reason: first.reason,
    };
    for (; i < pairs.length && pairs[i].opp === first.opp; i++) {
      const { prev, stage, prevClose, close } = pairs[i];
      if (prev !== stage && known.has(prev) && known.has(stage)) {
        const sk = stageSkip(prev, stage, policies);
        if (sk.skipped) {
          deal.skipped.push(...sk.skippedStages);
          const key = `${prev}\u0000${stage}`;
          const row = skips.get(key) ?? { from: prev, to: stage, skipped: sk.skippedStages, deals: 0 };
          row.deals += 1;
          skips.set(key, row);
        }
      }
      if (prevClose && close && !closed.has(stage)) {
        // closing a deal moves its close date to the day it closed: that is no push (filtered above too)
        const p = closeDatePush({
          previousCloseDate: prevClose,
          newCloseDate: close,
          pushCount: deal.pushes,
        });
        if (p.isPush) {
          deal.pushes = p.pushCount;
          deal.daysPushed += p.daysPushed;
        }
      }
    }
    if (deal.pushes) {
      const key = deal.reason?.trim() || NO_REASON;
      const r = reasons.get(key) ?? { reason: key, deals: 0, pushes: 0, daysPushed: 0 };
      r.deals += 1;
      r.pushes += deal.pushes;
      r.daysPushed += deal.daysPushed;
      reasons.set(key, r);
    }
    if (deal.skipped.length || deal.pushes) deals.push(deal);
  }
  return {
    available: true,
    dealsWithHistory: withHistory,
    skips: [...skips.values()].sort(
      (a, b) => b.deals - a.deals || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    ),
    pushReasons: [...reasons.values()].sort((a, b) => b.deals - a.deals || a.reason.localeCompare(b.reason)),
    deals: deals.sort(
      (a, b) => b.pushes - a.pushes || b.skipped.length - a.skipped.length || a.id.localeCompare(b.id),
    ),
  };
}
