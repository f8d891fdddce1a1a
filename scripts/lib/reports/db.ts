// Read access to a snapshot (one DuckDB file) for the reports. Reports read snapshots only, never an org.
import { SfError } from '@salesforce/core/sfError';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { incompleteReason } from '../snapshot/store.ts';

export type Row = Record<string, string | number | boolean | null>;

export class ReportError extends SfError {
  declare actions: string[];
  declare exitCode: number;
  constructor(message: string, actions: string[] = [], exitCode = 1) {
    super(message, 'ReportError', actions, exitCode);
  }
}

export interface Db {
  conn: DuckDBConnection;
  /** Rows as plain JS values: numbers (BIGINT -> number), strings, booleans, timestamps as ISO strings. */
  all<T extends Row = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  hasTable(name: string): Promise<boolean>;
  tableColumns(name: string): Promise<string[]>;
  close(): void;
}

function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** The refusal of a snapshot that is not complete, naming the file, and how to rebuild it or resume the pull. */
export function snapshotIncomplete(path: string, why: string): ReportError {
  const out = path.replace(/\.partial$/i, '');
  return Object.assign(
    new ReportError(`${path} is not a complete snapshot: ${why}. Reports would count missing rows as zero.`, [
      `Build it again: npm run revops -- snapshot --from-export PATH --out ${out} (or --demo), which writes a new complete file.`,
      `An interrupted org pull resumes where it stopped: npm run revops -- snapshot --from-org ORG --out ${out}`,
    ]),
    { name: 'SnapshotIncomplete' },
  );
}

/**
 * Opens a DuckDB file read-only (or an in-memory database with path ':memory:'). A read-only snapshot file that is
 * not complete is refused (incompleteReason): a `.partial` file or provenance without its completion mark, and, with
 * `requireProvenance` (what reports use: openSnapshotFile), a file without `_provenance`.
 */
export async function openDb(
  path: string,
  opts: { readOnly?: boolean; requireProvenance?: boolean } = {},
): Promise<Db> {
  const checked = opts.readOnly === true && path !== ':memory:';
  // Before opening: a build still running holds the .partial file's lock.
  const partial = checked ? await incompleteReason(null, path) : null;
  if (partial) throw snapshotIncomplete(path, partial);
  if (path !== ':memory:' && !existsSync(path)) {
    throw new ReportError(`Snapshot file not found: ${path}`, [
      'Build the demo snapshot: npm run revops -- snapshot --demo',
      'Or pass an existing snapshot with --snapshot FILE',
    ]);
  }
  const instance = await DuckDBInstance.create(
    path,
    path === ':memory:' || !opts.readOnly ? {} : { access_mode: 'READ_ONLY' },
  ).catch((e: Error) => {
    throw openError(path, e);
  });
  const conn = await instance.connect();
  const why = checked ? await incompleteReason(conn, path, opts.requireProvenance === true) : null;
  if (why) {
    conn.closeSync();
    instance.closeSync();
    throw snapshotIncomplete(path, why);
  }
  const db: Db = {
    conn,
    async all<T extends Row = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
      const reader = await conn.runAndReadAll(sql, params);
      const names = reader.columnNames();
      return reader.getRowsJS().map((r) => {
        const o: Row = {};
        for (let i = 0; i < names.length; i++) o[names[i]] = plain(r[i]);
        return o as T;
      });
    },
    async hasTable(name: string) {
      const r = await db.all<{ n: number }>(
        'SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?',
        [name],
      );
      return r[0].n > 0;
    },
    async tableColumns(name: string) {
      const r = await db.all<{ c: string }>(
        'SELECT column_name AS c FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position',
        [name],
      );
      return r.map((x) => x.c);
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
  return db;
}

/** DuckDB's reason a file would not open, as a message naming the file and what to do. */
function openError(path: string, e: Error): ReportError {
  const first = e.message.split('\n')[0];
  if (
    /not a valid DuckDB database file|is corrupt|unable to open database|in-memory database in read-only/i.test(
      e.message,
    )
  )
    return new ReportError(`${path} is not a snapshot (not a readable DuckDB database file: ${first}).`, [
      'Pass a file written by revops snapshot (a .duckdb file), or build one: npm run revops -- snapshot --demo',
    ]);
  if (/lock/i.test(e.message))
    return new ReportError(`${path} is in use by another process (${first}).`, [
      'Wait for the snapshot build or the other report reading it to finish, then run this again.',
    ]);
  return new ReportError(`Could not open the snapshot ${path}: ${first}`, [
    'Rebuild the snapshot with revops snapshot, or pass another one with --snapshot FILE.',
  ]);
}

/** Quotes an identifier for DuckDB SQL ("Lead", "Lifecycle_Stage__c"). */
export const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;
/** Quotes a string literal. */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Fails with a clear message when a snapshot lacks a table or columns a report needs. */
export async function requireColumns(db: Db, table: string, cols: string[]): Promise<void> {
  if (!(await db.hasTable(table))) {
    throw new ReportError(`The snapshot has no "${table}" table.`, [
      'Rebuild the snapshot with revops snapshot (it writes every table the reports read).',
    ]);
  }
  const have = new Set(await db.tableColumns(table));
  const missing = cols.filter((c) => !have.has(c));
  if (missing.length) {
    throw new ReportError(`Table "${table}" lacks column(s) ${missing.join(', ')}.`, [
      'Rebuild the snapshot so it includes these fields.',
    ]);
  }
}

/** ISO-8601 UTC text of a snapshot timestamp value ("2026-01-05 10:00:00" or already ISO), or null. */
export function toIso(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const s = String(v).trim().replace(' ', 'T');
  return /(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`;
}
