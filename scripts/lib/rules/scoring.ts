// Scoring: fit, engagement and negative scores from Scoring_Rule__mdt records and Engagement_Event__c rows,
// with exponential decay by half-life, bot-burst suppression, per-rule and per-dimension caps, and a
// breakdown line for every rule that fired. Pure: `now` is an input.
import {
  MS_PER_DAY,
  RuleInputError,
  evaluateCondition,
  parseInstant,
  roundHalfUp,
  type Operator,
  type SRecord,
} from './types.ts';

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
}

/** One Engagement_Event__c row. */
export interface EngagementEvent {
  signal: string; // Signal__c
  occurredAt: string; // Occurred_At__c (ISO-8601 UTC)
  source?: string | null; // Source__c
  url?: string | null; // Url__c
}

export interface ScoreInput {
  object?: 'Lead' | 'Contact';
  record: SRecord;
  events: EngagementEvent[];
  rules: ScoringRule[];
  settings: ScoringSettings;
  now: string;
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
}

function fmt(n: number): string {
  return String(roundHalfUp(n, 1));
}

function ageText(days: number): string {
  const d = roundHalfUp(days, 1);
  return d === 0 ? 'today' : `${fmt(d)} ${d === 1 ? 'day' : 'days'} ago`;
}

interface TimedEvent {
  signal: string;
  at: number;
  index: number;
}

/**
 * Bot-burst suppression: per signal, in time order, an event is ignored when `burstMaxEvents` already
 * counted events of the same signal lie less than `burstWindowSeconds` before it. Returns the kept events.
 */
export function suppressBursts(
  events: TimedEvent[],
  windowSeconds: number | null | undefined,
  maxEvents: number | null | undefined,
): { kept: TimedEvent[]; suppressed: number } {
  if (!windowSeconds || !maxEvents || windowSeconds <= 0 || maxEvents <= 0)
    return { kept: events, suppressed: 0 };
  const windowMs = windowSeconds * 1000;
  const sorted = [...events].sort((a, b) => a.at - b.at || a.index - b.index);
  const acceptedBySignal = new Map<string, number[]>();
  const kept: TimedEvent[] = [];
  for (const e of sorted) {
    const key = e.signal.toLowerCase();
    const accepted = acceptedBySignal.get(key) ?? [];
    const inWindow = accepted.filter((t) => e.at - t < windowMs).length;
    if (inWindow >= maxEvents) continue;
    accepted.push(e.at);
    acceptedBySignal.set(key, accepted);
    kept.push(e);
  }
  return { kept, suppressed: events.length - kept.length };
}

/** Decayed points of one event: points × 0.5^(ageDays / halfLifeDays); no decay without a half-life. */
export function decayedPoints(
  points: number,
  ageDays: number,
  halfLifeDays: number | null | undefined,
): number {
  if (!halfLifeDays || halfLifeDays <= 0) return points;
  return points * Math.pow(0.5, ageDays / halfLifeDays);
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

/** Scores one record. Lines come in rule order; only rules that fired (non-zero points) get a line. */
export function score(input: ScoreInput): ScoreResult {
  const now = parseInstant(input.now, 'now');
  const all: TimedEvent[] = [];
  let ignoredFutureEvents = 0;
  input.events.forEach((e, index) => {
    const at = parseInstant(e.occurredAt, `event ${index} occurredAt`);
    if (at > now) ignoredFutureEvents += 1;
    else all.push({ signal: e.signal, at, index });
  });
  const { kept, suppressed } = suppressBursts(
    all,
    input.settings.burstWindowSeconds,
    input.settings.burstMaxEvents,
  );

  const sums: Record<ScoringModel, number> = { Fit: 0, Engagement: 0, Negative: 0 };
  const lines: ScoreLine[] = [];
  for (const rule of input.rules) {
    if (rule.active === false) continue;
    validateRule(rule);
    const obj = rule.object ?? 'Any';
    if (obj !== 'Any' && input.object && obj !== input.object) continue;
    let points = 0;
    let count = 0;
    const parts: string[] = [];
    if (rule.signal) {
      const signal = rule.signal.toLowerCase();
      for (const e of kept.filter((k) => k.signal.toLowerCase() === signal)) {
        const ageDays = (now - e.at) / MS_PER_DAY;
        const p = roundHalfUp(decayedPoints(rule.points, ageDays, rule.halfLifeDays), 1);
        if (p === 0) continue;
        count += 1;
        points += p;
        parts.push(
          rule.halfLifeDays
            ? `${ageText(ageDays)}, half-life ${fmt(rule.halfLifeDays)} d → ${fmt(p)}`
            : `${ageText(ageDays)}, no decay → ${fmt(p)}`,
        );
      }
    } else if (
      evaluateCondition(input.record[rule.field as string], rule.operator as Operator, rule.value ?? null)
    ) {
      points = rule.points;
      parts.push(`${rule.field} ${rule.operator}${rule.value ? ` ${rule.value}` : ''}`);
    }
    points = roundHalfUp(points, 1);
    if (points === 0) continue;
    let capped = '';
    if (rule.maxPoints !== null && rule.maxPoints !== undefined && Math.abs(points) > rule.maxPoints) {
      points = Math.sign(points) * rule.maxPoints;
      capped = ` (capped at ${fmt(rule.maxPoints)})`;
    }
    const label = rule.signal ?? rule.description ?? rule.name;
    const sign = rule.points >= 0 ? '+' : '';
    lines.push({
      rule: rule.name,
      model: rule.model,
      points,
      events: count,
      text: `${sign}${fmt(rule.points)} ${label}, ${parts.join('; ')}${capped}`,
    });
    sums[rule.model] += points;
  }
  const cap = (v: number) => Math.min(Math.max(roundHalfUp(v, 1), 0), input.settings.scoreCap);
  const fit = cap(sums.Fit);
  const engagement = cap(sums.Engagement);
  const negative = cap(sums.Negative);
  return {
    fit,
    engagement,
    negative,
    total: roundHalfUp(fit + engagement - negative, 1),
    lines,
    suppressedEvents: suppressed,
    ignoredFutureEvents,
  };
}

/** True when both MQL thresholds are met (inclusive), the guard lifecycle uses. */
export function meetsMqlThresholds(
  fit: number,
  engagement: number,
  settings: Pick<ScoringSettings, 'mqlFitThreshold' | 'mqlEngagementThreshold'>,
): boolean {
  return fit >= settings.mqlFitThreshold && engagement >= settings.mqlEngagementThreshold;
}
