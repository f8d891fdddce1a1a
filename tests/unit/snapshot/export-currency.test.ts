// The Data Export of a multi-currency org: Opportunity.csv carries CurrencyIsoCode, and CurrencyType.csv (when the
// export has it) becomes the CurrencyType table with its rates, recorded in _provenance. Without CurrencyType.csv the
// metrics cannot add deals in two currencies and say so.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExportSnapshot } from '../../../scripts/lib/snapshot/build.ts';
import { openDb } from '../../../scripts/lib/reports/db.ts';
import { computeMetrics } from '../../../scripts/lib/reports/metrics.ts';
import { query, tmpDir, removeTmpDirs } from './helpers.ts';

afterAll(removeTmpDirs);

const LEAD =
  '"Id","CreatedDate","Status","OwnerId"\n"00Q5e0000000001AAA","2026-06-01T00:00:00.000Z","Open","0055e0000000001AAA"\n';
const OPPORTUNITY =
  '"Id","Name","StageName","Amount","CurrencyIsoCode","CloseDate","CreatedDate","IsClosed","IsWon"\n' +
  '"0065e0000000001AAA","A","Discovery","500","USD","2026-11-30","2026-06-01T00:00:00.000Z","false","false"\n' +
  '"0065e0000000002AAA","B","Discovery","10000000","JPY","2026-12-15","2026-06-02T00:00:00.000Z","false","false"\n';
const CURRENCY_TYPE =
  '"Id","IsoCode","ConversionRate","IsCorporate","IsActive","DecimalPlaces"\n' +
  '"01L5e0000000001AAA","USD","1","true","true","2"\n' +
  '"01L5e0000000002AAA","JPY","150","false","true","0"\n';

async function importExport(withRates: boolean) {
  const dir = tmpDir('export-currency');
  writeFileSync(join(dir, 'Lead.csv'), LEAD);
  writeFileSync(join(dir, 'Opportunity.csv'), OPPORTUNITY);
  if (withRates) writeFileSync(join(dir, 'CurrencyType.csv'), CURRENCY_TYPE);
  const out = join(dir, 'snap.duckdb');
  const result = await buildExportSnapshot({ path: dir, out });
  const db = await openDb(out, { readOnly: true, requireProvenance: true });
  try {
    return { out, result, metrics: await computeMetrics(db) };
  } finally {
    db.close();
  }
}

describe('the Data Export of a multi-currency org', () => {
  it('imports CurrencyIsoCode and CurrencyType.csv, and the metrics add the deals up in USD', async () => {
    const { out, result, metrics } = await importExport(true);
    expect(result.counts.CurrencyType).toBe(2);
    expect(
      await query(out, `SELECT IsoCode, ConversionRate, IsCorporate FROM "CurrencyType" ORDER BY 1`),
    ).toEqual([
      { IsoCode: 'JPY', ConversionRate: 150, IsCorporate: false },
      { IsoCode: 'USD', ConversionRate: 1, IsCorporate: true },
    ]);
    expect(await query(out, `SELECT CurrencyIsoCode FROM "Opportunity" ORDER BY Id`)).toEqual([
      { CurrencyIsoCode: 'USD' },
      { CurrencyIsoCode: 'JPY' },
    ]);
    expect(
      await query(out, `SELECT in_source, absent_fields FROM _provenance WHERE object = 'CurrencyType'`),
    ).toEqual([{ in_source: true, absent_fields: '[]' }]);
    expect(result.warnings.join('\n')).not.toMatch(/Currency/);
    expect(metrics.currency).toBe('USD');
    expect(metrics.sales.figures.find((f) => f.key === 'pipeline')!.value).toBeCloseTo(
      500 + 10_000_000 / 150,
      6,
    );
  });

  it('without CurrencyType.csv: no table, and the pipeline is not available rather than 10,000,500', async () => {
    const { out, metrics } = await importExport(false);
    expect(
      await query(
        out,
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'CurrencyType'`,
      ),
    ).toEqual([{ n: 0 }]);
    expect(metrics.sales.figures.find((f) => f.key === 'pipeline')).toMatchObject({
      value: null,
      note: 'not available (deals in 2 currencies: JPY, USD; no conversion rates — export CurrencyType or snapshot the org)',
    });
  });
});
