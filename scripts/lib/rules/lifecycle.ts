// Lifecycle: stage transitions of a Lead/Contact and their guards. Every move yields one history row
// (Lifecycle_Transition__c); a stage never silently moves backwards: the only way back is an explicit Recycle
// with a reason code, which is itself a logged transition.
import { meetsMqlThresholds, negativeBlocksMql, type ScoringSettings } from './scoring.ts';
import { RuleInputError, formatInstant, parseInstant } from './types.ts';

export const LIFECYCLE_STAGES = [
  'Subscriber',
  'Lead',
  'MQL',
  'SQL',
  'Opportunity',
  'Customer',
  'Evangelist',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Recycle_Reason__c values. */
export const RECYCLE_REASONS = [
  'No Budget',
  'No Authority',
  'Bad Timing',
  'Not a Fit',
  'Unresponsive',
  'Competitor',
  'Duplicate',
] as const;

/** NPS at or above this counts as a promoter (Evangelist). */
export const EVANGELIST_MIN_NPS = 9;
/**
 * Engagement_Event__c signals that make a Customer an Evangelist: advocacy, not engagement. Reading a case study
 * ('Case Study') is engagement and scores; taking part in one ('Case Study Participant') or referring a buyer
 * ('Referral') is advocacy.
 */
export const ADVOCACY_SIGNALS = ['Referral', 'Case Study Participant'];

export type LifecycleEventType =
  | 'Rescore' // scores changed: Subscriber/Lead → MQL when the MQL guard passes (see `mqlGuard`)
  | 'SalesAccept' // MQL → SQL
  | 'Recycle' // MQL/SQL/Opportunity → Lead, needs a reason code
  | 'OpportunityCreated' // MQL/SQL → Opportunity
  | 'ClosedWon' // any stage before Customer → Customer
  | 'Advocacy' // Customer → Evangelist on NPS ≥ 9, a referral or a case study participation
  | 'SetStage'; // a manual move to `toStage`: forward only (MQL still needs the thresholds)

export interface LifecycleRecord {
  stage: LifecycleStage; // Lifecycle_Stage__c
  fit: number; // Fit_Score__c
  engagement: number; // Engagement_Score__c
  negative?: number | null; // Negative_Score__c (blank = 0)
  /** Recycled_Date__c: once set, MQL needs engagement from events after it (`engagementSinceRecycle`). */
  recycledAt?: string | null;
  engagementSinceRecycle?: number | null; // Engagement_Since_Recycle__c (blank = 0)
}

export interface LifecycleEvent {
  type: LifecycleEventType;
  at: string; // ISO-8601 UTC
  toStage?: LifecycleStage | null; // SetStage only
  reasonCode?: string | null; // Recycle_Reason__c value (Recycle)
  reason?: string | null; // free text for the history row
  nps?: number | null; // Advocacy
  signal?: string | null; // Advocacy: 'Referral' | 'Case Study Participant'
}

export interface TransitionInput {
  record: LifecycleRecord;
  event: LifecycleEvent;
  settings: Pick<ScoringSettings, 'mqlFitThreshold' | 'mqlEngagementThreshold' | 'mqlMaxNegative'>;
}

/** One Lifecycle_Transition__c row. */
export interface TransitionHistoryRow {
  fromStage: LifecycleStage;
  toStage: LifecycleStage;
  transitionedAt: string;
  reason: string;
  reasonCode: string | null;
  isRecycle: boolean;
}

export interface TransitionResult {
  outcome: 'moved' | 'unchanged' | 'rejected';
  from: LifecycleStage;
  to: LifecycleStage;
  isRecycle: boolean;
  reasonCode: string | null;
  message: string;
  history: TransitionHistoryRow[]; // exactly one row when moved, none otherwise
  /** Lead/Contact date fields to set when moved (MQL_Date__c, SQL_Date__c, Recycled_Date__c, Lifecycle_Stage_Entered_At__c). */
  fields: Record<string, string>;
}

function order(stage: LifecycleStage): number {
  const i = LIFECYCLE_STAGES.indexOf(stage);
  if (i < 0)
    throw new RuleInputError(`stage "${stage}" is unknown; use one of: ${LIFECYCLE_STAGES.join(', ')}`);
  return i;
}

/**
 * The MQL guard of Rescore and SetStage → MQL, with its explanation: fit ≥ the fit threshold; engagement ≥ the
 * engagement threshold, where a recycled record (recycledAt set) counts only `engagementSinceRecycle` (engagement
 * from events strictly after the recycle: it re-qualifies only on new engagement); and, when mqlMaxNegative is set,
 * negative < mqlMaxNegative. The text names only the gates in play, so records that were never recycled, under
 * settings without a negative gate, read as before: `fit F / T, engagement E / T`.
 */
export function mqlGuard(
  record: LifecycleRecord,
  settings: TransitionInput['settings'],
): { ok: boolean; thresholds: string } {
  const negative = record.negative ?? 0;
  const recycled = !!record.recycledAt;
  const engagement = recycled ? (record.engagementSinceRecycle ?? 0) : record.engagement;
  const ok = meetsMqlThresholds(record.fit, engagement, settings, negative);
  let thresholds = `fit ${record.fit} / ${settings.mqlFitThreshold}, engagement${recycled ? ' since recycle' : ''} ${engagement} / ${settings.mqlEngagementThreshold}`;
  if (settings.mqlMaxNegative !== null && settings.mqlMaxNegative !== undefined) {
    thresholds += `, negative ${negative} ${negativeBlocksMql(negative, settings) ? '≥' : '<'} ${settings.mqlMaxNegative}`;
  }
  return { ok, thresholds };
}

/** The move one lifecycle event makes of a record: `transition` without the instant (its history row and dates). */
export type LifecycleMove = Omit<TransitionResult, 'history' | 'fields'>;

/** Applies one lifecycle event to a record and returns the outcome with its history row. */
export function transition(input: TransitionInput): TransitionResult {
  const at = formatInstant(parseInstant(input.event.at, 'event.at'));
  const m = lifecycleMove(input.record, input.event, input.settings);
  if (m.outcome !== 'moved') return { ...m, history: [], fields: {} };
  const fields: Record<string, string> = { Lifecycle_Stage_Entered_At__c: at };
  if (m.to === 'MQL') fields.MQL_Date__c = at;
  if (m.to === 'SQL') fields.SQL_Date__c = at;
  if (m.isRecycle) fields.Recycled_Date__c = at;
  const { from, to, message: reason, reasonCode, isRecycle } = m;
  return {
    ...m,
    history: [{ fromStage: from, toStage: to, transitionedAt: at, reason, reasonCode, isRecycle }],
    fields,
  };
}

/**
 * The move of `transition` (outcome, stages, recycle flag, reason and its code), for a caller that keeps the
 * instant as a number: the history row is `transition`'s with `transitionedAt` the event's instant (whole seconds).
 */
export function lifecycleMove(
  record: LifecycleRecord,
  event: Omit<LifecycleEvent, 'at'>,
  settings: TransitionInput['settings'],
): LifecycleMove {
  const from = record.stage;
  const fromOrder = order(from);
  const { ok: mqlOk, thresholds } = mqlGuard(record, settings);

  const unchanged = (message: string): LifecycleMove => ({
    outcome: 'unchanged',
    from,
    to: from,
    isRecycle: false,
    reasonCode: null,
    message,
  });
  const rejected = (message: string): LifecycleMove => ({ ...unchanged(message), outcome: 'rejected' });
  const moved = (to: LifecycleStage, reason: string, reasonCode: string | null = null): LifecycleMove => ({
    outcome: 'moved',
    from,
    to,
    isRecycle: order(to) < fromOrder,
    reasonCode,
    message: reason,
  });

  switch (event.type) {
    case 'Rescore':
      if (from !== 'Subscriber' && from !== 'Lead') return unchanged(`rescore does not move a ${from}`);
      return mqlOk
        ? moved('MQL', `thresholds met (${thresholds})`)
        : unchanged(`below MQL thresholds (${thresholds})`);
    case 'SalesAccept':
      if (from !== 'MQL') return rejected(`sales can accept only an MQL; this record is ${from}`);
      return moved('SQL', event.reason ?? 'accepted by sales');
    case 'Recycle': {
      const code = event.reasonCode ?? '';
      if (!(RECYCLE_REASONS as readonly string[]).includes(code)) {
        return rejected(`a recycle needs a reason code, one of: ${RECYCLE_REASONS.join(', ')}`);
      }
      if (from !== 'MQL' && from !== 'SQL' && from !== 'Opportunity') {
        return rejected(`a ${from} cannot be recycled; only MQL, SQL and Opportunity can`);
      }
      return moved('Lead', event.reason ?? `recycled: ${code}`, code);
    }
    case 'OpportunityCreated':
      if (from !== 'MQL' && from !== 'SQL') {
        return fromOrder > order('Opportunity')
          ? unchanged(`already ${from}; an opportunity does not move it back`)
          : rejected(`an opportunity needs an MQL or SQL; this record is ${from}`);
      }
      return moved('Opportunity', event.reason ?? 'opportunity created');
    case 'ClosedWon':
      if (fromOrder >= order('Customer')) return unchanged(`already ${from}`);
      return moved('Customer', event.reason ?? 'opportunity closed won');
    case 'Advocacy': {
      const promoter = event.nps !== null && event.nps !== undefined && event.nps >= EVANGELIST_MIN_NPS;
      const signal = ADVOCACY_SIGNALS.includes(event.signal ?? '');
      if (from === 'Evangelist') return unchanged('already Evangelist');
      if (from !== 'Customer')
        return unchanged(`only a Customer becomes an Evangelist; this record is ${from}`);
      if (!promoter && !signal) {
        return unchanged(
          `no advocacy: NPS ${event.nps ?? 'none'} < ${EVANGELIST_MIN_NPS} and no referral or case study participation`,
        );
      }
      return moved('Evangelist', promoter ? `NPS ${event.nps}` : (event.signal as string));
    }
    case 'SetStage': {
      const to = event.toStage;
      if (!to) return rejected('SetStage needs toStage');
      const toOrder = order(to);
      if (toOrder === fromOrder) return unchanged(`already ${from}`);
      if (toOrder < fromOrder) {
        return rejected(`${from} → ${to} moves backwards; use Recycle with a reason code instead`);
      }
      if (to === 'MQL' && !mqlOk) return rejected(`MQL needs the MQL thresholds (${thresholds})`);
      return moved(to, event.reason ?? `set to ${to}`);
    }
    default:
      throw new RuleInputError(`lifecycle event type "${String(event.type)}" is unknown`);
  }
}

// ---- Progressive profiling: the fields a record needs to enter a stage (Lifecycle_Field_Policy__mdt) ----

/** One Lifecycle_Field_Policy__mdt record: the fields a Lead or Contact needs to enter a stage. */
export interface LifecycleFieldPolicy {
  name?: string; // DeveloperName, e.g. Lead_MQL
  object: 'Lead' | 'Contact'; // Object__c
  stage: LifecycleStage; // Stage__c
  requiredFields: string | null; // Required_Fields__c (';'-separated API names of the object)
  active?: boolean | null; // Active__c (blank = active)
}

/**
 * The events the engine makes on its own (scores crossing the MQL thresholds, a conversion with an opportunity, a
 * won deal, an advocacy signal). A person's edit (SetStage, SalesAccept, Recycle) is gated by the generated
 * validation rules instead, which refuse the save with a message naming the missing field.
 */
export const ENGINE_EVENTS: readonly LifecycleEventType[] = [
  'Rescore',
  'OpportunityCreated',
  'ClosedWon',
  'Advocacy',
];

/** True when a field value counts as missing: blank, whitespace or an unticked checkbox (the rules' ISBLANK/NOT). */
function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === false || (typeof v === 'string' && v.trim() === '');
}

/** The fields of the active policy of `object` at `stage` that are missing on `record`, in the policy's order. */
export function missingStageFields(
  object: 'Lead' | 'Contact',
  stage: string,
  record: Record<string, unknown>,
  policies: readonly LifecycleFieldPolicy[],
): string[] {
  const p = policies.find((x) => x.object === object && x.stage === stage && x.active !== false);
  return (p?.requiredFields ?? '')
    .split(';')
    .map((f) => f.trim())
    .filter((f) => f !== '' && isMissing(record[f]));
}

/**
 * The hold of an engine move (ENGINE_EVENTS) into a stage whose required fields are missing: the record stays where
 * it is and Lifecycle_Hold_Reason__c says what it waits for; the next save with the fields filled in moves it.
 * Null when the move goes ahead (or is a person's edit, or nothing moved).
 */
export function stageHold(input: {
  object: 'Lead' | 'Contact';
  eventType: LifecycleEventType;
  result: Pick<TransitionResult, 'outcome' | 'to' | 'message'>;
  record: Record<string, unknown>;
  policies: readonly LifecycleFieldPolicy[];
  /** the engine itself asked for this stage (a booked meeting's Meeting_Advances_To__c): held like ENGINE_EVENTS */
  byEngine?: boolean;
}): string | null {
  const { object, eventType, result, record, policies } = input;
  if (result.outcome !== 'moved' || !(input.byEngine === true || ENGINE_EVENTS.includes(eventType)))
    return null;
  const missing = missingStageFields(object, result.to, record, policies);
  if (!missing.length) return null;
  return `${result.to} on hold: needs ${missing.join(', ')} (${result.message})`.slice(0, 255);
}
