// Routing simulation: replays the routing rules (current config or a proposed one) over past leads with
// the rules' own route(), and measures who would get what: load per rep, fairness, fallback rate, owner changes.
import {
  normalizeCompany,
  websiteDomain,
  companyEmailDomain,
  type AccountCandidate,
} from '../rules/match.ts';
import { capacityHolder, type Rep, type RoutingRule } from '../rules/routing.ts';
import { newState, routingConfig, type EngineState } from '../engine/state.ts';
import { applyCapacity, applyRouting } from '../engine/triggers.ts';
import type { SRecord } from '../rules/types.ts';
import { lit, ReportError, requireColumns, toIso, type Db } from './db.ts';
import { notAvailableSections, snapshotCoverage, type NotAvailable } from './coverage.ts';
import { num, pct, type ReportDoc } from '../render/doc.ts';

export interface RepLoad {
  ownerId: string;
  name: string;
  ownerType: 'User' | 'Queue';
  leads: number;
  share: number;
  actualLeads: number;
}

export interface RouteSimResult {
  since: string;
  leads: number;
  byRule: { rule: string; leads: number }[];
  load: RepLoad[];
  fairness: {
    reps: number;
    maxShare: number | null;
    minShare: number | null;
    maxMinRatio: number | null;
    gini: number | null;
  };
  fallbackRate: number | null;
  ownerChanges: number;
  ownerChangeRate: number | null;
  /** First changed leads, for a look. */
  changes: { leadId: string; from: string | null; to: string; rule: string | null }[];
  assumptions: string[];
  /** What needs our package's objects the snapshot lacks (an org before install): not computed. */
  notAvailable: NotAvailable[];
}

/** Gini coefficient of non-negative counts (0 = perfectly even). */
export function gini(xs: number[]): number | null {
  const n = xs.length;
  const total = xs.reduce((s, x) => s + x, 0);
  if (!n || !total) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((x, i) => (weighted += (i + 1) * x));
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

const list = (v: unknown): string[] =>
  typeof v === 'string' && v
    ? v
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

/** The replay's start: --since, else 90 days before the newest lead. */
async function replayStart(db: Db, sinceFlag: string | undefined): Promise<string> {
  const [{ since }] = sinceFlag
    ? await db.all<{ since: string }>(`SELECT CAST(CAST(${lit(sinceFlag)} AS TIMESTAMP) AS VARCHAR) AS since`)
    : await db.all<{ since: string }>(
        `SELECT CAST(max("CreatedDate") - INTERVAL 90 DAY AS VARCHAR) AS since FROM "Lead"`,
      );
  if (!since) throw new ReportError('The snapshot has no leads to replay.');
  return since;
}

/** User names by Id (empty without a User table). */
async function userNames(db: Db): Promise<Map<string, string>> {
  if (!(await db.hasTable('User'))) return new Map();
  const rows = await db.all<{ Id: string; Name: string | null }>(`SELECT "Id", "Name" FROM "User"`);
  return new Map(rows.map((u) => [u.Id, u.Name ?? u.Id]));
}

/** Today's rep pools from Rep_Availability__c. */
async function readReps(db: Db, users: Map<string, string>): Promise<Rep[]> {
  const repRows = await db.all(`SELECT * FROM "Rep_Availability__c"`);
  return repRows.map((r) => ({
    userId: String(r.User__c),
    name: users.get(String(r.User__c)) ?? String(r.Name ?? r.User__c),
    pool: String(r.Pool__c),
    capacity: (r.Capacity__c as number | null) ?? null,
    openLeads: (r.Open_Leads__c as number | null) ?? 0,
    weight: (r.Weight__c as number | null) ?? 1,
    active: r.Active__c !== false,
    outOfOfficeUntil: toIso(r.Out_Of_Office_Until__c),
    languages: list(r.Languages__c),
    productLines: list(r.Product_Lines__c),
    territory: (r.Territory__c as string | null) ?? null,
  }));
}

/** Accounts indexed by the only keys lead-to-account matching compares (domain, normalised name). */
async function accountIndex(db: Db): Promise<Map<string, AccountCandidate[]>> {
  const accounts: AccountCandidate[] = (await db.hasTable('Account'))
    ? (
        await db.all(
          `SELECT "Id", "Name", "Website", "OwnerId", "Is_System_Of_Record__c", "Territory__c" FROM "Account"`,
        )
      ).map((a) => ({
        id: String(a.Id),
        name: String(a.Name ?? ''),
        website: (a.Website as string | null) ?? null,
        ownerId: String(a.OwnerId ?? ''),
        isSystemOfRecord: a.Is_System_Of_Record__c === true,
        territory: (a.Territory__c as string | null) ?? null,
      }))
    : [];
  const index = new Map<string, AccountCandidate[]>();
  const put = (k: string, a: AccountCandidate) => {
    if (!k) return;
    const l = index.get(k);
    if (l) {
      if (!l.includes(a)) l.push(a);
    } else index.set(k, [a]);
  };
  for (const a of accounts) {
    put('d:' + websiteDomain(a.website), a);
    put('n:' + normalizeCompany(a.name), a);
  }
  return index;
}

/** The accounts a lead may belong to: by its e-mail domain, website domain and normalised company. */
function accountCandidates(index: Map<string, AccountCandidate[]>, lead: SRecord): AccountCandidate[] {
  const keys = [
    'd:' + companyEmailDomain(lead.Email),
    'd:' + websiteDomain(lead.Website),
    'n:' + normalizeCompany(lead.Company),
  ];
  return [...new Set(keys.flatMap((k) => (k.length > 2 ? (index.get(k) ?? []) : [])))];
}

/** When a lead stops holding its rep's capacity: its conversion, or its last change once in a closed status. */
const releaseAt = (l: SRecord): string | null =>
  l.IsConverted === true && l.ConvertedDate
    ? toIso(l.ConvertedDate)
    : capacityHolder({ OwnerId: '005', Status: l.Status ?? null }) === null
      ? toIso(l.LastModifiedDate ?? l.CreatedDate)
      : null;

/** A capacity slot a lead gives back to its owner at a time. */
interface Release {
  at: string;
  ownerId: string;
}

/** Leads created before the start that were still open at it: per owner, and when each lets go. */
async function openAtStart(
  db: Db,
  since: string,
): Promise<{ openAtSince: Map<string, number>; releases: Release[] }> {
  const cols = new Set(await db.tableColumns('Lead'));
  const openAtSince = new Map<string, number>();
  const releases: Release[] = [];
  const earlier = (await db.all(
    `SELECT "OwnerId", "Status", ${cols.has('IsConverted') ? '"IsConverted"' : 'NULL AS "IsConverted"'}, ${
      cols.has('ConvertedDate') ? '"ConvertedDate"' : 'NULL AS "ConvertedDate"'
    }, ${cols.has('LastModifiedDate') ? '"LastModifiedDate"' : 'NULL AS "LastModifiedDate"'}, "CreatedDate"
     FROM "Lead" WHERE "CreatedDate" < CAST(${lit(since)} AS TIMESTAMP)`,
  )) as SRecord[];
  for (const l of earlier) {
    const owner = String(l.OwnerId ?? '');
    const at = releaseAt(l);
    if (at !== null && at < since) continue;
    openAtSince.set(owner, (openAtSince.get(owner) ?? 0) + 1);
    if (at !== null) releases.push({ at, ownerId: owner });
  }
  return { openAtSince, releases };
}

/** The engine state at the start: the rules, and each rep holding the leads open at that time. */
function startState(
  rules: RoutingRule[],
  since: string,
  reps: Rep[],
  openAtSince: Map<string, number>,
): EngineState {
  const state = newState(routingConfig(rules), since);
  state.reps = reps.map((r) => ({
    userId: r.userId,
    pool: r.pool,
    capacity: r.capacity ?? null,
    openLeads: openAtSince.get(r.userId) ?? 0,
    weight: r.weight ?? 1,
    active: r.active !== false,
    // past PTO is not in a snapshot: today's Out_Of_Office_Until__c says nothing about the replayed period
    outOfOfficeUntil: null,
    languages: r.languages ?? [],
    productLines: r.productLines ?? [],
  }));
  return state;
}

/** Gives back every capacity slot due by `until` (the engine model's TA_Lead_Capacity on conversion). */
function releaseUntil(state: EngineState, releases: Release[], until: string): void {
  releases.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  while (releases.length && releases[0].at <= until) {
    const { ownerId } = releases.shift()!;
    const held = { Id: 'release', OwnerId: ownerId };
    applyCapacity(state, { ...held, IsConverted: true }, held);
  }
}

/** What the replay counted: simulated and actual owners, leads per rule, fallbacks and owner changes. */
interface Tally {
  counts: Map<string, { leads: number; type: 'User' | 'Queue' }>;
  actual: Map<string, number>;
  byRule: Map<string, number>;
  fallback: number;
  changed: number;
  changes: RouteSimResult['changes'];
}

/**
 * The engine model's routing step (TA_Lead_Route) and capacity step (TA_Lead_Capacity), over time: each lead in
 * CreatedDate order is routed, and takes its simulated rep's capacity until it converts or closes, as
 * Open_Leads__c does in the org.
 */
function replayLeads(
  state: EngineState,
  leads: SRecord[],
  index: Map<string, AccountCandidate[]>,
  releases: Release[],
): Tally {
  const t: Tally = {
    counts: new Map(),
    actual: new Map(),
    byRule: new Map(),
    fallback: 0,
    changed: 0,
    changes: [],
  };
  for (const lead of leads) {
    const candidates = accountCandidates(index, lead);
    state.now = toIso(lead.CreatedDate)!;
    releaseUntil(state, releases, state.now);
    const rec = { ...lead, Id: String(lead.Id), OwnerId: null, Matched_Account__c: null };
    const a = applyRouting(state, rec, candidates);
    const isQueue = a.ownerId.startsWith('queue:');
    const simulated = isQueue ? a.ownerId.slice('queue:'.length) : a.ownerId;
    const at = releaseAt(lead);
    if (at !== null && !isQueue) releases.push({ at, ownerId: simulated });
    const c = t.counts.get(simulated) ?? { leads: 0, type: isQueue ? 'Queue' : 'User' };
    c.leads++;
    t.counts.set(simulated, c);
    const owner = (lead.OwnerId as string | null) ?? null;
    if (owner) t.actual.set(owner, (t.actual.get(owner) ?? 0) + 1);
    t.byRule.set(a.rule ?? '(fallback)', (t.byRule.get(a.rule ?? '(fallback)') ?? 0) + 1);
    if (a.fallbackUsed) t.fallback++;
    if (owner !== simulated) {
      t.changed++;
      if (t.changes.length < 50)
        t.changes.push({ leadId: String(lead.Id), from: owner, to: simulated, rule: a.rule });
    }
  }
  return t;
}

/** Fairness over the reps of the pools the rules route to (reps with no lead count as 0). */
function fairness(
  rules: RoutingRule[],
  reps: Rep[],
  counts: Tally['counts'],
): { poolReps: string[]; stats: RouteSimResult['fairness'] } {
  const pools = new Set(rules.filter((r) => r.active !== false && r.targetPool).map((r) => r.targetPool!));
  const poolReps = [
    ...new Set(reps.filter((r) => pools.has(r.pool) && r.active !== false).map((r) => r.userId)),
  ];
  const repCounts = poolReps.map((id) => counts.get(id)?.leads ?? 0);
  const repTotal = repCounts.reduce((s, x) => s + x, 0);
  const shares = repCounts.map((x) => (repTotal ? x / repTotal : 0));
  const maxShare = shares.length ? Math.max(...shares) : null;
  const minShare = shares.length ? Math.min(...shares) : null;
  return {
    poolReps,
    stats: {
      reps: poolReps.length,
      maxShare,
      minShare,
      maxMinRatio: minShare ? maxShare! / minShare : null,
      gini: repTotal ? gini(repCounts) : null,
    },
  };
}

/** Leads per owner, simulated against actual, every pool rep listed (busiest first). */
function loadTable(t: Tally, poolReps: string[], users: Map<string, string>, n: number): RepLoad[] {
  return [...new Set([...t.counts.keys(), ...poolReps])]
    .map((id) => ({
      ownerId: id,
      name: users.get(id) ?? id,
      ownerType: t.counts.get(id)?.type ?? 'User',
      leads: t.counts.get(id)?.leads ?? 0,
      share: n ? (t.counts.get(id)?.leads ?? 0) / n : 0,
      actualLeads: t.actual.get(id) ?? 0,
    }))
    .sort((a, b) => b.leads - a.leads || a.ownerId.localeCompare(b.ownerId));
}

/** The simulation: read the leads since the start, today's reps and the accounts, replay, then measure. */
export async function simulateRouting(
  db: Db,
  rules: RoutingRule[],
  opts: { since?: string } = {},
): Promise<RouteSimResult> {
  await requireColumns(db, 'Lead', ['Id', 'CreatedDate', 'OwnerId']);
  await requireColumns(db, 'Rep_Availability__c', ['User__c', 'Pool__c']);
  const since = await replayStart(db, opts.since);
  const leads = (await db.all(
    `SELECT * FROM "Lead" WHERE "CreatedDate" >= CAST(${lit(since)} AS TIMESTAMP) ORDER BY "CreatedDate", "Id"`,
  )) as SRecord[];
  const users = await userNames(db);
  const reps = await readReps(db, users);
  const index = await accountIndex(db);
  const { openAtSince, releases } = await openAtStart(db, since);
  const tally = replayLeads(startState(rules, since, reps, openAtSince), leads, index, releases);
  const n = leads.length;
  const { poolReps, stats } = fairness(rules, reps, tally.counts);
  // without Rep_Availability__c (an org before install) no pool has reps: every pool rule falls back
  const noReps = (await snapshotCoverage(db)).check('Fallback rate and fairness across pool reps', [
    'Rep_Availability__c',
  ]);
  return {
    since,
    leads: n,
    byRule: [...tally.byRule.entries()]
      .map(([rule, c]) => ({ rule, leads: c }))
      .sort((a, b) => b.leads - a.leads),
    load: loadTable(tally, poolReps, users, n),
    fairness: stats,
    fallbackRate: n && !noReps ? tally.fallback / n : null,
    ownerChanges: tally.changed,
    ownerChangeRate: n ? tally.changed / n : null,
    changes: tally.changes,
    assumptions: [
      "Leads are replayed in CreatedDate order through the engine model's routing and capacity steps (the org's TA_Lead_Route and TA_Lead_Capacity) with the rules of the given config; round-robin pointers carry from lead to lead.",
      "Each rep starts with the leads they held open at the start date; a replayed lead takes its simulated rep's capacity until it converted or closed (ConvertedDate, or LastModifiedDate of a closed status).",
      "Rep pools, weights, capacity and active flags are today's, from Rep_Availability__c. Past PTO is not in a snapshot, so today's Out_Of_Office_Until__c is not applied to the replayed period.",
    ],
    notAvailable: noReps
      ? [{ ...noReps, reason: `${noReps.reason}; leads a rule sends to a pool go to its fallback` }]
      : [],
  };
}

export function routeSimDoc(r: RouteSimResult): ReportDoc {
  return {
    title: 'Routing simulation',
    subtitle: `${num(r.leads)} leads created since ${r.since.slice(0, 10)}, replayed through the routing rules`,
    sections: [
      {
        title: 'Outcome',
        blocks: [
          {
            kind: 'kpis',
            items: [
              { label: 'Leads replayed', value: num(r.leads) },
              {
                label: 'Fallback rate',
                value: pct(r.fallbackRate),
                benchmark: '< 5%',
                status:
                  r.fallbackRate === null
                    ? 'info'
                    : r.fallbackRate < 0.05
                      ? 'good'
                      : r.fallbackRate < 0.1
                        ? 'warn'
                        : 'bad',
              },
              {
                label: 'Leads whose owner changes',
                value: `${num(r.ownerChanges)} (${pct(r.ownerChangeRate)})`,
              },
              {
                label: 'Fairness: max/min share',
                value: r.fairness.maxMinRatio === null ? 'n/a' : `${r.fairness.maxMinRatio.toFixed(2)}×`,
                note: `${r.fairness.reps} pool reps; max ${pct(r.fairness.maxShare)}, min ${pct(r.fairness.minShare)}`,
              },
              {
                label: 'Fairness: Gini',
                value: r.fairness.gini === null ? 'n/a' : r.fairness.gini.toFixed(3),
                benchmark: '< 0.20',
                status:
                  r.fairness.gini === null
                    ? 'info'
                    : r.fairness.gini < 0.2
                      ? 'good'
                      : r.fairness.gini < 0.35
                        ? 'warn'
                        : 'bad',
              },
            ],
          },
          {
            kind: 'bars',
            title: 'Leads by rule',
            items: r.byRule.map((b) => ({ label: b.rule, value: b.leads, display: num(b.leads) })),
          },
          {
            kind: 'bars',
            title: 'Load per owner (simulated)',
            items: r.load
              .slice(0, 40)
              .map((l) => ({ label: l.name, value: l.leads, display: `${num(l.leads)} (${pct(l.share)})` })),
          },
        ],
      },
      {
        title: 'Who would get what',
        blocks: [
          {
            kind: 'table',
            columns: ['owner', 'type', 'simulated leads', 'share', 'actual leads'],
            rows: r.load.map((l) => [l.name, l.ownerType, num(l.leads), pct(l.share), num(l.actualLeads)]),
            limit: 15,
          },
          {
            kind: 'table',
            title: 'Leads whose owner changes (first 50)',
            columns: ['lead', 'owner now', 'simulated owner', 'rule'],
            rows: r.changes.map((c) => [c.leadId, c.from ?? '', c.to, c.rule ?? '(fallback)']),
            idColumns: [0],
            limit: 10,
          },
          { kind: 'text', text: r.assumptions.join(' ') },
        ],
      },
      ...notAvailableSections(r.notAvailable),
    ],
  };
}
