// A recycled lead becomes an MQL again when new engagement carries it over the thresholds: the MQL guard of a
// recycled record counts only the engagement of its events after Recycled_Date__c (rules/lifecycle.ts mqlGuard),
// checked by the rescore of each new event (TA_EngagementEvent_Rescore). Each new MQL is a new hand-off (SLA clock,
// MQL task, the rep's touch and decision: funnel.ts handOff). The reps' draws for it come from a stream of the
// lead's own, so a lead's later cycles leave the draws of every other lead as they were.
import { meetsMqlThresholds } from '../../rules/scoring.ts';
import { Random } from '../random.ts';
import type { LeadRun } from './arrivals.ts';
import { mayEnter, scoreAt, type Scores } from './rules.ts';
import type { DemoState } from './state.ts';

/** The lead's field scores at its event `k` (an opt-out by the unsubscribe event changes them from there on). */
const fieldsAt = (r: LeadRun, k: number): Scores | null =>
  r.optOut >= 0 && k < r.optOut ? r.fieldsBeforeOptOut : r.fields;

/** The first event after `recycledAt` at which the lead passes the MQL guard again (and the MQL field policy). */
function nextMql(
  s: DemoState,
  r: LeadRun,
  recycledAt: number,
): { at: number; scores: Scores; since: number } | null {
  const rules = s.rules;
  let from = 0;
  while (from < r.eventCount && r.at[from] <= recycledAt) from++;
  for (let k = from; k < r.eventCount; k++) {
    const at = r.at[k];
    if (at > s.asOf) break;
    const fields = fieldsAt(r, k);
    const scores = scoreAt(rules, r.rec, r, k + 1, at, fields);
    const since = scoreAt(rules, r.rec, r, k + 1, at, fields, from).engagement;
    if (
      meetsMqlThresholds(scores.fit, since, rules.settings, scores.negative) &&
      mayEnter(rules, r.rec, 'MQL')
    )
      return { at, scores, since };
  }
  return null;
}

/** FNV-1a of a key: the seed of a lead's own stream. */
function seedOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The lead's later MQLs: while it is recycled (and not converted), the next event that carries it over the
 * thresholds again makes it an MQL at that instant, and `handOff` plays that hand-off.
 */
export function requalify(
  s: DemoState,
  r: LeadRun,
  handOff: (s: DemoState, r: LeadRun, mql: number) => void,
): void {
  for (let cycle = 2; r.stage === 'Lead' && r.convertedAt === null && r.recycles.length; cycle++) {
    const recycledAt = r.recycles[r.recycles.length - 2];
    if (r.recycles[r.recycles.length - 1] !== Infinity) return; // already an MQL again after it
    const next = nextMql(s, r, recycledAt);
    if (!next) return;
    r.recycles[r.recycles.length - 1] = next.at;
    r.mqlAt = next.at;
    r.mqlScores = next.scores;
    r.mqlSinceRecycle = { at: recycledAt, engagement: next.since };
    const main = s.rnd;
    s.rnd = new Random(seedOf(`${s.seed}:${r.id}#${cycle}`));
    try {
      handOff(s, r, next.at);
    } finally {
      s.rnd = main;
    }
  }
}
