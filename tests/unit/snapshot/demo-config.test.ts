import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { literal } from '../../../scripts/lib/snapshot/schema.ts';
import { tmpDir, removeTmpDirs } from './helpers.ts';

afterAll(removeTmpDirs);

const RECORDS = 'main/default/customMetadata';

/** A copy of the shipped custom metadata records with fields of one record changed (values as text). */
function configWith(record: string, values: Record<string, string>) {
  const root = join(tmpDir('demo-config'), 'force-app');
  // the records, and the objects and queues they are validated against
  for (const dir of ['customMetadata', 'objects', 'queues'])
    cpSync(join('force-app/main/default', dir), join(root, 'main/default', dir), { recursive: true });
  const file = join(root, RECORDS, `${record}.md-meta.xml`);
  let xml = readFileSync(file, 'utf8');
  for (const [field, value] of Object.entries(values)) {
    const changed = xml.replace(
      new RegExp(`(<field>${field}</field>\\s*)<value[^>]*?(/>|>[^<]*</value>)`),
      `$1<value xsi:type="xsd:string">${value}</value>`,
    );
    expect(changed).not.toBe(xml);
    xml = changed;
  }
  writeFileSync(file, xml);
  return loadConfig(root);
}

const configWithFitThreshold = (threshold: number) =>
  configWith('Scoring_Setting.Default', { MQL_Fit_Threshold__c: String(threshold) });

/** Rows of one object of a generated demo, as text. */
async function demoRows(
  config: ReturnType<typeof loadConfig>,
  object: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const out = generateDemo({ leads: 1500, seed: 3, dir: tmpDir('demo-config-out'), config });
  const file = out.files.find((f) => f.object === object)!.files[0];
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(
      sql.replace('$rows', `read_csv(${literal(file)}, header = true, all_varchar = true)`),
    );
    return r.getRowObjectsJS();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Leads of a generated demo: how many became MQLs, and the lowest fit among them. */
async function mqls(config: ReturnType<typeof loadConfig>): Promise<{ mql: number; minFit: number }> {
  const [row] = await demoRows(
    config,
    'Lead',
    `SELECT count(MQL_Date__c) AS mql, min(Fit_Score__c::DOUBLE) FILTER (WHERE MQL_Date__c IS NOT NULL) AS min_fit
     FROM $rows`,
  );
  return { mql: Number(row.mql), minFit: Number(row.min_fit) };
}

/** Closed deals of a generated demo, per closed stage: how many, and how many lack each of `fields`. */
async function closedDeals(config: ReturnType<typeof loadConfig>, fields: string[]) {
  const lacking = fields.map((f) => `count(*) FILTER (WHERE ${f} IS NULL) AS "${f}"`).join(', ');
  return demoRows(
    config,
    'Opportunity',
    `SELECT StageName, count(*) AS deals, ${lacking} FROM $rows WHERE IsClosed = 'true' GROUP BY 1 ORDER BY 1`,
  );
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

  it('closes every deal with the fields its closed stage requires, and follows a changed Required_Fields__c', async () => {
    const fields = ['Loss_Reason__c', 'Competitor__c', 'Payment_Terms__c', 'Pain_Points__c'];
    const [unsigned] = await demoRows(
      loadConfig('force-app'),
      'Opportunity',
      `SELECT count(*) AS n FROM $rows WHERE StageName = 'Closed Won' AND Signed_Contract__c <> 'true'`,
    );
    expect(Number(unsigned.n)).toBe(0); // a required checkbox is checked
    const shipped = await closedDeals(loadConfig('force-app'), fields);
    const lost = shipped.find((r) => r.StageName === 'Closed Lost')!;
    const won = shipped.find((r) => r.StageName === 'Closed Won')!;
    expect(Number(lost.deals)).toBeGreaterThan(10);
    expect(Number(won.deals)).toBeGreaterThan(5);
    // Stage_Policy Closed_Lost requires Loss_Reason__c;Competitor__c, Closed_Won ...;Payment_Terms__c
    expect([lost.Loss_Reason__c, lost.Competitor__c, won.Payment_Terms__c].map(Number)).toEqual([0, 0, 0]);
    expect(Number(lost.Pain_Points__c)).toBeGreaterThan(0); // a Discovery field: lost before Discovery, or left blank

    const stricter = await closedDeals(
      configWith('Stage_Policy.Closed_Lost', {
        Required_Fields__c: 'Loss_Reason__c;Competitor__c;Pain_Points__c',
      }),
      fields,
    );
    const lostNow = stricter.find((r) => r.StageName === 'Closed Lost')!;
    expect(Number(lostNow.deals)).toBe(Number(lost.deals));
    expect(Number(lostNow.Pain_Points__c)).toBe(0);
  });

  it("escalates breached clocks as the SLA policy's Escalate_To__c says", async () => {
    const escalations = (config: ReturnType<typeof loadConfig>) =>
      demoRows(
        config,
        'SLA_Event__c',
        `SELECT count(*) AS n, count(*) FILTER (WHERE Escalated_To__c LIKE '005%') AS users,
           count(*) FILTER (WHERE Escalated_To__c = 'VP_Sales') AS vp
         FROM $rows WHERE Event_Type__c = 'Escalated'`,
      );
    const [manager] = await escalations(loadConfig('force-app')); // shipped: the owner's manager
    expect(Number(manager.n)).toBeGreaterThan(10);
    expect(Number(manager.users)).toBe(Number(manager.n));
    const [queue] = await escalations(
      configWith('SLA_Policy.MQL_To_SQL', { Escalate_To__c: 'Queue', Escalation_Queue__c: 'VP_Sales' }),
    );
    expect(Number(queue.vp)).toBe(Number(queue.n));
    expect(Number(queue.n)).toBe(Number(manager.n));
  });
});
