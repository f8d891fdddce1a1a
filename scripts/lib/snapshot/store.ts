// The snapshot store: one DuckDB file per snapshot, one table per object (tables and columns: schema.ts).
// A snapshot is built in "<out>.partial" and renamed into place only when complete, so a failed or
// interrupted build never replaces a good snapshot.
import { SfError } from '@salesforce/core/sfError';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { PROVENANCE_TABLE, SCHEMA, columnType, ident, literal, schemaOf, type ColumnType } from './schema.ts';
import { MAX_LINE_BYTES, idLines } from './csvCheck.ts';
import { SnapshotError } from './errors.ts';

export interface Provenance {
  source: 'demo' | 'export' | 'org';
  orgId: string | null;
  apiVersion: string | null;
  /** ISO time the snapshot was taken. */
  createdAt: string;
  /** The org's https URL (org pulls): reports link record Ids to it. */
  instanceUrl?: string | null;
}

/**
 * Columns of a table: the contract's fields for the object (or optional table), then any extra columns, in order:
 * an optional field of the schema (Opportunity.CurrencyIsoCode) with its type, any other one VARCHAR.
 */
export function tableColumns(object: string, extra: readonly string[] = []): Array<[string, ColumnType]> {
  const cols: Array<[string, ColumnType]> = (schemaOf(object)?.fields ?? []).map(([n, t]) => [n, t]);
  const known = new Set(cols.map(([n]) => n));
  for (const name of extra) {
    if (!known.has(name)) {
      cols.push([name, columnType(object, name)]);
      known.add(name);
    }
  }
  return cols;
}

export interface CsvSource {
  file: string;
  /** Header names exactly as they appear in the file. */
  header: readonly string[];
  /** How messages name the file, e.g. "Lead.csv (from WE_00D..._1.ZIP)"; default `file`. */
  label?: string;
}

/** A DuckDB failure loading one CSV file (build.ts turns it into a message naming line and column). */
export class CsvLoadError extends SfError {
  declare cause: Error;
  constructor(
    readonly source: CsvSource,
    cause: Error,
  ) {
    super(cause.message, 'CsvLoadError', [], cause);
  }
}

/** The columns a derived column's formula reads (its double-quoted identifiers). */
export function derivedInputs(expr: string): string[] {
  return [...expr.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/**
 * The contract's columns a source filled for an object: the columns of its files (or of its org query), plus the
 * formulas recomputed from them (insertCsvSql runs a formula when one of its inputs is there).
 */
export function loadedColumns(object: string, columns: readonly string[]): string[] {
  const have = new Set(columns);
  for (const [name, expr] of Object.entries(SCHEMA[object]?.derived ?? {}))
    if (derivedInputs(expr).some((c) => have.has(c))) have.add(name);
  return (SCHEMA[object]?.fields ?? []).map(([n]) => n).filter((n) => have.has(n));
}

/**
 * INSERT of one CSV file into a table with DuckDB's reader, typed from the schema; formula columns the file lacks
 * (SCHEMA[object].derived) are computed. `src` tags rows with the file's position when several files are merged.
 */
export function insertCsvSql(object: string, table: string, s: CsvSource, src: number | null = null): string {
  // Datetimes are read as text and cast explicitly, so "31/01/2026" fails (the reader's own TIMESTAMPTZ type reads
  // it as NULL) and an offset is honoured (a cast to TIMESTAMP is pushed into the reader, which drops it): Salesforce's
  // "...Z" and plain dates take the fast TIMESTAMP cast; anything else ("2026-01-31T14:05:00+02:00") is read as
  // TIMESTAMPTZ and converted to UTC (12:05; the writer's zone is UTC, so text without an offset is UTC).
  const timestamps = s.header.filter((h) => columnType(object, h) === 'TIMESTAMP');
  const types = s.header
    .map((h) => `${literal(h)}: ${literal(timestamps.includes(h) ? 'VARCHAR' : columnType(object, h))}`)
    .join(', ');
  const utc = (c: string): string =>
    `CASE WHEN length(${c}) <= 10 OR ends_with(${c}, 'Z') THEN CAST(${c} AS TIMESTAMP) ELSE timezone('UTC', CAST(${c} AS TIMESTAMPTZ)) END`;
  const replace = timestamps.length
    ? ` REPLACE (${timestamps.map((h) => `${utc(ident(h))} AS ${ident(h)}`).join(', ')})`
    : '';
  const present = new Set(s.header);
  const computed = Object.entries(schemaOf(object)?.derived ?? {})
    .filter(([name]) => !present.has(name))
    // a formula runs only when the file has at least one of its inputs (an org without our package has no
    // Fit_Score__c: its Total_Score__c stays blank, not 0); an input the file lacks is blank
    .map(([name, expr]) =>
      derivedInputs(expr).some((c) => present.has(c))
        ? `, ${expr.replace(/"([^"]+)"/g, (m, c: string) => (present.has(c) ? m : 'NULL'))} AS ${ident(name)}`
        : `, NULL AS ${ident(name)}`,
    )
    .join('');
  return (
    `INSERT INTO ${ident(table)} BY NAME SELECT *${replace}${computed}${src === null ? '' : `, ${src} AS __src`} FROM read_csv(${literal(s.file)}, header = true, ` +
    // The dialect is fixed (no sniffing, which could take 31/01/2026 for a date format) and strict: a broken quote
    // or a line with more or fewer values than the header fails instead of loading shifted or truncated values.
    `auto_detect = false, delim = ',', columns = {${types}}, quote = '"', escape = '"', nullstr = '', strict_mode = true, parallel = true, ` +
    // a buffer must hold a whole line: two (32 MiB, about DuckDB's default buffer) keep the parallel reader's chunks small
    `max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${2 * MAX_LINE_BYTES})`
  );
}

/**
 * What the provenance row of an object says about its source: whether the source had the object at all, and the
 * contract's fields it lacked (a JSON array; an org without our package has no Fit_Score__c). An object `loaded`
 * does not name (the demo) came with every field; `null` in `loaded` means the source had no such object.
 */
function presence(
  object: string,
  loaded: Record<string, readonly string[] | null>,
): { inSource: boolean; absent: string } {
  if (!(object in loaded) || !SCHEMA[object]) return { inSource: true, absent: '[]' };
  const cols = loaded[object];
  const have = new Set(cols === null ? [] : loadedColumns(object, cols));
  return {
    inSource: cols !== null,
    absent: JSON.stringify(SCHEMA[object].fields.map(([n]) => n).filter((n) => !have.has(n))),
  };
}

export class SnapshotWriter {
  private constructor(
    readonly out: string,
    private readonly partial: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /**
   * Starts `<out>.partial`. With `resume`, an existing partial file is reopened (an interrupted org pull);
   * `memoryLimit` caps DuckDB's buffer pool (org pulls keep their RSS flat this way).
   */
  static async create(
    out: string,
    opts: { resume?: boolean; memoryLimit?: string; preserveInsertionOrder?: boolean } = {},
  ): Promise<SnapshotWriter> {
    mkdirSync(dirname(out), { recursive: true });
    const partial = `${out}.partial`;
    if (!opts.resume) {
      rmSync(partial, { force: true });
      rmSync(`${partial}.wal`, { force: true });
    }
    const settings: Record<string, string> = opts.memoryLimit
      ? { memory_limit: opts.memoryLimit, threads: '1', preserve_insertion_order: 'false' }
      : {};
    if (opts.preserveInsertionOrder === false) settings.preserve_insertion_order = 'false';
    const instance = await DuckDBInstance.create(partial, settings);
    const conn = await instance.connect();
    // Datetimes are stored in UTC: a "+02:00" in a CSV is converted, and nothing depends on the laptop's zone.
    await conn.run(`SET GLOBAL TimeZone = 'UTC'`);
    return new SnapshotWriter(out, partial, instance, conn);
  }

  private readonly conns: DuckDBConnection[] = [];

  /** Another connection to the same file (concurrent loads). */
  async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    this.conns.push(conn);
    return conn;
  }

  /** Stops every running statement (Ctrl-C): they fail with DuckDB's INTERRUPT error. */
  interrupt(): void {
    if (this.closed) return;
    for (const c of [this.conn, ...this.conns]) {
      try {
        c.interrupt();
      } catch {
        // a connection already closed
      }
    }
  }

  async createTable(
    table: string,
    columns: ReadonlyArray<readonly [string, ColumnType]>,
    conn: DuckDBConnection = this.conn,
  ): Promise<void> {
    await conn.run(
      `CREATE OR REPLACE TABLE ${ident(table)} (${columns.map(([n, t]) => `${ident(n)} ${t}`).join(', ')})`,
    );
  }

  /**
   * Loads CSV files (same object) with DuckDB's own reader, typed from the schema. Columns the object's schema
   * derives (formulas exports omit) are computed when absent. With several files, rows are merged by Id: the
   * last file wins. Returns the row count.
   */
  async loadCsv(
    object: string,
    sources: readonly CsvSource[],
    conn: DuckDBConnection = this.conn,
  ): Promise<number> {
    const extra = sources.flatMap((s) => s.header);
    await this.createTable(object, tableColumns(object, extra), conn);
    const target = sources.length > 1 ? `${object}__staging` : object;
    if (sources.length > 1) {
      await conn.run(
        `CREATE TEMP TABLE ${ident(target)} AS SELECT *, 0 AS __src FROM ${ident(object)} LIMIT 0`,
      );
    }
    for (const [i, s] of sources.entries()) {
      await conn.run(insertCsvSql(object, target, s, sources.length > 1 ? i : null)).catch((e: Error) => {
        throw new CsvLoadError(s, e);
      });
    }
    if (sources.some((s) => s.header.includes('Id'))) await this.checkIds(object, target, sources, conn);
    if (sources.length > 1) {
      await conn.run(
        `INSERT INTO ${ident(object)} BY NAME SELECT * EXCLUDE (__src) FROM (SELECT DISTINCT ON ("Id") * FROM ${ident(target)} ORDER BY "Id", __src DESC)`,
      );
      await conn.run(`DROP TABLE ${ident(target)}`);
    }
    return this.count(object, conn);
  }

  /**
   * Refuses a file holding the same Id twice or a blank Id (across files, the later file wins by design; within one
   * file, one of the rows would be dropped silently), naming the file and the lines.
   */
  private async checkIds(
    object: string,
    table: string,
    sources: readonly CsvSource[],
    conn: DuckDBConnection,
  ): Promise<void> {
    const multi = sources.length > 1;
    const src = multi ? '__src' : '0';
    const counts = (
      await conn.runAndReadAll(
        `SELECT ${src} AS src, (count("Id") - count(DISTINCT "Id"))::DOUBLE AS dups, count(*) FILTER (WHERE "Id" IS NULL OR trim("Id") = '')::DOUBLE AS blanks FROM ${ident(table)} GROUP BY ALL ORDER BY 1`,
      )
    ).getRowsJS();
    const problems: string[] = [];
    for (const [i, dups, blanks] of counts) {
      if (!Number(dups) && !Number(blanks)) continue;
      const s = sources[Number(i)];
      const ids = (
        await conn.runAndReadAll(
          `SELECT "Id" FROM ${ident(table)} WHERE ${src} = ${Number(i)} AND "Id" IS NOT NULL GROUP BY "Id" HAVING count(*) > 1 ORDER BY "Id" LIMIT 5`,
        )
      )
        .getRowsJS()
        .map((r) => String(r[0]));
      const lines = await idLines(s.file, s.header, new Set(ids));
      const label = s.label ?? s.file;
      if (Number(dups))
        problems.push(
          `${label}: ${Number(dups)} duplicate Id${Number(dups) > 1 ? 's' : ''}: ${[...lines.duplicates]
            .map(([id, at]) => `${id} on lines ${at.join(', ')}`)
            .join('; ')}${Number(dups) > ids.length ? '; ...' : ''}`,
        );
      if (Number(blanks))
        problems.push(
          `${label}: ${Number(blanks)} row${Number(blanks) > 1 ? 's' : ''} without an Id, on line${lines.blank.length > 1 ? 's' : ''} ${lines.blank.join(', ')}${Number(blanks) > lines.blank.length ? ', ...' : ''}`,
        );
    }
    if (problems.length)
      throw new SnapshotError(
        `The ${object} rows cannot be imported exactly:\n  ${problems.join('\n  ')}`,
        [
          'Every record needs its own Id: remove the repeated or Id-less lines (a file put together by hand?), or export the object again from Salesforce.',
        ],
        'ExportInvalid',
      );
  }

  async hasTable(table: string): Promise<boolean> {
    const r = await this.conn.runAndReadAll(
      `SELECT count(*)::INT FROM information_schema.tables WHERE table_name = ${literal(table)}`,
    );
    return Number(r.getRowsJS()[0][0]) > 0;
  }

  /** Keeps one row per Id (the last appended) when a retried page delivered rows twice. */
  async dedupById(table: string): Promise<number> {
    const r = await this.conn.runAndReadAll(
      `SELECT (count(*) - count(DISTINCT "Id"))::DOUBLE FROM ${ident(table)}`,
    );
    const extra = Number(r.getRowsJS()[0][0]);
    if (extra > 0) {
      await this.conn.run(
        `CREATE OR REPLACE TABLE ${ident(table)} AS SELECT DISTINCT ON ("Id") * FROM ${ident(table)}`,
      );
    }
    return extra;
  }

  async count(table: string, conn: DuckDBConnection = this.conn): Promise<number> {
    const r = await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${ident(table)}`);
    return Number(r.getRowsJS()[0][0]);
  }

  /**
   * Writes the provenance rows (with `loaded`: per object, the columns its source had, or null when the source had
   * no such object; see presence), then, as the import's last write, their completion mark (`completed_at`), checkpoints,
   * closes and moves the file into place. Reports refuse a file whose provenance lacks the mark (assertComplete).
   */
  async commit(
    prov: Provenance,
    counts: Record<string, number>,
    loaded: Record<string, readonly string[] | null> = {},
  ): Promise<void> {
    await this.conn.run(
      `CREATE OR REPLACE TABLE ${ident(PROVENANCE_TABLE)} (source VARCHAR, org_id VARCHAR, created_at TIMESTAMP, api_version VARCHAR, object VARCHAR, row_count DOUBLE, in_source BOOLEAN, absent_fields VARCHAR, instance_url VARCHAR, completed_at TIMESTAMP)`,
    );
    const lit = (v: string | null): string => (v === null ? 'NULL' : literal(v));
    const rows = Object.entries(counts).map(([object, n]) => {
      const { inSource, absent } = presence(object, loaded);
      return `(${lit(prov.source)}, ${lit(prov.orgId)}, ${literal(prov.createdAt)}::TIMESTAMPTZ::TIMESTAMP, ${lit(prov.apiVersion)}, ${literal(object)}, ${n}, ${inSource}, ${lit(absent)}, ${lit(prov.instanceUrl ?? null)}, NULL)`;
    });
    if (rows.length) await this.conn.run(`INSERT INTO ${ident(PROVENANCE_TABLE)} VALUES ${rows.join(', ')}`);
    await this.conn.run(
      `UPDATE ${ident(PROVENANCE_TABLE)} SET completed_at = ${literal(new Date().toISOString())}::TIMESTAMPTZ::TIMESTAMP`,
    );
    await this.conn.run('CHECKPOINT');
    this.close();
    rmSync(this.out, { force: true });
    rmSync(`${this.out}.wal`, { force: true });
    renameSync(this.partial, this.out);
  }

  /** Drops the partial file; the previous snapshot at `out` (if any) is untouched. */
  abort(): void {
    this.close();
    rmSync(this.partial, { force: true });
    rmSync(`${this.partial}.wal`, { force: true });
  }

  /** Closes without deleting the partial file (an interrupted pull that can resume). */
  release(): void {
    this.close();
  }

  private closed = false;
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Why a snapshot file cannot be trusted, or null when it is complete: an unfinished build (`.partial`), no
 * `_provenance` table (not written by `revops snapshot`, or the import never finished) or provenance without the
 * completion mark. Provenance without a `completed_at` column is a snapshot from before the mark existed, when
 * `_provenance` itself was an import's last write: complete.
 */
export async function incompleteReason(
  conn: DuckDBConnection | null,
  path: string,
  requireProvenance = true,
): Promise<string | null> {
  if (/\.partial$/i.test(path))
    return 'it is an unfinished build (a ".partial" file: the import was killed or failed)';
  if (!conn) return null;
  const cols = (
    await conn.runAndReadAll(
      `SELECT column_name FROM information_schema.columns WHERE table_name = ${literal(PROVENANCE_TABLE)}`,
    )
  )
    .getRowsJS()
    .map((r) => String(r[0]));
  if (!cols.length && !requireProvenance) return null;
  if (!cols.length)
    return `it has no ${PROVENANCE_TABLE} table (it was not written by revops snapshot, or its import never finished)`;
  if (!cols.includes('completed_at')) return null;
  const [[rows, marked]] = (
    await conn.runAndReadAll(
      `SELECT count(*)::DOUBLE, count(completed_at)::DOUBLE FROM ${ident(PROVENANCE_TABLE)}`,
    )
  ).getRowsJS();
  if (Number(rows) === 0 || Number(marked) < Number(rows))
    return `its ${PROVENANCE_TABLE} has no completion mark (the import stopped before it finished)`;
  return null;
}
