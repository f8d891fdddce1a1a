// Builds snapshots from CSV sources (the demo generator's output or a Data Export) with DuckDB's reader.
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectExport } from './exportSource.ts';
import { OBJECTS } from './schema.ts';
import { SnapshotError } from './errors.ts';
import { SnapshotWriter, tableColumns, type CsvSource, type Provenance } from './store.ts';

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

/** Loads every object (empty tables for objects without a file), then commits with provenance. */
/**
 * Loads every object (empty tables for objects without a file). Objects load concurrently, each on its own
 * connection, so small files do not wait behind big ones and DuckDB keeps every core busy.
 */
export async function loadAll(
  writer: SnapshotWriter,
  objects: Map<string, CsvSource[]>,
  progress: Progress,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await Promise.all(
    OBJECTS.map(async (object) => {
      const conn = await writer.connect();
      try {
        const sources = objects.get(object);
        if (!sources?.length) {
          await writer.createTable(object, tableColumns(object), conn);
          counts[object] = 0;
          return;
        }
        const t0 = performance.now();
        counts[object] = await writer.loadCsv(object, sources, conn).catch((e: Error) => {
          throw new SnapshotError(
            `Could not read ${sources.map((x) => x.file).join(', ')}: ${e.message}`,
            [
              'Data Exports must be UTF-8: choose "Unicode (UTF-8)" as the export encoding, then export again.',
              'A hand-made CSV needs one header row of field API names and comma-separated, double-quoted values.',
            ],
            'ExportUnreadable',
          );
        });
        progress(
          `  ${object.padEnd(24)} ${String(counts[object]).padStart(10)} rows  ${((performance.now() - t0) / 1000).toFixed(1)}s`,
        );
      } finally {
        conn.closeSync();
      }
    }),
  );
  return Object.fromEntries(OBJECTS.map((o) => [o, counts[o]]));
}

export interface ExportBuildOptions {
  out: string;
  path: string;
  progress?: Progress;
}

export async function buildExportSnapshot(opts: ExportBuildOptions): Promise<BuildResult> {
  const progress = opts.progress ?? (() => {});
  const tmp = mkdtempSync(join(tmpdir(), 'revops-export-'));
  const timings: Record<string, number> = {};
  try {
    let t0 = performance.now();
    const exp = await collectExport(opts.path, tmp);
    timings.extractMs = Math.round(performance.now() - t0);
    const warnings: string[] = [];
    const missing = OBJECTS.filter((o) => !exp.objects.has(o));
    if (missing.length)
      warnings.push(`The export has no CSV for ${missing.join(', ')}; those tables are empty.`);
    progress(`Importing ${(exp.totalBytes / 1e6).toFixed(1)} MB of CSV from ${opts.path} ...`);
    t0 = performance.now();
    const writer = await SnapshotWriter.create(opts.out);
    try {
      const counts = await loadAll(writer, exp.objects, progress);
      const createdAt = new Date().toISOString();
      await writer.commit({ source: 'export', orgId: exp.orgId, apiVersion: null, createdAt }, counts);
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
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
