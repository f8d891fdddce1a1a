// The checks a prepared router (routing.ts prepareRouter) keeps for one call: each availability row's checks that
// hold for the whole call, and each routing criterion's results by field value. Same checks, same order, same
// results as skipReason and matchesCriteria; only the work is not repeated lead by lead.
import type { Rep, SkipReason } from './routing.ts';
import { evaluateCondition, type Criterion, type FieldValue, type SRecord } from './types.ts';

/** A row's checks that hold for a whole call: inactive or out of office, zero weight, its skills in lower case. */
export interface RepFacts {
  head: 'inactive' | 'out_of_office' | null;
  zeroWeight: boolean;
  languages: Set<string> | null;
  productLines: Set<string> | null;
}

/** A Skill rule's need, lowered when a rep's skills are first compared (as skipReason lowers it per rep). */
export interface LeadSkill {
  language: string | null;
  productLine: string | null;
  languageLower: string | null;
  productLineLower: string | null;
}

/** A criterion with its results by field value (evaluateCondition is pure; Country and the like take few values). */
export interface PreparedCriterion extends Criterion {
  memo: Map<FieldValue | undefined, boolean>;
}

const CRITERIA_MEMO_LIMIT = 4096;

export const prepareCriteria = (criteria: Criterion[]): PreparedCriterion[] =>
  criteria.map((c) => ({ ...c, memo: new Map() }));

/**
 * The row's checks that hold for the whole call (`facts`: the call's cache by the row's place), made when the call
 * first looks at the row; `outUntil` parses its out-of-office instant, as skipReason does, only for an active row.
 */
export function repFacts(
  facts: Array<RepFacts | undefined>,
  place: number,
  rep: Rep,
  outUntil: (rep: Rep) => number | null,
  now: number,
): RepFacts {
  let f = facts[place];
  if (f === undefined) {
    let head: RepFacts['head'] = null;
    if (rep.active === false) head = 'inactive';
    else {
      const ooo = outUntil(rep);
      if (ooo !== null && ooo > now) head = 'out_of_office';
    }
    f = { head, zeroWeight: (rep.weight ?? 1) <= 0, languages: null, productLines: null };
    facts[place] = f;
  }
  return f;
}

const lowerSet = (list: string[] | undefined): Set<string> =>
  new Set((list ?? []).map((x) => x.toLowerCase()));

/** skipReason (same checks, same order) with the row's per-call facts. */
export function repSkip(
  f: RepFacts,
  rep: Rep,
  openLeads: number,
  skill: LeadSkill | null,
): SkipReason | null {
  if (f.head) return f.head;
  if (rep.capacity !== null && rep.capacity !== undefined && openLeads >= rep.capacity) return 'at_capacity';
  if (f.zeroWeight) return 'zero_weight';
  if (skill) {
    if (skill.language) {
      skill.languageLower ??= skill.language.toLowerCase();
      if (!(f.languages ??= lowerSet(rep.languages)).has(skill.languageLower)) return 'skill_mismatch';
    }
    if (skill.productLine) {
      skill.productLineLower ??= skill.productLine.toLowerCase();
      if (!(f.productLines ??= lowerSet(rep.productLines)).has(skill.productLineLower))
        return 'skill_mismatch';
    }
  }
  return null;
}

/** matchesCriteria on the lead as routing sees it (Matched_Account__c set to the matched account, if any). */
export function criteriaMet(
  list: PreparedCriterion[],
  lead: SRecord,
  matchedAccountId: string | null,
): boolean {
  for (const c of list) {
    const v = matchedAccountId && c.field === 'Matched_Account__c' ? matchedAccountId : lead[c.field];
    let hit = c.memo.get(v);
    if (hit === undefined) {
      hit = evaluateCondition(v, c.operator, c.value);
      if (c.memo.size < CRITERIA_MEMO_LIMIT) c.memo.set(v, hit);
    }
    if (!hit) return false;
  }
  return true;
}
