// Which snapshot a report reads: --snapshot FILE, else the demo snapshot (built on first use).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDb, ReportError, type Db } from './db.ts';
import { renderHtml } from '../render/html.ts';
import type { ReportDoc } from '../render/doc.ts';
import { buildDemoSnapshot } from '../snapshot/demo.ts';

export const DEMO_SNAPSHOT = '.revops/snapshots/demo-small.duckdb';

/** Builds the small demo snapshot through the snapshot library (the same as `revops snapshot --demo`). */
async function buildDemo(path: string, progress: (m: string) => void): Promise<void> {
  progress(`No --snapshot given and ${path} does not exist: building the demo snapshot first ...`);
  mkdirSync(dirname(path), { recursive: true });
  await buildDemoSnapshot({ out: path, size: 'small', progress });
}

export async function resolveSnapshot(
  flag: string | undefined,
  progress: (m: string) => void,
): Promise<string> {
  if (flag) {
    if (!existsSync(flag))
      throw new ReportError(`Snapshot file not found: ${flag}`, [
        'Check the path, or build one: npm run revops -- snapshot --demo',
      ]);
    return flag;
  }
  if (!existsSync(DEMO_SNAPSHOT)) await buildDemo(DEMO_SNAPSHOT, progress);
  return DEMO_SNAPSHOT;
}

/**
 * Opens a finished snapshot read-only, refusing one that is not complete (a killed import's `.partial`, a DuckDB file
 * without `_provenance` or without its completion mark) with a message naming the file and how to get a good one:
 * otherwise such a file reports "0 duplicates, on target" on tables that were never filled.
 */
export async function openSnapshotFile(path: string): Promise<Db> {
  return openDb(path, { readOnly: true, requireProvenance: true });
}

/** Opens the snapshot a command reads (read-only, complete: openSnapshotFile). */
export async function openSnapshotFor(
  flag: string | undefined,
  progress: (m: string) => void,
): Promise<{ db: Db; path: string }> {
  const path = await resolveSnapshot(flag, progress);
  return { db: await openSnapshotFile(path), path };
}

/** Writes a self-contained HTML report and returns its path. */
export function writeHtmlReport(file: string, docs: ReportDoc[], title?: string): string {
  mkdirSync(dirname(file) || '.', { recursive: true });
  writeFileSync(file, renderHtml(docs, title));
  return file;
}

export function writeTextFile(file: string, text: string): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  writeFileSync(file, text);
}
