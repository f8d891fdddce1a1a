// The demo snapshot: `revops snapshot --demo`. Generates the demo org as a Data Export folder (generator.ts)
// and loads it with the same code as a real export, plus the planted-duplicate truth table.
import { rmSync } from 'node:fs';
import { loadAll, scratchDir, type BuildResult, type Progress } from './build.ts';
import { readHeader } from './exportSource.ts';
import { demoLeadCount, generateDemo } from './generator.ts';
import { DEDUP_TRUTH_FIELDS, DEDUP_TRUTH_TABLE, literal } from './schema.ts';
import { SnapshotWriter, type CsvSource } from './store.ts';

export { demoLeadCount, DEMO_SIZES } from './generator.ts';
export const DEMO_ORG_ID = '00D8a0000000DEMOEAA';
export const DEFAULT_SEED = 42;

export interface DemoBuildOptions {
  out: string;
  /** small (5,000 leads), large (1,000,000) or a lead count. */
  size: string | number;
  seed?: number;
  asOf?: number;
  /** Keep the generated CSVs here (a Data Export folder) instead of a temp folder that is removed. */
  csvDir?: string;
  progress?: Progress;
}

export async function buildDemoSnapshot(opts: DemoBuildOptions): Promise<BuildResult> {
  const progress = opts.progress ?? (() => {});
  const leads = typeof opts.size === 'number' ? opts.size : demoLeadCount(opts.size);
  const seed = opts.seed ?? DEFAULT_SEED;
  const dir = opts.csvDir ?? scratchDir('revops-demo-', leads * 2500);
  const timings: Record<string, number> = {};
  try {
    let t0 = performance.now();
    progress(`Generating the demo org (${leads.toLocaleString('en-US')} leads, seed ${seed}) ...`);
    const demo = generateDemo({ leads, seed, dir, asOf: opts.asOf });
    timings.generateMs = Math.round(performance.now() - t0);
    const csvBytes = demo.files.reduce((s, f) => s + f.bytes, 0);
    progress(
      `Generated ${(csvBytes / 1e6).toFixed(0)} MB of CSV in ${(timings.generateMs / 1000).toFixed(1)}s; loading into DuckDB ...`,
    );
    t0 = performance.now();
    const writer = await SnapshotWriter.create(opts.out);
    try {
      const objects = new Map<string, CsvSource[]>(
        demo.files.map((f) => [f.object, [{ file: f.file, header: readHeader(f.file) }]]),
      );
      const counts = await loadAll(writer, objects, progress);
      await writer.createTable(DEDUP_TRUTH_TABLE, DEDUP_TRUTH_FIELDS);
      await writer.conn.run(
        `INSERT INTO "${DEDUP_TRUTH_TABLE}" SELECT * FROM read_csv(${literal(demo.truth.file)}, header = true, all_varchar = true)`,
      );
      counts[DEDUP_TRUTH_TABLE] = await writer.count(DEDUP_TRUTH_TABLE);
      const createdAt = new Date(demo.asOf).toISOString();
      await writer.commit({ source: 'demo', orgId: DEMO_ORG_ID, apiVersion: null, createdAt }, counts);
      timings.loadMs = Math.round(performance.now() - t0);
      return {
        out: opts.out,
        source: 'demo',
        orgId: DEMO_ORG_ID,
        createdAt,
        counts,
        csvBytes,
        timings,
        warnings: [],
      };
    } catch (e) {
      writer.abort();
      throw e;
    }
  } finally {
    if (!opts.csvDir) rmSync(dir, { recursive: true, force: true });
  }
}
