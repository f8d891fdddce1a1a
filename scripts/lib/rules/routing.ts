// Routing: most specific rule first (Routing_Rule__mdt by Priority__c: named account → territory → skill →
// round-robin pool), always a fallback owner, and a full trace per decision. Round-robin is smooth weighted
// round-robin over the eligible reps of a pool; its pointer state is an input and an output, so a bulk call
// of N leads spreads across reps exactly like N single calls would. An account owner gets a named-account lead
// only when active, not out of office and under capacity; an inactive target user is passed over. Capacity
// release (`releaseCapacity`, capacity.ts) says how lead updates move the reps' open-lead counts.
// Contacts and accounts are routed by the rules of their object (Object__c): a contact's account is its AccountId
// (no matching), no queue owns one, and a record no rule places keeps the owner it was saved with.
// The types are in routingTypes.ts; whether an owner's record is routed again (at MQL, at re-engagement) is
// reroute.ts.
import {
  indexAccounts,
  matchLeadToAccounts,
  type AccountCandidate,
  type AccountIndex,
  type AccountMatch,
} from './match.ts';
import {
  criteriaMet,
  prepareCriteria,
  repFacts,
  repSkip,
  type LeadSkill,
  type PreparedCriterion,
  type RepFacts,
} from './routingCall.ts';
import { RuleInputError, parseCriteria, parseInstant, type SRecord } from './types.ts';

// Capacity release lives in capacity.ts (its own trigger action); exported here too, where routing's users look.
export {
  RELEASING_STATUSES,
  capacityHolder,
  releaseCapacity,
  type CapacityInput,
  type CapacityResult,
} from './capacity.ts';
export * from './routingTypes.ts';
export { ownerUnassigned, type RerouteInput, type RerouteResult } from './reroute.ts';
import {
  DEFAULT_FALLBACK_QUEUE,
  type Assignment,
  type Candidate,
  EXCLUDED_OWNER,
  type OwnerUnavailable,
  type PointerState,
  type Rep,
  type RoutedObject,
  type RouteInput,
  type RouteResult,
  type Router,
  type RouterCall,
  type RouterSetup,
  type RoutingRule,
  type RoutingTrace,
  type SkipReason,
} from './routingTypes.ts';

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
  return skipWith(rep, outOfOfficeUntil, openLeads, now, skill);
}

function outOfOfficeUntil(rep: Rep): number | null {
  return rep.outOfOfficeUntil
    ? parseInstant(rep.outOfOfficeUntil, `rep ${rep.userId} outOfOfficeUntil`)
    : null;
}

/** Whether a rep's skill list holds `v` (case-insensitive). */
function has(list: string[] | undefined, v: string): boolean {
  const lv = v.toLowerCase();
  return (list ?? []).some((x) => x.toLowerCase() === lv);
}

/** The checks of skipReason in their order; `outUntil` is called only for an active rep (parsing may throw). */
function skipWith(
  rep: Rep,
  outUntil: (rep: Rep) => number | null,
  openLeads: number,
  now: number,
  skill: SkillNeed | null,
): SkipReason | null {
  if (rep.active === false) return 'inactive';
  const ooo = outUntil(rep);
  if (ooo !== null && ooo > now) return 'out_of_office';
  if (rep.capacity !== null && rep.capacity !== undefined && openLeads >= rep.capacity) return 'at_capacity';
  if ((rep.weight ?? 1) <= 0) return 'zero_weight';
  if (skill) {
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
  return pickWeightedSorted(
    [...eligible].sort((a, b) => byId(a.userId, b.userId)),
    state,
  );
}

/** The active rules of `object` (a rule without Object__c routes leads), by priority, then name. */
function sortRules(rules: RoutingRule[], object: RoutedObject): RoutingRule[] {
  return rules
    .filter((r) => r.active !== false && (r.object || 'Lead') === object)
    .sort((a, b) => a.priority - b.priority || byId(a.name, b.name));
}

/** Per call: the time, the open-lead counts carried lead to lead, the account index, the pointers. */
interface CallContext {
  now: number;
  openLeads: Record<string, number>;
  accountIndex: AccountIndex;
  matchAccounts: ((lead: SRecord, index: number) => AccountMatch[]) | null;
  accounts: AccountCandidate[];
  /** Accounts by Id, built when a lead first carries a Matched_Account__c. */
  accountsById: Map<string, AccountCandidate> | null;
  pointers: PointerState;
  /** What does not change within a call, per availability row (by its place in the userId order): see repFacts. */
  repFacts: Array<RepFacts | undefined>;
}

const NO_REPS: Rep[] = [];
const NO_INDEXES: number[] = [];

/**
 * Prepares routing once for many calls: rules sorted and their criteria parsed, pools built (reps by userId),
 * each user's rows found. The router routes like `route()` (same assignments, pointers, counts), except that it
 * updates the pointers it is given in place.
 */
export function prepareRouter(setup: RouterSetup): Router {
  const object: RoutedObject = setup.object || 'Lead';
  const rules = sortRules(setup.rules, object);
  const names = new Set<string>();
  const criteria: PreparedCriterion[][] = [];
  for (const r of rules) {
    if (names.has(r.name))
      throw new RuleInputError(`two active routing rules are named ${r.name}; names must be unique`);
    if (object !== 'Lead' && r.targetQueue)
      throw new RuleInputError(
        `Routing rule ${r.name}: a ${object} rule cannot target a queue (only users own ${object.toLowerCase()}s); clear Target_Queue__c`,
      );
    names.add(r.name);
    criteria.push(prepareCriteria(parseCriteria(r.criteria)));
  }
  const sortedReps = [...setup.reps].sort((a, b) => byId(a.userId, b.userId));
  const pools = new Map<string, Rep[]>();
  const poolIndexes = new Map<string, number[]>();
  const rowsByUser = new Map<string, Rep[]>();
  sortedReps.forEach((rep, i) => {
    const pool = pools.get(rep.pool) ?? [];
    pool.push(rep);
    pools.set(rep.pool, pool);
    const indexes = poolIndexes.get(rep.pool) ?? [];
    indexes.push(i);
    poolIndexes.set(rep.pool, indexes);
  });
  for (const rep of setup.reps) {
    const rows = rowsByUser.get(rep.userId) ?? [];
    rows.push(rep);
    rowsByUser.set(rep.userId, rows);
  }
  const inactiveUsers = new Set(setup.inactiveUsers ?? []);
  const fallback = setup.fallbackOwner || DEFAULT_FALLBACK_QUEUE;
  // Out_Of_Office_Until__c values parsed once each (parsed when first read, so a bad value fails as route() does)
  const instants = new Map<string, number>();
  const outUntil = (rep: Rep): number | null => {
    const v = rep.outOfOfficeUntil;
    if (!v) return null;
    let ms = instants.get(v);
    if (ms === undefined) {
      ms = parseInstant(v, `rep ${rep.userId} outOfOfficeUntil`);
      instants.set(v, ms);
    }
    return ms;
  };
  const keep = setup.decisionOnly ? setup.decisionOnly.candidates : Infinity;
  const full = !setup.decisionOnly;
  const prepared: Prepared = {
    object,
    rules,
    criteria,
    pools,
    poolIndexes,
    rowsByUser,
    inactiveUsers,
    fallback,
    outUntil,
    keep,
    full,
  };

  return (call: RouterCall): RouteResult => {
    const openLeads: Record<string, number> = {};
    // Open_Leads__c counts the user's open leads; a user with rows in several pools: the highest row
    for (const rep of sortedReps)
      openLeads[rep.userId] = Math.max(openLeads[rep.userId] ?? 0, rep.openLeads ?? 0);
    const ctx: CallContext = {
      now: parseInstant(call.now, 'now'),
      openLeads,
      accountIndex: call.accountIndex ?? indexAccounts(call.accounts),
      matchAccounts: call.matchAccounts ?? null,
      accounts: call.accounts,
      accountsById: null,
      pointers: call.pointers,
      repFacts: new Array<RepFacts | undefined>(sortedReps.length),
    };
    const assignments: Assignment[] = new Array(call.leads.length);
    const ownerCounts: Record<string, number> = {};
    for (let i = 0; i < call.leads.length; i++) {
      const a = routeOne(prepared, call.leads[i], i, ctx);
      // every lead a rep with an availability row receives counts against that rep's capacity (leads only)
      if (object === 'Lead' && a.ownerType === 'User' && a.ownerId in openLeads) openLeads[a.ownerId] += 1;
      assignments[i] = a;
    }
    for (const a of assignments) ownerCounts[a.ownerId] = (ownerCounts[a.ownerId] ?? 0) + 1;
    return { assignments, pointers: call.pointers, openLeads, ownerCounts };
  };
}

interface Prepared {
  object: RoutedObject;
  rules: RoutingRule[];
  /** Each rule's parsed criteria, in rule order. */
  criteria: PreparedCriterion[][];
  pools: Map<string, Rep[]>;
  /** Each pool's rows as places in the userId order of all rows (CallContext.repFacts). */
  poolIndexes: Map<string, number[]>;
  rowsByUser: Map<string, Rep[]>;
  inactiveUsers: Set<string>;
  fallback: string;
  outUntil: (rep: Rep) => number | null;
  /** Candidates kept per assignment; whether the trace carries the pointers. */
  keep: number;
  full: boolean;
}

/** ownerUnavailable with the prepared rows per user. */
function ownerOut(
  p: Prepared,
  ownerId: string,
  openLeads: number | undefined,
  now: number,
): OwnerUnavailable | null {
  if (p.inactiveUsers.has(ownerId)) return 'inactive';
  const rows = p.rowsByUser.get(ownerId) ?? [];
  if (
    rows.some((r) => {
      const ooo = p.outUntil(r);
      return ooo !== null && ooo > now;
    })
  )
    return 'out_of_office';
  if (rows.some((r) => r.capacity !== null && r.capacity !== undefined && (openLeads ?? 0) >= r.capacity))
    return 'at_capacity';
  return null;
}

/** pickWeighted over reps already in userId order (a pool's order). */
function pickWeightedSorted(eligible: Rep[], state: Record<string, number>): Rep | null {
  let total = 0;
  let best: Rep | null = null;
  for (const rep of eligible) {
    const w = rep.weight ?? 1;
    total += w;
    state[rep.userId] = (state[rep.userId] ?? 0) + w;
    if (!best || state[rep.userId] > state[best.userId]) best = rep;
  }
  if (best) state[best.userId] -= total;
  return best;
}

/**
 * The record's account matches. A lead: the account already on it (Matched_Account__c), else the computed best. A
 * contact: its AccountId among the accounts, never a computed match. An account: none.
 */
function accountMatchesOf(p: Prepared, lead: SRecord, i: number, ctx: CallContext): AccountMatch[] {
  if (p.object === 'Account') return [];
  const field = p.object === 'Contact' ? 'AccountId' : 'Matched_Account__c';
  const id = lead[field];
  const preset =
    typeof id === 'string'
      ? (ctx.accountsById ??= new Map(ctx.accounts.map((a) => [a.id, a]))).get(id)
      : undefined;
  if (p.object === 'Contact')
    return preset ? [{ accountId: preset.id, ownerId: preset.ownerId, score: 0, reasons: [field] }] : [];
  return preset
    ? [{ accountId: preset.id, ownerId: preset.ownerId, score: 0, reasons: [field] }]
    : ctx.matchAccounts
      ? ctx.matchAccounts(lead, i)
      : matchLeadToAccounts(
          { email: lead.Email, website: lead.Website, company: lead.Company },
          ctx.accountIndex,
        );
}

/**
 * Routes one record: the first rule that assigns it, else the fallback owner (a lead: the fallback queue; a contact or
 * an account: the owner it was saved with).
 */
function routeOne(p: Prepared, lead: SRecord, i: number, ctx: CallContext): Assignment {
  const accountMatches = accountMatchesOf(p, lead, i, ctx);
  const trace: RoutingTrace = {
    rulesTried: [],
    pool: null,
    pointerBefore: null,
    pointerAfter: null,
    accountMatches: accountMatches.map(({ accountId, score, reasons }) => ({
      accountId,
      score,
      reasons,
    })),
  };
  const matchedAccountId = accountMatches.length ? accountMatches[0].accountId : null;
  const excluded = (lead[EXCLUDED_OWNER] as string | null | undefined) || null;
  const a: Assignment = {
    leadId: String(lead.Id ?? `#${i}`),
    ownerId: p.fallback,
    ownerType: 'Queue',
    rule: null,
    method: 'Fallback',
    fallbackUsed: true,
    matchedAccountId,
    candidates: [],
    trace,
  };
  // Criteria see the match the way the org does, where routing sets Matched_Account__c first.
  for (let r = 0; r < p.rules.length; r++) {
    const rule = p.rules[r];
    if (!criteriaMet(p.criteria[r], lead, matchedAccountId)) {
      tried(trace, rule.name, false, `criteria not met: ${rule.criteria}`);
      continue;
    }
    if (rule.method === 'Account-Based') {
      if (routeToAccountOwner(p, rule, accountMatches, a, ctx, excluded)) return a;
      continue;
    }
    const targetOut = !rule.targetUser
      ? null
      : p.inactiveUsers.has(rule.targetUser)
        ? 'inactive'
        : rule.targetUser === excluded
          ? 'excluded'
          : null;
    if (targetOut) {
      tried(trace, rule.name, false, `target user ${rule.targetUser} is ${targetOut}; next rule`);
      continue;
    }
    if (rule.targetUser) {
      tried(trace, rule.name, true, `target user ${rule.targetUser}`);
      return settle(a, rule, rule.targetUser, 'User', false);
    }
    if (rule.targetPool) {
      if (routeToPool(p, rule, lead, a, ctx)) return a;
      continue;
    }
    if (rule.targetQueue) {
      tried(trace, rule.name, true, `queue ${rule.targetQueue}`);
      return settle(a, rule, rule.targetQueue, 'Queue', false);
    }
    throw new RuleInputError(
      `Routing rule ${rule.name}: set Target_User__c, Target_Pool__c or Target_Queue__c (method ${rule.method})`,
    );
  }
  if (p.object !== 'Lead') {
    const kept = String(lead.OwnerId ?? '');
    tried(trace, '(fallback)', true, `no rule assigned the ${p.object.toLowerCase()}; keeps owner ${kept}`);
    a.ownerId = kept;
    a.ownerType = 'User';
    return a;
  }
  tried(trace, '(fallback)', true, `no rule assigned the lead; fallback ${p.fallback}`);
  return a;
}

/**
 * An Account-Based rule: the best matching account's owner when available (active, in office, under capacity, not the
 * excluded owner); false (and the reason in the trace) to try the next rule.
 */
function routeToAccountOwner(
  p: Prepared,
  rule: RoutingRule,
  accountMatches: AccountMatch[],
  a: Assignment,
  ctx: CallContext,
  excluded: string | null,
): boolean {
  const trace = a.trace;
  if (!a.matchedAccountId) {
    tried(trace, rule.name, false, 'no matching account');
    return false;
  }
  const m = accountMatches[0];
  const tie = accountMatches.length > 1 ? ` (best of ${accountMatches.length} matching accounts)` : '';
  const unavailable =
    m.ownerId === excluded ? 'excluded' : ownerOut(p, m.ownerId, ctx.openLeads[m.ownerId], ctx.now);
  if (unavailable) {
    tried(trace, rule.name, false, `account ${m.accountId}: owner ${m.ownerId} is ${unavailable}; next rule`);
    return false;
  }
  tried(trace, rule.name, true, `account ${m.accountId}: ${m.reasons.join(', ')}${tie}`);
  settle(a, rule, m.ownerId, 'User', false);
  return true;
}

function tried(trace: RoutingTrace, rule: string, matched: boolean, note: string): void {
  trace.rulesTried.push({ rule, matched, note });
}

/** The assignment made by `rule`. */
function settle(
  a: Assignment,
  rule: RoutingRule,
  ownerId: string,
  ownerType: 'User' | 'Queue',
  fallbackUsed: boolean,
): Assignment {
  a.ownerId = ownerId;
  a.ownerType = ownerType;
  a.rule = rule.name;
  a.method = rule.method;
  a.fallbackUsed = fallbackUsed;
  return a;
}

/** The eligible rows of the pool being routed (reused lead to lead: no array per lead). */
const eligibleScratch: Rep[] = [];

/**
 * A pool rule: smooth weighted round-robin over the pool's eligible reps, else the rule's queue, else its fallback
 * owner. Fills the assignment and returns true when the rule assigned the lead; false: next rule.
 */
function routeToPool(
  p: Prepared,
  rule: RoutingRule,
  lead: SRecord,
  a: Assignment,
  ctx: CallContext,
): boolean {
  const pool = rule.targetPool!;
  const trace = a.trace;
  const excluded = (lead[EXCLUDED_OWNER] as string | null | undefined) || null;
  const skill: LeadSkill | null =
    rule.method === 'Skill'
      ? {
          language: (lead.Preferred_Language__c as string | null | undefined) || null,
          productLine: (lead.Product_Interest__c as string | null | undefined) || null,
          languageLower: null,
          productLineLower: null,
        }
      : null;
  const poolReps = p.pools.get(pool) ?? NO_REPS;
  const places = p.poolIndexes.get(pool) ?? NO_INDEXES;
  const candidates: Candidate[] = [];
  const eligible = eligibleScratch;
  eligible.length = 0;
  for (let k = 0; k < poolReps.length; k++) {
    const r = poolReps[k];
    const facts = repFacts(ctx.repFacts, places[k], r, p.outUntil, ctx.now);
    const skippedReason =
      r.userId === excluded ? 'excluded' : repSkip(facts, r, ctx.openLeads[r.userId], skill);
    if (k < p.keep) candidates.push({ userId: r.userId, name: r.name, skippedReason });
    if (skippedReason === null) eligible.push(r);
  }
  a.candidates = candidates;
  const state = (ctx.pointers[pool] ??= {});
  const before = p.full ? { ...state } : null;
  const chosen = pickWeightedSorted(eligible, state);
  const eligibleCount = eligible.length;
  eligible.length = 0;
  if (chosen) {
    trace.pool = pool;
    trace.pointerBefore = before;
    trace.pointerAfter = p.full ? { ...state } : null;
    tried(
      trace,
      rule.name,
      true,
      `pool ${pool}: ${eligibleCount} of ${poolReps.length} reps eligible, chose ${chosen.userId}`,
    );
    settle(a, rule, chosen.userId, 'User', false);
    return true;
  }
  const why = poolReps.length === 0 ? 'pool is empty' : 'no rep eligible';
  if (p.object !== 'Lead') {
    // no queue may own a contact or an account: the next rule (or the record's own owner)
    tried(trace, rule.name, false, `pool ${pool}: ${why}; next rule`);
    return false;
  }
  if (rule.targetQueue) {
    tried(trace, rule.name, true, `pool ${pool}: ${why}; queue ${rule.targetQueue}`);
    settle(a, rule, rule.targetQueue, 'Queue', false);
    return true;
  }
  if (rule.fallbackOwner) {
    tried(trace, rule.name, true, `pool ${pool}: ${why}; rule fallback ${rule.fallbackOwner}`);
    settle(a, rule, rule.fallbackOwner, 'Queue', true);
    return true;
  }
  tried(trace, rule.name, false, `pool ${pool}: ${why}; next rule`);
  return false;
}

/** Routes every lead in order; pointers and open-lead counts carry from one lead to the next. */
export function route(input: RouteInput): RouteResult {
  const now = input.now;
  parseInstant(now, 'now');
  const router = prepareRouter({
    rules: input.rules,
    reps: input.reps,
    fallbackOwner: input.fallbackOwner,
    inactiveUsers: input.inactiveUsers,
    object: input.object,
  });
  const pointers: PointerState = JSON.parse(JSON.stringify(input.pointers ?? {})) as PointerState;
  return router({ leads: input.leads, accounts: input.accounts, pointers, now });
}
