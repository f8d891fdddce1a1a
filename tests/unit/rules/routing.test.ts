import { describe, expect, it } from 'vitest';
import {
  accountCandidatesFor,
  accountDomainKey,
  accountNameKey,
} from '../../../scripts/lib/rules/accountKeys.ts';
import {
  capacityHolder,
  pickWeighted,
  prepareRouter,
  releaseCapacity,
  route,
  type PointerState,
  type Rep,
  type RouteInput,
  type RoutingRule,
} from '../../../scripts/lib/rules/routing.ts';
import { candidatesJson, traceJson } from '../../../scripts/lib/snapshot/demo/decision.ts';

const rep = (userId: string, extra: Partial<Rep> = {}): Rep => ({
  userId,
  name: userId,
  pool: 'NA',
  capacity: null,
  openLeads: 0,
  weight: 1,
  active: true,
  ...extra,
});
const rules: RoutingRule[] = [
  { name: 'Named_Accounts', priority: 10, method: 'Account-Based' },
  { name: 'Territory_NA', priority: 20, method: 'Territory', criteria: 'Country in US;CA', targetPool: 'NA' },
];
const base = (leads: RouteInput['leads'], reps: Rep[] = [rep('u1'), rep('u2'), rep('u3')]): RouteInput => ({
  leads,
  rules,
  reps,
  accounts: [{ id: 'a1', name: 'Acme Inc', website: 'acme.com', ownerId: 'owner-acme' }],
  pointers: {},
  now: '2026-03-10T15:00:00Z',
});
const usLeads = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `L${i}`, Country: 'US' }));

describe('routing', () => {
  it('routes a named-account lead to the account owner before territory rules', () => {
    const r = route(base([{ Id: 'L1', Email: 'cfo@acme.com', Country: 'US' }]));
    expect(r.assignments[0]).toMatchObject({
      ownerId: 'owner-acme',
      rule: 'Named_Accounts',
      matchedAccountId: 'a1',
    });
    expect(r.assignments[0].trace.rulesTried[0]).toMatchObject({ rule: 'Named_Accounts', matched: true });
  });

  it('spreads a 200-lead insert evenly instead of landing on one rep', () => {
    const r = route(base(usLeads(200)));
    expect(r.ownerCounts).toEqual({ u1: 67, u2: 67, u3: 66 });
  });

  it('gives the same owners in one bulk call as in one call per lead with the pointer carried over', () => {
    const reps = [
      rep('u1', { capacity: 10 }),
      rep('u2', { weight: 3 }),
      rep('u3', { outOfOfficeUntil: '2026-03-11T00:00:00Z' }),
    ];
    const bulk = route(base(usLeads(25), reps));
    let pointers = {};
    const single: string[] = [];
    let open = reps;
    for (const lead of usLeads(25)) {
      const r = route({ ...base([lead], open), pointers });
      single.push(r.assignments[0].ownerId);
      pointers = r.pointers;
      open = open.map((x) => ({ ...x, openLeads: r.openLeads[x.userId] }));
    }
    expect(bulk.assignments.map((a) => a.ownerId)).toEqual(single);
    expect(new Set(single)).toEqual(new Set(['u1', 'u2']));
  });

  it('never assigns more leads to a rep than its remaining capacity', () => {
    const r = route(
      base(usLeads(30), [rep('u1', { capacity: 5, openLeads: 3 }), rep('u2', { capacity: 10 })]),
    );
    expect(r.ownerCounts).toEqual({ u1: 2, u2: 10, Lead_Fallback: 18 });
    expect(r.assignments.at(-1)).toMatchObject({ ownerType: 'Queue', fallbackUsed: true, rule: null });
  });

  it('does not depend on the order reps arrive in', () => {
    const reps = [rep('u3', { weight: 2 }), rep('u1'), rep('u2')];
    const a = route(base(usLeads(12), reps)).assignments.map((x) => x.ownerId);
    const b = route(base(usLeads(12), [...reps].reverse())).assignments.map((x) => x.ownerId);
    expect(a).toEqual(b);
  });

  it('records the pointer before and after in the trace', () => {
    const r = route(base(usLeads(2)));
    expect(r.assignments[1].trace.pointerBefore).toEqual(r.assignments[0].trace.pointerAfter);
    expect(r.assignments[1].trace.pool).toBe('NA');
  });

  it('explains in the trace why each rule was passed over', () => {
    const r = route(base([{ Id: 'L1', Country: 'FR' }]));
    expect(r.assignments[0].trace.rulesTried.map((t) => t.note)).toEqual([
      'no matching account',
      'criteria not met: Country in US;CA',
      'no rule assigned the lead; fallback Lead_Fallback',
    ]);
  });

  it('picks reps in proportion to weight with smooth weighted round-robin', () => {
    const state: Record<string, number> = {};
    const reps = [rep('a', { weight: 5 }), rep('b'), rep('c')];
    const seq = Array.from({ length: 7 }, () => pickWeighted(reps, state)?.userId).join('');
    expect(seq).toBe('aabacaa');
    expect(state).toEqual({ a: 0, b: 0, c: 0 });
  });

  it('rejects a rule with no target, naming the rule and the fields to set', () => {
    const bad = {
      ...base(usLeads(1)),
      rules: [{ name: 'Broken', priority: 1, method: 'Territory' as const }],
    };
    expect(() => route(bad)).toThrow(/Broken: set Target_User__c, Target_Pool__c or Target_Queue__c/);
  });

  it('rejects criteria it cannot parse with the operator list', () => {
    const bad = {
      ...base(usLeads(1)),
      rules: [
        {
          name: 'Bad',
          priority: 1,
          method: 'Territory' as const,
          criteria: 'Country is US',
          targetQueue: 'Q',
        },
      ],
    };
    expect(() => route(bad)).toThrow(/not "<Field> <operator> <value>"/);
  });
});

describe('account owner availability and inactive users', () => {
  const acmeLead = [{ Id: 'L1', Email: 'cfo@acme.com', Country: 'US' }];
  const owner = (extra: Partial<Rep>) => rep('owner-acme', { pool: 'Named', ...extra });

  it('routes to the account owner who has no availability row and counts nothing for them', () => {
    const r = route(base(acmeLead));
    expect(r.assignments[0].ownerId).toBe('owner-acme');
    expect(r.openLeads['owner-acme']).toBeUndefined();
  });

  it('counts a named-account lead against the owner who has an availability row', () => {
    const r = route(base(acmeLead, [rep('u1'), owner({ capacity: 5, openLeads: 2 })]));
    expect(r.assignments[0].ownerId).toBe('owner-acme');
    expect(r.openLeads['owner-acme']).toBe(3);
  });

  it('passes an out-of-office account owner over to the territory pool, saying why', () => {
    const r = route(base(acmeLead, [rep('u1'), owner({ outOfOfficeUntil: '2026-03-11T00:00:00Z' })]));
    expect(r.assignments[0]).toMatchObject({ ownerId: 'u1', rule: 'Territory_NA', matchedAccountId: 'a1' });
    expect(r.assignments[0].trace.rulesTried[0]).toEqual({
      rule: 'Named_Accounts',
      matched: false,
      note: 'account a1: owner owner-acme is out_of_office; next rule',
    });
  });

  it('passes an account owner at capacity over, and takes them again once a lead is released', () => {
    const full = route(base(acmeLead, [rep('u1'), owner({ capacity: 3, openLeads: 3 })]));
    expect(full.assignments[0].ownerId).toBe('u1');
    expect(full.assignments[0].trace.rulesTried[0].note).toMatch(/is at_capacity; next rule/);
    const freed = route(base(acmeLead, [rep('u1'), owner({ capacity: 3, openLeads: 2 })]));
    expect(freed.assignments[0].ownerId).toBe('owner-acme');
  });

  it('passes an inactive account owner over even without an availability row', () => {
    const r = route({ ...base(acmeLead), inactiveUsers: ['owner-acme'] });
    expect(r.assignments[0].ownerId).not.toBe('owner-acme');
    expect(r.assignments[0].trace.rulesTried[0].note).toBe(
      'account a1: owner owner-acme is inactive; next rule',
    );
  });

  it('skips an inactive Target_User__c with a trace note and goes on to the next rule', () => {
    const input = {
      ...base([{ Id: 'L1', Country: 'US' }]),
      rules: [{ name: 'VIP', priority: 1, method: 'Territory' as const, targetUser: 'u99' }, ...rules],
      inactiveUsers: ['u99'],
    };
    const r = route(input);
    expect(r.assignments[0].rule).toBe('Territory_NA');
    expect(r.assignments[0].trace.rulesTried[0]).toEqual({
      rule: 'VIP',
      matched: false,
      note: 'target user u99 is inactive; next rule',
    });
    expect(route({ ...input, inactiveUsers: [] }).assignments[0].ownerId).toBe('u99');
  });
});

describe('capacity release', () => {
  const open = {
    OwnerId: '005A',
    Status: 'Open - Not Contacted',
    IsConverted: false,
    Lifecycle_Stage__c: 'MQL',
  };

  it("a lead holds its owner's capacity while open, owned by a user", () => {
    expect(capacityHolder(open)).toBe('005A');
    expect(capacityHolder({ ...open, OwnerId: '00GQ' })).toBeNull();
    expect(capacityHolder({ ...open, IsConverted: true })).toBeNull();
    expect(capacityHolder({ ...open, Status: 'Closed - Not Converted' })).toBeNull();
    expect(capacityHolder({ ...open, Status: ' unqualified ' })).toBeNull();
    expect(
      capacityHolder({ ...open, Lifecycle_Stage__c: 'Lead', Recycled_Date__c: '2026-03-01' }),
    ).toBeNull();
    expect(capacityHolder({ ...open, Lifecycle_Stage__c: 'MQL', Recycled_Date__c: '2026-03-01' })).toBe(
      '005A',
    );
  });

  it('releases on conversion, disqualification and recycling, never below 0', () => {
    const r = releaseCapacity({
      changes: [
        { before: open, after: { ...open, IsConverted: true, Status: 'Closed - Converted' } },
        { before: open, after: { ...open, Status: 'Closed - Not Converted' } },
        { before: open, after: { ...open, Lifecycle_Stage__c: 'Lead', Recycled_Date__c: '2026-03-02' } },
      ],
      reps: [rep('005A', { openLeads: 2 })],
    });
    expect(r).toEqual({ deltas: { '005A': -3 }, openLeads: { '005A': 0 } });
  });

  it('moves a lead from one rep to another and counts nothing for an unchanged or re-run update', () => {
    const moved = { ...open, OwnerId: '005B' };
    const r = releaseCapacity({
      changes: [
        { before: open, after: moved },
        { before: open, after: { ...open, Title: 'CEO' } },
      ],
      reps: [rep('005A', { openLeads: 4 }), rep('005B', { openLeads: 1, pool: 'EMEA' })],
    });
    expect(r).toEqual({ deltas: { '005A': -1, '005B': 1 }, openLeads: { '005A': 3, '005B': 2 } });
    expect(releaseCapacity({ changes: [{ before: moved, after: moved }] }).deltas).toEqual({});
  });
});

describe('account candidates by indexed key', () => {
  const accounts = [
    { id: '001C', name: 'Acme, Inc.', website: 'https://www.acme.com/about', ownerId: 'o1' },
    { id: '001A', name: 'Globex', website: 'acme.com', ownerId: 'o2' },
    { id: '001B', name: 'Acme Widgets', website: 'acmewidgets.com', ownerId: 'o3', isSystemOfRecord: true },
    { id: '001D', name: 'Initech', website: null, ownerId: 'o4' },
  ];

  it('keys accounts by normalised domain and name', () => {
    expect(accountDomainKey('https://www.Acme.com/x')).toBe('acme.com');
    expect(accountNameKey('The Acme Widgets, Inc.')).toBe('acme widgets');
    expect(accountDomainKey('')).toBeNull();
    expect(accountNameKey('x'.repeat(300))).toHaveLength(255);
  });

  it('reads exact key matches only (no substring), system of record first, then by Id, bounded', () => {
    const found = accountCandidatesFor([{ Email: 'jo@acme.com', Company: 'Acme Widgets LLC' }], accounts);
    expect(found.map((a) => a.id)).toEqual(['001B', '001A', '001C']);
    expect(accountCandidatesFor([{ Email: 'jo@acme.com' }], accounts, 1).map((a) => a.id)).toEqual(['001A']);
    expect(accountCandidatesFor([{ Matched_Account__c: '001D' }], accounts).map((a) => a.id)).toEqual([
      '001D',
    ]);
    expect(accountCandidatesFor([{ Email: 'jo@gmail.com', Website: 'cme.com' }], accounts)).toEqual([]);
  });
});

describe('prepareRouter', () => {
  // a small seeded generator (mulberry32) so a failure reproduces
  const rng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];

  it('routes call after call like route() on copies, with pointers updated in place and rows kept current', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const pools = ['NA', 'EMEA', 'APAC'];
      const users = Array.from(
        { length: 3 + Math.floor(r() * 12) },
        (_, i) => `005U${String(i).padStart(2, '0')}`,
      );
      const reps: Rep[] = users.map((u) => ({
        userId: u,
        name: `Rep ${u}`,
        pool: pick(r, pools),
        capacity: r() < 0.3 ? null : Math.floor(r() * 6),
        openLeads: Math.floor(r() * 4),
        weight: pick(r, [1, 1, 2, 3, 0]),
        active: r() > 0.1,
        outOfOfficeUntil: r() < 0.2 ? '2026-03-12T00:00:00Z' : null,
        languages: r() < 0.5 ? ['French'] : ['English', 'German'],
        productLines: r() < 0.5 ? ['Core'] : ['Analytics'],
      }));
      // a user with rows in two pools
      reps.push({ ...reps[0], pool: pick(r, pools), openLeads: Math.floor(r() * 5) });
      const owners = [users[0], users[1], 'owner-x'];
      const routingRules: RoutingRule[] = [
        { name: 'Named', priority: 10, method: 'Account-Based' },
        {
          name: 'Skill_FR',
          priority: 20,
          method: 'Skill',
          criteria: 'Preferred_Language__c equals French',
          targetPool: 'EMEA',
        },
        {
          name: 'VIP',
          priority: 25,
          method: 'Territory',
          criteria: 'LeadSource equals Partner',
          targetUser: users[2],
        },
        { name: 'NA', priority: 30, method: 'Territory', criteria: 'Country in US;CA', targetPool: 'NA' },
        {
          name: 'EU',
          priority: 40,
          method: 'Territory',
          criteria: 'Country in DE;FR',
          targetPool: 'EMEA',
          targetQueue: 'EU_Queue',
        },
        { name: 'AP', priority: 50, method: 'Round-Robin', targetPool: 'APAC', fallbackOwner: 'AP_Fallback' },
        { name: 'Off', priority: 5, method: 'Territory', targetQueue: 'Never', active: false },
      ];
      const accounts = [
        { id: 'a1', name: 'Acme Inc', website: 'acme.com', ownerId: pick(r, owners) },
        { id: 'a2', name: 'Globex', website: 'globex.io', ownerId: pick(r, owners) },
        { id: 'a3', name: 'Acme Corp', website: 'acme-corp.com', ownerId: pick(r, owners) },
      ];
      const inactiveUsers = r() < 0.5 ? [users[2]] : [];
      const router = prepareRouter({ rules: routingRules, reps, inactiveUsers });
      const lean = prepareRouter({
        rules: routingRules,
        reps,
        inactiveUsers,
        decisionOnly: { candidates: 2 },
      });
      let pointers: PointerState = {};
      const live = pointers;
      const leanPointers: PointerState = {};
      for (let call = 0; call < 6; call++) {
        const leads = Array.from({ length: 1 + Math.floor(r() * 25) }, (_, i) => ({
          Id: `L${call}-${i}`,
          Country: pick(r, ['US', 'CA', 'DE', 'FR', 'JP', null]),
          Email: pick(r, ['x@acme.com', 'y@globex.io', 'z@gmail.com', null]),
          Company: pick(r, ['Acme Inc', 'Globex', 'Initech', null]),
          Preferred_Language__c: pick(r, ['French', 'German', null]),
          Product_Interest__c: pick(r, ['Core', 'Analytics', null]),
          LeadSource: pick(r, ['Partner', 'Web']),
        }));
        const now = pick(r, ['2026-03-10T15:00:00Z', '2026-03-13T09:00:00Z']);
        const callAccounts = accounts.filter(() => r() < 0.8);
        const expected = route({
          leads,
          rules: routingRules,
          reps: JSON.parse(JSON.stringify(reps)) as Rep[],
          accounts: callAccounts,
          pointers,
          inactiveUsers,
          now,
        });
        const got = router({ leads, accounts: callAccounts, pointers: live, now });
        // decisionOnly: the same routing, two candidates kept, no pointer copies in the trace
        const leanGot = lean({ leads, accounts: callAccounts, pointers: leanPointers, now });
        expect(leanGot).toEqual({
          ...expected,
          assignments: expected.assignments.map((x) => ({
            ...x,
            candidates: x.candidates.slice(0, 2),
            trace: { ...x.trace, pointerBefore: null, pointerAfter: null },
          })),
        });
        expect(got, `seed ${seed} call ${call}`).toEqual(expected);
        for (const a of got.assignments) {
          // the demo's Routing_Decision__c text is JSON.stringify's, built without the objects
          expect(candidatesJson(a)).toBe(JSON.stringify(a.candidates.slice(0, 6)));
          const { rulesTried, pool, accountMatches } = a.trace;
          expect(traceJson(a)).toBe(JSON.stringify({ rulesTried, pool, accountMatches }));
        }
        expect(got.pointers).toBe(live);
        pointers = expected.pointers;
        // the caller keeps the rows current between calls, as the demo's routing desk does
        for (const rp of reps) {
          rp.openLeads = Math.max(0, got.openLeads[rp.userId] - Math.floor(r() * 2));
          rp.outOfOfficeUntil = r() < 0.2 ? '2026-03-14T00:00:00Z' : null;
        }
      }
    }
  });

  it("the demo's decision JSON escapes what JSON.stringify escapes", () => {
    const odd = 'Zoë "Q" \\ \n\u0001 \ud800 €';
    const r = route({
      ...base(
        [{ Id: 'L1', Country: 'US', Email: `x@${'acme.com'}` }],
        [rep('u"1', { name: odd }), rep('u2', { name: odd, active: false })],
      ),
      accounts: [],
    });
    const a = r.assignments[0];
    expect(candidatesJson(a)).toBe(JSON.stringify(a.candidates.slice(0, 6)));
    const { rulesTried, pool, accountMatches } = a.trace;
    expect(traceJson(a)).toBe(JSON.stringify({ rulesTried, pool, accountMatches }));
    expect(JSON.parse(candidatesJson(a))[0].name).toBe(odd);
  });

  it('a bad Out_Of_Office_Until__c fails only when a lead reaches that rep, as route() does', () => {
    const reps = [rep('u1'), rep('u2', { pool: 'EMEA', outOfOfficeUntil: 'soon' })];
    const router = prepareRouter({ rules, reps });
    const ok = router({ leads: usLeads(2), accounts: [], pointers: {}, now: '2026-03-10T15:00:00Z' });
    expect(ok.assignments.map((a) => a.ownerId)).toEqual(['u1', 'u1']);
    const emea: RoutingRule[] = [{ name: 'EU', priority: 1, method: 'Territory', targetPool: 'EMEA' }];
    expect(() =>
      prepareRouter({ rules: emea, reps })({
        leads: usLeads(1),
        accounts: [],
        pointers: {},
        now: '2026-03-10T15:00:00Z',
      }),
    ).toThrow(/rep u2 outOfOfficeUntil: "soon" is not an ISO-8601 datetime/);
  });
});
