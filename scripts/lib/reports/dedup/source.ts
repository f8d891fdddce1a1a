// Loads the records of an exported CSV file for the dedup engine (snapshot tables: report.ts).
import { openDb, q, lit, ReportError } from '../db.ts';
import type { RecordTable } from './engine.ts';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

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
    const from = `SELECT * FROM read_csv(${lit(file)}, all_varchar = true, header = true)`;
    const names = (await db.conn.runAndReadAll(`${from} LIMIT 0`)).columnNames();
    const rawId = names.find((n) => n.trim() === idField);
    if (!rawId) {
      throw new ReportError(
        `The export has no "${idField}" column (columns: ${names.map((n) => n.trim()).join(', ')}).`,
        ['Name the id column in the mapping ("id").'],
      );
    }
    const raw = await db.columns(from, q(rawId));
    const columns: Record<string, (string | null)[]> = {};
    for (const [name, values] of Object.entries(raw))
      columns[name.trim()] = values.map((v) => (v === null ? null : v.trim() || null));
    return { ids: columns[idField].map((v) => v ?? ''), columns };
  } finally {
    db.close();
  }
}
