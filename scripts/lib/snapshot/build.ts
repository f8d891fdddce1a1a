// Builds snapshots from CSV sources (the demo generator's output or a Data Export) with DuckDB's reader.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from './demo.ts';
import { collectExport, readHeader } from './exportSource.ts';
import { DEDUP_TRUTH_FIELDS, DEDUP_TRUTH_TABLE, OBJECTS } from './schema.ts';
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

/** Loads every object (empty tables for objects without a file), then commits with provenance. */
async function loadAll(writer: SnapshotWriter, objects: Map<string, CsvSource[]>, progress: Progress): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const object of OBJECTS) {
    const sources = objects.get(object);
    if (!sources?.length) {
      await writer.createTable(object, tableColumns(object));
      counts[object] = 0;
      continue;
    }
    const t0 = performance.now();
    counts[object] = await writer.loadCsv(object, sources);
    progress(`  ${object.padEnd(24)} ${String(counts[object]).padStart(10)} rows  ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  }
  return counts;
}

export interface DemoBuildOptions {
  out: string;
  leads: number;
  seed: number;
  asOf?: number;
  /** Keep the generated CSVs here (a Data Export folder) instead of a temp folder that is removed. */
  csvDir?: string;
  progress?: Progress;
}

export async function buildDemoSnapshot(opts: DemoBuildOptions): Promise<BuildResult> {
  const progress = opts.progress ?? (() => {});
  const dir = opts.csvDir ?? mkdtempSync(join(tmpdir(), 'revops-demo-'));
  const timings: Record<string, number> = {};
  try {
    let t0 = performance.now();
    progress(`Generating the demo org (${opts.leads.toLocaleString('en-US')} leads, seed ${opts.seed}) ...`);
    const demo = generateDemo({ leads: opts.leads, seed: opts.seed, dir, asOf: opts.asOf });
    timings.generateMs = Math.round(performance.now() - t0);
    const csvBytes = demo.files.reduce((s, f) => s + f.bytes, 0);
    progress(`Generated ${(csvBytes / 1e6).toFixed(0)} MB of CSV in ${(timings.generateMs / 1000).toFixed(1)}s; loading into DuckDB ...`);
    t0 = performance.now();
    const writer = await SnapshotWriter.create(opts.out);
    try {
      const objects = new Map<string, CsvSource[]>(demo.files.map((f) => [f.object, [{ file: f.file, header: readHeader(f.file) }]]));
      const counts = await loadAll(writer, objects, progress);
      await writer.createTable(DEDUP_TRUTH_TABLE, DEDUP_TRUTH_FIELDS);
      await writer.conn.run(`INSERT INTO "${DEDUP_TRUTH_TABLE}" SELECT * FROM read_csv('${demo.truth.file.replaceAll("'", "''")}', header = true, all_varchar = true)`);
      counts[DEDUP_TRUTH_TABLE] = await writer.count(DEDUP_TRUTH_TABLE);
      const createdAt = new Date(demo.asOf).toISOString();
      await writer.commit({ source: 'demo', orgId: '00D8a0000000DEMOEAA', apiVersion: null, createdAt }, counts);
      timings.loadMs = Math.round(performance.now() - t0);
      return { out: opts.out, source: 'demo', orgId: '00D8a0000000DEMOEAA', createdAt, counts, csvBytes, timings, warnings: [] };
    } catch (e) {
      writer.abort();
      throw e;
    }
  } finally {
    if (!opts.csvDir) rmSync(dir, { recursive: true, force: true });
  }
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
    if (missing.length) warnings.push(`The export has no CSV for ${missing.join(', ')}; those tables are empty.`);
    progress(`Importing ${(exp.totalBytes / 1e6).toFixed(1)} MB of CSV from ${opts.path} ...`);
    t0 = performance.now();
    const writer = await SnapshotWriter.create(opts.out);
    try {
      const counts = await loadAll(writer, exp.objects, progress);
      const createdAt = new Date().toISOString();
      await writer.commit({ source: 'export', orgId: exp.orgId, apiVersion: null, createdAt }, counts);
      timings.loadMs = Math.round(performance.now() - t0);
      return { out: opts.out, source: 'export', orgId: exp.orgId, createdAt, counts, csvBytes: exp.totalBytes, timings, warnings };
    } catch (e) {
      writer.abort();
      throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
