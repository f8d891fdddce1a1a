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

/** Approval_Tier__c holds 40 characters (the Apex trigger stores `tier.left(40)`). */
export const APPROVAL_TIER_LENGTH = 40;

/** One stage of the close-won gate's stage table (Stage_Policy__mdt: Stage__c, Is_Won__c). */
export interface WonStage {
  stage: string;
  isWon?: boolean;
}

export interface CloseWonInput {
  stage: string; // StageName after the save
  previousStage: string | null; // StageName before the save (null on insert)
  stagePolicies: WonStage[]; // Stage_Policy__mdt: a stage is won when its record has Is_Won__c
  discountPercent: number | null;
  termMonths: number | null;
  nonStandardTerms: string[];
  segment: string | null;
  tiers: ApprovalTier[];
  approvalStatus: string | null; // Approval_Status__c as the deal-desk action left it in this save
  approvalTier: string | null; // Approval_Tier__c likewise
  bypass?: boolean; // the saving user holds RevOps_Bypass_Validation
}

export interface CloseWonResult {
  applies: boolean; // the save moves the deal into a won stage and is not bypassed
  allowed: boolean;
  needsApproval: boolean; // the current terms need an approval tier with approvers
  requiredTier: string | null; // the tier the current terms need (null when not evaluated)
  errorField: string | null; // StageName when refused
  error: string | null;
}

const isWonStage = (stage: string | null, policies: WonStage[]): boolean =>
  stage !== null && policies.some((p) => p.stage === stage && p.isWon === true);

/**
 * The close-won gate: may this save move the deal into a won stage? It may unless the deal's current terms need
 * an approval (a tier with approvers) and Approval_Status__c is not Approved for that very tier
 * (Approval_Tier__c equal to the tier the terms need now, first 40 characters). A change of discount, term,
 * non-standard terms or segment resets the status (Pending, or Not Required) before this runs, so an approval
 * never outlives the terms it was given for. Saves that do not enter a won stage, users with
 * RevOps_Bypass_Validation, and orgs without tiers are not gated.
 */
export function canCloseWon(input: CloseWonInput): CloseWonResult {
  const pass = (applies: boolean): CloseWonResult => ({
    applies,
    allowed: true,
    needsApproval: false,
    requiredTier: null,
    errorField: null,
    error: null,
  });
  const entersWon =
    isWonStage(input.stage, input.stagePolicies) && !isWonStage(input.previousStage, input.stagePolicies);
  if (input.bypass || !entersWon) return pass(false);
  if (input.tiers.length === 0) return pass(true);
  const refuse = (requiredTier: string | null, error: string): CloseWonResult => ({
    applies: true,
    allowed: false,
    needsApproval: requiredTier !== null,
    requiredTier,
    errorField: 'StageName',
    error,
  });
  let decision: DealDeskResult;
  try {
    decision = evaluateDealDesk({
      discountPercent: input.discountPercent,
      termMonths: input.termMonths,
      nonStandardTerms: input.nonStandardTerms,
      segment: input.segment,
      tiers: input.tiers,
    });
  } catch (err) {
    if (!(err instanceof RuleInputError)) throw err;
    return refuse(
      null,
      `${input.stage} needs deal-desk terms that can be evaluated (${err.message}): fix them, then close the deal.`,
    );
  }
  if (decision.approvers.length === 0) return { ...pass(true), requiredTier: decision.tier };
  const tier = decision.tier.slice(0, APPROVAL_TIER_LENGTH);
  const status = input.approvalStatus ?? '';
  if (status === 'Approved' && (input.approvalTier ?? '') === tier) {
    return { ...pass(true), needsApproval: true, requiredTier: decision.tier };
  }
  const head = `${input.stage} needs the "${decision.tier}" deal-desk approval for these terms, but `;
  const submit =
    'submit the deal for approval (deal-desk panel, or the Flow action "Submit deal for deal-desk approval")';
  const why: Record<string, string> = {
    Approved: `the approval given was for "${input.approvalTier ?? ''}": ${submit} for the current terms, then close it.`,
    Rejected: `the approval was rejected: change the discount or terms and ${submit} again, or close the deal lost.`,
    Recalled: `the approval request was recalled: ${submit} again and close it once approved.`,
    Pending: `it is not approved yet (not submitted, or waiting for the approvers): ${submit} and close it once approved.`,
  };
  return refuse(
    decision.tier,
    head +
      (why[status] ?? `its approval status is "${status || 'blank'}": ${submit} and close it once approved.`),
  );
}
