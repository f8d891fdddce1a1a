import { describe, expect, it } from 'vitest';
import {
  pickWeighted,
  route,
  type Rep,
  type RouteInput,
  type RoutingRule,
} from '../../../scripts/lib/rules/routing.ts';

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
