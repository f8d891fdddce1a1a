// Enrichment precedence: the twin of EnrichmentPrecedence.cls (which provider value wins a Lead/Contact field).
// Held to one behaviour by the `enrichment` golden vectors. Pure: no I/O.

/** Enrichment_Provider__mdt.Provider__c values (one EnrichmentProvider implementation each). */
export const ENRICHMENT_PROVIDERS = ['clearbit', 'apollo', 'zoominfo'] as const;
/** The normalised attributes every provider's answer is mapped to (Enrichment_Mapping__mdt.Attribute__c). */
export const ENRICHMENT_ATTRIBUTES = [
  'company_name',
  'domain',
  'employees',
  'industry',
  'revenue',
  'country',
  'tech_stack',
  'title',
  'seniority',
] as const;

export type EnrichmentValue = string | number | boolean | null;

/** One provider's value for a field, at the rank its mapping gives it (1 = most trusted). */
export interface Candidate {
  provider: string;
  rank: number;
  value: EnrichmentValue;
}

export interface PrecedenceInput {
  /** The field's value now. */
  current: EnrichmentValue;
  /** The provider that set it (Enrichment_Sources__c), null when it was entered in the CRM or is empty. */
  source: string | null;
  /** That provider's rank for the field today; null when it is no longer a configured provider. */
  sourceRank: number | null;
  /** The record is the system-of-record copy (the dedup rule's System_Of_Record_Field__c). */
  systemOfRecord: boolean;
  candidates: Candidate[];
}

export interface Decision {
  action: 'fill' | 'overwrite' | 'keep';
  provider: string | null;
  value: EnrichmentValue;
  reason: string;
}

const isBlank = (v: EnrichmentValue | undefined): boolean =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** The non-blank candidate of the best rank (then the provider key, alphabetically); null when none. */
export function bestCandidate(candidates: Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (isBlank(c.value)) continue;
    if (!best || c.rank < best.rank || (c.rank === best.rank && c.provider < best.provider)) best = c;
  }
  return best;
}

/**
 * Which value a field gets: the best candidate fills an empty field; a filled field is kept on a system-of-record
 * record, when its value was entered in the CRM (the CRM wins), when the best value equals it, or when the best
 * provider does not rank above the provider that set it; a value whose provider is no longer configured yields.
 */
export function decide(input: PrecedenceInput): Decision {
  const best = bestCandidate(input.candidates);
  if (!best) return keep('no provider has a value');
  if (isBlank(input.current)) return take(best, 'fill', 'the field is empty');
  if (input.systemOfRecord) return keep('the record is the system of record');
  if (input.source === null || input.source.trim() === '') return keep('the value was entered in the CRM');
  if (String(best.value) === String(input.current)) return keep(`the value is already ${best.provider}'s`);
  if (input.sourceRank === null)
    return take(best, 'overwrite', `${input.source} is no longer a configured provider`);
  if (best.rank < input.sourceRank)
    return take(best, 'overwrite', `${best.provider} ranks above ${input.source}`);
  return keep(`${best.provider} does not rank above ${input.source}`);
}

const keep = (reason: string): Decision => ({ action: 'keep', provider: null, value: null, reason });

const take = (best: Candidate, action: 'fill' | 'overwrite', reason: string): Decision => ({
  action,
  provider: best.provider,
  value: best.value,
  reason,
});
