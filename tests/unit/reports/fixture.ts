// Tiny snapshots for report tests: tables with the snapshot schema's columns, rows given as partial objects.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SCHEMA, type ColumnType } from '../../../scripts/lib/snapshot/schema.ts';
import { openDb, type Db } from '../../../scripts/lib/reports/db.ts';

export type FixtureRow = Record<string, string | number | boolean | null>;

function sqlValue(v: string | number | boolean | null | undefined, t: ColumnType): string {
  if (v === null || v === undefined) return 'NULL';
  if (t === 'DOUBLE') return String(Number(v));
  if (t === 'BOOLEAN') return v ? 'TRUE' : 'FALSE';
  const s = `'${String(v).replace(/'/g, "''")}'`;
  return t === 'TIMESTAMP' ? `TIMESTAMP ${s}` : s;
}

/** Writes a snapshot file with the given tables (every other schema table empty) and opens it. */
export async function fixtureSnapshot(
  tables: Record<string, FixtureRow[]>,
  extra: Record<string, [string, ColumnType][]> = {},
): Promise<{ db: Db; path: string }> {
  const path = join(mkdtempSync(join(tmpdir(), 'revops-rpt-')), 'fixture.duckdb');
  const inst = await DuckDBInstance.create(path);
  const conn = await inst.connect();
  const all = {
    ...Object.fromEntries(
      Object.entries(SCHEMA).map(([k, v]) => [k, [...v.fields] as [string, ColumnType][]]),
    ),
    ...extra,
  };
  for (const [name, fields] of Object.entries(all)) {
    await conn.run(`CREATE TABLE "${name}" (${fields.map(([f, t]) => `"${f}" ${t}`).join(', ')})`);
    const rows = tables[name] ?? [];
    if (rows.length) {
      const values = rows.map((r) => `(${fields.map(([f, t]) => sqlValue(r[f], t)).join(', ')})`).join(',\n');
      await conn.run(`INSERT INTO "${name}" VALUES ${values}`);
    }
  }
  conn.closeSync();
  inst.closeSync();
  return { db: await openDb(path, { readOnly: true }), path };
}
