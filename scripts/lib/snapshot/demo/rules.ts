// The rules the demo history is made with, prepared once from a RevOpsConfig (default: the shipped records in
// force-app): scoring (points, half-lives, caps, MQL thresholds and negative gate), the SLA policy and its business
// calendar, the stage policies, the approval tiers. The steps call the pure rules in scripts/lib/rules through
// these; no rule value is copied here.
import { fileURLToPath } from 'node:url';
import { loadConfig, type RevOpsConfig, type StagePolicyConfig } from '../../config/index.ts';
import { prepareCalendar, type BusinessCalendar, type PreparedCalendar } from '../../rules/calendar.ts';
import {
  meetsMqlThresholds,
  prepareScoring,
  type EventColumns,
  type PreparedScoring,
  type ScoringSettings,
} from '../../rules/scoring.ts';
import { missingStageFields } from '../../rules/lifecycle.ts';
import type { SlaPolicy } from '../../rules/sla.ts';
import { convertMappings } from '../../engine/engine.ts';
import { handoffPolicy, MQL_HANDOFF } from '../../engine/handoffs.ts';
import { SCHEMA } from '../schema.ts';
import type { SRecord } from '../../rules/types.ts';

/** The shipped records: this project's force-app, wherever the command runs from. */
export const SHIPPED_CONFIG_ROOT = fileURLToPath(new URL('../../../../force-app', import.meta.url));

let shipped: RevOpsConfig | null = null;
/** The shipped config, loaded once per process. */
export function shippedConfig(): RevOpsConfig {
  return (shipped ??= loadConfig(SHIPPED_CONFIG_ROOT));
}

export interface Scores {
  fit: number;
  engagement: number;
  negative: number;
}

export interface SlaRules {
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  /** The calendar validated once, its business windows kept per day (addBusinessMs without Intl per call). */
  hours: PreparedCalendar;
  contactMs: number;
  qualifyMs: number;
}

export interface DemoRules {
  config: RevOpsConfig;
  settings: ScoringSettings;
  /** Lead scoring compiled once. `fields`/`signals` split the rules when no score dimension mixes the two kinds. */
  scoring: { full: PreparedScoring; fields: PreparedScoring | null; signals: PreparedScoring | null };
  /** Contact scoring (a converted contact's events; Lead_Fit_Score__c a floor for its fit). */
  contactScoring: PreparedScoring;
  sla: SlaRules | null;
  openStages: StagePolicyConfig[];
  won: StagePolicyConfig;
  lost: StagePolicyConfig;
  stageByName: Map<string, StagePolicyConfig>;
  /** signalCode results by the signal as written (the prepared scoring lower-cases it on every call). */
  signalCodes: Map<string, number>;
  /**
   * The lead fields a conversion copies to the contact (the package's LeadConvertSettings), as [lead field, contact
   * field], those the Contact export has.
   */
  convertToContact: [string, string][];
}

const NO_EVENTS: EventColumns = { signal: [], at: [] };
const CONTACT_COLUMNS = new Set(SCHEMA.Contact.fields.map(([name]) => name));

function prepareSla(config: RevOpsConfig): SlaRules | null {
  const found = handoffPolicy(config, MQL_HANDOFF);
  if (!found) return null;
  const { policy, calendar } = found;
  const contactMs = Math.round(policy.contactWithinHours * 3_600_000);
  return {
    policy,
    calendar,
    hours: prepareCalendar(calendar),
    contactMs,
    qualifyMs: Math.round(policy.qualifyWithinHours * 3_600_000),
  };
}

function stagePolicies(config: RevOpsConfig) {
  const sorted = [...config.stagePolicies].sort((a, b) => a.order - b.order);
  const openStages = sorted.filter((p) => !p.isClosed);
  const won = sorted.find((p) => p.isClosed && p.isWon);
  const lost = sorted.find((p) => p.isClosed && !p.isWon);
  if (!openStages.length || !won || !lost)
    throw new Error('Stage policies: the demo needs open stages, a closed-won and a closed-lost stage');
  return { openStages, won, lost, stageByName: new Map(sorted.map((p) => [p.stage, p])) };
}

export function prepareRules(config: RevOpsConfig): DemoRules {
  const settings = config.scoringSettings;
  const active = config.scoringRules.filter((r) => r.active !== false);
  const signalRules = active.filter((r) => r.signal);
  const fieldRules = active.filter((r) => !r.signal);
  const models = (rules: typeof active) => new Set(rules.map((r) => r.model));
  const shared = [...models(signalRules)].some((m) => models(fieldRules).has(m));
  return {
    config,
    settings,
    scoring: {
      full: prepareScoring(config.scoringRules, settings, 'Lead'),
      fields: shared ? null : prepareScoring(fieldRules, settings, 'Lead'),
      signals: shared ? null : prepareScoring(signalRules, settings, 'Lead'),
    },
    contactScoring: prepareScoring(config.scoringRules, settings, 'Contact'),
    sla: prepareSla(config),
    ...stagePolicies(config),
    signalCodes: new Map(),
    convertToContact: convertMappings(SHIPPED_CONFIG_ROOT).Contact.filter(([, field]) =>
      CONTACT_COLUMNS.has(field),
    ),
  };
}

/** Code of a signal in the columns `scoreAt` reads. */
export function signalCode(r: DemoRules, signal: string): number {
  let code = r.signalCodes.get(signal);
  if (code === undefined) {
    code = (r.scoring.signals ?? r.scoring.full).signalCode(signal);
    r.signalCodes.set(signal, code);
  }
  return code;
}

/** Fit and negative of a record from its field rules (null when the rules must be run whole: see scoreAt). */
export function fieldScores(r: DemoRules, rec: SRecord, now: number): Scores | null {
  if (!r.scoring.fields) return null;
  const s = r.scoring.fields.score(rec, NO_EVENTS, 0, 0, now);
  return { fit: s.fit, engagement: 0, negative: s.negative };
}

/**
 * The scores the org's scoring action gives `rec` at `now` with its first `count` events (time order; from event
 * `from` on: a recycled record's engagement since the recycle). With the
 * rules split, `fields` (fieldScores of the same record) is reused and only the signal rules run: the same numbers
 * as the whole rule set, since no dimension takes points from both kinds.
 */
export function scoreAt(
  r: DemoRules,
  rec: SRecord,
  events: EventColumns,
  count: number,
  now: number,
  fields: Scores | null,
  from = 0,
): Scores {
  if (r.scoring.signals && fields) {
    const engagement = count > from ? r.scoring.signals.score(rec, events, from, count, now).engagement : 0;
    return { fit: fields.fit, engagement, negative: fields.negative };
  }
  const s = r.scoring.full.score(rec, events, from, count, now);
  return { fit: s.fit, engagement: s.engagement, negative: s.negative };
}

/** The MQL guard (Scoring_Setting__mdt thresholds and negative gate). */
function isMql(r: DemoRules, s: Scores): boolean {
  return meetsMqlThresholds(s.fit, s.engagement, r.settings, s.negative);
}

/**
 * Whether a lead may enter a lifecycle stage: its Lifecycle_Field_Policy__mdt finds every field it requires. The
 * org holds an engine move without them (LifecycleHold) and refuses a person's (the generated validation rule).
 */
export function mayEnter(r: DemoRules, rec: SRecord, stage: 'MQL' | 'SQL'): boolean {
  return missingStageFields('Lead', stage, rec, r.config.lifecycleFieldPolicies ?? []).length === 0;
}

/** Whether scoring moves `rec` into MQL: the guard passes and the MQL stage's field policy lets it in. */
export function becomesMql(r: DemoRules, rec: SRecord, s: Scores): boolean {
  return isMql(r, s) && mayEnter(r, rec, 'MQL');
}

/** Whether any engagement could still make these fit and negative scores an MQL. */
export function canBecomeMql(r: DemoRules, s: Scores): boolean {
  return meetsMqlThresholds(s.fit, Number.POSITIVE_INFINITY, r.settings, s.negative);
}

/** Due times of an MQL's clock on the policy's business calendar. */
export function slaDue(sla: SlaRules, mqlAt: number): { contactDue: number; qualifyDue: number } {
  return {
    contactDue: sla.hours.addMs(mqlAt, sla.contactMs),
    qualifyDue: sla.hours.addMs(mqlAt, sla.qualifyMs),
  };
}

/** The stage's required fields (Stage_Policy__mdt Required_Fields__c). */
export function requiredFields(r: DemoRules, stage: string): string[] {
  const p = r.stageByName.get(stage);
  return p?.requiredFields
    ? p.requiredFields
        .split(';')
        .map((f) => f.trim())
        .filter(Boolean)
    : [];
}
