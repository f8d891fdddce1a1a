// Demo orgs made from a copy of the shipped config: configWith edits the copy's records, demoRows queries the demo's
// CSVs with DuckDB. Shared by the demo test files (a helper module, not a test).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import { generateDemo, type DemoOutput } from '../../../scripts/lib/snapshot/generator.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { literal } from '../../../scripts/lib/snapshot/schema.ts';
import { tmpDir } from './helpers.ts';

export type Config = ReturnType<typeof loadConfig>;

const RECORDS = 'main/default/customMetadata';

/** A copy of the shipped custom metadata records with some of their fields changed: { record: { field: value } }. */
export function configWith(edits: Record<string, Record<string, string>>) {
  const root = join(tmpDir('demo-config'), 'force-app');
  // the records, and the objects and queues they are validated against
  for (const dir of ['customMetadata', 'objects', 'queues'])
    cpSync(join('force-app/main/default', dir), join(root, 'main/default', dir), { recursive: true });
  for (const [record, values] of Object.entries(edits)) {
    const file = join(root, RECORDS, `${record}.md-meta.xml`);
    let xml = readFileSync(file, 'utf8');
    for (const [field, value] of Object.entries(values)) {
      // the value keeps its xsi:type (a nil value becomes a string)
      const changed = xml.replace(
        new RegExp(`(<field>${field}</field>\\s*)<value (xsi:type="[^"]*")?[^>]*?(/>|>[^<]*</value>)`),
        (_, head: string, type?: string) =>
          `${head}<value ${type ?? 'xsi:type="xsd:string"'}>${value}</value>`,
      );
      expect(changed, `${record}.${field}`).not.toBe(xml);
      xml = changed;
    }
    writeFileSync(file, xml);
  }
  return loadConfig(root);
}

/** A query over a generated demo: `$Lead`, `$Opportunity`, ... read that object's CSV (every value as text). */
export async function demoRows(config: Config | undefined, sql: string): Promise<Record<string, unknown>[]> {
  return queryDemo(generateDemo({ leads: 1500, seed: 3, dir: tmpDir('demo-config-out'), config }), sql);
}

/** A query over a demo's CSVs (its first file per object): `$Lead` reads Lead's, every value as text. */
export async function queryDemo(out: DemoOutput, sql: string): Promise<Record<string, unknown>[]> {
  const read = sql.replace(/\$(\w+)/g, (_, object: string) => {
    const file = out.files.find((f) => f.object === object)!.files[0];
    return `read_csv(${literal(file)}, header = true, all_varchar = true)`;
  });
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(read)).getRowObjectsJS();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * A demo lead's CSV row as the scoring rules read it at an instant: its numbers as numbers, and its opt-out as of
 * then (the marketing tool syncs an opt-out with the Unsubscribe event). `signals` are all its events' signals,
 * `signalsUpTo` those up to the instant.
 */
export function leadAt(
  lead: Record<string, unknown>,
  signals: string[],
  signalsUpTo: string[],
): Record<string, string | number | boolean | null> {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    ...(lead as Record<string, string | null>),
    NumberOfEmployees: num(lead.NumberOfEmployees),
    AnnualRevenue: num(lead.AnnualRevenue),
    HasOptedOutOfEmail: signals.includes('Unsubscribe')
      ? signalsUpTo.includes('Unsubscribe')
      : lead.HasOptedOutOfEmail === 'true',
  };
}
