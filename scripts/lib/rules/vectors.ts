// Golden vectors: the one table that holds the TypeScript rules and their Apex twins to the same behaviour.
// Each case names a rule and a function, gives plain-JSON input and the expected output (a subset of the
// function's result). This module runs a case against the TypeScript rules, compares, and bundles the per-rule
// files into the static resource RevOpsGoldenVectors.json.
import { addBusinessHours, businessMinutesBetween, type BusinessCalendar } from './calendar.ts';
import { canCloseWon, evaluateDealDesk, type CloseWonInput, type DealDeskInput } from './dealdesk.ts';
import {
  closeDatePush,
  missingFields,
  stageSkip,
  staleness,
  teamAverages,
  type CloseDatePushInput,
  type StagePolicy,
  type StaleInput,
} from './hygiene.ts';
import { planHandoff, reengagement, type HandoffInput, type ReengagementInput } from './handoff.ts';
import { planDigests, type DigestInput } from './digest.ts';
import {
  EngagementError,
  linkTarget,
  mapEvent,
  parsePayload,
  pickPerson,
  sortMappings,
  type EngagementMapping,
  type PersonCandidate,
} from './engagement.ts';
import { blockKeys, clusterKey, id18, pairKey, pairKeys, winners } from './dedupReview.ts';
import { decide, type PrecedenceInput } from './enrichment.ts';
import { missingStageFields, stageHold, transition, type TransitionInput } from './lifecycle.ts';
import { figureMap, median, metricSnapshot, type MetricSnapshotInput } from './metricSnapshot.ts';
import {
  emailDomain,
  matchLeadToAccounts,
  nameSimilarity,
  normalizeCompany,
  phoneToE164,
  scorePair,
  countryCode,
  type AccountCandidate,
  type DedupRule,
  type MatchRecord,
} from './match.ts';
import { survivorship, type SurvivorRecord } from './merge.ts';
import {
  ownerUnassigned,
  releaseCapacity,
  route,
  type CapacityInput,
  type RerouteInput,
  type RouteInput,
} from './routing.ts';
import { score, type ScoreInput } from './scoring.ts';
import { evaluateSla, type SlaInput } from './sla.ts';
import { RuleInputError, roundHalfUp, type SRecord } from './types.ts';

export const RULE_KEYS = [
  'scoring',
  'lifecycle',
  'routing',
  'sla',
  'hygiene',
  'dealdesk',
  'match',
  'handoff',
  'engagement',
  'metrics',
  'enrichment',
  'dedupReview',
  'digest',
] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

/** JSON value (what a vector's input and expected are made of). */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export interface VectorCase {
  id: string;
  rule: RuleKey;
  fn: string;
  input: Record<string, Json>;
  expected: Record<string, Json>;
  reason: string;
}

export interface VectorBundle {
  version: number;
  generatedFrom: string[];
  rules: Record<RuleKey, VectorCase[]>;
}

export const BUNDLE_VERSION = 1;

type Fn = (input: never) => unknown;

/** Every (rule, fn) pair a vector may name, mapped to the TypeScript rule it exercises. */
export const VECTOR_FUNCTIONS: Record<RuleKey, Record<string, Fn>> = {
  metrics: {
    snapshot: (i: MetricSnapshotInput) => ({ figures: figureMap(metricSnapshot(i)) }),
    median: (i: { values: number[] }) => ({ median: median(i.values) }),
  },
  scoring: { score: (i: ScoreInput) => score(i) },
  lifecycle: {
    transition: (i: TransitionInput) => transition(i),
    stageHold: (i: Parameters<typeof stageHold>[0]) => ({
      hold: stageHold(i),
      missing: missingStageFields(i.object, i.result.to, i.record, i.policies),
    }),
  },
  routing: {
    route: (i: RouteInput) => route(i),
    releaseCapacity: (i: CapacityInput) => releaseCapacity(i),
    ownerUnassigned: (i: RerouteInput) => ownerUnassigned(i),
  },
  sla: {
    addBusinessHours: (i: { calendar: BusinessCalendar; start: string; hours: number }) => ({
      due: addBusinessHours(i.calendar, i.start, i.hours),
    }),
    businessMinutesBetween: (i: { calendar: BusinessCalendar; start: string; end: string }) => ({
      minutes: businessMinutesBetween(i.calendar, i.start, i.end),
    }),
    evaluate: (i: SlaInput) => evaluateSla(i),
  },
  hygiene: {
    staleness: (i: StaleInput) => staleness(i),
    stageSkip: (i: { fromStage: string; toStage: string; policies: StagePolicy[] }) =>
      stageSkip(i.fromStage, i.toStage, i.policies),
    closeDatePush: (i: CloseDatePushInput) => closeDatePush(i),
    missingFields: (i: { stage: string; record: SRecord; policies: StagePolicy[] }) => ({
      missing: missingFields(i.stage, i.record, i.policies),
    }),
    teamAverages: (i: { stays: { stage: string; days: number }[] }) => ({ averages: teamAverages(i.stays) }),
  },
  dealdesk: {
    evaluate: (i: DealDeskInput) => evaluateDealDesk(i),
    canCloseWon: (i: CloseWonInput) => canCloseWon(i),
  },
  match: {
    emailDomain: (i: { email: string | null }) => emailDomain(i.email),
    normalizeCompany: (i: { name: string | null }) => ({ normalized: normalizeCompany(i.name) }),
    phoneToE164: (i: { phone: string | null; defaultCountry: string }) => ({
      e164: phoneToE164(i.phone, i.defaultCountry),
    }),
    countryCode: (i: { country: string | null }) => ({ code: countryCode(i.country) }),
    nameSimilarity: (i: { a: string; b: string }) => ({
      similarity: roundHalfUp(nameSimilarity(i.a, i.b), 2),
    }),
    scorePair: (i: { a: MatchRecord; b: MatchRecord; rule: DedupRule }) => scorePair(i.a, i.b, i.rule),
    survivorship: (i: { records: SurvivorRecord[]; mergePriority: string[] }) =>
      survivorship(i.records, i.mergePriority),
    matchLeadToAccounts: (i: { lead: SRecord; accounts: AccountCandidate[] }) => ({
      matches: matchLeadToAccounts(
        { email: i.lead.Email, website: i.lead.Website, company: i.lead.Company },
        i.accounts,
      ),
    }),
  },
  handoff: {
    plan: (i: HandoffInput) => planHandoff(i),
    reengagement: (i: ReengagementInput) => reengagement(i),
  },
  enrichment: { decide: (i: PrecedenceInput) => decide(i) },
  digest: { plan: (i: DigestInput) => planDigests(i) },
  dedupReview: {
    blockKeys: (i: { object: string; record: SRecord }) => ({ keys: blockKeys(i.record, i.object) }),
    id18: (i: { id: string }) => ({ id18: id18(i.id) }),
    pairKey: (i: { a: string; b: string }) => ({ key: pairKey(i.a, i.b) }),
    pairKeys: (i: { ids: string[] }) => ({ keys: pairKeys(i.ids) }),
    clusterKey: (i: { object: string; kind: string; ids: string[] }) => ({
      key: clusterKey(i.object, i.kind, i.ids),
    }),
    winners: (i: { order: string[]; records: SRecord[]; fields: string[] }) => ({
      winners: winners(i.order, i.records, i.fields),
    }),
  },
  engagement: {
    parse: (i: { provider: string; body: string }) => {
      try {
        const p = parsePayload(i.provider, i.body);
        return {
          ignored: p.ignored,
          events: p.events.map((e) => ({
            key: e.key,
            name: e.name,
            occurredAt: e.occurredAt,
            email: e.email,
            personKey: e.personKey,
            url: e.url,
            properties: e.properties,
          })),
        };
      } catch (e) {
        if (e instanceof EngagementError) return { error: e.code };
        throw e;
      }
    },
    map: (i: {
      event: { provider: 'hubspot'; name: string; properties: Record<string, string> };
      mappings: EngagementMapping[];
    }) => {
      const m = mapEvent(i.event, sortMappings(i.mappings));
      return {
        mapping: m?.name ?? null,
        signal: m?.signal ?? null,
        createLead: m?.createLead ?? false,
        pointsOverride: m?.pointsOverride ?? null,
        identifyOnly: m?.identifyOnly ?? false,
      };
    },
    link: (i: {
      email: string | null;
      personKey: string | null;
      contacts: PersonCandidate[];
      leads: PersonCandidate[];
    }) => ({
      personId: linkTarget(i.email, i.personKey, i.contacts, i.leads),
    }),
    pickPerson: (i: {
      email: string | null;
      personKey: string | null;
      contacts: PersonCandidate[];
      leads: PersonCandidate[];
    }) => ({
      personId: pickPerson(i.email, i.personKey, i.contacts, i.leads),
    }),
  },
};

/** Runs one vector against the TypeScript rules and returns the function's result. */
export function runVector(c: VectorCase): unknown {
  const fn = VECTOR_FUNCTIONS[c.rule]?.[c.fn];
  if (!fn) {
    throw new RuleInputError(
      `vector ${c.id}: no function "${c.fn}" for rule "${c.rule}"; known: ${Object.keys(VECTOR_FUNCTIONS[c.rule] ?? {}).join(', ')}`,
    );
  }
  return fn(c.input as never);
}

/** Numbers equal within this tolerance (results are rounded: scores 1 decimal, similarities 2). */
export const NUMBER_TOLERANCE = 1e-9;

/**
 * Compares `expected` with `actual` and lists every difference as "path: expected X, got Y". Objects:
 * every key of expected must match (actual may carry more keys). Arrays: same length, element by element.
 * Numbers: within NUMBER_TOLERANCE. Everything else: strict equality.
 */
export function compareExpected(expected: unknown, actual: unknown, path = '$'): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(expected - actual) <= NUMBER_TOLERANCE
      ? []
      : [`${path}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    if (expected.length !== actual.length) {
      return [`${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((e, i) => compareExpected(e, actual[i], `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    }
    const a = actual as Record<string, unknown>;
    return Object.entries(expected).flatMap(([k, v]) =>
      k in a
        ? compareExpected(v, a[k], `${path}.${k}`)
        : [`${path}.${k}: missing (expected ${JSON.stringify(v)})`],
    );
  }
  return expected === actual
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** Checks the structure of one case and returns the problems found (empty when well-formed). */
export function validateCase(c: unknown, rule: RuleKey): string[] {
  const problems: string[] = [];
  const o = c as Partial<VectorCase> | null;
  if (!o || typeof o !== 'object') return ['case is not an object'];
  const id = typeof o.id === 'string' && o.id !== '' ? o.id : '(no id)';
  if (id === '(no id)') problems.push('id must be a non-empty string');
  if (o.rule !== rule)
    problems.push(`${id}: rule must be "${rule}" (the file it lives in), got "${String(o.rule)}"`);
  if (typeof o.fn !== 'string' || !(o.fn in VECTOR_FUNCTIONS[rule])) {
    problems.push(
      `${id}: fn "${String(o.fn)}" is not one of ${Object.keys(VECTOR_FUNCTIONS[rule]).join(', ')}`,
    );
  }
  for (const k of ['input', 'expected'] as const) {
    if (!o[k] || typeof o[k] !== 'object' || Array.isArray(o[k]))
      problems.push(`${id}: ${k} must be an object`);
  }
  if (typeof o.reason !== 'string' || o.reason.trim() === '')
    problems.push(`${id}: reason must be a one-line text`);
  return problems;
}

/** Bundles the per-rule case lists into the static-resource shape, checking ids are unique. */
export function bundle(perRule: Record<RuleKey, VectorCase[]>, files: string[]): VectorBundle {
  const seen = new Set<string>();
  for (const key of RULE_KEYS) {
    for (const c of perRule[key]) {
      const problems = validateCase(c, key);
      if (problems.length) throw new RuleInputError(`tests/vectors/${key}.json: ${problems.join('; ')}`);
      if (seen.has(c.id)) throw new RuleInputError(`vector id "${c.id}" is used twice; ids must be unique`);
      seen.add(c.id);
    }
  }
  return { version: BUNDLE_VERSION, generatedFrom: files, rules: perRule };
}
