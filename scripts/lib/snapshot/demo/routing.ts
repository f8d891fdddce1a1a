// The demo's routing desk: the Rep_Availability__c rows, round-robin pointers and account index the routing rules
// see, kept over the two years. Leads are routed by the rules' own router (prepareRouter, which route() runs; the
// step the engine model's applyRouting runs for TA_Lead_Route) in chunks, as the org's trigger routes a bulk
// insert: a chunk is up to ROUTE_CHUNK leads arriving on the same day, routed at the first one's time. Before each
// chunk, the leads that left their reps by then give their capacity back (TA_Lead_Capacity) and today's PTO is set
// on the rows. A lead is routed again (routeAgain) by TA_Lead_RouteAtMql: at its MQL while its owner counts as
// unassigned, or reassigned by the SLA monitor with its owner excluded (reassign.ts).
import {
  companyEmailDomain,
  matchAccountsByKeys,
  normalizeCompany,
  websiteDomain,
  type AccountCandidate,
  type AccountIndex,
  type AccountMatch,
} from '../../rules/match.ts';
import { EXCLUDED_OWNER } from '../../rules/routingTypes.ts';
import {
  prepareRouter,
  type Assignment,
  type PointerState,
  type Rep,
  type Router,
} from '../../rules/routing.ts';
import type { SRecord } from '../../rules/types.ts';
import type { LeadRun } from './arrivals.ts';
import { ptoAt, type AccountRow, type DemoState } from './state.ts';

/**
 * Candidates the demo's Routing_Decision__c rows list (Candidates__c): the first six of the pool. The org's row lists
 * every candidate and its trace carries the pool's round-robin pointers before and after (RoutingTriggerService
 * serialises the whole Assignment); the demo keeps the decision (rule, method, owner, fallback, the rules tried, the
 * account matches) and leaves out the rest, which only the rep's trace panel shows and would double the table.
 */
export const DECISION_CANDIDATES = 6;

/** The trigger's chunk: at most this many leads are routed in one call. */
export const ROUTE_CHUNK = 200;

/** Leads that hold a rep's capacity until `at` (min-heap by time). */
class Releases {
  private at: number[] = [];
  private owner: string[] = [];
  push(at: number, owner: string): void {
    let i = this.at.length;
    this.at.push(at);
    this.owner.push(owner);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.at[p] <= at) break;
      this.at[i] = this.at[p];
      this.owner[i] = this.owner[p];
      i = p;
    }
    this.at[i] = at;
    this.owner[i] = owner;
  }
  /** Removes and returns the owner of the earliest release at or before `until`, else null. */
  popUntil(until: number): string | null {
    if (!this.at.length || this.at[0] > until) return null;
    const top = this.owner[0];
    const lastAt = this.at.pop()!;
    const lastOwner = this.owner.pop()!;
    const n = this.at.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && this.at[l + 1] < this.at[l] ? l + 1 : l;
        if (this.at[c] >= lastAt) break;
        this.at[i] = this.at[c];
        this.owner[i] = this.owner[c];
        i = c;
      }
      this.at[i] = lastAt;
      this.owner[i] = lastOwner;
    }
    return top;
  }
}

export interface RoutingDesk {
  /** The Rep_Availability__c rows as the rules read them (open leads and PTO kept current). */
  reps: Rep[];
  repByUser: Map<string, Rep>;
  inactiveUsers: string[];
  pointers: PointerState;
  releases: Releases;
  /** Accounts by website domain and by normalised name, the keys lead-to-account matching compares. */
  byDomain: Map<string, IndexedAccount[]>;
  byName: Map<string, IndexedAccount[]>;
  /** UTC day whose PTO is on the rows. */
  ptoDay: number;
  /** Queue Ids by DeveloperName. */
  queues: Map<string, string>;
  /** The config's routing rules prepared over the reps, made at the first chunk (every rep exists by then). */
  router: Router | null;
}

export function newDesk(): RoutingDesk {
  return {
    reps: [],
    repByUser: new Map(),
    inactiveUsers: [],
    pointers: {},
    releases: new Releases(),
    byDomain: new Map(),
    byName: new Map(),
    ptoDay: -1,
    queues: new Map(),
    router: null,
  };
}

export function addRep(s: DemoState, rep: Rep): void {
  s.desk.reps.push(rep);
  s.desk.repByUser.set(rep.userId, rep);
  if (rep.active === false) s.desk.inactiveUsers.push(rep.userId);
}

/** An account as routing sees it, from its CreatedDate on. */
interface IndexedAccount {
  createdDate: number;
  candidate: AccountCandidate;
}

function indexKey(map: Map<string, IndexedAccount[]>, key: string, a: IndexedAccount): void {
  if (key === '') return;
  const list = map.get(key);
  if (!list) map.set(key, [a]);
  else if (!list.includes(a)) list.push(a);
}

/** Makes an account visible to routing from its CreatedDate on (its fields as routing reads them now). */
export function indexAccount(s: DemoState, a: AccountRow): void {
  const website = a.isSystemOfRecord ? `www.${a.domain}` : a.domain;
  const indexed: IndexedAccount = {
    createdDate: a.createdDate,
    candidate: {
      id: a.id,
      name: a.name,
      website,
      ownerId: a.ownerId,
      isSystemOfRecord: a.isSystemOfRecord,
      territory: a.territory,
    },
  };
  indexKey(s.desk.byDomain, websiteDomain(website), indexed);
  indexKey(s.desk.byName, normalizeCompany(a.name), indexed);
}

/** The accounts under `key` that exist at `now`, into the chunk's index (once per key). */
function indexLive(
  into: Map<string, AccountCandidate[]>,
  from: Map<string, IndexedAccount[]>,
  key: string,
  now: number,
): void {
  if (key === '') return;
  const list = from.get(key);
  // no account under the key: matching finds none either way (the chunk's index holds only the desk's keys)
  if (!list || into.has(key)) return;
  const live: AccountCandidate[] = [];
  for (const a of list) if (a.createdDate <= now) live.push(a.candidate);
  into.set(key, live);
}

const NO_MATCHES: AccountMatch[] = [];

/**
 * The account index a chunk's leads are matched against: for each key a lead of the chunk looks up (company
 * e-mail domain, website domain, normalised company), the accounts under it that exist at `now` (the org reads
 * them by key), as indexAccounts would index those accounts. `matchAccounts` is matchLeadToAccounts over it (by
 * the keys made here: matchAccountsByKeys),
 * called only for a lead with an account under one of its keys (for any other lead it finds none).
 */
function chunkMatcher(
  desk: RoutingDesk,
  runs: LeadRun[],
  now: number,
): (lead: SRecord, i: number) => AccountMatch[] {
  const index: AccountIndex = { byDomain: new Map(), byName: new Map() };
  const keys: string[] = [];
  for (const run of runs) {
    const lead = run.rec;
    const email = companyEmailDomain(lead.Email);
    const website = run.websiteKey ?? websiteDomain(lead.Website);
    const name = run.nameKey ?? normalizeCompany(lead.Company);
    indexLive(index.byDomain, desk.byDomain, email, now);
    if (website !== email) indexLive(index.byDomain, desk.byDomain, website, now);
    indexLive(index.byName, desk.byName, name, now);
    keys.push(email, website, name);
  }
  const found = (m: Map<string, AccountCandidate[]>, key: string): boolean => (m.get(key)?.length ?? 0) > 0;
  // the keys are leadAccountKeys of the lead (made above with the same functions): matched without remaking them
  return (_lead, i) =>
    found(index.byDomain, keys[3 * i]) ||
    found(index.byDomain, keys[3 * i + 1]) ||
    found(index.byName, keys[3 * i + 2])
      ? matchAccountsByKeys(
          { emailDomain: keys[3 * i], websiteDomain: keys[3 * i + 1], company: keys[3 * i + 2] },
          index,
        )
      : NO_MATCHES;
}

/** A lead that takes its owner's capacity until `at` (converted, recycled, closed or nurtured then). */
export function holdUntil(s: DemoState, ownerId: string, at: number): void {
  if (s.desk.repByUser.has(ownerId)) s.desk.releases.push(at, ownerId);
}

/** Capacity given back by leads that left their reps by `now`; PTO of `now`'s day on the rows. */
function advanceTo(s: DemoState, now: number): void {
  const desk = s.desk;
  for (let owner = desk.releases.popUntil(now); owner !== null; owner = desk.releases.popUntil(now)) {
    const rep = desk.repByUser.get(owner)!;
    rep.openLeads = Math.max(0, (rep.openLeads ?? 0) - 1);
  }
  const day = Math.floor(now / 86_400_000);
  if (day === desk.ptoDay) return;
  desk.ptoDay = day;
  setPto(s, now);
}

/** Out_Of_Office_Until__c of every desk row at `now`: the end of the PTO window its rep is in, else blank. */
function setPto(s: DemoState, now: number): void {
  for (const rep of s.desk.reps) {
    const window = ptoAt(s.repById.get(rep.userId)!, now);
    rep.outOfOfficeUntil = window ? new Date(window[1]).toISOString() : null;
  }
}

/** The config's routing rules over the desk's rows (made once: every rep exists by the first chunk). */
function routerOf(s: DemoState): Router {
  return (s.desk.router ??= prepareRouter({
    rules: s.rules.config.routingRules,
    reps: s.desk.reps,
    inactiveUsers: s.desk.inactiveUsers,
    decisionOnly: { candidates: DECISION_CANDIDATES },
  }));
}

/** Routes a chunk of leads (time order) at `now` with the config's routing rules; carries pointers and counts. */
export function routeChunk(s: DemoState, runs: LeadRun[], now: number): Assignment[] {
  advanceTo(s, now);
  return route(
    s,
    runs,
    runs.map((r) => r.rec),
    now,
  );
}

/**
 * Routes one lead again at `now` (TA_Lead_RouteAtMql), `excludeOwner` excluded (the SLA monitor's reassignment;
 * null: at MQL), with the PTO of `now` on the rows for this call. The lead leaves its owner: the owner's count goes
 * down and the router counts it for the new one (TA_Lead_Capacity). The counts are the desk's (the demo plays one
 * lead at a time: those of the leads routed up to its arrival's day).
 */
export function routeAgain(s: DemoState, run: LeadRun, now: number, excludeOwner: string | null): Assignment {
  const desk = s.desk;
  const held = desk.repByUser.get(run.ownerId);
  if (held) held.openLeads = Math.max(0, (held.openLeads ?? 0) - 1);
  const rows = desk.reps.map((rep) => rep.outOfOfficeUntil);
  setPto(s, now);
  try {
    return route(s, [run], [excludeOwner ? { ...run.rec, [EXCLUDED_OWNER]: excludeOwner } : run.rec], now)[0];
  } finally {
    desk.reps.forEach((rep, i) => (rep.outOfOfficeUntil = rows[i]));
  }
}

/** One router call at `now` over the runs' leads (as `leads`); the desk keeps its pointers and open-lead counts. */
function route(s: DemoState, runs: LeadRun[], leads: SRecord[], now: number): Assignment[] {
  const desk = s.desk;
  const result = routerOf(s)({
    leads,
    accounts: [], // the demo's leads carry no Matched_Account__c when they are routed
    matchAccounts: chunkMatcher(desk, runs, now),
    pointers: desk.pointers,
    now: new Date(now).toISOString(),
  });
  desk.pointers = result.pointers;
  for (const rep of desk.reps) rep.openLeads = result.openLeads[rep.userId] ?? rep.openLeads;
  return result.assignments;
}

/** Gives back the capacity of every lead that left its rep by `until` (the counters Rep_Availability__c shows). */
export function settleCapacity(s: DemoState, until: number): void {
  advanceTo(s, until);
}
