// Scoring: fit, engagement and negative scores from Scoring_Rule__mdt records and Engagement_Event__c rows,
// with exponential decay by half-life, bot-burst suppression, per-rule and per-dimension caps, and a
// breakdown line for every rule that fired. Pure: `now` is an input.
//
// Bounded like the org's trigger query (ScoringSelector.eventsFor): only events that can still add points take part.
// An event counts when its signal has an active rule for the object, it is not in the future, and it is no older
// than its signal's horizon (signalHorizonDays: the age after which the rule's decayed points round to 0, plus a
// day); of those, only the MAX_EVENTS_PER_RECORD most recent are scored. Burst suppression is linear (a sliding
// window per signal).
//
// A Contact keeps the fit its lead earned at conversion: fit = max(fit of the contact's own rules,
// Lead_Fit_Score__c), with a `Lead_Fit_At_Conversion` line when the carried fit is the higher (carriedFitLine).
import {
  MS_PER_DAY,
  RuleInputError,
  domainOfEmail,
  evaluateCondition,
  isBlank,
  parseInstant,
  splitList,
  roundHalfUp,
  type FieldValue,
  type Operator,
  type SRecord,
} from './types.ts';
import { burstsOn, decayedPoints, keepOutsideBursts, ruleHorizonDays } from './scoringEvents.ts';

export type ScoringModel = 'Fit' | 'Engagement' | 'Negative';

/** One Scoring_Rule__mdt record. A rule with `signal` scores events; otherwise it tests `field`. */
export interface ScoringRule {
  name: string; // DeveloperName
  model: ScoringModel; // Model__c
  object?: 'Lead' | 'Contact' | 'Any' | null; // Object__c
  field?: string | null; // Field__c
  signal?: string | null; // Signal__c
  operator?: Operator | null; // Operator__c (field rules)
  value?: string | null; // Value__c
  points: number; // Points__c
  halfLifeDays?: number | null; // Half_Life_Days__c
  maxPoints?: number | null; // Max_Points__c
  active?: boolean; // Active__c (default true)
  description?: string | null; // Description__c
}

/** The Scoring_Setting__mdt record "Default". */
export interface ScoringSettings {
  mqlFitThreshold: number; // MQL_Fit_Threshold__c
  mqlEngagementThreshold: number; // MQL_Engagement_Threshold__c
  scoreCap: number; // Score_Cap__c (per dimension)
  burstWindowSeconds?: number | null; // Burst_Window_Seconds__c
  burstMaxEvents?: number | null; // Burst_Max_Events__c
  mqlMaxNegative?: number | null; // MQL_Max_Negative__c: a negative score at or above it blocks MQL (blank: no gate)
}

/**
 * The most recent scoring events read per record (the org's query: ORDER BY Occurred_At__c DESC, Id DESC LIMIT
 * this). Older ones are left out of the score (`cappedEvents`). 200 records × 100 rows = 20,000 query rows per chunk.
 */
export const MAX_EVENTS_PER_RECORD = 100;

/** One Engagement_Event__c row. */
export interface EngagementEvent {
  signal: string; // Signal__c
  occurredAt: string; // Occurred_At__c (ISO-8601 UTC)
  source?: string | null; // Source__c
  url?: string | null; // Url__c
  /** Points__c: scores instead of the rule's points (Engagement_Mapping__mdt.Points_Override__c); decay and cap apply. */
  points?: number | null;
}

export interface ScoreInput {
  /** Contact: `record.Lead_Fit_Score__c` (the lead's fit at conversion) is a floor for the fit. */
  object?: 'Lead' | 'Contact';
  record: SRecord;
  events: EngagementEvent[];
  rules: ScoringRule[];
  settings: ScoringSettings;
  now: string;
  /** Recycled_Date__c: when set, the result also has `engagementSinceRecycle`. */
  recycledAt?: string | null;
}

export interface ScoreLine {
  rule: string;
  model: ScoringModel;
  points: number; // this rule's contribution after its cap, 1 decimal
  events: number; // events counted (0 for field rules)
  text: string; // e.g. "+25 Pricing Page, 14 days ago, half-life 14 d → 12.5"
}

export interface ScoreResult {
  fit: number;
  engagement: number;
  negative: number;
  total: number;
  lines: ScoreLine[];
  suppressedEvents: number; // events ignored as bot bursts
  ignoredFutureEvents: number; // events dated after `now`
  expiredEvents: number; // past events of a scored signal older than its horizon
  cappedEvents: number; // events left out beyond the MAX_EVENTS_PER_RECORD most recent
  /** Engagement from the events after `recycledAt` only (null without `recycledAt`): the re-MQL guard. */
  engagementSinceRecycle: number | null;
}

function fmt(n: number): string {
  return String(roundHalfUp(n, 1));
}

function ageText(days: number): string {
  const d = roundHalfUp(days, 1);
  return d === 0 ? 'today' : `${fmt(d)} ${d === 1 ? 'day' : 'days'} ago`;
}

function validateRule(r: ScoringRule): void {
  if (!['Fit', 'Engagement', 'Negative'].includes(r.model)) {
    throw new RuleInputError(
      `Scoring rule ${r.name}: Model__c "${r.model}" must be Fit, Engagement or Negative`,
    );
  }
  if (!r.signal && !r.field) {
    throw new RuleInputError(
      `Scoring rule ${r.name}: set Field__c (field rules) or Signal__c (engagement rules)`,
    );
  }
  if (!r.signal && !r.operator) {
    throw new RuleInputError(`Scoring rule ${r.name}: a field rule needs Operator__c`);
  }
  if (typeof r.points !== 'number' || !Number.isFinite(r.points)) {
    throw new RuleInputError(`Scoring rule ${r.name}: Points__c must be a number`);
  }
}

/** Contact field set by lead conversion (LeadConvertSettings maps Lead Fit_Score__c here): the lead's fit then. */
export const LEAD_FIT_FIELD = 'Lead_Fit_Score__c';
/** The breakdown line of a fit carried from the converted lead. */
export const LEAD_FIT_RULE = 'Lead_Fit_At_Conversion';

/**
 * A converted contact keeps the fit its lead earned: the lead-only firmographic rules (size, industry, geography on
 * Lead) cannot fire on a contact. Contact fit = max(fit of the contact's own rules, Lead_Fit_Score__c clamped to
 * [0, scoreCap]); a line only when the carried fit raises it, with the extra points. A blank or non-numeric value
 * carries nothing.
 */
function carriedFitLine(
  value: FieldValue | undefined,
  ruleFit: number,
  scoreCap: number,
): { fit: number; line: ScoreLine } | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const atConversion = capScore(value, scoreCap);
  if (atConversion <= ruleFit) return null;
  const extra = roundHalfUp(atConversion - ruleFit, 1);
  const capped = roundHalfUp(value, 1) > scoreCap ? `, capped at ${fmt(scoreCap)}` : '';
  return {
    fit: atConversion,
    line: {
      rule: LEAD_FIT_RULE,
      model: 'Fit',
      points: extra,
      events: 0,
      text: `+${fmt(extra)} fit carried from the converted lead (${fmt(value)} at conversion${capped})`,
    },
  };
}

/** Engagement events as columns: `signal` holds codes from `PreparedScoring.signalCode`, `at` epoch ms. */
export interface EventColumns {
  signal: ArrayLike<number>;
  at: ArrayLike<number>;
  /** Per event, points that replace the rule's (NaN: the rule's); absent: every event scores the rule's points. */
  points?: ArrayLike<number>;
}

/** A score without the breakdown lines. */
export type ScoreTotals = Omit<ScoreResult, 'lines'>;

/**
 * Rules and settings checked and compiled once, to score many records: `score()` is this with one record.
 * Conditions are evaluated once per distinct field value and rule (up to MEMO_LIMIT values per rule).
 */
export interface PreparedScoring {
  /** The code of a signal (case-insensitive) for `EventColumns.signal`. */
  signalCode(signal: string): number;
  /**
   * Scores one record with the events at positions [from, to) of `events`, which must be in time order (ties in
   * creation order): the cap keeps the most recent ones. `now` is epoch ms. `withLines` adds the breakdown lines
   * (slower). `engagementSinceRecycle` is always null here (see `score()`).
   */
  score(
    record: SRecord,
    events: EventColumns,
    from: number,
    to: number,
    now: number,
    withLines: true,
  ): ScoreResult;
  score(record: SRecord, events: EventColumns, from: number, to: number, now: number): ScoreTotals;
  /**
   * How old (ms) an event of the signal (its code) may be and still add points (Infinity: no decay), or undefined
   * when no rule scores it: ScoringSelector.eventRows reads only the events inside it.
   */
  horizonMs(code: number): number | undefined;
}

const MEMO_LIMIT = 16384;
const capScore = (v: number, cap: number): number => Math.min(Math.max(roundHalfUp(v, 1), 0), cap);
const NO_LINES = Object.freeze([]) as unknown as ScoreLine[]; // totals only: no lines, never written

interface CompiledRule {
  rule: ScoringRule;
  signal: number; // signal code, -1 for field rules
  memo: Map<FieldValue | undefined, boolean>;
  /** The part of the field value the result depends on, as the memo's key (null: the whole value). */
  memoKey: ((value: FieldValue | undefined) => FieldValue | undefined) | null;
  /**
   * 'email domain in': the listed domains in lower case. The rule holds when the e-mail's domain (`memoKey`) is one
   * of them, what evaluateCondition checks: this set is the rule's memo (one lookup), and `memo` stays unused.
   */
  domains: Set<string> | null;
}

/** `key` remembering its last value: rules reading the same field of one record compute the key once. */
function lastValueKey(key: NonNullable<CompiledRule['memoKey']>): NonNullable<CompiledRule['memoKey']> {
  let last: FieldValue | undefined;
  let lastKey: FieldValue | undefined;
  let seen = false;
  return (value) => {
    if (!seen || value !== last) {
      lastKey = key(value);
      last = value;
      seen = true;
    }
    return lastKey;
  };
}

/**
 * A memo key for operators whose result depends on a small part of a value that is new on every record (an
 * e-mail address): 'email domain in' on the domain; 'ends with' on the value's last characters, as many as the
 * longest listed suffix. Rules of one field and kind share one key function (`shared`, by field, operator and
 * length), which keeps the last value's key: a record's e-mail domain is computed once for all its rules.
 */
function memoKeyFor(
  rule: ScoringRule,
  shared: Map<string, NonNullable<CompiledRule['memoKey']>>,
): CompiledRule['memoKey'] {
  if (rule.operator !== 'email domain in' && rule.operator !== 'ends with') return null;
  const longest =
    rule.operator === 'ends with'
      ? Math.max(0, ...splitList(rule.value).map((v) => v.toLowerCase().length))
      : 0;
  const id = `${rule.field}\u0000${rule.operator}\u0000${longest}`;
  let key = shared.get(id);
  if (!key) {
    key = lastValueKey(
      rule.operator === 'email domain in'
        ? domainOfEmail
        : (value) =>
            isBlank(value)
              ? ''
              : String(value)
                  .trim()
                  .toLowerCase()
                  .slice(-longest || Infinity),
    );
    shared.set(id, key);
  }
  return key;
}

/**
 * Validates the rules (in order, the first problem throws) and compiles them for records of `object`.
 * Inactive rules and rules for the other object are left out, as `score()` skips them.
 */
export function prepareScoring(
  rules: ScoringRule[],
  settings: ScoringSettings,
  object?: 'Lead' | 'Contact',
): PreparedScoring {
  const codes = new Map<string, number>();
  const signalCode = (signal: string): number => {
    const key = signal.toLowerCase();
    let code = codes.get(key);
    if (code === undefined) codes.set(key, (code = codes.size));
    return code;
  };
  const compiled = compileRules(rules, object, signalCode);
  const horizonMs = signalHorizonsMs(compiled);
  const bursts = burstsOn(settings.burstWindowSeconds, settings.burstMaxEvents);
  const windowMs = bursts ? settings.burstWindowSeconds! * 1000 : 0;
  const maxEvents = bursts ? settings.burstMaxEvents! : 0;
  const carriesLeadFit = object === 'Contact';
  let current = new Int32Array(64);
  let kept = new Int32Array(64);

  function run(
    record: SRecord,
    events: EventColumns,
    from: number,
    to: number,
    now: number,
    withLines = false,
  ): ScoreResult {
    if (current.length < to - from) {
      current = new Int32Array(2 * (to - from));
      kept = new Int32Array(2 * (to - from));
    }
    const found = eventsInHorizon(events, from, to, now, horizonMs, current);
    const cappedEvents = Math.max(0, found.count - MAX_EVENTS_PER_RECORD);
    const recent = cappedEvents ? current.subarray(cappedEvents, found.count) : current;
    const n = found.count - cappedEvents;
    const k = bursts ? keepOutsideBursts(events.at, events.signal, recent, n, windowMs, maxEvents, kept) : n;
    const lines = withLines ? [] : NO_LINES;
    const keptEvents = { events, order: bursts ? kept : recent, count: k, now };
    const sums = sumRules(compiled, record, keptEvents, withLines ? lines : null);
    let fit = capScore(sums.fit, settings.scoreCap);
    if (carriesLeadFit) {
      const carried = carriedFitLine(record[LEAD_FIT_FIELD], fit, settings.scoreCap);
      if (carried) {
        if (withLines) lines.push(carried.line);
        fit = carried.fit;
      }
    }
    const engagement = capScore(sums.engagement, settings.scoreCap);
    const negative = capScore(sums.negative, settings.scoreCap);
    return {
      fit,
      engagement,
      negative,
      total: roundHalfUp(fit + engagement - negative, 1),
      lines,
      suppressedEvents: n - k,
      ignoredFutureEvents: found.ignoredFutureEvents,
      expiredEvents: found.expiredEvents,
      cappedEvents,
      engagementSinceRecycle: null,
    };
  }
  return { signalCode, score: run as PreparedScoring['score'], horizonMs: (code) => horizonMs.get(code) };
}

/** The active rules for records of `object`, validated in order (the first problem throws), compiled. */
function compileRules(
  rules: ScoringRule[],
  object: 'Lead' | 'Contact' | undefined,
  signalCode: (signal: string) => number,
): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  const keys = new Map<string, NonNullable<CompiledRule['memoKey']>>();
  for (const rule of rules) {
    if (rule.active === false) continue;
    validateRule(rule);
    const obj = rule.object ?? 'Any';
    if (obj !== 'Any' && object && obj !== object) continue;
    // An unknown operator fails here, in rule order, as it would on the first record.
    if (!rule.signal) evaluateCondition(undefined, rule.operator as Operator, rule.value ?? null);
    compiled.push({
      rule,
      signal: rule.signal ? signalCode(rule.signal) : -1,
      memo: new Map(),
      memoKey: rule.signal ? null : memoKeyFor(rule, keys),
      domains:
        !rule.signal && rule.operator === 'email domain in'
          ? new Set(splitList(rule.value).map((v) => v.toLowerCase()))
          : null,
    });
  }
  return compiled;
}

/** Per scored signal: the oldest age (ms) an event may have and still add points (Infinity: no decay). */
function signalHorizonsMs(compiled: CompiledRule[]): Map<number, number> {
  const horizonMs = new Map<number, number>();
  for (const c of compiled) {
    if (c.signal < 0) continue;
    const days = ruleHorizonDays(c.rule.points, c.rule.halfLifeDays);
    const ms = days === null ? Infinity : days * MS_PER_DAY;
    horizonMs.set(c.signal, Math.max(horizonMs.get(c.signal) ?? 0, ms));
  }
  return horizonMs;
}

/**
 * The events at [from, to) that can add points: not in the future, of a scored signal, within its horizon. Their
 * positions go into `into` (in time order); returns how many, and how many were in the future or expired.
 */
function eventsInHorizon(
  events: EventColumns,
  from: number,
  to: number,
  now: number,
  horizonMs: Map<number, number>,
  into: Int32Array,
): { count: number; ignoredFutureEvents: number; expiredEvents: number } {
  const at = events.at;
  const sig = events.signal;
  let count = 0;
  let ignoredFutureEvents = 0;
  let expiredEvents = 0;
  for (let e = from; e < to; e++) {
    if (at[e] > now) {
      ignoredFutureEvents += 1;
      continue;
    }
    const horizon = horizonMs.get(sig[e]);
    if (horizon === undefined) continue; // no rule scores this signal
    if (now - at[e] > horizon) expiredEvents += 1;
    else into[count++] = e;
  }
  return { count, ignoredFutureEvents, expiredEvents };
}

/** The events a record's signal rules score: positions order[0..count) of `events` in time order, aged at `now`. */
interface KeptEvents {
  events: EventColumns;
  order: ArrayLike<number>;
  count: number;
  now: number;
}

/**
 * Each rule's points (rounded, then capped at Max_Points__c) summed per model, from the kept events and the
 * record's fields. With `lines`, a breakdown line per rule that fired, in rule order.
 */
function sumRules(
  compiled: CompiledRule[],
  record: SRecord,
  kept: KeptEvents,
  lines: ScoreLine[] | null,
): { fit: number; engagement: number; negative: number } {
  let fit = 0;
  let engagement = 0;
  let negative = 0;
  for (const c of compiled) {
    const rule = c.rule;
    const parts: string[] | null = lines ? [] : null;
    let points = roundHalfUp(
      c.signal >= 0 ? signalRulePoints(rule, c.signal, kept, parts) : fieldRulePoints(c, record, parts),
      1,
    );
    if (points === 0) continue;
    const capped =
      rule.maxPoints !== null && rule.maxPoints !== undefined && Math.abs(points) > rule.maxPoints;
    if (capped) points = Math.sign(points) * rule.maxPoints!;
    if (lines) lines.push(scoreLine(rule, points, parts!, capped));
    if (rule.model === 'Fit') fit += points;
    else if (rule.model === 'Engagement') engagement += points;
    else negative += points;
  }
  return { fit, engagement, negative };
}

/**
 * A signal rule's points: each kept event of its signal with its own points or the rule's, decayed by its age and
 * rounded; `parts` gets the text of each event that counts.
 */
function signalRulePoints(rule: ScoringRule, code: number, kept: KeptEvents, parts: string[] | null): number {
  const { order, count, now } = kept;
  const { at, signal: sig, points: own } = kept.events;
  let points = 0;
  for (let j = 0; j < count; j++) {
    const e = order[j];
    if (sig[e] !== code) continue;
    const ageDays = (now - at[e]) / MS_PER_DAY;
    const base = own && !Number.isNaN(own[e]) ? own[e] : rule.points;
    const p = roundHalfUp(decayedPoints(base, ageDays, rule.halfLifeDays), 1);
    if (p === 0) continue;
    points += p;
    parts?.push(
      rule.halfLifeDays
        ? `${ageText(ageDays)}, half-life ${fmt(rule.halfLifeDays)} d → ${fmt(p)}`
        : `${ageText(ageDays)}, no decay → ${fmt(p)}`,
    );
  }
  return points;
}

/** A field rule's points when its condition holds on the record (memoised per value), else 0. */
function fieldRulePoints(c: CompiledRule, record: SRecord, parts: string[] | null): number {
  const rule = c.rule;
  const value = record[rule.field as string];
  const key = c.memoKey ? c.memoKey(value) : value;
  // a domain list is its own memo: one lookup of the domain
  let hit = c.domains ? key !== '' && c.domains.has(key as string) : c.memo.get(key);
  if (hit === undefined) {
    hit = evaluateCondition(value, rule.operator as Operator, rule.value ?? null);
    if (c.memo.size < MEMO_LIMIT) c.memo.set(key, hit);
  }
  if (!hit) return 0;
  parts?.push(`${rule.field} ${rule.operator}${rule.value ? ` ${rule.value}` : ''}`);
  return rule.points;
}

/** The breakdown line of a rule that fired: "+25 Pricing Page, 14 days ago, half-life 14 d → 12.5". */
function scoreLine(rule: ScoringRule, points: number, parts: string[], capped: boolean): ScoreLine {
  const label = rule.signal ?? rule.description ?? rule.name;
  const sign = rule.points >= 0 ? '+' : '';
  return {
    rule: rule.name,
    model: rule.model,
    points,
    events: rule.signal ? parts.length : 0,
    text: `${sign}${fmt(rule.points)} ${label}, ${parts.join('; ')}${capped ? ` (capped at ${fmt(rule.maxPoints!)})` : ''}`,
  };
}

/**
 * Scores one record. Lines come in rule order; only rules that fired (non-zero points) get a line. Events are
 * read in time order (ties: input order, the org's creation order). With `recycledAt`, `engagementSinceRecycle`
 * is the engagement of the same scoring run on only the events strictly after `recycledAt`.
 */
export function score(input: ScoreInput): ScoreResult {
  const now = parseInstant(input.now, 'now');
  const timed = input.events.map((e, index) => ({
    signal: e.signal,
    at: parseInstant(e.occurredAt, `event ${index} occurredAt`),
    points: e.points ?? Number.NaN,
    index,
  }));
  const prepared = prepareScoring(input.rules, input.settings, input.object);
  timed.sort((a, b) => a.at - b.at || a.index - b.index);
  const run = (list: typeof timed): ScoreResult =>
    prepared.score(
      input.record,
      {
        signal: list.map((e) => prepared.signalCode(e.signal)),
        at: list.map((e) => e.at),
        points: list.map((e) => e.points),
      },
      0,
      list.length,
      now,
      true,
    );
  const result = run(timed);
  if (input.recycledAt) {
    const since = parseInstant(input.recycledAt, 'recycledAt');
    result.engagementSinceRecycle = run(timed.filter((e) => e.at > since)).engagement;
  }
  return result;
}

/**
 * The MQL guard lifecycle uses: fit ≥ MQL_Fit_Threshold__c and engagement ≥ MQL_Engagement_Threshold__c (both
 * inclusive) and, when MQL_Max_Negative__c is set, negative < MQL_Max_Negative__c (a negative score at or above it
 * disqualifies, e.g. a competitor or an unsubscribed contact).
 */
export function meetsMqlThresholds(
  fit: number,
  engagement: number,
  settings: Pick<ScoringSettings, 'mqlFitThreshold' | 'mqlEngagementThreshold' | 'mqlMaxNegative'>,
  negative = 0,
): boolean {
  return (
    fit >= settings.mqlFitThreshold &&
    engagement >= settings.mqlEngagementThreshold &&
    !negativeBlocksMql(negative, settings)
  );
}

/** True when MQL_Max_Negative__c is set and the negative score is at or above it. */
export function negativeBlocksMql(
  negative: number,
  settings: Pick<ScoringSettings, 'mqlMaxNegative'>,
): boolean {
  const max = settings.mqlMaxNegative;
  return max !== null && max !== undefined && negative >= max;
}
