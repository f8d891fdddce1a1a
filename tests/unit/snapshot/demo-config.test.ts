import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { literal } from '../../../scripts/lib/snapshot/schema.ts';
import { tmpDir, removeTmpDirs } from './helpers.ts';

afterAll(removeTmpDirs);

const SETTING = 'main/default/customMetadata/Scoring_Setting.Default.md-meta.xml';

/** A copy of the shipped custom metadata records with the Default scoring setting's MQL fit threshold changed. */
function configWithFitThreshold(threshold: number) {
  const root = join(tmpDir('demo-config'), 'force-app');
  // the records, and the objects and queues they are validated against
  for (const dir of ['customMetadata', 'objects', 'queues'])
    cpSync(join('force-app/main/default', dir), join(root, 'main/default', dir), { recursive: true });
  const file = join(root, SETTING);
  const xml = readFileSync(file, 'utf8');
  const changed = xml.replace(
    /(<field>MQL_Fit_Threshold__c<\/field>\s*<value xsi:type="xsd:double">)[^<]*/,
    `$1${threshold}`,
  );
  expect(changed).not.toBe(xml);
  writeFileSync(file, changed);
  return loadConfig(root);
}

/** Leads of a generated demo: how many became MQLs, and the lowest fit among them. */
async function mqls(config: ReturnType<typeof loadConfig>): Promise<{ mql: number; minFit: number }> {
  const out = generateDemo({ leads: 1500, seed: 3, dir: tmpDir('demo-config-out'), config });
  const file = out.files.find((f) => f.object === 'Lead')!.files[0];
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(
      `SELECT count(MQL_Date__c) AS mql, min(Fit_Score__c::DOUBLE) FILTER (WHERE MQL_Date__c IS NOT NULL) AS min_fit
       FROM read_csv(${literal(file)}, header = true, all_varchar = true)`,
    );
    const [row] = r.getRowObjectsJS();
    return { mql: Number(row.mql), minFit: Number(row.min_fit) };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('demo org made by the config', () => {
  it('makes fewer MQLs, all above the new bar, when the shipped MQL fit threshold is raised in a copy of the config', async () => {
    const shipped = await mqls(loadConfig('force-app'));
    const stricter = await mqls(configWithFitThreshold(60));
    expect(shipped.mql).toBeGreaterThan(100);
    expect(shipped.minFit).toBeGreaterThanOrEqual(40);
    expect(stricter.mql).toBeLessThan(shipped.mql);
    expect(stricter.mql).toBeGreaterThan(0);
    expect(stricter.minFit).toBeGreaterThanOrEqual(60);
  });

  it('makes more MQLs when the threshold is lowered', async () => {
    const shipped = await mqls(loadConfig('force-app'));
    const looser = await mqls(configWithFitThreshold(25));
    expect(looser.mql).toBeGreaterThan(shipped.mql);
  });
});
