// The lifecycle stage moves of the demo's leads and contacts, made as the org's lifecycle trigger makes them: the
// save stands for one lifecycle event (LifecycleService.eventFor: the scores' Rescore, the rep's SalesAccept or
// Recycle with Recycle_Reason__c, the conversion's OpportunityCreated on the lead and, through TA_Lead_Convert, on
// its contact, the won deal's ClosedWon), rules/lifecycle.ts decides the move, and a move is one
// Lifecycle_Transition__c row (LifecycleService.historyRow; Transitioned_By__c is the user who saved). Nothing
// moves when a lead is inserted below the MQL thresholds (a Rescore of a Lead or Subscriber), so that save has no
// row. Which event happens when is the demo's flow (funnel.ts); a move the rule refuses is the demo's bug and
// throws. The field policies' holds of the engine's own moves are decided before (rules.ts becomesMql; no shipped
// policy gates Opportunity or Customer).
import { lifecycleMove, type LifecycleEventType, type LifecycleStage } from '../../rules/lifecycle.ts';
import { transition } from './history.ts';
import type { Scores } from './rules.ts';
import type { DemoState } from './state.ts';

/** One save of a Lead (leadId) or Contact (contactId) that stands for a lifecycle event. */
export interface StageSave {
  leadId: string | null;
  contactId: string | null;
  at: number;
  /** The user whose save it is (Transitioned_By__c). */
  by: string;
  /** Lifecycle_Stage__c before the save. */
  stage: string;
  type: Extract<
    LifecycleEventType,
    'Rescore' | 'SalesAccept' | 'Recycle' | 'OpportunityCreated' | 'ClosedWon'
  >;
  /** Recycle_Reason__c of a Recycle. */
  reasonCode?: string;
  /**
   * The record's scores at the save (scored before the lifecycle step). Only the MQL guard reads them, so only a
   * Rescore's move depends on them.
   */
  scores: Scores;
  /** A recycled record's Rescore: its Recycled_Date__c and engagement since (the MQL guard counts only that). */
  sinceRecycle?: { at: number; engagement: number } | null;
}

/** Applies the save's lifecycle event and writes its row; returns the stage the record moved to. */
export function saveStage(s: DemoState, e: StageSave): LifecycleStage {
  const m = lifecycleMove(
    {
      stage: e.stage as LifecycleStage,
      fit: e.scores.fit,
      engagement: e.scores.engagement,
      negative: e.scores.negative,
      recycledAt: e.sinceRecycle ? new Date(e.sinceRecycle.at).toISOString() : null,
      engagementSinceRecycle: e.sinceRecycle?.engagement ?? null,
    },
    { type: e.type, reasonCode: e.reasonCode ?? null },
    s.rules.settings,
  );
  if (m.outcome !== 'moved')
    throw new Error(
      `demo: ${e.type} of ${e.leadId ?? e.contactId} at ${new Date(e.at).toISOString()} moves nothing (${m.message})`,
    );
  transition(s, { leadId: e.leadId, contactId: e.contactId, at: e.at, by: e.by, move: m });
  return m.to;
}
