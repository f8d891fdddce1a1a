// Deal desk: the approval tier and approvers for a discount %, contract term, non-standard terms and segment,
// from Approval_Tier__mdt records. Discount bands are [Min, Max): 10.00 % is Manager, 20.00 % VP Sales,
// 40.00 % Deal Desk. Parallel tiers (Finance and Legal on multi-year or Enterprise deals) add their approvers.
import { RuleInputError, splitList } from './types.ts';

/** One Approval_Tier__mdt record. Its criteria are alternatives: the tier applies when any one holds. */
export interface ApprovalTier {
  order: number; // Order__c
  tier: string; // Tier__c
  minDiscount?: number | null; // Min_Discount__c (inclusive)
  maxDiscount?: number | null; // Max_Discount__c (exclusive; blank = no upper bound)
  triggersOnNonStandardTerms?: boolean; // Triggers_On_Non_Standard_Terms__c
  minTermMonths?: number | null; // Min_Term_Months__c (inclusive)
  segment?: string | null; // Segment__c
  approvers?: string | null; // Approvers__c (';'-separated)
  parallel?: boolean; // Parallel__c
  approvalProcess?: string | null; // Approval_Process__c
}

export interface DealDeskInput {
  discountPercent: number | null; // Discount_Percent__c (0..100)
  termMonths: number | null; // Contract_Term_Months__c
  nonStandardTerms: string[]; // Non_Standard_Terms__c values
  segment: string | null; // Segment__c
  tiers: ApprovalTier[];
}

export interface DealDeskResult {
  tier: string; // Approval_Tier__c: the escalation tier, "+ <parallel tier>" when one applies
  approvers: string[]; // escalation approvers first, then parallel ones, no duplicates
  parallel: boolean; // a parallel tier applies
  approvalProcess: string | null; // of the escalation tier, else of the parallel tier
  matchedTiers: string[]; // every tier whose criteria hold, by order
  reasons: string[];
}

interface Normalized {
  discountPercent: number;
  termMonths: number;
  nonStandardTerms: string[];
  segment: string;
}

function why(t: ApprovalTier, input: Normalized): string | null {
  const d = input.discountPercent;
  const hasBand = t.minDiscount !== null && t.minDiscount !== undefined;
  if (
    hasBand &&
    d >= (t.minDiscount as number) &&
    (t.maxDiscount === null || t.maxDiscount === undefined || d < t.maxDiscount)
  ) {
    return `discount ${d}% in [${t.minDiscount}, ${t.maxDiscount ?? '∞'})`;
  }
  if (t.triggersOnNonStandardTerms && input.nonStandardTerms.length > 0) {
    return `non-standard terms: ${input.nonStandardTerms.join(', ')}`;
  }
  if (t.minTermMonths !== null && t.minTermMonths !== undefined && input.termMonths >= t.minTermMonths) {
    return `term ${input.termMonths} months ≥ ${t.minTermMonths}`;
  }
  if (t.segment && input.segment && t.segment.toLowerCase() === input.segment.toLowerCase()) {
    return `segment ${input.segment}`;
  }
  return null;
}

/** Decides the approval tier. Blank discount counts as 0 %, blank term as 12 months. */
export function evaluateDealDesk(input: DealDeskInput): DealDeskResult {
  const discountPercent = input.discountPercent ?? 0;
  if (!Number.isFinite(discountPercent) || discountPercent < 0 || discountPercent > 100) {
    throw new RuleInputError(`discount ${input.discountPercent}% must be between 0 and 100`);
  }
  const termMonths = input.termMonths ?? 12;
  if (!Number.isFinite(termMonths) || termMonths < 0) {
    throw new RuleInputError(`contract term ${input.termMonths} months must be 0 or more`);
  }
  if (input.tiers.length === 0)
    throw new RuleInputError('no Approval_Tier__mdt records: deploy the approval tiers');
  const norm: Normalized = {
    discountPercent,
    termMonths,
    nonStandardTerms: (input.nonStandardTerms ?? []).filter((t) => t && t.trim() !== ''),
    segment: input.segment ?? '',
  };
  const tiers = [...input.tiers].sort((a, b) => a.order - b.order);
  const matched = tiers.map((t) => ({ t, reason: why(t, norm) })).filter((m) => m.reason !== null);
  const escalation = [...matched].reverse().find((m) => !m.t.parallel) ?? null;
  const parallels = matched.filter((m) => m.t.parallel);
  const approvers: string[] = [];
  for (const m of [...(escalation ? [escalation] : []), ...parallels]) {
    for (const a of splitList(m.t.approvers)) if (!approvers.includes(a)) approvers.push(a);
  }
  // The escalation tier names the deal unless it needs no approval and a parallel tier applies.
  const names: string[] = [];
  if (escalation && (splitList(escalation.t.approvers).length > 0 || parallels.length === 0))
    names.push(escalation.t.tier);
  for (const p of parallels) names.push(p.t.tier);
  if (names.length === 0) {
    throw new RuleInputError(
      `no approval tier matches discount ${discountPercent}%: add a tier with Min_Discount__c 0 (Standard)`,
    );
  }
  const escalationProcess =
    escalation && splitList(escalation.t.approvers).length > 0 ? escalation.t.approvalProcess : null;
  return {
    tier: names.join(' + '),
    approvers,
    parallel: parallels.length > 0,
    approvalProcess:
      escalationProcess || parallels.find((p) => p.t.approvalProcess)?.t.approvalProcess || null,
    matchedTiers: matched.map((m) => m.t.tier),
    reasons: matched.map((m) => `${m.t.tier}: ${m.reason}`),
  };
}
