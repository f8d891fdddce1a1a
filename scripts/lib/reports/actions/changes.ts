// Stage skips and close-date pushes, read from OpportunityHistory (one row per stage, amount, close-date or
// forecast change) with the org's own rules: stageSkip() (a forward move passing over open stages) and
// closeDatePush() (a close date moved later). A push's reason is the deal's Close_Date_Push_Reason__c.
import { closeDatePush, stageSkip, type StagePolicy } from '../../rules/hygiene.ts';
import type { Db } from '../db.ts';
import { missingColumns, unavailable, users, type Maybe } from './common.ts';

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

export async function skipsAndPushes(db: Db, policies: StagePolicy[]): Promise<Maybe<ChangesReport>> {
  if ((await missingColumns(db, 'OpportunityHistory', ['OpportunityId', 'StageName', 'CreatedDate'])).length)
    return unavailable('the snapshot has no OpportunityHistory (stage and close-date changes) to read');
  const hcols = new Set(await db.tableColumns('OpportunityHistory'));
  const ocols = new Set(await db.tableColumns('Opportunity'));
  const col = (have: Set<string>, c: string, alias: string) => (have.has(c) ? `${alias}."${c}"` : 'NULL');
  const rows = await db.all<{
    opp: string;
    stage: string;
    close: string | null;
    name: string | null;
    owner: string | null;
    current: string | null;
    reason: string | null;
  }>(`SELECT h."OpportunityId" AS opp, h."StageName" AS stage, strftime(${col(hcols, 'CloseDate', 'h')}, '%Y-%m-%d') AS close,
             ${col(ocols, 'Name', 'o')} AS name, ${col(ocols, 'OwnerId', 'o')} AS owner, o."StageName" AS current,
             ${col(ocols, 'Close_Date_Push_Reason__c', 'o')} AS reason
      FROM "OpportunityHistory" h LEFT JOIN "Opportunity" o ON o."Id" = h."OpportunityId"
      ORDER BY h."OpportunityId", h."CreatedDate", h."Id"`);
  const known = new Set(policies.map((p) => p.stage));
  const closed = new Set(policies.filter((p) => p.isClosed).map((p) => p.stage));
  const people = await users(db);
  const skips = new Map<string, SkipRow>();
  const reasons = new Map<string, PushReasonRow>();
  const deals: ChangedDeal[] = [];
  let withHistory = 0;
  for (let i = 0; i < rows.length;) {
    const first = rows[i];
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
    withHistory += 1;
    let j = i + 1;
    for (; j < rows.length && rows[j].opp === first.opp; j++) {
      const prev = rows[j - 1];
      const cur = rows[j];
      if (prev.stage !== cur.stage && known.has(prev.stage) && known.has(cur.stage)) {
        const s = stageSkip(prev.stage, cur.stage, policies);
        if (s.skipped) {
          deal.skipped.push(...s.skippedStages);
          const key = `${prev.stage}\u0000${cur.stage}`;
          const row = skips.get(key) ?? {
            from: prev.stage,
            to: cur.stage,
            skipped: s.skippedStages,
            deals: 0,
          };
          row.deals += 1;
          skips.set(key, row);
        }
      }
      if (prev.close && cur.close) {
        const p = closeDatePush({
          previousCloseDate: prev.close,
          newCloseDate: cur.close,
          pushCount: deal.pushes,
        });
        // closing a deal moves its close date to the day it closed: that is no push
        if (p.isPush && !closed.has(cur.stage)) {
          deal.pushes = p.pushCount;
          deal.daysPushed += p.daysPushed;
        }
      }
    }
    i = j;
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
