import { describe, expect, it } from 'vitest';
import {
  canCloseWon,
  evaluateDealDesk,
  type ApprovalTier,
  type CloseWonInput,
} from '../../../scripts/lib/rules/dealdesk.ts';

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

describe('close-won gate', () => {
  const stagePolicies = [
    { stage: 'Negotiation', isWon: false },
    { stage: 'Closed Won', isWon: true },
    { stage: 'Closed Lost', isWon: false },
  ];
  const close = (over: Partial<CloseWonInput>) =>
    canCloseWon({
      stage: 'Closed Won',
      previousStage: 'Negotiation',
      stagePolicies,
      discountPercent: 25,
      termMonths: 12,
      nonStandardTerms: [],
      segment: 'SMB',
      tiers,
      approvalStatus: 'Pending',
      approvalTier: 'VP Sales',
      ...over,
    });

  it('refuses every status but Approved for a deal that needs approval, naming the tier on StageName', () => {
    for (const approvalStatus of ['Pending', 'Rejected', 'Recalled', 'Not Required', null]) {
      const r = close({ approvalStatus });
      expect(r.allowed, String(approvalStatus)).toBe(false);
      expect(r.errorField).toBe('StageName');
      expect(r.error).toContain('"VP Sales" deal-desk approval');
    }
    expect(close({ approvalStatus: 'Approved' }).allowed).toBe(true);
  });

  it('tells a rejected deal to change terms and resubmit, or close lost', () => {
    expect(close({ approvalStatus: 'Rejected' }).error).toMatch(
      /rejected: change the discount or terms.*close the deal lost/,
    );
  });

  it('needs the approval for the tier the terms need now, not an earlier one', () => {
    const r = close({ discountPercent: 45, approvalStatus: 'Approved', approvalTier: 'VP Sales' });
    expect(r.allowed).toBe(false);
    expect(r.requiredTier).toBe('Deal Desk');
    expect(r.error).toContain('the approval given was for "VP Sales"');
  });

  it('lets Standard deals, moves that do not enter a won stage, and bypass holders through', () => {
    expect(close({ discountPercent: 5, approvalStatus: 'Not Required' }).allowed).toBe(true);
    expect(close({ stage: 'Closed Lost', approvalStatus: 'Rejected' }).applies).toBe(false);
    expect(close({ previousStage: 'Closed Won', approvalStatus: 'Rejected' }).applies).toBe(false);
    const bypass = close({ approvalStatus: 'Rejected', bypass: true });
    expect([bypass.applies, bypass.allowed]).toEqual([false, true]);
  });

  it('gates a deal inserted straight into Closed Won like one moved there', () => {
    expect(close({ previousStage: null }).allowed).toBe(false);
  });
});
