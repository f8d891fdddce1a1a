// The audit's queries over one snapshot: its "now", the stale contacts, lifecycle stage counts, required fields
// missing by stage, what the snapshot cannot answer, and the enrichment sample.
import { splitList } from '../../rules/types.ts';
import { lit, q, type Db } from '../db.ts';
import { snapshotCoverage, type NotAvailable } from '../coverage.ts';
import { dedupSnapshot } from '../dedup/report.ts';
import type { StagePolicy } from '../../rules/hygiene.ts';
import { LIFECYCLE_FIGURE, STALE_FIGURE, type AuditOptions, type EnrichmentSampleRow } from './types.ts';

/**
 * What the audit cannot compute on this snapshot: the lifecycle stages (Lifecycle_Stage__c is our field), the stale
 * contacts when the source had no Contact records, and the required fields the source lacks altogether (counting
 * them would report every open deal as missing them). The duplicates of an object the source lacked are marked by
 * dedupSnapshot.
 */
export async function auditCoverage(
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
  const stale = coverage.check(STALE_FIGURE, ['Contact']);
  return {
    lifecycleKnown: lifecycle === null,
    absentFields: new Set(absent),
    notAvailable: [lifecycle, stale, fields].filter((x): x is NotAvailable => x !== null),
  };
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

/**
 * Contacts whose latest activity (Contact.LastActivityDate, which Salesforce keeps from closed tasks and past events
 * and exports carry; the snapshot's tasks, events and engagement; else creation) is older than the cutoff.
 */
async function staleContactsSql(db: Db, asOf: string, months: number): Promise<string> {
  const parts: string[] = [];
  if (await db.hasTable('Task')) parts.push(`SELECT "WhoId" AS cid, "CreatedDate" AS ts FROM "Task"`);
  if (await db.hasTable('Event')) parts.push(`SELECT "WhoId", "CreatedDate" FROM "Event"`);
  if (await db.hasTable('Engagement_Event__c'))
    parts.push(`SELECT coalesce("Contact__c", "Record_Id__c"), "Occurred_At__c" FROM "Engagement_Event__c"`);
  const acts = parts.length
    ? parts.join(' UNION ALL ')
    : `SELECT NULL::VARCHAR AS cid, NULL::TIMESTAMP AS ts WHERE false`;
  // a snapshot from before the schema had the field may hold it as text (an export's extra column): cast
  const logged = (await db.tableColumns('Contact')).includes('LastActivityDate')
    ? `TRY_CAST(c."LastActivityDate" AS TIMESTAMP)`
    : 'NULL';
  // greatest() skips NULLs: a contact without any activity is as old as its creation
  const last = `greatest(act.ts, ${logged}, c."CreatedDate")`;
  return `WITH act AS (SELECT cid, max(ts) AS ts FROM (${acts}) GROUP BY cid)
          SELECT c."Id" AS id, coalesce(c."Name", concat_ws(' ', c."FirstName", c."LastName")) AS name, c."Email" AS email,
                 CAST(${last} AS VARCHAR) AS "lastActivity"
          FROM "Contact" c LEFT JOIN act ON act.cid = c."Id"
          WHERE ${last} < CAST(${lit(asOf)} AS TIMESTAMP) - INTERVAL ${months} MONTH`;
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
        // blank, or an unchecked checkbox (false), which the stage's validation rule refuses as well
        (f, i) =>
          `count(*) FILTER (WHERE ${q(f)} IS NULL OR trim(CAST(${q(f)} AS VARCHAR)) IN ('', 'false')) AS m${i}`,
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

export async function figures(db: Db, o: AuditOptions, withDetail: boolean) {
  const asOf = await asOfOf(db);
  const months = o.staleMonths ?? 12;
  const dups = [];
  for (const rule of o.dedupRules) {
    if (rule.active === false || !(await db.hasTable(rule.object))) continue;
    // an object the source did not have comes back not computed (records null, in its notAvailable), never as 0
    const r = await dedupSnapshot(db, rule);
    dups.push({ rule, r });
  }
  // no Contact records in the source (an export without Contact.csv): none listed, and auditCoverage says why
  const contactsInSource = (await snapshotCoverage(db)).has('Contact');
  const stale = contactsInSource
    ? await db.all<{ id: string; name: string; email: string | null; lastActivity: string | null }>(
        `${await staleContactsSql(db, asOf, months)} ORDER BY "lastActivity", id`,
      )
    : [];
  const stages = await stageCounts(db, asOf);
  const missing = await missingByStage(db, o.stagePolicies);
  return { asOf, months, dups, stale, contactsInSource, stages, missing, withDetail };
}

/** Deterministic pseudo-random order (FNV-1a of seed + Id), so the same snapshot gives the same sample. */
export function hashOrder(id: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The random enrichment-accuracy sample: the same snapshot and seed give the same accounts. */
export async function enrichmentSample(db: Db, o: AuditOptions): Promise<EnrichmentSampleRow[]> {
  const sampleSize = o.sampleSize ?? 20;
  const seed = o.seed ?? 2026;
  const accounts = await db.all<EnrichmentSampleRow>(
    `SELECT "Id" AS id, "Name" AS name, "Industry" AS industry, "NumberOfEmployees" AS employees, "AnnualRevenue" AS revenue, "BillingCountry" AS country, "Website" AS website FROM "Account"`,
  );
  return accounts
    .sort((a, b) => hashOrder(a.id, seed) - hashOrder(b.id, seed) || a.id.localeCompare(b.id))
    .slice(0, sampleSize);
}
