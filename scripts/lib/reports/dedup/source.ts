// Loads the records the dedup engine reads: a snapshot table or an exported CSV file.
import { openDb, q, lit, ReportError, type Db } from '../db.ts';
import type { RecordTable } from './engine.ts';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Reads columns of a snapshot table as strings (ids in the `Id` column). */
export async function tableFromSnapshot(
  db: Db,
  object: string,
  columns: string[],
  idField = 'Id',
  where = '',
): Promise<RecordTable> {
  if (!(await db.hasTable(object))) {
    throw new ReportError(`The snapshot has no "${object}" table.`, [
      'Pick --object Lead, Contact or Account, or rebuild the snapshot.',
    ]);
  }
  const have = new Set(await db.tableColumns(object));
  if (!have.has(idField)) throw new ReportError(`Table "${object}" has no ${idField} column.`);
  const cols = [...new Set(columns)].filter((c) => have.has(c));
  const select = [idField, ...cols.filter((c) => c !== idField)]
    .map((c) => `CAST(${q(c)} AS VARCHAR) AS ${q(c)}`)
    .join(', ');
  const data = await db.columns(`SELECT ${select} FROM ${q(object)} ${where} ORDER BY ${q(idField)}`);
  return { ids: data[idField].map((v) => v ?? ''), columns: data };
}

/**
 * Reads an exported CSV (a file, or the `<object>.csv` inside a Data Export folder) with every column as text.
 * Header names and values are trimmed (FEBRL files put a space after each comma).
 */
export async function tableFromCsv(path: string, object: string, idField: string): Promise<RecordTable> {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const hit = readdirSync(path).find((f) => f.toLowerCase() === `${object.toLowerCase()}.csv`);
    if (!hit)
      throw new ReportError(`No ${object}.csv in ${path}.`, [
        `Export the ${object} object, or point --from-export at the CSV file itself.`,
      ]);
    file = join(path, hit);
  }
  if (!existsSync(file))
    throw new ReportError(`Export not found: ${file}`, [
      'Pass a CSV file or a Data Export folder to --from-export.',
    ]);
  const db = await openDb(':memory:');
  try {
    const raw = await db.columns(`SELECT * FROM read_csv(${lit(file)}, all_varchar = true, header = true)`);
    const columns: Record<string, (string | null)[]> = {};
    for (const [name, values] of Object.entries(raw))
      columns[name.trim()] = values.map((v) => (v === null ? null : v.trim() || null));
    if (!columns[idField]) {
      throw new ReportError(
        `The export has no "${idField}" column (columns: ${Object.keys(columns).join(', ')}).`,
        ['Name the id column with --id-field.'],
      );
    }
    return { ids: columns[idField].map((v) => v ?? ''), columns };
  } finally {
    db.close();
  }
}
