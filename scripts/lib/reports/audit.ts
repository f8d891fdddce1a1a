// The quarterly data audit: duplicates, deliverability of stale contacts, contacts to archive, lifecycle
// stage distribution and bottlenecks, required fields missing by stage, and an enrichment sample to check
// by hand. With a previous snapshot, every count is compared quarter over quarter.
import { createRequire } from 'node:module';
import { FREE_MAIL_DOMAINS, type DedupRule } from '../rules/match.ts';
import { LIFECYCLE_STAGES } from '../rules/lifecycle.ts';
import type { StagePolicy } from '../rules/hygiene.ts';
import { splitList } from '../rules/types.ts';
import { lit, q, requireColumns, type Db } from './db.ts';
import { notAvailableSections, snapshotCoverage, type NotAvailable } from './coverage.ts';
import { dedupSnapshot } from './dedup/report.ts';
import { fieldLabeler } from './labels.ts';
import { num, pct, type ReportDoc, type Status } from '../render/doc.ts';
import { checkMx, mxSummary, type MxCheck, type MxOptions } from './mx.ts';

/** Throwaway-mailbox domains, from the maintained disposable-email-domains list (read at first use). */
let disposable: ReadonlySet<string> | undefined;
export function disposableDomains(): ReadonlySet<string> {
  disposable ??= new Set(createRequire(import.meta.url)('disposable-email-domains') as string[]);
  return disposable;
}
/** Mailboxes of a function, not a person. */
export const ROLE_LOCAL_PARTS = new Set([
  'info',
  'sales',
  'admin',
  'support',
  'contact',
  'hello',
  'office',
  'noreply',
  'no-reply',
  'billing',
  'marketing',
  'team',
  'hr',
  'jobs',
  'careers',
  'help',
  'accounts',
  'finance',
  'webmaster',
  'postmaster',
  'enquiries',
  'inquiries',
]);
const EMAIL_SYNTAX =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export type EmailVerdict = 'invalid syntax' | 'disposable' | 'role account' | 'free-mail' | 'ok';

/** Offline deliverability check of one address (the MX lookup is the opt-in network check: checkMx). */
export function checkEmail(email: string | null): EmailVerdict {
  const e = (email ?? '').trim();
  if (!EMAIL_SYNTAX.test(e)) return 'invalid syntax';
  const [local, domain] = [
    e.slice(0, e.lastIndexOf('@')).toLowerCase(),
    e.slice(e.lastIndexOf('@') + 1).toLowerCase(),
  ];
  if (disposableDomains().has(domain)) return 'disposable';
  if (ROLE_LOCAL_PARTS.has(local)) return 'role account';
  if (FREE_MAIL_DOMAINS.has(domain)) return 'free-mail';
  return 'ok';
}

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
    records: number;
    clusters: number;
    duplicateRecords: number;
    previousDuplicateRecords: number | null;
    top: { survivorId: string; memberIds: string[]; score: number; reasons: string[]; label: string }[];
  }[];
  deliverability: {
    checked: number;
    verdicts: Record<EmailVerdict, number>;
    /** The opt-in MX lookup (--check-mx): not checked, or its domains and the addresses at a domain without MX. */
    mx: { checked: false } | ({ checked: true; undeliverable: number } & MxCheck);
  };
  archive: {
    staleContacts: number;
    previousStaleContacts: number | null;
    months: number;
    sample: { id: string; name: string; email: string | null; lastActivity: string | null }[];
  };
  lifecycle: StageCount[];
  missingFields: MissingField[];
  enrichmentSample: EnrichmentSampleRow[];
  /** What needs fields of our package the snapshot lacks (an org before install): not computed. */
  notAvailable: NotAvailable[];
}

const LIFECYCLE_FIGURE = 'Lifecycle stages and bottlenecks';

/**
 * What the audit cannot compute on this snapshot: the lifecycle stages (Lifecycle_Stage__c is our field) and the
 * required fields the source lacks altogether (counting them would report every open deal as missing them).
 */
async function auditCoverage(
  db: Db,
  required: readonly { field: string }[],
): Promise<{ lifecycleKnown: boolean; absentFields: Set<string>; notAvailable: NotAvailable[] }> {
  const coverage = await snapshotCoverage(db);
  const stage = ['Lifecycle_Stage__c', 'Lifecycle_Stage_Entered_At__c'];
  const lifecycle = coverage.check(
    LIFECYCLE_FIGURE,
    ['Lead', 'Contact'].flatMap((o) => stage.map((f) => `${o}.${f}`)),
  );
  const absent = [...new Set(required.map((m) => m.field))].filter((f) => !coverage.has('Opportunity', f));
  const fields = absent.length
    ? coverage.check(
        `Required fields missing: ${absent.join(', ')}`,
        absent.map((f) => `Opportunity.${f}`),
      )
    : null;
  return {
    lifecycleKnown: lifecycle === null,
    absentFields: new Set(absent),
    notAvailable: [lifecycle, fields].filter((x): x is NotAvailable => x !== null),
  };
}

export interface AuditOptions {
  dedupRules: DedupRule[];
  stagePolicies: StagePolicy[];
  previous?: Db;
  staleMonths?: number;
  sampleSize?: number;
  seed?: number;
  /** Look up the MX records of the stale contacts' e-mail domains (real DNS unless a resolver is given). */
  checkMx?: MxOptions;
}

/**
 * The snapshot's "now": its newest lead, deal or contact; a snapshot without any (e.g. only accounts) falls back to
 * the time it was taken (_provenance), else today.
 */
async function asOfOf(db: Db): Promise<string> {
  const taken = (await db.hasTable('_provenance')) ? `(SELECT max(created_at) FROM "_provenance")` : 'NULL';
  const [r] = await db.all<{ t: string }>(
    `SELECT CAST(coalesce(greatest((SELECT max("CreatedDate") FROM "Lead"), (SELECT max("CreatedDate") FROM "Opportunity"), (SELECT max("CreatedDate") FROM "Contact")), ${taken}, CAST(${lit(new Date().toISOString().slice(0, 19))} AS TIMESTAMP)) AS VARCHAR) AS t`,
  );
  return r.t;
}

/** Contacts whose latest activity (task, event, engagement or creation) is older than the cutoff. */
async function staleContactsSql(db: Db, asOf: string, months: number): Promise<string> {
  const parts: string[] = [];
  if (await db.hasTable('Task')) parts.push(`SELECT "WhoId" AS cid, "CreatedDate" AS ts FROM "Task"`);
  if (await db.hasTable('Event')) parts.push(`SELECT "WhoId", "CreatedDate" FROM "Event"`);
  if (await db.hasTable('Engagement_Event__c'))
    parts.push(`SELECT coalesce("Contact__c", "Record_Id__c"), "Occurred_At__c" FROM "Engagement_Event__c"`);
  const acts = parts.length
    ? parts.join(' UNION ALL ')
    : `SELECT NULL::VARCHAR AS cid, NULL::TIMESTAMP AS ts WHERE false`;
  return `WITH act AS (SELECT cid, max(ts) AS ts FROM (${acts}) GROUP BY cid)
          SELECT c."Id" AS id, coalesce(c."Name", concat_ws(' ', c."FirstName", c."LastName")) AS name, c."Email" AS email,
                 CAST(greatest(act.ts, c."CreatedDate") AS VARCHAR) AS "lastActivity"
          FROM "Contact" c LEFT JOIN act ON act.cid = c."Id"
          WHERE greatest(coalesce(act.ts, c."CreatedDate"), c."CreatedDate") < CAST(${lit(asOf)} AS TIMESTAMP) - INTERVAL ${months} MONTH`;
}

async function stageCounts(
  db: Db,
  asOf: string,
): Promise<{ stage: string; count: number; median: number | null }[]> {
  return db.all(`
    SELECT stage, count(*) AS count, median(days) AS median FROM (
      SELECT "Lifecycle_Stage__c" AS stage, date_diff('day', "Lifecycle_Stage_Entered_At__c", CAST(${lit(asOf)} AS TIMESTAMP)) AS days FROM "Lead" WHERE NOT coalesce("IsConverted", false)
      UNION ALL
      SELECT "Lifecycle_Stage__c", date_diff('day', "Lifecycle_Stage_Entered_At__c", CAST(${lit(asOf)} AS TIMESTAMP)) FROM "Contact")
    WHERE stage IS NOT NULL GROUP BY stage`);
}

/** Open deals per stage missing each field the stage requires (Stage_Policy__mdt.Required_Fields__c). */
async function missingByStage(
  db: Db,
  policies: StagePolicy[],
): Promise<{ stage: string; field: string; open: number; missing: number }[]> {
  const cols = new Set(await db.tableColumns('Opportunity'));
  const out: { stage: string; field: string; open: number; missing: number }[] = [];
  for (const p of [...policies].sort((a, b) => a.order - b.order)) {
    if (p.isClosed) continue;
    const fields = splitList(p.requiredFields).filter((f) => cols.has(f));
    if (!fields.length) continue;
    const sel = fields
      .map(
        (f, i) => `count(*) FILTER (WHERE ${q(f)} IS NULL OR trim(CAST(${q(f)} AS VARCHAR)) = '') AS m${i}`,
      )
      .join(', ');
    const [r] = await db.all(
      `SELECT count(*) AS open, ${sel} FROM "Opportunity" WHERE "StageName" = ${lit(p.stage)} AND NOT coalesce("IsClosed", false)`,
    );
    fields.forEach((f, i) =>
      out.push({ stage: p.stage, field: f, open: Number(r.open), missing: Number(r[`m${i}`]) }),
    );
  }
  return out;
}

async function figures(db: Db, o: AuditOptions, withDetail: boolean) {
  const asOf = await asOfOf(db);
  const months = o.staleMonths ?? 12;
  const dups = [];
  for (const rule of o.dedupRules) {
    if (rule.active === false || !(await db.hasTable(rule.object))) continue;
    const r = await dedupSnapshot(db, rule);
    dups.push({ rule, r });
  }
  const stale = await db.all<{ id: string; name: string; email: string | null; lastActivity: string | null }>(
    `${await staleContactsSql(db, asOf, months)} ORDER BY "lastActivity", id`,
  );
  const stages = await stageCounts(db, asOf);
  const missing = await missingByStage(db, o.stagePolicies);
  return { asOf, months, dups, stale, stages, missing, withDetail };
}

/** Deterministic pseudo-random order (FNV-1a of seed + Id), so the same snapshot gives the same sample. */
function hashOrder(id: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
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
  // not computed rather than counted as blank: our lifecycle field, required fields the source lacks altogether
  if (!na.lifecycleKnown) cur.stages = [];
  cur.missing = cur.missing.filter((m) => !na.absentFields.has(m.field));
  const prev = o.previous ? await figures(o.previous, o, false) : null;

  const verdicts: Record<EmailVerdict, number> = {
    'invalid syntax': 0,
    disposable: 0,
    'role account': 0,
    'free-mail': 0,
    ok: 0,
  };
  for (const c of cur.stale) verdicts[checkEmail(c.email)]++;
  const mx = o.checkMx ? await staleMx(cur.stale, o.checkMx) : ({ checked: false } as const);

  const totalNow = cur.stages.reduce((s, x) => s + x.count, 0);
  const totalPrev = prev ? prev.stages.reduce((s, x) => s + x.count, 0) : null;
  const growthAll = totalPrev ? totalNow / totalPrev - 1 : null;
  const order = (s: string) => {
    const i = (LIFECYCLE_STAGES as readonly string[]).indexOf(s);
    return i < 0 ? 99 : i;
  };
  const working = new Set(['Lead', 'MQL', 'SQL', 'Opportunity']);
  const lifecycle: StageCount[] = cur.stages
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

  const sampleSize = o.sampleSize ?? 20;
  const seed = o.seed ?? 2026;
  const accounts = await db.all<EnrichmentSampleRow>(
    `SELECT "Id" AS id, "Name" AS name, "Industry" AS industry, "NumberOfEmployees" AS employees, "AnnualRevenue" AS revenue, "BillingCountry" AS country, "Website" AS website FROM "Account"`,
  );
  const enrichmentSample = accounts
    .sort((a, b) => hashOrder(a.id, seed) - hashOrder(b.id, seed) || a.id.localeCompare(b.id))
    .slice(0, sampleSize);

  return {
    asOf: cur.asOf,
    previousAsOf: prev?.asOf ?? null,
    duplicates: cur.dups.map(({ rule, r }) => {
      const p = prev?.dups.find((d) => d.rule.object === rule.object)?.r;
      const dupRecords = (x: typeof r) => x.clusters.reduce((s, c) => s + c.memberIds.length - 1, 0);
      return {
        object: rule.object,
        records: r.records,
        clusters: r.clusters.length,
        duplicateRecords: dupRecords(r),
        previousDuplicateRecords: p ? dupRecords(p) : null,
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
    }),
    deliverability: { checked: cur.stale.length, verdicts, mx },
    archive: {
      staleContacts: cur.stale.length,
      previousStaleContacts: prev ? prev.stale.length : null,
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
    enrichmentSample,
    notAvailable: [...na.notAvailable, ...cur.dups.flatMap(({ r }) => r.notAvailable ?? [])],
  };
}

/** The MX check of the stale contacts' addresses (those with a valid syntax), by distinct domain. */
async function staleMx(
  stale: { email: string | null }[],
  o: MxOptions,
): Promise<AuditResult['deliverability']['mx']> {
  const domainOf = (e: string | null): string =>
    checkEmail(e) === 'invalid syntax'
      ? ''
      : e!
          .trim()
          .slice(e!.trim().lastIndexOf('@') + 1)
          .toLowerCase();
  const verdicts = await checkMx(
    stale.map((c) => domainOf(c.email)),
    o,
  );
  const undeliverable = stale.filter((c) => verdicts.get(domainOf(c.email)) === 'no mx').length;
  return { checked: true, undeliverable, ...mxSummary(verdicts) };
}

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

export function auditDoc(r: AuditResult, label = fieldLabeler()): ReportDoc {
  const cmp = r.previousAsOf ? ` compared with ${r.previousAsOf.slice(0, 10)}` : '';
  const missingTotal = r.missingFields.reduce((s, m) => s + m.missing, 0);
  const lifecycleNa = r.notAvailable.find((n) => n.figure === LIFECYCLE_FIGURE);
  const requiredNa = r.notAvailable.find((n) => n.figure.startsWith('Required fields'));
  const status = (bad: boolean, warn = false): Status => (bad ? 'bad' : warn ? 'warn' : 'good');
  return {
    title: 'Quarterly data audit',
    subtitle: `Snapshot as of ${r.asOf.slice(0, 10)}${cmp}`,
    sections: [
      {
        title: 'Checklist',
        blocks: [
          {
            kind: 'kpis',
            items: [
              ...r.duplicates.map((d) => ({
                label: `Duplicate ${d.object.toLowerCase()}s`,
                value: num(d.duplicateRecords),
                note: `${num(d.clusters)} clusters in ${num(d.records)} records${d.previousDuplicateRecords !== null ? `; ${delta(d.duplicateRecords, d.previousDuplicateRecords)} vs previous` : ''}`,
                status: status(
                  d.records > 0 && d.duplicateRecords / d.records > 0.05,
                  d.duplicateRecords > 0,
                ),
              })),
              {
                label: `Contacts idle ${r.archive.months}+ months (archive)`,
                value: num(r.archive.staleContacts),
                note:
                  r.archive.previousStaleContacts !== null
                    ? `${delta(r.archive.staleContacts, r.archive.previousStaleContacts)} vs previous`
                    : undefined,
              },
              {
                label: 'Invalid or disposable stale emails',
                value: num(
                  r.deliverability.verdicts['invalid syntax'] + r.deliverability.verdicts.disposable,
                ),
                note: 'syntax and disposable-domain checks, offline',
                status: status(
                  r.deliverability.verdicts['invalid syntax'] + r.deliverability.verdicts.disposable > 0,
                ),
              },
              mxKpi(r.deliverability.mx),
              {
                label: 'Required fields missing (open deals)',
                value: num(missingTotal),
                // red when a stage's open deals all lack a field it requires, amber when some do
                status:
                  !r.missingFields.length && requiredNa
                    ? 'skipped'
                    : status(
                        r.missingFields.some((m) => m.openDeals > 0 && m.missing === m.openDeals),
                        missingTotal > 0,
                      ),
                note: requiredNa?.figure.replace(
                  'Required fields missing',
                  'not counted (not in the snapshot)',
                ),
              },
              lifecycleNa
                ? { label: 'Bottleneck stages', value: 'n/a', status: 'skipped', note: lifecycleNa.reason }
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
      },
      {
        title: 'Duplicates: top clusters',
        blocks: r.duplicates.map((d) => ({
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
      },
      {
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
            rows: r.archive.sample.map((c) => [
              c.id,
              c.name,
              c.email ?? '',
              (c.lastActivity ?? '').slice(0, 10),
            ]),
            idColumns: [0],
            limit: 10,
          },
        ],
      },
      {
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
      },
      {
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
      },
      {
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
      },
      ...notAvailableSections(r.notAvailable),
    ],
  };
}
