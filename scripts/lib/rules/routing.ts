// Routing: most specific rule first (Routing_Rule__mdt by Priority__c: named account → territory → skill →
// round-robin pool), always a fallback owner, and a full trace per decision. Round-robin is smooth weighted
// round-robin over the eligible reps of a pool; its pointer state is an input and an output, so a bulk call
// of N leads spreads across reps exactly like N single calls would.
import { indexAccounts, matchLeadToAccounts, type AccountCandidate, type AccountMatch } from './match.ts';
import {
  RuleInputError,
  matchesCriteria,
  parseCriteria,
  parseInstant,
  type Criterion,
  type SRecord,
} from './types.ts';

export type RoutingMethod = 'Account-Based' | 'Territory' | 'Skill' | 'Round-Robin';
export const DEFAULT_FALLBACK_QUEUE = 'Lead_Fallback';

/** One Routing_Rule__mdt record. */
export interface RoutingRule {
  name: string; // DeveloperName
  priority: number; // Priority__c (lower = tried first)
  method: RoutingMethod; // Method__c
  criteria?: string | null; // Criteria__c
  targetPool?: string | null; // Target_Pool__c
  targetQueue?: string | null; // Target_Queue__c
  targetUser?: string | null; // Target_User__c
  fallbackOwner?: string | null; // Fallback_Owner__c
  active?: boolean; // Active__c (default true)
}

/** One Rep_Availability__c row. */
export interface Rep {
  userId: string; // User__c
  name: string;
  pool: string; // Pool__c
  capacity?: number | null; // Capacity__c (max open leads; blank = no limit)
  openLeads?: number | null; // Open_Leads__c
  weight?: number | null; // Weight__c (default 1)
  active?: boolean; // Active__c (default true)
  outOfOfficeUntil?: string | null; // Out_Of_Office_Until__c
  languages?: string[]; // Languages__c
  productLines?: string[]; // Product_Lines__c
  territory?: string | null; // Territory__c
}

/** Smooth weighted round-robin state per pool: userId → current weight. */
export type PointerState = Record<string, Record<string, number>>;

export interface RouteInput {
  leads: SRecord[]; // Lead fields by API name; 'Id' identifies the lead
  rules: RoutingRule[];
  reps: Rep[];
  accounts: AccountCandidate[];
  pointers: PointerState;
  fallbackOwner?: string | null; // the last resort; default queue Lead_Fallback
  now: string;
}

export type SkipReason = 'inactive' | 'out_of_office' | 'at_capacity' | 'skill_mismatch' | 'zero_weight';

export interface Candidate {
  userId: string;
  name: string;
  skippedReason: SkipReason | null;
}

export interface RuleTried {
  rule: string;
  matched: boolean;
  note: string;
}

export interface RoutingTrace {
  rulesTried: RuleTried[];
  pool: string | null;
  pointerBefore: Record<string, number> | null;
  pointerAfter: Record<string, number> | null;
  accountMatches: { accountId: string; score: number; reasons: string[] }[];
}

export interface Assignment {
  leadId: string;
  ownerId: string; // a user Id/username or a queue DeveloperName
  ownerType: 'User' | 'Queue';
  rule: string | null; // Routing_Rule__c (null when the global fallback was used)
  method: RoutingMethod | 'Fallback';
  fallbackUsed: boolean;
  matchedAccountId: string | null; // Matched_Account__c
  candidates: Candidate[];
  trace: RoutingTrace;
}

export interface RouteResult {
  assignments: Assignment[];
  pointers: PointerState;
  openLeads: Record<string, number>; // userId → open leads after this call
  ownerCounts: Record<string, number>; // owner → leads assigned in this call
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Why a rep cannot take this lead now, or null when eligible. */
export function skipReason(
  rep: Rep,
  openLeads: number,
  now: number,
  skill: SkillNeed | null,
): SkipReason | null {
  if (rep.active === false) return 'inactive';
  if (
    rep.outOfOfficeUntil &&
    parseInstant(rep.outOfOfficeUntil, `rep ${rep.userId} outOfOfficeUntil`) > now
  ) {
    return 'out_of_office';
  }
  if (rep.capacity !== null && rep.capacity !== undefined && openLeads >= rep.capacity) return 'at_capacity';
  if ((rep.weight ?? 1) <= 0) return 'zero_weight';
  if (skill) {
    const has = (list: string[] | undefined, v: string) =>
      (list ?? []).some((x) => x.toLowerCase() === v.toLowerCase());
    if (skill.language && !has(rep.languages, skill.language)) return 'skill_mismatch';
    if (skill.productLine && !has(rep.productLines, skill.productLine)) return 'skill_mismatch';
  }
  return null;
}

interface SkillNeed {
  language: string | null;
  productLine: string | null;
}

/**
 * One step of smooth weighted round-robin (nginx): every eligible rep's current weight grows by its weight,
 * the highest current wins (ties: smaller userId), and the winner's current drops by the total weight.
 * Ineligible reps keep their current weight. Mutates and returns the winner.
 */
export function pickWeighted(eligible: Rep[], state: Record<string, number>): Rep | null {
  if (eligible.length === 0) return null;
  let total = 0;
  let best: Rep | null = null;
  for (const rep of [...eligible].sort((a, b) => byId(a.userId, b.userId))) {
    const w = rep.weight ?? 1;
    total += w;
    state[rep.userId] = (state[rep.userId] ?? 0) + w;
    if (!best || state[rep.userId] > state[best.userId]) best = rep;
  }
  if (best) state[best.userId] -= total;
  return best;
}

function sortRules(rules: RoutingRule[]): RoutingRule[] {
  return rules
    .filter((r) => r.active !== false)
    .sort((a, b) => a.priority - b.priority || byId(a.name, b.name));
}

/** Routes every lead in order; pointers and open-lead counts carry from one lead to the next. */
export function route(input: RouteInput): RouteResult {
  const now = parseInstant(input.now, 'now');
  const rules = sortRules(input.rules);
  const criteria = new Map<string, Criterion[]>();
  for (const r of rules) {
    if (criteria.has(r.name))
      throw new RuleInputError(`two active routing rules are named ${r.name}; names must be unique`);
    criteria.set(r.name, parseCriteria(r.criteria));
  }
  const pointers: PointerState = JSON.parse(JSON.stringify(input.pointers ?? {})) as PointerState;
  const openLeads: Record<string, number> = {};
  const pools = new Map<string, Rep[]>();
  for (const rep of [...input.reps].sort((a, b) => byId(a.userId, b.userId))) {
    openLeads[rep.userId] = rep.openLeads ?? 0;
    const pool = pools.get(rep.pool) ?? [];
    pool.push(rep);
    pools.set(rep.pool, pool);
  }
  const fallback = input.fallbackOwner || DEFAULT_FALLBACK_QUEUE;
  const accountIndex = indexAccounts(input.accounts);
  const accountsById = new Map(input.accounts.map((a) => [a.id, a]));

  const assignments = input.leads.map((lead, i): Assignment => {
    const leadId = String(lead.Id ?? `#${i}`);
    const trace: RoutingTrace = {
      rulesTried: [],
      pool: null,
      pointerBefore: null,
      pointerAfter: null,
      accountMatches: [],
    };
    // An account already on the lead (Matched_Account__c) wins; otherwise the best computed match.
    const preset =
      typeof lead.Matched_Account__c === 'string' ? accountsById.get(lead.Matched_Account__c) : undefined;
    const accountMatches: AccountMatch[] = preset
      ? [{ accountId: preset.id, ownerId: preset.ownerId, score: 0, reasons: ['Matched_Account__c'] }]
      : matchLeadToAccounts(
          { email: lead.Email, website: lead.Website, company: lead.Company },
          accountIndex,
        );
    trace.accountMatches = accountMatches.map(({ accountId, score, reasons }) => ({
      accountId,
      score,
      reasons,
    }));
    const matchedAccountId = accountMatches.length ? accountMatches[0].accountId : null;
    // Criteria see the match the way the org does, where routing sets Matched_Account__c first.
    const view: SRecord = matchedAccountId ? { ...lead, Matched_Account__c: matchedAccountId } : lead;
    let candidates: Candidate[] = [];
    const done = (
      rule: RoutingRule | null,
      ownerId: string,
      ownerType: 'User' | 'Queue',
      fallbackUsed: boolean,
    ): Assignment => ({
      leadId,
      ownerId,
      ownerType,
      rule: rule ? rule.name : null,
      method: rule ? rule.method : 'Fallback',
      fallbackUsed,
      matchedAccountId,
      candidates,
      trace,
    });

    for (const rule of rules) {
      if (!matchesCriteria(view, criteria.get(rule.name) ?? [])) {
        trace.rulesTried.push({
          rule: rule.name,
          matched: false,
          note: `criteria not met: ${rule.criteria}`,
        });
        continue;
      }
      if (rule.method === 'Account-Based') {
        if (!matchedAccountId) {
          trace.rulesTried.push({ rule: rule.name, matched: false, note: 'no matching account' });
          continue;
        }
        const m = accountMatches[0];
        const tie = accountMatches.length > 1 ? ` (best of ${accountMatches.length} matching accounts)` : '';
        trace.rulesTried.push({
          rule: rule.name,
          matched: true,
          note: `account ${m.accountId}: ${m.reasons.join(', ')}${tie}`,
        });
        return done(rule, m.ownerId, 'User', false);
      }
      if (rule.targetUser) {
        trace.rulesTried.push({ rule: rule.name, matched: true, note: `target user ${rule.targetUser}` });
        return done(rule, rule.targetUser, 'User', false);
      }
      if (rule.targetPool) {
        const skill: SkillNeed | null =
          rule.method === 'Skill'
            ? {
                language: (lead.Preferred_Language__c as string | null | undefined) || null,
                productLine: (lead.Product_Interest__c as string | null | undefined) || null,
              }
            : null;
        const poolReps = pools.get(rule.targetPool) ?? [];
        candidates = poolReps.map((r) => ({
          userId: r.userId,
          name: r.name,
          skippedReason: skipReason(r, openLeads[r.userId], now, skill),
        }));
        const eligible = poolReps.filter((_, k) => candidates[k].skippedReason === null);
        const state = (pointers[rule.targetPool] ??= {});
        const before = { ...state };
        const chosen = pickWeighted(eligible, state);
        if (chosen) {
          openLeads[chosen.userId] += 1;
          trace.pool = rule.targetPool;
          trace.pointerBefore = before;
          trace.pointerAfter = { ...state };
          trace.rulesTried.push({
            rule: rule.name,
            matched: true,
            note: `pool ${rule.targetPool}: ${eligible.length} of ${poolReps.length} reps eligible, chose ${chosen.userId}`,
          });
          return done(rule, chosen.userId, 'User', false);
        }
        const why = poolReps.length === 0 ? 'pool is empty' : 'no rep eligible';
        if (rule.targetQueue) {
          trace.rulesTried.push({
            rule: rule.name,
            matched: true,
            note: `pool ${rule.targetPool}: ${why}; queue ${rule.targetQueue}`,
          });
          return done(rule, rule.targetQueue, 'Queue', false);
        }
        if (rule.fallbackOwner) {
          trace.rulesTried.push({
            rule: rule.name,
            matched: true,
            note: `pool ${rule.targetPool}: ${why}; rule fallback ${rule.fallbackOwner}`,
          });
          return done(rule, rule.fallbackOwner, 'Queue', true);
        }
        trace.rulesTried.push({
          rule: rule.name,
          matched: false,
          note: `pool ${rule.targetPool}: ${why}; next rule`,
        });
        continue;
      }
      if (rule.targetQueue) {
        trace.rulesTried.push({ rule: rule.name, matched: true, note: `queue ${rule.targetQueue}` });
        return done(rule, rule.targetQueue, 'Queue', false);
      }
      throw new RuleInputError(
        `Routing rule ${rule.name}: set Target_User__c, Target_Pool__c or Target_Queue__c (method ${rule.method})`,
      );
    }
    trace.rulesTried.push({
      rule: '(fallback)',
      matched: true,
      note: `no rule assigned the lead; fallback ${fallback}`,
    });
    return done(null, fallback, 'Queue', true);
  });
  const ownerCounts: Record<string, number> = {};
  for (const a of assignments) ownerCounts[a.ownerId] = (ownerCounts[a.ownerId] ?? 0) + 1;
  return { assignments, pointers, openLeads, ownerCounts };
}
