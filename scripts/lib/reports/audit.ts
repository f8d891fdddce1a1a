// The quarterly data audit: duplicates, deliverability of stale contacts, contacts to archive, lifecycle
// stage distribution and bottlenecks, required fields missing by stage, an enrichment sample to check by hand and
// the enrichment providers' accuracy (audit/enrichment.ts). With a previous snapshot, every count is compared quarter over quarter. Its steps live in audit/:
// the queries (figures.ts), the e-mail checks (email.ts), the result's types (types.ts) and the document (doc.ts).
import { LIFECYCLE_STAGES } from '../rules/lifecycle.ts';
import { requireColumns, type Db } from './db.ts';
import { openDealStages, unknownStagesReason } from './actions/common.ts';
import { auditCoverage, enrichmentSample, figures } from './audit/figures.ts';
import { emailVerdicts, staleMx } from './audit/email.ts';
import { enrichmentAudit } from './audit/enrichment.ts';
import { REQUIRED_FIGURE, type AuditOptions, type AuditResult, type StageCount } from './audit/types.ts';

export { checkEmail, disposableDomains, ROLE_LOCAL_PARTS, type EmailVerdict } from './audit/email.ts';
export type {
  AuditOptions,
  AuditResult,
  AuditSnapshotFigures,
  EnrichmentSampleRow,
  MissingField,
  StageCount,
} from './audit/types.ts';
export { auditDoc } from './audit/doc.ts';
export { enrichmentSampleCsv, parseVerified, type EnrichmentAudit } from './audit/enrichment.ts';

type Figures = Awaited<ReturnType<typeof figures>>;

/** Records by lifecycle stage in funnel order, compared with the previous snapshot, bottlenecks marked. */
function lifecycleStages(cur: Figures, prev: Figures | null): StageCount[] {
  const totalNow = cur.stages.reduce((s, x) => s + x.count, 0);
  const totalPrev = prev ? prev.stages.reduce((s, x) => s + x.count, 0) : null;
  const growthAll = totalPrev ? totalNow / totalPrev - 1 : null;
  const order = (s: string) => {
    const i = (LIFECYCLE_STAGES as readonly string[]).indexOf(s);
    return i < 0 ? 99 : i;
  };
  const working = new Set(['Lead', 'MQL', 'SQL', 'Opportunity']);
  return cur.stages
    .sort((a, b) => order(a.stage) - order(b.stage) || a.stage.localeCompare(b.stage))
    .map((s) => {
      const p = prev ? (prev.stages.find((x) => x.stage === s.stage)?.count ?? 0) : null;
      const change = p === null ? null : p === 0 ? null : s.count / p - 1;
      // A bottleneck: a working stage that grew faster than the whole funnel (+10 points), or, without a previous
      // snapshot, where the median record has sat for more than 30 days.
      const bottleneck =
        working.has(s.stage) &&
        (change !== null && growthAll !== null
          ? change > growthAll + 0.1
          : prev === null && (s.median ?? 0) > 30);
      return { stage: s.stage, count: s.count, medianDaysInStage: s.median, previous: p, change, bottleneck };
    });
}

/** Duplicates per object with their top clusters, compared with the previous snapshot. */
function duplicateFigures(cur: Figures, prev: Figures | null): AuditResult['duplicates'] {
  return cur.dups.map(({ rule, r }) => {
    const p = prev?.dups.find((d) => d.rule.object === rule.object)?.r;
    // an object a snapshot's source did not have is not counted (records null), in this quarter or the previous
    const dupRecords = (x: typeof r | undefined) =>
      x && x.records !== null ? x.clusters.reduce((s, c) => s + c.memberIds.length - 1, 0) : null;
    return {
      object: rule.object,
      records: r.records,
      clusters: r.records === null ? null : r.clusters.length,
      duplicateRecords: dupRecords(r),
      previousDuplicateRecords: dupRecords(p),
      top: r.clusters.slice(0, 5).map((c) => ({
        survivorId: c.survivorId,
        memberIds: c.memberIds,
        score: c.score,
        reasons: c.reasons,
        label: String(
          c.winners.Company?.value ??
            c.winners.Name?.value ??
            [c.winners.FirstName?.value, c.winners.LastName?.value].filter(Boolean).join(' '),
        ),
      })),
    };
  });
}

export async function runAudit(db: Db, o: AuditOptions): Promise<AuditResult> {
  await requireColumns(db, 'Contact', [
    'Id',
    'Email',
    'CreatedDate',
    'Lifecycle_Stage__c',
    'Lifecycle_Stage_Entered_At__c',
  ]);
  await requireColumns(db, 'Lead', [
    'Id',
    'CreatedDate',
    'Lifecycle_Stage__c',
    'Lifecycle_Stage_Entered_At__c',
  ]);
  const cur = await figures(db, o, true);
  const na = await auditCoverage(db, cur.missing);
  // no Contact records in the source: the stale contacts are not counted, rather than 0
  const contactsKnown = cur.contactsInSource;
  // not computed rather than counted as blank: our lifecycle field, required fields the source lacks altogether
  if (!na.lifecycleKnown) cur.stages = [];
  cur.missing = cur.missing.filter((m) => !na.absentFields.has(m.field));
  // open deals only in stages no policy names (the org's own, before install): not counted, rather than 0 missing
  const unknownStages = unknownStagesReason(await openDealStages(db), o.stagePolicies);
  if (unknownStages) {
    cur.missing = [];
    na.notAvailable.push({ figure: REQUIRED_FIGURE, reason: unknownStages });
  }
  const prev = o.previous ? await figures(o.previous, o, false) : null;

  const verdicts = emailVerdicts(cur.stale);
  const mx = o.checkMx ? await staleMx(cur.stale, o.checkMx) : ({ checked: false } as const);
  const lifecycle = lifecycleStages(cur, prev);
  const sample = await enrichmentSample(db, o);
  const enrichment = await enrichmentAudit(db, {
    sampleSize: o.enrichmentSampleSize,
    seed: o.seed,
    verified: o.enrichmentVerified,
    threshold: o.accuracyThreshold,
  });

  return {
    asOf: cur.asOf,
    previousAsOf: prev?.asOf ?? null,
    duplicates: duplicateFigures(cur, prev),
    deliverability: { checked: cur.stale.length, verdicts, mx },
    archive: {
      staleContacts: contactsKnown ? cur.stale.length : null,
      previousStaleContacts: prev?.contactsInSource ? prev.stale.length : null,
      months: cur.months,
      sample: cur.stale.slice(0, 20),
    },
    lifecycle,
    missingFields: cur.missing.map((m) => ({
      stage: m.stage,
      field: m.field,
      openDeals: m.open,
      missing: m.missing,
      previousMissing: prev
        ? (prev.missing.find((x) => x.stage === m.stage && x.field === m.field)?.missing ?? 0)
        : null,
    })),
    enrichmentSample: sample,
    enrichment,
    notAvailable: [
      ...na.notAvailable,
      ...enrichment.notAvailable,
      ...cur.dups.flatMap(({ r }) => r.notAvailable ?? []),
    ],
  };
}
