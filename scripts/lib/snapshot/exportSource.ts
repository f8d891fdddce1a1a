// A Salesforce weekly Data Export as CSV sources: WE_<orgid>_<n>.ZIP files (or a folder of them), or a
// folder of <Object>.csv. A large object may come in several files: the same <Object>.csv in more than one zip, or
// parts named <Object>_<n>.csv; they are merged by Id. Zips are extracted streaming (yauzl) into a temp folder;
// nothing is written to the snapshot until every file's header has been validated. Only the snapshot's objects'
// columns are required (the standard fields reports read); fields and objects of our package are optional, so an
// org that has never installed it imports as it is. A multi-currency org's CurrencyType.csv (its currencies and their
// conversion rates) becomes the CurrencyType table when the export has one (schema.ts OPTIONAL_TABLES).
import {
  createReadStream,
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
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { parse } from 'csv-parse';
import yauzl from 'yauzl';
import { SCHEMA, schemaOf } from './schema.ts';
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

/** The export's own record of its org (Organization.csv), read from a Data Export but not stored as a table. */
const ORG_CSV = 'Organization.csv';

/** A zip that cannot be read exactly: names the zip and the entry. */
function zipError(zipPath: string, message: string): SnapshotError {
  return new SnapshotError(
    `${basename(zipPath)}: ${message}`,
    [
      'Download the export again (Setup > Data Export): the zip was damaged in transfer or on disk, or was put together by hand.',
    ],
    'ExportCorrupt',
  );
}

/** Counts the CRC-32 of what passes through (zlib.crc32, incremental). */
class Crc32 extends Transform {
  value = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.value = crc32(chunk, this.value);
    done(null, chunk);
  }
}

/**
 * Extracts the snapshot objects' CSVs (and Organization.csv) of one zip, streaming. Refuses an entry whose data does
 * not match its CRC-32 (yauzl checks sizes only) and two entries that would extract to the same file (one object
 * twice in one zip: its rows would be lost). An aborted `signal` (Ctrl-C) stops at once.
 */
async function extractZip(zipPath: string, dest: string, signal?: AbortSignal): Promise<string[]> {
  mkdirSync(dest, { recursive: true });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (err, z) =>
      err || !z ? reject(zipError(zipPath, `not a readable zip (${err?.message ?? 'zip'})`)) : resolve(z),
    ),
  );
  const files: string[] = [];
  const seen = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error): void => {
      signal?.removeEventListener('abort', onAbort);
      try {
        zip.close();
      } catch {
        // already closed (autoClose after the last entry)
      }
      reject(e);
    };
    const onAbort = (): void => fail(Object.assign(new Error('Import interrupted.'), { name: 'AbortError' }));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    zip.on('error', (e: Error) => fail(zipError(zipPath, e.message)));
    zip.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = basename(entry.fileName);
      const wanted = /\.csv$/i.test(name) && (schemaOf(csvObject(name)) !== undefined || name === ORG_CSV);
      if (entry.fileName.endsWith('/') || !wanted) {
        zip.readEntry();
        return;
      }
      const before = seen.get(name);
      if (before !== undefined)
        return fail(
          new SnapshotError(
            `${basename(zipPath)} holds ${name} twice (${before === entry.fileName ? `two entries named ${before}` : `${before} and ${entry.fileName}`}): one would overwrite the other and its rows would be lost.`,
            [
              'Download the export again; a zip put together by hand needs one CSV per object (put the rows of both in one file, or the second file in another zip).',
            ],
            'ExportInvalid',
          ),
        );
      seen.set(name, entry.fileName);
      zip.openReadStream(entry, (err, stream) => {
        if (signal?.aborted) return;
        if (err || !stream)
          return fail(zipError(zipPath, `${entry.fileName} cannot be read (${err?.message})`));
        const target = join(dest, name);
        const crc = new Crc32();
        pipeline(stream, crc, createWriteStream(target), { signal }).then(
          () => {
            if (crc.value !== entry.crc32)
              return fail(
                zipError(
                  zipPath,
                  `${entry.fileName} is damaged: its data has CRC-32 ${hex(crc.value)}, the zip records ${hex(entry.crc32)}.`,
                ),
              );
            files.push(target);
            zip.readEntry();
          },
          (e: Error) => fail(signal?.aborted ? e : zipError(zipPath, `${entry.fileName}: ${e.message}`)),
        );
      });
    });
    zip.readEntry();
  });
  return files;
}

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');

/** The Id on the first record of an Organization.csv (the org the export came from), or null. */
async function orgIdOf(file: string): Promise<string | null> {
  const parser = createReadStream(file).pipe(parse({ bom: true, columns: true, to_line: 2 }));
  for await (const rec of parser as AsyncIterable<Record<string, string>>) return rec.Id?.trim() || null;
  return null;
}

/**
 * The object a CSV holds: Lead.csv, and each part of an object split into several files (Lead_1.csv, Lead_2.csv),
 * whichever zip it is in. A name that is itself an object stays that object.
 */
export function csvObject(file: string): string {
  const name = basename(file).replace(/\.csv$/i, '');
  const part = /^(.+)_(\d+)$/.exec(name);
  return part && schemaOf(part[1]) && !schemaOf(name) ? part[1] : name;
}

/** The part number of a split object's file (Lead_2.csv: 2; Lead.csv: 0), so parts load in order. */
function csvPart(file: string): number {
  const name = basename(file).replace(/\.csv$/i, '');
  return csvObject(file) === name ? 0 : Number(/_(\d+)$/.exec(name)![1]);
}

/** Files in load order: by object, then part (a later part wins when the same Id appears twice). */
const byPart = (a: string, b: string): number =>
  csvObject(a).localeCompare(csvObject(b)) || csvPart(a) - csvPart(b);

/**
 * The CSV files of the export's zips (extracted into `tmpDir`) and folder, in load order, the objects it holds that
 * the snapshot has no table for, and the org it comes from (zip names and Organization.csv; two orgs throw).
 */
async function gatherCsvs(
  path: string,
  entries: string[],
  zips: string[],
  tmpDir: string,
  signal?: AbortSignal,
): Promise<{ csvs: string[]; skipped: Set<string>; orgId: string | null }> {
  const csvs: string[] = [];
  const skipped = new Set<string>();
  /** Org Id (15-character form) -> where it was seen: zip names and the Organization.csv of each zip or folder. */
  const orgs = new Map<string, { id: string; where: string[] }>();
  const sawOrg = (id: string, where: string): void => {
    const o = orgs.get(id.slice(0, 15)) ?? { id, where: [] };
    if (id.length > o.id.length) o.id = id;
    o.where.push(where);
    orgs.set(id.slice(0, 15), o);
  };
  for (const [i, z] of zips.entries()) {
    const m = ZIP_NAME.exec(basename(z));
    if (m) sawOrg(m[1], basename(z));
    for (const f of (await extractZip(z, join(tmpDir, `zip${i}`), signal)).sort(byPart)) {
      if (basename(f) !== ORG_CSV) csvs.push(f);
      else {
        const id = await orgIdOf(f);
        if (id) sawOrg(id, `${ORG_CSV} in ${basename(z)}`);
      }
    }
  }
  for (const f of entries.filter((e) => /\.csv$/i.test(e)).sort(byPart)) {
    if (schemaOf(csvObject(f))) csvs.push(f);
    else if (basename(f) === ORG_CSV) {
      const id = await orgIdOf(f);
      if (id) sawOrg(id, f);
    } else skipped.add(csvObject(f));
  }
  if (orgs.size > 1) {
    throw new SnapshotError(
      `${path} holds exports of ${orgs.size} different orgs: ${[...orgs.values()]
        .map((o) => `${o.id} (${o.where.join(', ')})`)
        .join('; ')}. Merging them would mix two orgs' records in one snapshot.`,
      ["Put each org's WE_<orgid>_<n>.ZIP files in a folder of their own and build one snapshot per org."],
      'ExportMixedOrgs',
    );
  }
  const orgId = orgs.size ? [...orgs.values()][0].id : null;
  return { csvs, skipped, orgId };
}

/** Each object's CSV files with their headers; throws a SnapshotError naming every file with a bad header. */
function readHeaders(
  csvs: string[],
  zips: string[],
): { objects: Map<string, CsvSource[]>; totalBytes: number } {
  const objects = new Map<string, CsvSource[]>();
  const problems: string[] = [];
  let totalBytes = 0;
  for (const file of csvs) {
    const object = csvObject(file);
    const header = readHeader(file);
    const label = zips.length
      ? `${basename(file)} (from ${basename(zips[Number(/zip(\d+)/.exec(file)?.[1] ?? 0)] ?? '')})`
      : file;
    const missing = schemaOf(object)!.required.filter((c) => !header.includes(c));
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
    list.push({ file, header, label });
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
  return { objects, totalBytes };
}

/**
 * Collects the export's CSV files (extracting zips into `tmpDir`) and validates every header against the schema's
 * required columns. Throws a SnapshotError naming each file and missing column before anything is written.
 */
export async function collectExport(
  path: string,
  tmpDir: string,
  signal?: AbortSignal,
): Promise<ExportFiles> {
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
  const { csvs, skipped, orgId } = await gatherCsvs(path, entries, zips, tmpDir, signal);
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
  const { objects, totalBytes } = readHeaders(csvs, zips);
  return { objects, orgId, skipped: [...skipped].sort(), totalBytes };
}

/** WE_<org>_2.ZIP sorts after WE_<org>_10.ZIP alphabetically; sort by the number instead. */
function byZipNumber(a: string, b: string): number {
  const na = Number(ZIP_NAME.exec(a)?.[2] ?? NaN);
  const nb = Number(ZIP_NAME.exec(b)?.[2] ?? NaN);
  return Number.isNaN(na) || Number.isNaN(nb) ? a.localeCompare(b) : na - nb;
}
