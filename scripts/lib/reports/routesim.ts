// Routing simulation: replays the routing rules (current config or a proposed one) over past leads with
// the rules' own route(), and measures who would get what: load per rep, fairness, fallback rate, owner changes.
import {
  normalizeCompany,
  websiteDomain,
  companyEmailDomain,
  type AccountCandidate,
} from '../rules/match.ts';
import { capacityHolder, type Rep, type RoutingRule } from '../rules/routing.ts';
import { newState, routingConfig } from '../engine/state.ts';
import { applyCapacity, applyRouting } from '../engine/triggers.ts';
import type { SRecord } from '../rules/types.ts';
import { lit, ReportError, requireColumns, toIso, type Db } from './db.ts';
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

export async function simulateRouting(
  db: Db,
  rules: RoutingRule[],
  opts: { since?: string } = {},
): Promise<RouteSimResult> {
  await requireColumns(db, 'Lead', ['Id', 'CreatedDate', 'OwnerId']);
  await requireColumns(db, 'Rep_Availability__c', ['User__c', 'Pool__c']);
  const [{ since }] = opts.since
    ? await db.all<{ since: string }>(
        `SELECT CAST(CAST(${lit(opts.since)} AS TIMESTAMP) AS VARCHAR) AS since`,
      )
    : await db.all<{ since: string }>(
        `SELECT CAST(max("CreatedDate") - INTERVAL 90 DAY AS VARCHAR) AS since FROM "Lead"`,
      );
  if (!since) throw new ReportError('The snapshot has no leads to replay.');
  const cols = new Set(await db.tableColumns('Lead'));
  const leads = (await db.all(
    `SELECT * FROM "Lead" WHERE "CreatedDate" >= CAST(${lit(since)} AS TIMESTAMP) ORDER BY "CreatedDate", "Id"`,
  )) as SRecord[];
  const users = new Map(
    (await db.hasTable('User'))
      ? (await db.all<{ Id: string; Name: string | null }>(`SELECT "Id", "Name" FROM "User"`)).map((u) => [
          u.Id,
          u.Name ?? u.Id,
        ])
      : [],
  );
  const repRows = await db.all(`SELECT * FROM "Rep_Availability__c"`);
  const reps: Rep[] = repRows.map((r) => ({
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
  // Accounts indexed by the only keys lead-to-account matching compares (domain, normalised name).
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

  // The engine model's routing step (TA_Lead_Route) and capacity step (TA_Lead_Capacity), over time: a lead
  // takes its simulated rep's capacity until it converts or closes, as Open_Leads__c does in the org.
  const state = newState(routingConfig(rules), since);
  const releaseAt = (l: SRecord): string | null =>
    l.IsConverted === true && l.ConvertedDate
      ? toIso(l.ConvertedDate)
      : capacityHolder({ OwnerId: '005', Status: l.Status ?? null }) === null
        ? toIso(l.LastModifiedDate ?? l.CreatedDate)
        : null;
  const openAtSince = new Map<string, number>();
  const releases: { at: string; ownerId: string }[] = [];
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
  const release = (until: string) => {
    releases.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    while (releases.length && releases[0].at <= until) {
      const { ownerId } = releases.shift()!;
      const held = { Id: 'release', OwnerId: ownerId };
      applyCapacity(state, { ...held, IsConverted: true }, held);
    }
  };

  const counts = new Map<string, { leads: number; type: 'User' | 'Queue' }>();
  const actual = new Map<string, number>();
  const byRule = new Map<string, number>();
  let fallback = 0;
  let changed = 0;
  const changes: RouteSimResult['changes'] = [];
  for (const lead of leads) {
    const keys = [
      'd:' + companyEmailDomain(lead.Email),
      'd:' + websiteDomain(lead.Website),
      'n:' + normalizeCompany(lead.Company),
    ];
    const candidates = [...new Set(keys.flatMap((k) => (k.length > 2 ? (index.get(k) ?? []) : [])))];
    state.now = toIso(lead.CreatedDate)!;
    release(state.now);
    const rec = { ...lead, Id: String(lead.Id), OwnerId: null, Matched_Account__c: null };
    const a = applyRouting(state, rec, candidates);
    const isQueue = a.ownerId.startsWith('queue:');
    const simulated = isQueue ? a.ownerId.slice('queue:'.length) : a.ownerId;
    const at = releaseAt(lead);
    if (at !== null && !isQueue) releases.push({ at, ownerId: simulated });
    const c = counts.get(simulated) ?? { leads: 0, type: isQueue ? 'Queue' : 'User' };
    c.leads++;
    counts.set(simulated, c);
    const owner = (lead.OwnerId as string | null) ?? null;
    if (owner) actual.set(owner, (actual.get(owner) ?? 0) + 1);
    byRule.set(a.rule ?? '(fallback)', (byRule.get(a.rule ?? '(fallback)') ?? 0) + 1);
    if (a.fallbackUsed) fallback++;
    if (owner !== simulated) {
      changed++;
      if (changes.length < 50)
        changes.push({ leadId: String(lead.Id), from: owner, to: simulated, rule: a.rule });
    }
  }
  const n = leads.length;
  // Fairness over the reps of the pools the rules route to (reps with no lead count as 0).
  const pools = new Set(rules.filter((r) => r.active !== false && r.targetPool).map((r) => r.targetPool!));
  const poolReps = [
    ...new Set(reps.filter((r) => pools.has(r.pool) && r.active !== false).map((r) => r.userId)),
  ];
  const repCounts = poolReps.map((id) => counts.get(id)?.leads ?? 0);
  const repTotal = repCounts.reduce((s, x) => s + x, 0);
  const shares = repCounts.map((x) => (repTotal ? x / repTotal : 0));
  const maxShare = shares.length ? Math.max(...shares) : null;
  const minShare = shares.length ? Math.min(...shares) : null;
  const load: RepLoad[] = [...new Set([...counts.keys(), ...poolReps])]
    .map((id) => ({
      ownerId: id,
      name: users.get(id) ?? id,
      ownerType: counts.get(id)?.type ?? 'User',
      leads: counts.get(id)?.leads ?? 0,
      share: n ? (counts.get(id)?.leads ?? 0) / n : 0,
      actualLeads: actual.get(id) ?? 0,
    }))
    .sort((a, b) => b.leads - a.leads || a.ownerId.localeCompare(b.ownerId));
  return {
    since,
    leads: n,
    byRule: [...byRule.entries()].map(([rule, c]) => ({ rule, leads: c })).sort((a, b) => b.leads - a.leads),
    load,
    fairness: {
      reps: poolReps.length,
      maxShare,
      minShare,
      maxMinRatio: minShare ? maxShare! / minShare : null,
      gini: repTotal ? gini(repCounts) : null,
    },
    fallbackRate: n ? fallback / n : null,
    ownerChanges: changed,
    ownerChangeRate: n ? changed / n : null,
    changes,
    assumptions: [
      "Leads are replayed in CreatedDate order through the engine model's routing and capacity steps (the org's TA_Lead_Route and TA_Lead_Capacity) with the rules of the given config; round-robin pointers carry from lead to lead.",
      "Each rep starts with the leads they held open at the start date; a replayed lead takes its simulated rep's capacity until it converted or closed (ConvertedDate, or LastModifiedDate of a closed status).",
      "Rep pools, weights, capacity and active flags are today's, from Rep_Availability__c. Past PTO is not in a snapshot, so today's Out_Of_Office_Until__c is not applied to the replayed period.",
    ],
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
            limit: 10,
          },
          { kind: 'text', text: r.assumptions.join(' ') },
        ],
      },
    ],
  };
}
