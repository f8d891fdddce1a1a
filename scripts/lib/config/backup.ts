// The copy of an org's custom metadata records that `config push --execute` takes before it replaces them, and what
// `config push --restore` sends back: the records as source files (customMetadata/<Type>.<Name>.md-meta.xml, the
// format a deploy takes) and backup.json, which names the org and the records the push added (a restore deletes
// them again). backup.json is written last, so a folder without it is an interrupted backup and is refused.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRecord, RawValue } from './types.ts';
import { recordFileName, recordNameOf, recordToXml } from './xml.ts';
import { writeAtomic } from '../files.ts';

export const BACKUP_MANIFEST = 'backup.json';

export interface BackupManifest {
  /** The org the records were read from: its Id, or its instance URL when the session has no Id. */
  org: string;
  takenAt: string;
  /** Custom metadata types read (without __mdt). */
  types: string[];
  /** How many records the backup holds. */
  records: number;
  /** Records (Type.Name) the push sent that the org did not have: a restore deletes them. */
  added: string[];
}

/** What the backup reads from the org (the command passes REST calls; tests pass the loopback org's). */
export interface OrgReads {
  /** Field names of an object, or null when the org has no such object. */
  fields(object: string): Promise<string[] | null>;
  query(soql: string): Promise<Record<string, unknown>[]>;
}

/** The records (Type.Name) of the customMetadata folders `dirs`, sorted. */
export function recordNames(dirs: string[]): string[] {
  const out: string[] = [];
  for (const dir of dirs)
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.md-meta.xml'))) {
      const { type, name } = recordNameOf(f);
      out.push(`${type}.${name}`);
    }
  return out.sort();
}

/**
 * Every record of `types` in the org, with every custom field the org's describe lists (so a field the org has and
 * force-app does not is kept too). A type the org does not have yet reads as no records.
 */
export async function readOrgRecords(org: OrgReads, types: string[]): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for (const type of types) {
    const fields = await org.fields(`${type}__mdt`);
    if (!fields) continue;
    const custom = fields.filter((f) => f.endsWith('__c')).sort();
    const rows = await org.query(
      `SELECT DeveloperName, MasterLabel${custom.map((f) => `, ${f}`).join('')} FROM ${type}__mdt ORDER BY DeveloperName`,
    );
    for (const row of rows) {
      const name = String(row.DeveloperName);
      const values: Record<string, RawValue> = {};
      for (const f of custom) {
        const v = row[f];
        values[f] = v === undefined || v === null ? null : (v as RawValue);
      }
      out.push({
        type,
        name,
        label: String(row.MasterLabel ?? name),
        values,
        file: `${type}__mdt record ${name} (org)`,
      });
    }
  }
  return out;
}

/** Writes the backup folder: the records, then backup.json. Refuses a folder that holds a backup already. */
export function writeBackup(dir: string, manifest: BackupManifest, records: RawRecord[]): void {
  if (existsSync(join(dir, BACKUP_MANIFEST)))
    throw new Error(`${dir} holds a backup already (${BACKUP_MANIFEST}); choose another --backup-dir.`);
  const folder = join(dir, 'customMetadata');
  mkdirSync(folder, { recursive: true });
  for (const r of records) writeFileSync(join(folder, recordFileName(r)), recordToXml(r));
  writeAtomic(join(dir, BACKUP_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}

/** A backup folder's manifest and records folder, or an error that names the file and what is wrong. */
export function readBackup(dir: string): { manifest: BackupManifest; recordsDir: string } {
  const file = join(dir, BACKUP_MANIFEST);
  if (!existsSync(file))
    throw new Error(
      `${file} does not exist: ${dir} is not a config backup, or its backup was interrupted before it finished.`,
    );
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof manifest.org !== 'string' || !Array.isArray(manifest.added) || !Array.isArray(manifest.types))
    throw new Error(`${file} lacks org, types or added: it was not written by revops config push.`);
  const recordsDir = join(dir, 'customMetadata');
  const held = existsSync(recordsDir) ? recordNames([recordsDir]).length : 0;
  if (held !== manifest.records)
    throw new Error(
      `${recordsDir} holds ${held} record file(s) where ${file} says ${manifest.records}: the backup is incomplete or was edited.`,
    );
  return { manifest, recordsDir };
}

/** The default backup folder: config-backups/<org>-<UTC stamp> under the working directory. */
export function defaultBackupDir(org: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join('config-backups', `${org.replace(/[^A-Za-z0-9]+/g, '_')}-${stamp}`);
}
