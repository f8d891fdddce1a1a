// Which snapshot a report reads: --snapshot FILE, else the demo snapshot (built on first use, and again when the
// config or the rules it was made from changed).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { openDb, ReportError, type Db } from './db.ts';
import { renderHtml, type HtmlOptions } from '../render/html.ts';
import { writeCsvTables } from '../render/csv.ts';
import type { ReportDoc } from '../render/doc.ts';
import { ensureDemoSnapshot } from '../snapshot/demo.ts';

export const DEMO_SNAPSHOT = '.revops/snapshots/demo-small.duckdb';

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
  await ensureDemoSnapshot(DEMO_SNAPSHOT, 'small', progress);
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
export function writeHtmlReport(
  file: string,
  docs: ReportDoc[],
  title?: string,
  opts: HtmlOptions = {},
): string {
  mkdirSync(dirname(file) || '.', { recursive: true });
  writeFileSync(file, renderHtml(docs, title, opts));
  return file;
}

/**
 * The instance URL record Ids link to: --instance-url (https only), else the one an org snapshot recorded in its
 * provenance, else none (Ids stay plain text).
 */
export async function instanceUrlFor(db: Db | null, flag: string | undefined): Promise<string | undefined> {
  if (flag !== undefined) {
    let url: URL | null = null;
    try {
      url = new URL(flag);
    } catch {
      url = null;
    }
    if (!url || url.protocol !== 'https:' || url.username || url.password || url.search || url.hash)
      throw new ReportError(
        `--instance-url must be an https URL of the org, e.g. https://acme.my.salesforce.com (got "${flag}").`,
        ['Copy it from the browser address bar of the org (scheme and host only).'],
      );
    return url.origin;
  }
  if (!db || !(await db.hasTable('_provenance'))) return undefined;
  if (!(await db.tableColumns('_provenance')).includes('instance_url')) return undefined;
  const [r] = await db.all<{ u: string | null }>(`SELECT max(instance_url) AS u FROM "_provenance"`);
  return r?.u && r.u.startsWith('https://') ? r.u.replace(/\/+$/, '') : undefined;
}

/** Where a report goes besides the terminal: an HTML page, a folder of CSV files (one per table), or both. */
export interface ReportOutputs {
  html?: string;
  csv?: string;
  title?: string;
  instanceUrl?: string;
}

/**
 * Writes the requested outputs of a report; the HTML links each table to its CSV file when both are written.
 * Returns one line per output, for the command's notes.
 */
export function writeReportOutputs(docs: ReportDoc[], out: ReportOutputs): string[] {
  const notes: string[] = [];
  let csv: HtmlOptions['csv'];
  if (out.csv) {
    const { files, links } = writeCsvTables(out.csv, docs);
    notes.push(`${files.length} CSV file(s) written to ${out.csv}`);
    if (out.html) {
      const from = dirname(out.html) || '.';
      csv = new Map([...links].map(([b, f]) => [b, relative(from, join(out.csv!, f)).split(sep).join('/')]));
    }
  }
  if (out.html)
    notes.push(
      `HTML report written to ${writeHtmlReport(out.html, docs, out.title, { csv, instanceUrl: out.instanceUrl })}`,
    );
  return notes;
}

export function writeTextFile(file: string, text: string): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  writeFileSync(file, text);
}
