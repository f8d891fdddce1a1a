// A Salesforce weekly Data Export as CSV sources: WE_<orgid>_<n>.ZIP files (or a folder of them), or a
// folder of <Object>.csv. Zips are extracted streaming (yauzl) into a temp folder; nothing is written
// to the snapshot until every file's header has been validated.
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { SCHEMA } from './schema.ts';
import type { CsvSource } from './store.ts';
import { SnapshotError } from './errors.ts';

export interface ExportFiles {
  /** Object API name → its CSV files in order (a later file wins when the same Id appears twice). */
  objects: Map<string, CsvSource[]>;
  /** Org Id from WE_<orgid>_<n>.ZIP names, when present. */
  orgId: string | null;
  /** CSVs for objects the snapshot does not hold (kept out). */
  skipped: string[];
  totalBytes: number;
}

const ZIP_NAME = /^WE_([0-9A-Za-z]{15,18})_(\d+)\.zip$/i;

/** First line of a CSV as column names (handles a UTF-8 BOM and quoted names). */
export function readHeader(file: string): string[] {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    let text = buf.subarray(0, n).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const end = text.search(/\r?\n/);
    const line = end >= 0 ? text.slice(0, end) : text;
    if (!line.trim()) return [];
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        out.push(cur.trim());
        cur = '';
      } else cur += ch;
    }
    out.push(cur.trim());
    return out;
  } finally {
    closeSync(fd);
  }
}

async function extractZip(zipPath: string, dest: string): Promise<string[]> {
  mkdirSync(dest, { recursive: true });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, z) =>
      err || !z ? reject(err ?? new Error('zip')) : resolve(z),
    ),
  );
  const files: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = basename(entry.fileName);
      if (entry.fileName.endsWith('/') || !/\.csv$/i.test(name) || !(name.replace(/\.csv$/i, '') in SCHEMA)) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error(`cannot read ${entry.fileName}`));
        const target = join(dest, name);
        pipeline(stream, createWriteStream(target)).then(() => {
          files.push(target);
          zip.readEntry();
        }, reject);
      });
    });
    zip.readEntry();
  });
  return files;
}

function csvObject(file: string): string {
  return basename(file).replace(/\.csv$/i, '');
}

/**
 * Collects the export's CSV files (extracting zips into `tmpDir`) and validates every header against the schema's
 * required columns. Throws a SnapshotError naming each file and missing column before anything is written.
 */
export async function collectExport(path: string, tmpDir: string): Promise<ExportFiles> {
  if (!existsSync(path))
    throw new SnapshotError(
      `Data Export not found: ${path}`,
      [
        'Pass the folder holding the WE_<orgid>_<n>.ZIP files, one such zip, or a folder of <Object>.csv files.',
      ],
      'ExportNotFound',
    );
  const entries = statSync(path).isDirectory()
    ? readdirSync(path)
        .sort(byZipNumber)
        .map((f) => join(path, f))
    : [path];
  const zips = entries.filter((f) => /\.zip$/i.test(f));
  let orgId: string | null = null;
  const csvs: string[] = [];
  const skipped = new Set<string>();
  for (const [i, z] of zips.entries()) {
    const m = ZIP_NAME.exec(basename(z));
    if (m) orgId ??= m[1];
    csvs.push(...(await extractZip(z, join(tmpDir, `zip${i}`))));
  }
  for (const f of entries.filter((e) => /\.csv$/i.test(e))) {
    if (csvObject(f) in SCHEMA) csvs.push(f);
    else skipped.add(csvObject(f));
  }
  if (!csvs.length) {
    throw new SnapshotError(
      `No CSV for any snapshot object in ${path}.`,
      [
        `An export needs at least one of: ${Object.keys(SCHEMA)
          .map((o) => `${o}.csv`)
          .join(', ')}.`,
      ],
      'ExportEmpty',
    );
  }
  const objects = new Map<string, CsvSource[]>();
  const problems: string[] = [];
  let totalBytes = 0;
  for (const file of csvs) {
    const object = csvObject(file);
    const header = readHeader(file);
    const label = zips.length
      ? `${basename(file)} (from ${basename(zips[Number(/zip(\d+)/.exec(file)?.[1] ?? 0)] ?? '')})`
      : file;
    const missing = SCHEMA[object].required.filter((c) => !header.includes(c));
    if (!header.length) problems.push(`${label}: the file is empty (no header row)`);
    else if (missing.length)
      problems.push(
        `${label}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      );
    const dupCols = header.filter((h, i) => header.indexOf(h) !== i);
    if (dupCols.length)
      problems.push(`${label}: column${dupCols.length > 1 ? 's' : ''} ${dupCols.join(', ')} appear twice`);
    totalBytes += statSync(file).size;
    const list = objects.get(object) ?? [];
    list.push({ file, header });
    objects.set(object, list);
  }
  if (problems.length) {
    throw new SnapshotError(
      `The Data Export cannot be imported:\n  ${problems.join('\n  ')}`,
      [
        'Re-run the export with these fields included (Setup > Data Export > Include all data), or add the columns to the CSV.',
      ],
      'ExportInvalid',
    );
  }
  return { objects, orgId, skipped: [...skipped].sort(), totalBytes };
}

/** WE_<org>_2.ZIP sorts after WE_<org>_10.ZIP alphabetically; sort by the number instead. */
function byZipNumber(a: string, b: string): number {
  const na = Number(ZIP_NAME.exec(a)?.[2] ?? NaN);
  const nb = Number(ZIP_NAME.exec(b)?.[2] ?? NaN);
  return Number.isNaN(na) || Number.isNaN(nb) ? a.localeCompare(b) : na - nb;
}
