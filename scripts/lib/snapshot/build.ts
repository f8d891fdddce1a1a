// Builds snapshots from CSV sources (the demo generator's output or a Data Export) with DuckDB's reader.
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectExport } from './exportSource.ts';
import { OBJECTS, OPTIONAL_TABLES, SCHEMA } from './schema.ts';
import { SnapshotError } from './errors.ts';
import {
  CsvLoadError,
  SnapshotWriter,
  loadedColumns,
  tableColumns,
  type CsvSource,
  type Provenance,
} from './store.ts';
import { TOO_LONG_FIX, diagnoseCsv, where } from './csvCheck.ts';

export interface BuildResult {
  out: string;
  source: Provenance['source'];
  orgId: string | null;
  createdAt: string;
  /** Row count per table. */
  counts: Record<string, number>;
  /** Bytes of CSV read (demo: generated). */
  csvBytes: number;
  timings: Record<string, number>;
  warnings: string[];
}

export type Progress = (message: string) => void;

/** A temp folder for intermediate CSV: memory-backed /dev/shm when it has room for `bytes`, else the OS temp dir. */
export function scratchDir(prefix: string, bytes: number): string {
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize > bytes * 2) return mkdtempSync(join('/dev/shm', prefix));
  } catch {
    // no /dev/shm (macOS, Windows): fall through
  }
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Loads every object (empty tables for objects without a file) and the optional tables the source has
 * (CurrencyType). Objects load concurrently, each on its own connection, so small files do not wait behind big ones
 * and DuckDB keeps every core busy.
 */
export async function loadAll(
  writer: SnapshotWriter,
  objects: Map<string, CsvSource[]>,
  progress: Progress,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const tables = [...OBJECTS, ...Object.keys(OPTIONAL_TABLES).filter((t) => objects.get(t)?.length)];
  await Promise.all(
    tables.map(async (object) => {
      const conn = await writer.connect();
      try {
        const sources = objects.get(object);
        if (!sources?.length) {
          await writer.createTable(object, tableColumns(object), conn);
          counts[object] = 0;
          return;
        }
        const t0 = performance.now();
        counts[object] = await writer.loadCsv(object, sources, conn).catch(async (e: Error) => {
          // an interrupted load (Ctrl-C) is not a bad file
          throw e instanceof CsvLoadError && !/INTERRUPT/.test(e.message) ? await unreadable(object, e) : e;
        });
        progress(
          `  ${object.padEnd(24)} ${String(counts[object]).padStart(10)} rows  ${((performance.now() - t0) / 1000).toFixed(1)}s`,
        );
      } finally {
        conn.closeSync();
      }
    }),
  );
  return Object.fromEntries(tables.map((o) => [o, counts[o]]));
}

/**
 * The message for a CSV DuckDB would not load: the file, the physical line and column, what is wrong there and how to
 * fix it (csvCheck.ts reads the file again to find it); else DuckDB's own reason and line (loadErrorCause).
 */
async function unreadable(object: string, e: CsvLoadError): Promise<SnapshotError> {
  const s = e.source;
  const label = s.label ?? s.file;
  const p = await diagnoseCsv(s.file, object, s.header).catch(() => null);
  if (p)
    return new SnapshotError(
      `Could not read ${label}: ${where(p)}: ${p.problem}.`,
      [p.fix],
      'ExportUnreadable',
    );
  const { message, actions } = loadErrorCause(label, e.cause.message);
  return new SnapshotError(message, actions, 'ExportUnreadable');
}

/**
 * The sentences DuckDB's CSV reader gives as its reason for refusing a record (csv_error.cpp). Its message is
 * "CSV Error on Line: N", the record ("Original Line: ...", which may span lines), the reason, fixes and options.
 */
const DUCKDB_CSV_REASON =
  /^(?:Maximum line size|Value with unterminated quote|Error when converting column|Expected Number of Columns|Invalid unicode|The CSV Parser state machine|Too many columns|Line does not)/;

/** DuckDB's line number (records counted from the header) and its reason, from a possibly multi-line message. */
export function duckdbReason(duckdbMessage: string): { line: number | null; reason: string } {
  const lines = duckdbMessage.split('\n');
  const first = lines.find((l) => l.trim()) ?? duckdbMessage;
  const text = first.replace(/^[A-Za-z ]+Error: /, '');
  const at = /CSV Error on Line: (\d+)/.exec(first);
  if (!at) return { line: null, reason: text };
  // the last match: a line of the quoted record could start like a reason, the fixes and options after it never do
  const reason = lines
    .slice(1)
    .reverse()
    .find((l) => DUCKDB_CSV_REASON.test(l));
  return { line: Number(at[1]), reason: reason?.trim() ?? 'the CSV reader refused this record' };
}

/**
 * DuckDB's reason for refusing a file, with its line and the fix for what it really says: only a decoding error is
 * an encoding problem; a column the import refers to that the file lacks is named as a missing column.
 */
export function loadErrorCause(label: string, duckdbMessage: string): { message: string; actions: string[] } {
  const { line, reason } = duckdbReason(duckdbMessage);
  const column = /Referenced column "([^"]+)" not found/.exec(reason)?.[1];
  if (column)
    return {
      message: `Could not read ${label}: the file has no "${column}" column, which the import needs.`,
      actions: [
        `Add a "${column}" column to the header (its values may be blank), or export the object again with all its fields.`,
      ],
    };
  const message = `Could not read ${label}: ${line === null ? '' : `line ${line}: `}${reason}`;
  if (/unicode|utf-?8|encoding|byte sequence/i.test(reason))
    return {
      message,
      actions: [
        'Data Exports must be UTF-8: choose "Unicode (UTF-8)" as the export encoding, then export again.',
      ],
    };
  if (/^Maximum line size/.test(reason)) return { message, actions: [TOO_LONG_FIX] };
  return {
    message,
    actions: [
      'A hand-made CSV needs one header row of field API names and comma-separated, double-quoted values.',
      'Or export the object again from Salesforce (Setup > Data Export).',
    ],
  };
}

/**
 * What the import says about an export's coverage: standard objects without a CSV, and, for an org without our
 * package, that its objects and fields are absent (empty tables and blank columns; the reports say which figures
 * need them).
 */
function exportWarnings(objects: Map<string, CsvSource[]>): string[] {
  const warnings: string[] = [];
  const missing = OBJECTS.filter((o) => !objects.has(o));
  const ours = missing.filter((o) => o.endsWith('__c'));
  const standard = missing.filter((o) => !o.endsWith('__c'));
  if (standard.length)
    warnings.push(`The export has no CSV for ${standard.join(', ')}; those tables are empty.`);
  if (ours.length)
    warnings.push(
      `The export has no ${ours.join(', ')} (objects of the RevOps package: none before install); those tables are empty and the reports mark what needs them as not available before install.`,
    );
  const absentFields = [...objects].flatMap(([o, files]) => {
    if (!SCHEMA[o]) return []; // an optional table (CurrencyType): present, nothing of ours in it
    const have = new Set(
      loadedColumns(
        o,
        files.flatMap((f) => f.header),
      ),
    );
    const absent = SCHEMA[o].fields.map(([n]) => n).filter((n) => n.endsWith('__c') && !have.has(n));
    return absent.length ? [`${o} (${absent.length} field${absent.length > 1 ? 's' : ''})`] : [];
  });
  if (absentFields.length)
    warnings.push(
      `The export lacks fields of the RevOps package on ${absentFields.join(', ')}: an org without the package (or a partial export); they are blank, and recorded in the snapshot's _provenance.`,
    );
  return warnings;
}

export interface ExportBuildOptions {
  out: string;
  path: string;
  progress?: Progress;
  /** Ctrl-C: stops the extraction or the load at once; the partial snapshot and the extracted files are removed. */
  signal?: AbortSignal;
  /** Where the extraction folder is made (default: the OS temp dir). */
  scratch?: string;
}

/** The error an interrupted import ends with (exit code 130, as a shell reports SIGINT). */
export function importInterrupted(out: string): SnapshotError {
  return Object.assign(
    new SnapshotError(
      `Import interrupted; nothing was written to ${out} (its partial file and the extracted CSVs were removed).`,
      ['Run the same command again to import from the start.'],
      'AbortError',
    ),
    { exitCode: 130 },
  );
}

export async function buildExportSnapshot(opts: ExportBuildOptions): Promise<BuildResult> {
  const progress = opts.progress ?? (() => {});
  const tmp = mkdtempSync(join(opts.scratch ?? tmpdir(), 'revops-export-'));
  const partial = `${opts.out}.partial`;
  let committed = false;
  // Every exit path removes the extracted CSVs and an unfinished snapshot: errors and Ctrl-C (finally below) and a
  // process.exit() while the import runs (e.g. a second Ctrl-C), which skips finally blocks but runs 'exit' listeners.
  const cleanup = (): void => {
    rmSync(tmp, { recursive: true, force: true });
    if (!committed) for (const f of [partial, `${partial}.wal`]) rmSync(f, { force: true });
  };
  process.on('exit', cleanup);
  let writer: SnapshotWriter | null = null;
  const onAbort = (): void => writer?.interrupt();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timings: Record<string, number> = {};
  try {
    let t0 = performance.now();
    const exp = await collectExport(opts.path, tmp, opts.signal);
    timings.extractMs = Math.round(performance.now() - t0);
    const warnings = exportWarnings(exp.objects);
    progress(`Importing ${(exp.totalBytes / 1e6).toFixed(1)} MB of CSV from ${opts.path} ...`);
    t0 = performance.now();
    if (opts.signal?.aborted) throw importInterrupted(opts.out);
    writer = await SnapshotWriter.create(opts.out);
    try {
      const counts = await loadAll(writer, exp.objects, progress);
      if (opts.signal?.aborted) throw importInterrupted(opts.out);
      const createdAt = new Date().toISOString();
      const loaded = Object.fromEntries(
        OBJECTS.map((o) => [o, exp.objects.get(o)?.flatMap((f) => f.header) ?? null]),
      );
      await writer.commit(
        { source: 'export', orgId: exp.orgId, apiVersion: null, createdAt },
        counts,
        loaded,
      );
      committed = true;
      timings.loadMs = Math.round(performance.now() - t0);
      return {
        out: opts.out,
        source: 'export',
        orgId: exp.orgId,
        createdAt,
        counts,
        csvBytes: exp.totalBytes,
        timings,
        warnings,
      };
    } catch (e) {
      writer.abort();
      throw e;
    }
  } catch (e) {
    throw opts.signal?.aborted ? importInterrupted(opts.out) : e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    cleanup();
    process.off('exit', cleanup);
  }
}
