// Shared pieces of the action reports (SLA compliance, stale deals, stage skips and close-date pushes,
// non-standard terms, forecast accuracy): what a report returns when the snapshot cannot feed it.
import { notAvailableReason, snapshotCoverage } from '../coverage.ts';
import type { Db } from '../db.ts';

/** A report the snapshot cannot feed, and why (e.g. our fields are absent before the package is installed). */
export interface Unavailable {
  available: false;
  reason: string;
}

export type Maybe<T> = (T & { available: true }) | Unavailable;

export const unavailable = (reason: string): Unavailable => ({ available: false, reason });

/**
 * The columns of `cols` the snapshot cannot give ([] when all are there): those its table lacks (a missing table
 * lacks them all) and those its source did not have (_provenance, coverage.ts): every column of an object the export
 * had no CSV for (its table is empty, which is no evidence of none), a field of our package before install.
 */
export async function missingColumns(db: Db, table: string, cols: string[]): Promise<string[]> {
  if (!(await db.hasTable(table))) return cols;
  const coverage = await snapshotCoverage(db);
  const have = new Set(await db.tableColumns(table));
  return cols.filter((c) => !have.has(c) || !coverage.has(table, c));
}

/**
 * Why a report cannot run when the snapshot's source lacked an object it reads: "not available (the snapshot has no
 * Opportunity records)"; null when the source had them all (a demo or org snapshot always does).
 */
export async function absentObjects(db: Db, objects: string[]): Promise<Unavailable | null> {
  const missing = (await snapshotCoverage(db)).lacking(objects);
  return missing.length ? unavailable(notAvailableReason(missing)) : null;
}

/**
 * Why stage figures cannot be judged, or null: the snapshot has open deals and every one is in a stage no
 * Stage_Policy__mdt names (an org before install keeps its own stages, e.g. Prospecting, Qualification), so judging
 * them would read as "0 stale deals" and "0 required fields missing" on target.
 */
export function unknownStagesReason(openStages: string[], policies: { stage: string }[]): string | null {
  const known = policies.map((p) => p.stage);
  const foreign = foreignStages(openStages, known);
  // Stage_Policy__mdt takes only the package's stages (config check refuses others): the fix is the deploy
  return foreign
    ? `not available (the open deals are in stages no Stage_Policy__mdt names: ${foreign}; these figures judge the package's stages, which a deploy adds: ${known.join(', ')})`
    : null;
}

/**
 * The stages `found` in the snapshot as a list to show ("Prospecting, Qualification", at most five), when none of
 * them is `known`; null when there are none or one is known (the figures can be judged).
 */
export function foreignStages(found: string[], known: readonly string[]): string | null {
  if (!found.length || found.some((s) => known.includes(s))) return null;
  const names = [...new Set(found)].sort();
  return (names.length > 5 ? [...names.slice(0, 5), '…'] : names).join(', ');
}

/** The stages of the snapshot's open deals (none without an Opportunity table). */
export async function openDealStages(db: Db): Promise<string[]> {
  if (!(await db.hasTable('Opportunity'))) return [];
  if ((await missingColumns(db, 'Opportunity', ['StageName', 'IsClosed'])).length) return [];
  const rows = await db.all<{ stage: string }>(
    `SELECT DISTINCT "StageName" AS stage FROM "Opportunity" WHERE NOT coalesce("IsClosed", false) AND "StageName" IS NOT NULL`,
  );
  return rows.map((r) => r.stage);
}

/** "not available before install" when a report needs fields of our package the snapshot lacks. */
export function beforeInstall(table: string, missing: string[]): Unavailable {
  return unavailable(
    `not available before install: ${table} lacks ${missing.join(', ')} (fields the RevOps package adds)`,
  );
}

/** Names of users by Id (User.Name), and each user's manager Id. */
export async function users(db: Db): Promise<Map<string, { name: string; managerId: string | null }>> {
  const out = new Map<string, { name: string; managerId: string | null }>();
  if (!(await db.hasTable('User'))) return out;
  const cols = new Set(await db.tableColumns('User'));
  const name = cols.has('Name') ? `"Name"` : `"Id"`;
  const mgr = cols.has('ManagerId') ? `"ManagerId"` : 'NULL';
  for (const r of await db.all<{ id: string; name: string | null; mgr: string | null }>(
    `SELECT "Id" AS id, ${name} AS name, ${mgr} AS mgr FROM "User"`,
  ))
    out.set(r.id, { name: r.name ?? r.id, managerId: r.mgr });
  return out;
}

export const ms = (iso: string): number => Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
