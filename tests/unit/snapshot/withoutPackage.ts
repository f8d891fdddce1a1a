// The demo org's Data Export as an org that has never installed our package would write it: none of our objects
// (every __c object of the snapshot schema), none of our fields on the standard objects (every __c field the schema
// lists), values quoted as Salesforce writes them; optionally standard objects left out and custom fields of the
// customer's own added. Used by the before-install unit and e2e tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { SCHEMA } from '../../../scripts/lib/snapshot/schema.ts';

export const OUR_OBJECTS = Object.keys(SCHEMA).filter((o) => o.endsWith('__c'));

/** Our package's fields on a standard object (the schema's __c fields). */
export const ourFields = (object: string): string[] =>
  (SCHEMA[object]?.fields ?? []).map(([n]) => n).filter((n) => n.endsWith('__c'));

const quote = (v: string): string => `"${v.replaceAll('"', '""')}"`;

export interface WithoutPackageOptions {
  /** Standard objects to leave out too (e.g. Opportunity, Task). */
  drop?: string[];
  /** Custom fields of the customer's own: object -> column -> value of row i. */
  extra?: Record<string, Record<string, (i: number) => string>>;
}

/** Object -> CSV text (header + rows), from the CSVs generateDemo wrote into `demoDir`. */
export function exportWithoutPackage(demoDir: string, opts: WithoutPackageOptions = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(demoDir).sort()) {
    const object = file.replace(/\.csv$/, '');
    if (!file.endsWith('.csv') || !(object in SCHEMA)) continue; // _dedup_truth.csv: the demo's answer key
    if (OUR_OBJECTS.includes(object) || opts.drop?.includes(object)) continue;
    const rows = parse(readFileSync(join(demoDir, file)), { bom: true }) as string[][];
    const ours = new Set(ourFields(object));
    const keep = rows[0].flatMap((h, i) => (ours.has(h) ? [] : [i]));
    const extra = Object.entries(opts.extra?.[object] ?? {});
    const lines = rows.map((r, i) =>
      [...keep.map((k) => r[k]), ...extra.map(([name, value]) => (i === 0 ? name : value(i - 1)))]
        .map(quote)
        .join(','),
    );
    out.set(object, lines.join('\n') + '\n');
  }
  return out;
}
