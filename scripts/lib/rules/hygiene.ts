// Pipeline hygiene: stale deals (days in stage > multiplier × the team's average for that stage), stage skips,
// close-date pushes (count and reason) and the fields a stage requires. Pure: `now` is an input.
import {
  MS_PER_DAY,
  RuleInputError,
  isBlank,
  parseInstant,
  roundHalfUp,
  splitList,
  type SRecord,
} from './types.ts';

/** One Stage_Policy__mdt record. */
export interface StagePolicy {
  stage: string; // Stage__c (Opportunity StageName)
  order: number; // Order__c
  requiredFields?: string | null; // Required_Fields__c (';'-separated API names)
  closeDateNotFuture?: boolean | null; // Close_Date_Not_Future__c: CloseDate must be today or earlier
  staleMultiplier?: number | null; // Stale_Multiplier__c
  probability?: number | null; // Probability__c
  forecastCategory?: string | null; // Forecast_Category__c
  isClosed?: boolean; // Is_Closed__c
  isWon?: boolean; // Is_Won__c
}

function policyOf(stage: string, policies: StagePolicy[]): StagePolicy {
  const p = policies.find((x) => x.stage === stage);
  if (!p) {
    throw new RuleInputError(
      `stage "${stage}" has no Stage_Policy__mdt record; known: ${policies.map((x) => x.stage).join(', ')}`,
    );
  }
  return p;
}

export interface StaleInput {
  stage: string;
  stageEnteredAt: string; // Stage_Entered_At__c
  now: string;
  policies: StagePolicy[];
  teamAverageDays: Record<string, number>; // stage → the team's average days in that stage
}

export interface StaleResult {
  daysInStage: number; // 1 decimal
  teamAverageDays: number | null;
  multiplier: number | null;
  thresholdDays: number | null; // multiplier × average, 1 decimal
  stale: boolean;
  reason: string;
}

/** Stale when days in stage > Stale_Multiplier__c × the team average for the stage (strictly greater). */
export function staleness(input: StaleInput): StaleResult {
  const policy = policyOf(input.stage, input.policies);
  const days =
    (parseInstant(input.now, 'now') - parseInstant(input.stageEnteredAt, 'stageEnteredAt')) / MS_PER_DAY;
  const daysInStage = roundHalfUp(Math.max(0, days), 1);
  const avg = input.teamAverageDays[input.stage];
  const base = { daysInStage, teamAverageDays: avg ?? null, multiplier: policy.staleMultiplier ?? null };
  if (policy.isClosed)
    return { ...base, thresholdDays: null, stale: false, reason: 'closed stages are never stale' };
  if (avg === undefined || avg === null || !policy.staleMultiplier) {
    return {
      ...base,
      thresholdDays: null,
      stale: false,
      reason: 'no team average or multiplier for this stage',
    };
  }
  const threshold = policy.staleMultiplier * avg;
  const stale = days > threshold;
  return {
    ...base,
    thresholdDays: roundHalfUp(threshold, 1),
    stale,
    reason: `${daysInStage} d in ${input.stage} ${stale ? '>' : '≤'} ${policy.staleMultiplier} × ${avg} d team average`,
  };
}

/** Mean days per stage over finished stage stays (OpportunityHistory durations), 1 decimal. */
export function teamAverages(stays: { stage: string; days: number }[]): Record<string, number> {
  const sums = new Map<string, [number, number]>();
  for (const s of stays) {
    const v = sums.get(s.stage) ?? [0, 0];
    sums.set(s.stage, [v[0] + s.days, v[1] + 1]);
  }
  const out: Record<string, number> = {};
  for (const [stage, [sum, n]] of sums) out[stage] = roundHalfUp(sum / n, 1);
  return out;
}

export interface StageSkipResult {
  skipped: boolean;
  skippedStages: string[]; // open stages passed over, in order
  backwards: boolean;
}

/**
 * A stage skip is a forward move that passes over open stages. Moving to a closed-lost stage is never a skip
 * (a deal can be lost anywhere); moving to closed-won skips every open stage after the current one.
 */
export function stageSkip(fromStage: string, toStage: string, policies: StagePolicy[]): StageSkipResult {
  const from = policyOf(fromStage, policies);
  const to = policyOf(toStage, policies);
  if (to.isClosed && !to.isWon) return { skipped: false, skippedStages: [], backwards: false };
  if (from.isClosed) return { skipped: false, skippedStages: [], backwards: false };
  const backwards = to.order < from.order;
  const skippedStages = policies
    .filter((p) => !p.isClosed && p.order > from.order && p.order < to.order)
    .sort((a, b) => a.order - b.order)
    .map((p) => p.stage);
  return { skipped: skippedStages.length > 0, skippedStages, backwards };
}

export interface CloseDatePushInput {
  previousCloseDate: string; // YYYY-MM-DD
  newCloseDate: string;
  pushCount: number; // Close_Date_Push_Count__c before this change
  reason?: string | null; // Close_Date_Push_Reason__c
}

export interface CloseDatePushResult {
  isPush: boolean;
  pushCount: number;
  daysPushed: number;
  reason: string | null;
  error: string | null; // a push without a reason is refused
}

function dateMs(v: string, what: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new RuleInputError(`${what} "${v}" must be a date YYYY-MM-DD`);
  return Date.parse(`${v}T00:00:00Z`);
}

/** A close date moved later is a push: the count goes up by one and a reason is required. */
export function closeDatePush(input: CloseDatePushInput): CloseDatePushResult {
  const days = Math.round(
    (dateMs(input.newCloseDate, 'newCloseDate') - dateMs(input.previousCloseDate, 'previousCloseDate')) /
      MS_PER_DAY,
  );
  const count = input.pushCount ?? 0;
  if (days <= 0) return { isPush: false, pushCount: count, daysPushed: 0, reason: null, error: null };
  const reason = isBlank(input.reason ?? null) ? null : String(input.reason).trim();
  return {
    isPush: true,
    pushCount: count + 1,
    daysPushed: days,
    reason,
    error: reason ? null : 'pushing the close date out needs a Close_Date_Push_Reason__c',
  };
}

/**
 * The Required_Fields__c of a stage that are blank on the record; an unchecked checkbox (false) counts as missing,
 * as the stage's validation rule refuses it (NOT(Signed_Contract__c)).
 */
export function missingFields(stage: string, record: SRecord, policies: StagePolicy[]): string[] {
  return splitList(policyOf(stage, policies).requiredFields).filter(
    (f) => record[f] === false || isBlank(record[f]),
  );
}
