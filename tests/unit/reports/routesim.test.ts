import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSnapshot } from './fixture.ts';
import {
  gini,
  routeSimDoc,
  simulateRouting,
  type RouteSimResult,
} from '../../../scripts/lib/reports/routesim.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import type { RoutingRule } from '../../../scripts/lib/rules/routing.ts';
import type { Db } from '../../../scripts/lib/reports/db.ts';

const RULES: RoutingRule[] = [
  {
    name: 'Territory_DACH',
    priority: 10,
    method: 'Territory',
    criteria: 'Country equals DE',
    targetQueue: 'EMEA_Queue',
  },
  { name: 'Round_Robin_Core', priority: 90, method: 'Round-Robin', targetPool: 'Core' },
];

let db: Db;
let r: RouteSimResult;
beforeAll(async () => {
  const countries = ['US', 'DE', 'US', 'US', 'US', 'US'];
  ({ db } = await fixtureSnapshot({
    Lead: [
      { Id: '00QOLD', Country: 'US', CreatedDate: '2025-06-01 00:00:00', OwnerId: '005U1', Status: 'Open' },
      ...countries.map((Country, i) => ({
        Id: `00QL${i + 1}`,
        Country,
        CreatedDate: `2026-01-0${i + 1} 09:00:00`,
        OwnerId: '005U1',
        Status: 'Open',
      })),
    ],
    User: ['1', '2', '3', '4'].map((k) => ({ Id: `005U${k}`, Name: `Rep ${k}` })),
    Rep_Availability__c: [
      { Id: 'a01', User__c: '005U1', Pool__c: 'Core', Weight__c: 1, Active__c: true },
      { Id: 'a02', User__c: '005U2', Pool__c: 'Core', Weight__c: 1, Active__c: true },
      { Id: 'a03', User__c: '005U3', Pool__c: 'Core', Weight__c: 2, Active__c: true },
      { Id: 'a04', User__c: '005U4', Pool__c: 'Core', Weight__c: 1, Active__c: false },
    ],
  }));
  r = await simulateRouting(db, RULES, { since: '2026-01-01' });
});
afterAll(() => db.close());

describe('routing simulation', () => {
  it('replays leads since the date through the rules: territory first, then weighted round-robin', () => {
    expect(r.leads).toBe(6);
    expect(r.byRule).toEqual([
      { rule: 'Round_Robin_Core', leads: 5 },
      { rule: 'Territory_DACH', leads: 1 },
    ]);
    const load = Object.fromEntries(r.load.map((l) => [l.ownerId, l.leads]));
    // smooth weighted round-robin, weights 1/1/2: U3, U1, U2, U3, U3; the inactive rep gets nothing
    expect(load).toEqual({ '005U3': 3, '005U1': 1, '005U2': 1, EMEA_Queue: 1 });
  });

  it('measures fairness over the pool reps (max/min share and Gini), fallback rate and owner changes', () => {
    expect(r.fairness.reps).toBe(3);
    expect(r.fairness.maxShare).toBeCloseTo(0.6, 10);
    expect(r.fairness.minShare).toBeCloseTo(0.2, 10);
    expect(r.fairness.maxMinRatio).toBeCloseTo(3, 10);
    expect(r.fairness.gini).toBeCloseTo(0.8 / 3, 10);
    expect(r.fallbackRate).toBe(0);
    expect(r.ownerChanges).toBe(5);
    expect(renderTerminal(routeSimDoc(r))).toContain('Fairness: Gini');
  });

  it('computes Gini as 0 for an even split and grows with concentration', () => {
    expect(gini([5, 5, 5])).toBe(0);
    expect(gini([0, 0, 9])).toBeCloseTo(2 / 3, 10);
  });
});
