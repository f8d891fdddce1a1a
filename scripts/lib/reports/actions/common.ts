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
