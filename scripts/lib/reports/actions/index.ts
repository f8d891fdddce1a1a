// The action reports: the lists a RevOps lead works from each week. Each is a typed result (or why the snapshot
// cannot feed it); actionsDoc (doc.ts) turns them into one ReportDoc for the terminal, HTML and CSV renderers.
import type { RevOpsConfig } from '../../config/index.ts';
import type { Db } from '../db.ts';
import { snapshotAsOf } from '../metrics.ts';
import { skipsAndPushes, type ChangesReport } from './changes.ts';
import type { Maybe } from './common.ts';
import { forecastAccuracy, type ForecastReport } from './forecast.ts';
import { slaCompliance, type SlaReport } from './sla.ts';
import { staleDeals, type StaleReport } from './stale.ts';
import { nonStandardTerms, STANDARD_SHARE, type TermsReport } from './terms.ts';

export interface ActionsResult {
  asOf: string;
  sla: Maybe<SlaReport>;
  staleDeals: Maybe<StaleReport>;
  skipsAndPushes: Maybe<ChangesReport>;
  nonStandardTerms: Maybe<TermsReport>;
  forecastAccuracy: Maybe<ForecastReport>;
}

export interface ActionsOptions {
  asOf?: string;
  /** First instant of the reporting period (SLA compliance judges clocks started in it); all history when absent. */
  since?: string;
  /** Share of deals with non-standard terms at which a term is flagged for the standard contract. */
  standardShare?: number;
}

type ActionsConfig = Pick<RevOpsConfig, 'slaPolicies' | 'businessCalendars' | 'stagePolicies'>;

export async function runActions(
  db: Db,
  config: ActionsConfig,
  opts: ActionsOptions = {},
): Promise<ActionsResult> {
  const asOf = opts.asOf ?? (await snapshotAsOf(db));
  return {
    asOf,
    sla: await slaCompliance(db, config, asOf, opts.since),
    staleDeals: await staleDeals(db, config.stagePolicies, asOf),
    skipsAndPushes: await skipsAndPushes(db, config.stagePolicies),
    nonStandardTerms: await nonStandardTerms(db, opts.standardShare ?? STANDARD_SHARE),
    forecastAccuracy: await forecastAccuracy(db, config.stagePolicies, asOf),
  };
}
