// Account keys: Account.Domain_Key__c and Name_Key__c as the Account trigger keeps them, and the candidate accounts
// named-account routing reads by those keys. The twin of force-app/main/default/classes/actions/TA_Account_DomainKey.cls
// (the keys) and RoutingSelector.accountsFor (the candidates); matching itself is matchLeadToAccounts in match.ts.
import { companyEmailDomain, normalizeCompany, websiteDomain, type AccountCandidate } from './match.ts';
import { compareIds, isBlank, type FieldValue } from './types.ts';

/** Longest Domain_Key__c / Name_Key__c value (Text(255)). */
export const ACCOUNT_KEY_LENGTH = 255;
/** Most candidate accounts one routing chunk reads (RoutingSelector.ACCOUNT_LIMIT). */
export const ACCOUNT_CANDIDATE_LIMIT = 2000;

/** A normalised value as an indexed key: null when empty, else its first 255 characters. */
export function accountKey(normalised: string): string | null {
  return normalised === '' ? null : normalised.slice(0, ACCOUNT_KEY_LENGTH);
}

/** Account.Domain_Key__c as the Account trigger (TA_Account_DomainKey) keeps it: websiteDomain(Website). */
export function accountDomainKey(website: FieldValue | undefined): string | null {
  return accountKey(websiteDomain(website));
}

/** Account.Name_Key__c as the Account trigger (TA_Account_DomainKey) keeps it: normalizeCompany(Name). */
export function accountNameKey(name: FieldValue | undefined): string | null {
  return accountKey(normalizeCompany(name));
}

/**
 * The candidate accounts the org reads for a chunk of leads (RoutingSelector.accountsFor): accounts a lead names
 * in Matched_Account__c, or whose Domain_Key__c is a lead's company e-mail or website domain key, or whose
 * Name_Key__c is a lead's company name key; system of record first, then by Id; at most `limit`.
 */
export function accountCandidatesFor(
  leads: {
    Email?: FieldValue;
    Website?: FieldValue;
    Company?: FieldValue;
    Matched_Account__c?: FieldValue;
  }[],
  accounts: AccountCandidate[],
  limit = ACCOUNT_CANDIDATE_LIMIT,
): AccountCandidate[] {
  const ids = new Set<string>();
  const domains = new Set<string>();
  const names = new Set<string>();
  for (const l of leads) {
    if (!isBlank(l.Matched_Account__c)) ids.add(String(l.Matched_Account__c));
    for (const k of [accountKey(companyEmailDomain(l.Email)), accountDomainKey(l.Website)])
      if (k) domains.add(k);
    const n = accountNameKey(l.Company);
    if (n) names.add(n);
  }
  const hit = (a: AccountCandidate) => {
    const d = accountDomainKey(a.website);
    const n = accountNameKey(a.name);
    return ids.has(a.id) || (d !== null && domains.has(d)) || (n !== null && names.has(n));
  };
  return accounts
    .filter(hit)
    .sort((x, y) => Number(!!y.isSystemOfRecord) - Number(!!x.isSystemOfRecord) || compareIds(x.id, y.id))
    .slice(0, limit);
}
