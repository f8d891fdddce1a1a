// Typed RevOps configuration: the custom metadata records (customMetadata/*.md-meta.xml, or the same records
// queried from an org) mapped into the rule-domain types of scripts/lib/rules.
import { SfError } from '@salesforce/core/sfError';
import type { ScoringRule, ScoringSettings } from '../rules/scoring.ts';
import type { RoutingRule } from '../rules/routing.ts';
import type { SlaPolicy } from '../rules/sla.ts';
import type { BusinessCalendar } from '../rules/calendar.ts';
import type { StagePolicy } from '../rules/hygiene.ts';
import type { ApprovalTier } from '../rules/dealdesk.ts';
import type { DedupRule } from '../rules/match.ts';
import type { EngagementMapping } from '../rules/engagement.ts';
import type { LifecycleFieldPolicy } from '../rules/lifecycle.ts';

/** A record field value as stored: xsd:string -> string, xsd:double -> number, xsd:boolean -> boolean, nil -> null. */
export type RawValue = string | number | boolean | null;

/** One custom metadata record before validation. */
export interface RawRecord {
  type: string; // e.g. "Scoring_Rule" (the __mdt type without the suffix)
  name: string; // DeveloperName
  label: string;
  protected?: boolean;
  values: Record<string, RawValue>; // field API name -> value
  file?: string; // source file, when read from force-app
}

export type StagePolicyConfig = StagePolicy & { name: string };
export type ApprovalTierConfig = ApprovalTier & { name: string };
export type BusinessCalendarConfig = BusinessCalendar & { name: string };

/** Enrichment_Provider__mdt: a provider, its Named Credential, daily budget and rank (1 = most trusted). */
export interface EnrichmentProviderConfig {
  name: string;
  provider: string;
  namedCredential: string;
  dailyBudget: number;
  rank: number;
  active: boolean;
}

/** Enrichment_Mapping__mdt: a provider's attribute into a field of an object, at its own rank or the provider's. */
export interface EnrichmentMappingConfig {
  name: string;
  provider: string;
  object: string;
  attribute: string;
  targetField: string;
  rank: number | null;
  active: boolean;
}

export interface RevOpsConfig {
  scoringRules: ScoringRule[]; // every record, active or not, by DeveloperName
  scoringSettings: ScoringSettings; // the Default record
  routingRules: RoutingRule[]; // by Priority__c, lowest first
  slaPolicies: SlaPolicy[];
  businessCalendars: BusinessCalendarConfig[];
  stagePolicies: StagePolicyConfig[]; // by Order__c
  approvalTiers: ApprovalTierConfig[]; // by Order__c
  dedupRules: DedupRule[];
  /** Engagement_Mapping__mdt, every record, by DeveloperName (rules/engagement.ts sortMappings orders them). */
  engagementMappings?: EngagementMapping[];
  /** Lifecycle_Field_Policy__mdt, every record, by DeveloperName (rules/lifecycle.ts missingStageFields reads them). */
  lifecycleFieldPolicies?: LifecycleFieldPolicy[];
  /** Enrichment_Provider__mdt and Enrichment_Mapping__mdt, every record, by DeveloperName (engine/enrichment.ts). */
  enrichmentProviders?: EnrichmentProviderConfig[];
  enrichmentMappings?: EnrichmentMappingConfig[];
}

export interface ConfigIssue {
  record: string; // "Scoring_Rule.Pricing_Page" (or the type alone for set-level problems)
  field?: string; // "Points__c"
  message: string; // full message, starting with the record name
  file?: string;
}

/** Thrown by loadConfig when any record is invalid; `issues` lists every problem, not just the first. */
export class ConfigError extends SfError {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `${issues.length} problem(s) in the custom metadata records:\n` +
        issues
          .map((i) => `  ${i.message}${i.file && !i.message.includes(i.file) ? `\n    in ${i.file}` : ''}`)
          .join('\n') +
        '\nFix the record(s) in force-app/main/default/customMetadata (or in Setup > Custom Metadata Types) and load again.',
      'ConfigError',
    );
  }
}
