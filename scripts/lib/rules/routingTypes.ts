// The types of routing (rules/routing.ts): the Routing_Rule__mdt and Rep_Availability__c rows it reads, what one
// call takes and gives, and the prepared router's setup and call. routing.ts re-exports every one of them.
import type { AccountCandidate, AccountIndex, AccountMatch } from './match.ts';
import type { SRecord } from './types.ts';

export type RoutingMethod = 'Account-Based' | 'Territory' | 'Skill' | 'Round-Robin';
/** What a routing rule routes (Object__c; blank = Lead). Only users own contacts and accounts: no queue targets. */
export type RoutedObject = 'Lead' | 'Contact' | 'Account';
export const DEFAULT_FALLBACK_QUEUE = 'Lead_Fallback';
export const ROUTED_OBJECTS: readonly RoutedObject[] = ['Lead', 'Contact', 'Account'];

/** One Routing_Rule__mdt record. */
export interface RoutingRule {
  name: string; // DeveloperName
  priority: number; // Priority__c (lower = tried first)
  method: RoutingMethod; // Method__c
  criteria?: string | null; // Criteria__c
  targetPool?: string | null; // Target_Pool__c
  targetQueue?: string | null; // Target_Queue__c
  targetUser?: string | null; // Target_User__c
  fallbackOwner?: string | null; // Fallback_Owner__c
  active?: boolean; // Active__c (default true)
  object?: RoutedObject | null; // Object__c (blank = Lead)
}

/** One Rep_Availability__c row. */
export interface Rep {
  userId: string; // User__c
  name: string;
  pool: string; // Pool__c
  capacity?: number | null; // Capacity__c (max open leads; blank = no limit)
  openLeads?: number | null; // Open_Leads__c
  weight?: number | null; // Weight__c (default 1)
  active?: boolean; // Active__c (default true)
  outOfOfficeUntil?: string | null; // Out_Of_Office_Until__c
  languages?: string[]; // Languages__c
  productLines?: string[]; // Product_Lines__c
  territory?: string | null; // Territory__c
}

/** Smooth weighted round-robin state per pool: userId → current weight. */
export type PointerState = Record<string, Record<string, number>>;

export interface RouteInput {
  leads: SRecord[]; // Lead fields by API name; 'Id' identifies the lead
  rules: RoutingRule[];
  reps: Rep[];
  accounts: AccountCandidate[];
  pointers: PointerState;
  fallbackOwner?: string | null; // the last resort; default queue Lead_Fallback
  now: string;
  inactiveUsers?: string[]; // users (Id or username, as rules and accounts name them) with User.IsActive false
  object?: RoutedObject | null; // what `leads` are (default Lead): only that object's rules apply
}

export type SkipReason =
  'inactive' | 'out_of_office' | 'at_capacity' | 'skill_mismatch' | 'zero_weight' | 'excluded';
/**
 * A routed record's key (not a stored field) naming the user it must not go to: the owner an SLA reassignment
 * (rules/sla.ts, SlaMonitorJob) takes it from. A pool skips that rep ('excluded'); an account owner or target user
 * who is that user passes to the next rule.
 */
export const EXCLUDED_OWNER = '$excludeOwner';
export type OwnerUnavailable = 'inactive' | 'out_of_office' | 'at_capacity';

export interface Candidate {
  userId: string;
  name: string;
  skippedReason: SkipReason | null;
}

export interface RuleTried {
  rule: string;
  matched: boolean;
  note: string;
}

export interface RoutingTrace {
  rulesTried: RuleTried[];
  pool: string | null;
  pointerBefore: Record<string, number> | null;
  pointerAfter: Record<string, number> | null;
  accountMatches: { accountId: string; score: number; reasons: string[] }[];
}

export interface Assignment {
  leadId: string; // the routed record's Id (a lead, contact or account)
  ownerId: string; // a user Id/username or a queue DeveloperName
  ownerType: 'User' | 'Queue';
  rule: string | null; // Routing_Rule__c (null when the global fallback was used)
  method: RoutingMethod | 'Fallback';
  fallbackUsed: boolean;
  matchedAccountId: string | null; // Matched_Account__c
  candidates: Candidate[];
  trace: RoutingTrace;
}

export interface RouteResult {
  assignments: Assignment[];
  pointers: PointerState;
  openLeads: Record<string, number>; // userId → open leads after this call
  ownerCounts: Record<string, number>; // owner → leads assigned in this call
}

/** What a prepared router is made from: the rules and the availability rows it routes over. */
export interface RouterSetup {
  rules: RoutingRule[];
  /**
   * The Rep_Availability__c rows. Their userId and pool are read once (the pools); every other field (openLeads,
   * capacity, weight, active, outOfOfficeUntil, skills) is read when a lead is routed, so a caller may keep the rows
   * current between calls.
   */
  reps: Rep[];
  fallbackOwner?: string | null;
  inactiveUsers?: string[];
  /** What is routed (default Lead): only the rules of that object apply. */
  object?: RoutedObject | null;
  /**
   * Keep only this many candidates per assignment and leave the trace's pointerBefore/pointerAfter null (what a
   * Routing_Decision__c row stores); everything else is as route() gives. Default: everything.
   */
  decisionOnly?: { candidates: number };
}

/** One call of a prepared router: the leads in order, the accounts they may match, the pointers, the time. */
export interface RouterCall {
  leads: SRecord[];
  accounts: AccountCandidate[];
  /**
   * The accounts to match leads against, already indexed (indexAccounts, or an index the caller keeps current);
   * without it `accounts` is indexed per call. `accounts` still resolves a lead's preset Matched_Account__c.
   */
  accountIndex?: AccountIndex;
  /**
   * The lead's account matches, exactly as matchLeadToAccounts gives them over the accounts (e.g. none without
   * calling it when the caller knows no account shares a key with the lead); used instead of matching per lead.
   */
  matchAccounts?: (lead: SRecord, index: number) => AccountMatch[];
  /** Round-robin state, updated in place (the result's `pointers` is this object). */
  pointers: PointerState;
  now: string;
}

export type Router = (call: RouterCall) => RouteResult;
