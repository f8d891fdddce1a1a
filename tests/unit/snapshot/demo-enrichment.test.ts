// The demo org's enrichment history: leads and accounts created since the install carry Enrichment_Sources__c in the
// engine's format, so the quarterly audit's enrichment accuracy check (revops audit --enrichment-sample) draws a
// sample from the demo snapshot, with the enriched values, from the providers the shipped mappings rank.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoSnapshot } from '../../../scripts/lib/snapshot/demo.ts';
import { mappings } from '../../../scripts/lib/engine/enrichment.ts';
import type { EnrichedField } from '../../../scripts/lib/reports/audit/enrichment.ts';
import { shippedConfig } from '../../../scripts/lib/snapshot/demo/rules.ts';
import { runCli } from '../../e2e/runCli.ts';
import { query, removeTmpDirs, tmpDir } from './helpers.ts';

afterAll(removeTmpDirs);

describe('demo enrichment', () => {
  let file: string;
  beforeAll(async () => {
    file = join(tmpDir('demo-enrich'), 'demo.duckdb');
    await buildDemoSnapshot({ out: file, size: 3000, seed: 42 });
  });

  it('records the provider and time of each enriched field as the engine does, after the install only', async () => {
    const rows = await query(
      file,
      `SELECT Id, CreatedDate, Enrichment_Sources__c AS s FROM "Lead" WHERE Enrichment_Sources__c IS NOT NULL`,
    );
    expect(rows.length).toBeGreaterThan(300);
    const install = Date.UTC(2026, 9, 1) - 180 * 86_400_000;
    const mapped = new Set(mappings(shippedConfig(), 'Lead').map((m) => m.provider));
    for (const r of rows.slice(0, 50)) {
      const sources = JSON.parse(String(r.s)) as Record<string, { provider: string; at: string }>;
      const created = new Date(String(r.CreatedDate)).getTime();
      expect(created).toBeGreaterThanOrEqual(install);
      for (const [field, e] of Object.entries(sources)) {
        expect(['AnnualRevenue', 'Industry', 'NumberOfEmployees']).toContain(field);
        expect(mapped.has(e.provider), e.provider).toBe(true);
        expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
        expect(Date.parse(e.at)).toBeGreaterThan(created);
      }
    }
  });

  it('gives the audit an enrichment accuracy sample (revops audit --enrichment-sample) with the enriched values', async () => {
    const sample = join(tmpDir('demo-enrich-sample'), 'sample.csv');
    const r = await runCli<{ result: { enrichment: { sample: EnrichedField[]; notAvailable: unknown[] } } }>(
      'audit',
      '--snapshot',
      file,
      '--enrichment-sample',
      sample,
      '--sample-size',
      '5',
      '--json',
    );
    expect(r.code, r.out + r.err).toBe(0);
    const drawn = r.json.result.enrichment.sample;
    expect(drawn.length).toBeGreaterThan(0);
    expect(new Set(drawn.map((s) => s.object))).toContain('Lead');
    for (const s of drawn) expect(s.value, `${s.object} ${s.recordId} ${s.field}`).not.toBeNull();
    const lines = readFileSync(sample, 'utf8')
      .split('\r\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(1 + drawn.length);
  });
});
