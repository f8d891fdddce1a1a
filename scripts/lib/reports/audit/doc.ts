// The audit as a report document: the checklist, then a section per figure.
import { num, pct, type Kpi, type ReportDoc, type Section, type Status } from '../../render/doc.ts';
import { notAvailableKpi, notAvailableSections } from '../coverage.ts';
import { fieldLabeler } from '../labels.ts';
import { duplicatesFigure } from '../dedup/report.ts';
import { LIFECYCLE_FIGURE, REQUIRED_FIGURE, STALE_FIGURE, type AuditResult } from './types.ts';
import { enrichmentAccuracySection } from './enrichmentDoc.ts';

const delta = (now: number, before: number | null): string =>
  before === null ? '' : `${now - before >= 0 ? '+' : ''}${num(now - before)}`;

/** The MX line: "not checked" (grey) without --check-mx, never a green 0. */
function mxText(mx: AuditResult['deliverability']['mx']): string {
  if (!mx.checked) return 'not checked (pass --check-mx)';
  const unknown = mx.unknown.length ? `, ${num(mx.unknown.length)} without an answer` : '';
  return `${num(mx.domains)} domains looked up, ${num(mx.noMx.length)} without MX${unknown}`;
}

function mxKpi(mx: AuditResult['deliverability']['mx']): {
  label: string;
  value: string;
  note: string;
  status: Status;
} {
  const label = 'Stale emails at a domain without MX';
  if (!mx.checked)
    return { label, value: 'not checked', note: 'pass --check-mx to look up MX records', status: 'skipped' };
  return {
    label,
    value: num(mx.undeliverable),
    note: mxText(mx),
    status: mx.undeliverable > 0 ? 'bad' : mx.unknown.length > 0 ? 'warn' : 'good',
  };
}

const status = (bad: boolean, warn = false): Status => (bad ? 'bad' : warn ? 'warn' : 'good');

/** Duplicates per object: its figure, or not available when the source had no such object. */
function duplicateKpis(r: AuditResult): Kpi[] {
  return r.duplicates.map((d) => {
    const label = duplicatesFigure(d.object);
    if (d.records === null || d.duplicateRecords === null)
      return notAvailableKpi(label, r.notAvailable.find((n) => n.figure === label)?.reason);
    const dups = d.duplicateRecords;
    return {
      label,
      value: num(dups),
      note: `${num(d.clusters ?? 0)} clusters in ${num(d.records)} records${d.previousDuplicateRecords !== null ? `; ${delta(dups, d.previousDuplicateRecords)} vs previous` : ''}`,
      status: status(d.records > 0 && dups / d.records > 0.05, dups > 0),
    };
  });
}

/** The stale contacts to archive and their e-mail checks, or not available without Contact records. */
function staleKpis(r: AuditResult): Kpi[] {
  const archive = `Contacts idle ${r.archive.months}+ months (archive)`;
  const invalid = 'Invalid or disposable stale emails';
  const na = r.notAvailable.find((n) => n.figure === STALE_FIGURE);
  if (na)
    return [
      notAvailableKpi(archive, na.reason),
      notAvailableKpi(invalid, na.reason),
      notAvailableKpi('Stale emails at a domain without MX', na.reason),
    ];
  const bad = r.deliverability.verdicts['invalid syntax'] + r.deliverability.verdicts.disposable;
  return [
    {
      label: archive,
      value: num(r.archive.staleContacts ?? 0),
      note:
        r.archive.previousStaleContacts !== null
          ? `${delta(r.archive.staleContacts ?? 0, r.archive.previousStaleContacts)} vs previous`
          : undefined,
    },
    {
      label: invalid,
      value: num(bad),
      note: 'syntax and disposable-domain checks, offline',
      status: status(bad > 0),
    },
    mxKpi(r.deliverability.mx),
  ];
}

/** Open deals missing required fields: n/a when none were counted (no Opportunity records, or none of the fields). */
function requiredKpi(r: AuditResult): Kpi {
  const label = REQUIRED_FIGURE;
  const na = r.notAvailable.find((n) => n.figure.startsWith('Required fields'));
  if (na && !r.missingFields.length) return notAvailableKpi(label, na.reason);
  const missingTotal = r.missingFields.reduce((s, m) => s + m.missing, 0);
  return {
    label,
    value: num(missingTotal),
    // red when a stage's open deals all lack a field it requires, amber when some do
    status: status(
      r.missingFields.some((m) => m.openDeals > 0 && m.missing === m.openDeals),
      missingTotal > 0,
    ),
    note: na?.figure.replace('Required fields missing', 'not counted (not in the snapshot)'),
  };
}

/** The checklist: one figure per check, red or amber where it needs attention. */
function checklistSection(r: AuditResult): Section {
  const lifecycleNa = r.notAvailable.find((n) => n.figure === LIFECYCLE_FIGURE);
  return {
    title: 'Checklist',
    blocks: [
      {
        kind: 'kpis',
        items: [
          ...duplicateKpis(r),
          ...staleKpis(r),
          requiredKpi(r),
          lifecycleNa
            ? notAvailableKpi('Bottleneck stages', lifecycleNa.reason)
            : {
                label: 'Bottleneck stages',
                value:
                  r.lifecycle
                    .filter((s) => s.bottleneck)
                    .map((s) => s.stage)
                    .join(', ') || 'none',
                status: status(r.lifecycle.some((s) => s.bottleneck)),
              },
        ],
      },
    ],
  };
}

/** The top duplicate clusters of each object the snapshot's source had. */
function duplicatesSection(r: AuditResult): Section {
  return {
    title: 'Duplicates: top clusters',
    blocks: r.duplicates
      .filter((d) => d.records !== null)
      .map((d) => ({
        kind: 'table' as const,
        title: d.object,
        columns: ['survivor', 'label', 'members', 'score', 'reasons'],
        rows: d.top.map((c) => [
          c.survivorId,
          c.label,
          c.memberIds.length,
          c.score.toFixed(2),
          c.reasons.join(', '),
        ]),
        idColumns: [0],
      })),
  };
}

/** The stale contacts' e-mail verdicts and the contacts to archive. */
function deliverabilitySection(r: AuditResult): Section {
  return {
    title: `Email deliverability of contacts idle ${r.archive.months}+ months`,
    blocks: [
      {
        kind: 'bars',
        title: `${num(r.deliverability.checked)} addresses checked offline (MX: ${mxText(r.deliverability.mx)})`,
        items: Object.entries(r.deliverability.verdicts).map(([k, v]) => ({
          label: k,
          value: v,
          status: k === 'ok' ? 'good' : k === 'free-mail' || k === 'role account' ? 'warn' : 'bad',
        })),
      },
      {
        kind: 'table',
        title: 'Contacts to archive (first 20, oldest activity first)',
        columns: ['contact', 'name', 'email', 'last activity'],
        rows: r.archive.sample.map((c) => [c.id, c.name, c.email ?? '', (c.lastActivity ?? '').slice(0, 10)]),
        idColumns: [0],
        limit: 10,
      },
    ],
  };
}

/** Records by lifecycle stage, bottlenecks in red. */
function lifecycleSection(r: AuditResult): Section {
  return {
    title: 'Lifecycle stages',
    blocks: [
      {
        kind: 'bars',
        title: 'Records by lifecycle stage (leads not converted + contacts)',
        items: r.lifecycle.map((s) => ({
          label: s.stage,
          value: s.count,
          display: `${num(s.count)}${s.change !== null ? ` (${s.change >= 0 ? '+' : ''}${pct(s.change)})` : ''}`,
          status: s.bottleneck ? 'bad' : 'info',
        })),
      },
      {
        kind: 'table',
        columns: ['stage', 'records', 'previous', 'change', 'median days in stage', 'bottleneck'],
        rows: r.lifecycle.map((s) => [
          s.stage,
          num(s.count),
          s.previous === null ? '' : num(s.previous),
          s.change === null ? '' : pct(s.change),
          s.medianDaysInStage === null ? 'n/a' : num(s.medianDaysInStage),
          s.bottleneck ? 'yes' : '',
        ]),
        rowStatus: r.lifecycle.map((s) => (s.bottleneck ? 'bad' : undefined)),
      },
    ],
  };
}

/** Open deals missing the fields their stage requires. */
function requiredFieldsSection(r: AuditResult, label: ReturnType<typeof fieldLabeler>): Section {
  return {
    title: 'Required fields missing by stage (open deals)',
    blocks: [
      {
        kind: 'table',
        columns: ['stage', 'field', 'open deals', 'missing', 'share', 'previous'],
        rows: r.missingFields.map((m) => [
          m.stage,
          label('Opportunity', m.field),
          num(m.openDeals),
          num(m.missing),
          pct(m.openDeals ? m.missing / m.openDeals : null),
          m.previousMissing === null ? '' : num(m.previousMissing),
        ]),
        rowStatus: r.missingFields.map((m) =>
          m.openDeals > 0 && m.missing === m.openDeals ? 'bad' : m.missing > 0 ? 'warn' : undefined,
        ),
      },
    ],
  };
}

/** The enrichment sample to check by hand. */
function enrichmentSection(r: AuditResult): Section {
  return {
    title: 'Enrichment accuracy sample (check these accounts by hand)',
    blocks: [
      {
        kind: 'table',
        columns: [
          'account',
          'name',
          'industry',
          'employees',
          'annual revenue',
          'country',
          'website',
          'correct? (y/n)',
        ],
        rows: r.enrichmentSample.map((a) => [
          a.id,
          a.name,
          a.industry ?? '',
          a.employees === null ? '' : num(a.employees),
          a.revenue === null ? '' : num(a.revenue),
          a.country ?? '',
          a.website ?? '',
          '',
        ]),
        idColumns: [0],
      },
    ],
  };
}

export function auditDoc(r: AuditResult, label = fieldLabeler()): ReportDoc {
  const cmp = r.previousAsOf ? ` compared with ${r.previousAsOf.slice(0, 10)}` : '';
  return {
    title: 'Quarterly data audit',
    subtitle: `Snapshot as of ${r.asOf.slice(0, 10)}${cmp}`,
    sections: [
      checklistSection(r),
      duplicatesSection(r),
      deliverabilitySection(r),
      lifecycleSection(r),
      requiredFieldsSection(r, label),
      enrichmentSection(r),
      ...[enrichmentAccuracySection(r.enrichment)].filter((x): x is Section => x !== null),
      ...notAvailableSections(r.notAvailable),
    ],
  };
}
