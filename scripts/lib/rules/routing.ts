// Routing: most specific rule first (Routing_Rule__mdt by Priority__c: named account → territory → skill →
// round-robin pool), always a fallback owner, and a full trace per decision. Round-robin is smooth weighted
// round-robin over the eligible reps of a pool; its pointer state is an input and an output, so a bulk call
// of N leads spreads across reps exactly like N single calls would. An account owner gets a named-account lead
// only when active, not out of office and under capacity; an inactive target user is passed over. Capacity
// release (`releaseCapacity`) says how lead updates move the reps' open-lead counts.
import { indexAccounts, matchLeadToAccounts, type AccountCandidate, type AccountMatch } from './match.ts';
import {
  RuleInputError,
  isBlank,
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
  inactiveUsers?: string[]; // users (Id or username, as rules and accounts name them) with User.IsActive false
}

export type SkipReason = 'inactive' | 'out_of_office' | 'at_capacity' | 'skill_mismatch' | 'zero_weight';
export type OwnerUnavailable = 'inactive' | 'out_of_office' | 'at_capacity';

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

/**
 * Why an account owner cannot take a named-account lead now, or null: 'inactive' (in inactiveUsers), else
 * 'out_of_office' (any of their rows is out of office at now), else 'at_capacity' (any row whose capacity is at or
 * below the user's open leads). A user without availability rows is available when active.
 */
export function ownerUnavailable(
  ownerId: string,
  reps: Rep[],
  openLeads: number | undefined,
  now: number,
  inactiveUsers: Set<string>,
): OwnerUnavailable | null {
  if (inactiveUsers.has(ownerId)) return 'inactive';
  const rows = reps.filter((r) => r.userId === ownerId);
  if (
    rows.some(
      (r) => r.outOfOfficeUntil && parseInstant(r.outOfOfficeUntil, `rep ${r.userId} outOfOfficeUntil`) > now,
    )
  )
    return 'out_of_office';
  if (rows.some((r) => r.capacity !== null && r.capacity !== undefined && (openLeads ?? 0) >= r.capacity))
    return 'at_capacity';
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
  const inactiveUsers = new Set(input.inactiveUsers ?? []);
  for (const rep of [...input.reps].sort((a, b) => byId(a.userId, b.userId))) {
    // Open_Leads__c counts the user's open leads; a user with rows in several pools: the highest row
    openLeads[rep.userId] = Math.max(openLeads[rep.userId] ?? 0, rep.openLeads ?? 0);
    const pool = pools.get(rep.pool) ?? [];
    pool.push(rep);
    pools.set(rep.pool, pool);
  }
  const fallback = input.fallbackOwner || DEFAULT_FALLBACK_QUEUE;
  const accountIndex = indexAccounts(input.accounts);
  const accountsById = new Map(input.accounts.map((a) => [a.id, a]));

  const routeOne = (lead: SRecord, i: number): Assignment => {
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
        const unavailable = ownerUnavailable(m.ownerId, input.reps, openLeads[m.ownerId], now, inactiveUsers);
        if (unavailable) {
          trace.rulesTried.push({
            rule: rule.name,
            matched: false,
            note: `account ${m.accountId}: owner ${m.ownerId} is ${unavailable}; next rule`,
          });
          continue;
        }
        trace.rulesTried.push({
          rule: rule.name,
          matched: true,
          note: `account ${m.accountId}: ${m.reasons.join(', ')}${tie}`,
        });
        return done(rule, m.ownerId, 'User', false);
      }
      if (rule.targetUser && inactiveUsers.has(rule.targetUser)) {
        trace.rulesTried.push({
          rule: rule.name,
          matched: false,
          note: `target user ${rule.targetUser} is inactive; next rule`,
        });
        continue;
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
  };
  const assignments = input.leads.map((lead, i) => {
    const a = routeOne(lead, i);
    // every lead a rep with an availability row receives counts against that rep's capacity
    if (a.ownerType === 'User' && a.ownerId in openLeads) openLeads[a.ownerId] += 1;
    return a;
  });
  const ownerCounts: Record<string, number> = {};
  for (const a of assignments) ownerCounts[a.ownerId] = (ownerCounts[a.ownerId] ?? 0) + 1;
  return { assignments, pointers, openLeads, ownerCounts };
}

/** Lead statuses (lower case) that end a rep's work on a lead, besides any status starting "closed". */
export const RELEASING_STATUSES = new Set(['unqualified', 'disqualified', 'nurture', 'recycled']);

/**
 * The user whose capacity a lead takes, or null: its OwnerId when that is a user (Id prefix 005) and the lead is
 * open: IsConverted not true, Status (trimmed, lower case) neither starting with "closed" nor in
 * RELEASING_STATUSES, and not recycled to nurture (Recycled_Date__c set while Lifecycle_Stage__c is exactly
 * Subscriber or Lead).
 */
export function capacityHolder(lead: SRecord): string | null {
  const owner = lead.OwnerId === null || lead.OwnerId === undefined ? '' : String(lead.OwnerId);
  if (!owner.startsWith('005') || lead.IsConverted === true) return null;
  const status = isBlank(lead.Status) ? '' : String(lead.Status).trim().toLowerCase();
  if (status.startsWith('closed') || RELEASING_STATUSES.has(status)) return null;
  const stage = lead.Lifecycle_Stage__c;
  if (!isBlank(lead.Recycled_Date__c) && (stage === 'Subscriber' || stage === 'Lead')) return null;
  return owner;
}

export interface CapacityInput {
  changes: { before: SRecord; after: SRecord }[]; // each updated lead before and after the update
  reps?: Rep[]; // Rep_Availability__c rows (for openLeads)
}

export interface CapacityResult {
  deltas: Record<string, number>; // userId → change of open leads (non-zero only)
  openLeads: Record<string, number>; // userId (with an availability row) → open leads after, never below 0
}

/**
 * How lead updates move the reps' open-lead counts (the Lead after-update trigger, TA_Lead_Capacity): per lead,
 * when the holder before (capacityHolder) differs from the holder after, the old holder gets -1 and the new holder
 * +1; users whose total is 0 are left out. openLeads: each user with a row (open leads = the highest of their
 * rows) at max(0, open leads + delta); the org applies max(0, Open_Leads__c + delta) to each of the user's rows.
 */
export function releaseCapacity(input: CapacityInput): CapacityResult {
  const sums = new Map<string, number>();
  for (const { before, after } of input.changes) {
    const was = capacityHolder(before);
    const now = capacityHolder(after);
    if (was === now) continue;
    if (was !== null) sums.set(was, (sums.get(was) ?? 0) - 1);
    if (now !== null) sums.set(now, (sums.get(now) ?? 0) + 1);
  }
  const deltas: Record<string, number> = {};
  for (const [userId, d] of sums) if (d !== 0) deltas[userId] = d;
  const openLeads: Record<string, number> = {};
  for (const r of input.reps ?? [])
    openLeads[r.userId] = Math.max(openLeads[r.userId] ?? 0, r.openLeads ?? 0);
  for (const userId of Object.keys(openLeads))
    openLeads[userId] = Math.max(0, openLeads[userId] + (deltas[userId] ?? 0));
  return { deltas, openLeads };
}
