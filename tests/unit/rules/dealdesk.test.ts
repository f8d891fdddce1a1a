import { describe, expect, it } from 'vitest';
import { evaluateDealDesk, type ApprovalTier } from '../../../scripts/lib/rules/dealdesk.ts';

const tiers: ApprovalTier[] = [
  { order: 1, tier: 'Standard', minDiscount: 0, maxDiscount: 10 },
  {
    order: 2,
    tier: 'Manager',
    minDiscount: 10,
    maxDiscount: 20,
    approvers: 'Manager',
    approvalProcess: 'Discount_Manager',
  },
  { order: 3, tier: 'VP Sales', minDiscount: 20, maxDiscount: 40, approvers: 'VP_Sales' },
  {
    order: 4,
    tier: 'Deal Desk',
    minDiscount: 40,
    maxDiscount: null,
    triggersOnNonStandardTerms: true,
    approvers: 'Deal_Desk',
  },
  {
    order: 5,
    tier: 'Finance and Legal',
    minTermMonths: 13,
    segment: 'Enterprise',
    approvers: 'Finance;Legal',
    parallel: true,
  },
];
const ev = (discountPercent: number, termMonths = 12, nonStandardTerms: string[] = [], segment = 'SMB') =>
  evaluateDealDesk({ discountPercent, termMonths, nonStandardTerms, segment, tiers });

describe('deal desk', () => {
  it('puts every band boundary in the higher tier (10.00 → Manager, 20.00 → VP Sales, 40.00 → Deal Desk)', () => {
    expect([9.99, 10, 19.99, 20, 39.99, 40].map((d) => ev(d).tier)).toEqual([
      'Standard',
      'Manager',
      'Manager',
      'VP Sales',
      'VP Sales',
      'Deal Desk',
    ]);
  });

  it('never lowers the tier when the discount rises', () => {
    const rank = ['Standard', 'Manager', 'VP Sales', 'Deal Desk'];
    let last = 0;
    for (let d = 0; d <= 100; d += 0.25) {
      const r = rank.indexOf(ev(d).tier);
      expect(r).toBeGreaterThanOrEqual(last);
      last = r;
    }
  });

  it('sends 41 % with net-90 to the deal desk and explains both triggers', () => {
    const r = ev(41, 12, ['Net-90']);
    expect(r.tier).toBe('Deal Desk');
    expect(r.reasons).toEqual(['Deal Desk: discount 41% in [40, ∞)']);
  });

  it('adds Finance and Legal in parallel to any tier on multi-year deals', () => {
    expect(ev(45, 36)).toMatchObject({
      tier: 'Deal Desk + Finance and Legal',
      approvers: ['Deal_Desk', 'Finance', 'Legal'],
      parallel: true,
    });
  });

  it('rejects an impossible discount with the valid range', () => {
    expect(() => ev(120)).toThrow(/between 0 and 100/);
    expect(() => ev(-1)).toThrow(/between 0 and 100/);
  });

  it('tells the admin to add a Standard tier when no tier matches', () => {
    expect(() =>
      evaluateDealDesk({
        discountPercent: 5,
        termMonths: 12,
        nonStandardTerms: [],
        segment: null,
        tiers: tiers.slice(1),
      }),
    ).toThrow(/Min_Discount__c 0/);
  });
});
