// What the quarterly audit computes (AuditResult) and what it is asked (AuditOptions).
import type { DedupRule } from '../../rules/match.ts';
import type { StagePolicy } from '../../rules/hygiene.ts';
import type { NotAvailable } from '../coverage.ts';
import type { Db } from '../db.ts';
import type { MxOptions } from '../mx.ts';
import type { EmailVerdict, StaleMx } from './email.ts';
import type { EnrichmentAudit, VerifiedRow } from './enrichment.ts';

export interface StageCount {
  stage: string;
  count: number;
  medianDaysInStage: number | null;
  previous: number | null;
  change: number | null;
  bottleneck: boolean;
}

export interface MissingField {
  stage: string;
  field: string;
  openDeals: number;
  missing: number;
  previousMissing: number | null;
}

export interface AuditSnapshotFigures {
  asOf: string;
  duplicates: { object: string; records: number; clusters: number; duplicateRecords: number }[];
  staleContacts: number;
  stageCounts: Record<string, number>;
  missing: Record<string, number>;
}

/** One account in the random enrichment-accuracy sample (checked by hand against the source). */
export type EnrichmentSampleRow = {
  id: string;
  name: string;
  industry: string | null;
  employees: number | null;
  revenue: number | null;
  country: string | null;
  website: string | null;
};

export interface AuditResult {
  asOf: string;
  previousAsOf: string | null;
  duplicates: {
    object: string;
    /** null: not computed, the snapshot's source had no such object (notAvailable names it). */
    records: number | null;
    clusters: number | null;
    duplicateRecords: number | null;
    previousDuplicateRecords: number | null;
    top: { survivorId: string; memberIds: string[]; score: number; reasons: string[]; label: string }[];
  }[];
  deliverability: {
    checked: number;
    verdicts: Record<EmailVerdict, number>;
    /** The opt-in MX lookup (--check-mx): not checked, or its domains and the addresses at a domain without MX. */
    mx: StaleMx;
  };
  archive: {
    /** null: not computed, the snapshot's source had no Contact records (notAvailable names it). */
    staleContacts: number | null;
    previousStaleContacts: number | null;
    months: number;
    sample: { id: string; name: string; email: string | null; lastActivity: string | null }[];
  };
  lifecycle: StageCount[];
  missingFields: MissingField[];
  enrichmentSample: EnrichmentSampleRow[];
  /** Per provider: what it enriched, the sample to verify by hand and, with a verified sample, its accuracy. */
  enrichment: EnrichmentAudit;
  /** What needs fields of our package the snapshot lacks (an org before install): not computed. */
  notAvailable: NotAvailable[];
}

export const LIFECYCLE_FIGURE = 'Lifecycle stages and bottlenecks';
/** The open deals' required fields (a figure named by its own label). */
export const REQUIRED_FIGURE = 'Required fields missing (open deals)';
/** The stale contacts: the contacts to archive and their e-mail checks. */
export const STALE_FIGURE = 'Stale contacts (archive and e-mail checks)';

export interface AuditOptions {
  dedupRules: DedupRule[];
  stagePolicies: StagePolicy[];
  previous?: Db;
  staleMonths?: number;
  sampleSize?: number;
  seed?: number;
  /** Look up the MX records of the stale contacts' e-mail domains (real DNS unless a resolver is given). */
  checkMx?: MxOptions;
  /** Enriched fields to sample per provider (default 20). */
  enrichmentSampleSize?: number;
  /** The enrichment sample given back with "correct" filled in (--enrichment-verified). */
  enrichmentVerified?: VerifiedRow[];
  /** Accuracy below this is flagged (default 0.9). */
  accuracyThreshold?: number;
}
