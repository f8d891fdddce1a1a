// The demo snapshot: `revops snapshot --demo`. Generates the demo org as Data Export CSVs (generator.ts) and
// loads them with the same SQL as a real export, plus the planted-duplicate truth table. Files are written in
// chunks and each finished chunk is loaded on its own DuckDB connection while generation continues, so the
// load (DuckDB's threads) overlaps the generation (the JS thread).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { scratchDir, type BuildResult, type Progress } from './build.ts';
import { DEMO_TABLE, demoFingerprint } from './demoFingerprint.ts';
import { readHeader } from './exportSource.ts';
import { demoLeadCount, generateDemo } from './generator.ts';
import { DEDUP_TRUTH_FIELDS, DEDUP_TRUTH_TABLE, OBJECTS, SCHEMA, literal } from './schema.ts';
import { SnapshotWriter, insertCsvSql, tableColumns } from './store.ts';

export { demoLeadCount, DEMO_SIZES } from './generator.ts';
export const DEMO_ORG_ID = '00D8a0000000DEMOEAA';
export const DEFAULT_SEED = 42;
/** Rows per CSV chunk: big enough for DuckDB's parallel reader, small enough to start loading early. */
const CHUNK_ROWS = 100_000;
/** Connections opened up front: generation is synchronous, so a chunk's load must start without awaiting. */
const LOAD_CONNECTIONS = 128;

export interface DemoBuildOptions {
  out: string;
  /** small (5,000 leads), large (1,000,000) or a lead count. */
  size: string | number;
  seed?: number;
  asOf?: number;
  /** Rows per CSV chunk (default CHUNK_ROWS). */
  chunkRows?: number;
  progress?: Progress;
}

export async function buildDemoSnapshot(opts: DemoBuildOptions): Promise<BuildResult> {
  const progress = opts.progress ?? (() => {});
  const leads = typeof opts.size === 'number' ? opts.size : demoLeadCount(opts.size);
  const seed = opts.seed ?? DEFAULT_SEED;
  const dir = scratchDir('revops-demo-', leads * 2500);
  // what it is made from, as it starts (an edit during a long build must not stamp the old output as current)
  const fingerprint = demoFingerprint();
  const t0 = performance.now();
  // Row order within a table carries no meaning (chunks already load concurrently), so DuckDB need not keep it:
  // about a fifth less load CPU, left to the generating JS thread.
  const writer = await SnapshotWriter.create(opts.out, { preserveInsertionOrder: false });
  try {
    for (const object of OBJECTS) {
      const derived = new Set(Object.keys(SCHEMA[object].derived ?? {}));
      await writer.createTable(
        object,
        tableColumns(
          object,
          SCHEMA[object].fields.map(([n]) => n).filter((n) => !derived.has(n)),
        ),
      );
    }
    const pool: DuckDBConnection[] = [];
    for (let i = 0; i < LOAD_CONNECTIONS; i++) pool.push(await writer.connect());
    const loads: Array<Promise<unknown>> = [];
    const later: Array<[string, string]> = [];
    const load = (conn: DuckDBConnection, object: string, file: string): Promise<unknown> =>
      conn
        .run(insertCsvSql(object, object, { file, header: readHeader(file) }))
        .then(() => rmSync(file, { force: true }));
    progress(`Generating the demo org (${leads.toLocaleString('en-US')} leads, seed ${seed}) ...`);
    const demo = generateDemo({
      leads,
      seed,
      dir,
      asOf: opts.asOf,
      quoteAllText: false, // scratch files only DuckDB reads: quoting where needed is cheaper both sides
      chunking: {
        rows: opts.chunkRows ?? CHUNK_ROWS,
        onFile(object, file) {
          const conn = pool.pop();
          if (conn) loads.push(load(conn, object, file));
          else later.push([object, file]);
        },
      },
    });
    const generateMs = Math.round(performance.now() - t0);
    const csvBytes = demo.files.reduce((s, f) => s + f.bytes, 0);
    progress(
      `Generated ${(csvBytes / 1e6).toFixed(0)} MB of CSV in ${(generateMs / 1000).toFixed(1)}s; finishing the load ...`,
    );
    await Promise.all(loads);
    for (const [object, file] of later) await load(writer.conn, object, file);
    await writer.createTable(DEDUP_TRUTH_TABLE, DEDUP_TRUTH_FIELDS);
    for (const file of demo.truth.files) {
      await writer.conn.run(
        `INSERT INTO "${DEDUP_TRUTH_TABLE}" SELECT * FROM read_csv(${literal(file)}, header = true, all_varchar = true)`,
      );
    }
    const counts: Record<string, number> = {};
    for (const t of [...OBJECTS, DEDUP_TRUTH_TABLE]) counts[t] = await writer.count(t);
    for (const c of pool) c.closeSync();
    await writer.conn.run(`CREATE TABLE "${DEMO_TABLE}" (fingerprint VARCHAR, leads BIGINT, seed BIGINT)`);
    await writer.conn.run(`INSERT INTO "${DEMO_TABLE}" VALUES (${literal(fingerprint)}, ${leads}, ${seed})`);
    const createdAt = new Date(demo.asOf).toISOString();
    await writer.commit({ source: 'demo', orgId: DEMO_ORG_ID, apiVersion: null, createdAt }, counts);
    const totalMs = Math.round(performance.now() - t0);
    return {
      out: opts.out,
      source: 'demo',
      orgId: DEMO_ORG_ID,
      createdAt,
      counts,
      csvBytes,
      timings: { generateMs, loadMs: totalMs - generateMs },
      warnings: [],
    };
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why the demo snapshot at `path` cannot be reused for `leads` leads and the default seed, or null when it can. */
async function staleReason(path: string, leads: number): Promise<string | null> {
  if (!existsSync(path)) return 'does not exist';
  let rows: Record<string, unknown>[];
  try {
    const db = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    try {
      const [{ n }] = (
        await conn.runAndReadAll(
          `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = ${literal(DEMO_TABLE)}`,
        )
      ).getRowObjectsJS();
      if (!n) return 'was made before demo snapshots carried the fingerprint of their config and rules';
      rows = (
        await conn.runAndReadAll(`SELECT fingerprint, leads, seed FROM "${DEMO_TABLE}"`)
      ).getRowObjectsJS();
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  } catch (e) {
    return `cannot be read as a current demo snapshot (${(e as Error).message.split('\n')[0]})`;
  }
  const [made] = rows;
  if (!made) return 'has no fingerprint';
  if (Number(made.leads) !== leads || Number(made.seed) !== DEFAULT_SEED) return 'has another size or seed';
  if (made.fingerprint !== demoFingerprint())
    return 'was made from another config or another version of the rules';
  return null;
}

/**
 * The demo snapshot at `path` (the reports' default, the bench's), built unless the one there was made with this
 * size, the default seed, and today's config records and rules (demoFingerprint). Returns whether it was built.
 */
export async function ensureDemoSnapshot(
  path: string,
  size: string | number,
  progress: Progress = () => {},
): Promise<boolean> {
  const why = await staleReason(path, typeof size === 'number' ? size : demoLeadCount(size));
  if (!why) return false;
  progress(`The demo snapshot ${path} ${why}: building it ...`);
  mkdirSync(dirname(path), { recursive: true });
  await buildDemoSnapshot({ out: path, size, progress });
  return true;
}
