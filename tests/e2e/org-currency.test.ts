// A multi-currency org pulled into a snapshot (the loopback fake org): Opportunity.CurrencyIsoCode is asked for
// because the org's describe lists it, and the org's CurrencyType (currencies and their conversion rates) is read,
// so `revops metrics` adds deal amounts up in the corporate currency. A single-currency org has neither: the pull
// asks for neither, and its snapshot is what it always was (no column, no table, nothing recorded as absent).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FakeOrg, type Dataset } from './fakeOrg.ts';
import { connectionFromSession, httpFor } from '../../scripts/lib/org/index.ts';
import { buildOrgSnapshot } from '../../scripts/lib/snapshot/fromOrg.ts';
import { SCHEMA } from '../../scripts/lib/snapshot/schema.ts';
import { openDb } from '../../scripts/lib/reports/db.ts';
import { computeMetrics } from '../../scripts/lib/reports/metrics.ts';
import { query as sql, tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';

afterAll(removeTmpDirs);

let org: FakeOrg | null = null;
afterEach(async () => {
  await org?.stop();
  org = null;
});

/** Two open deals: USD 500 and JPY 10,000,000 (in a single-currency org: no CurrencyIsoCode field at all). */
function opportunities(multiCurrency: boolean): Dataset {
  const fields = [
    ...SCHEMA.Opportunity.fields.map(([n]) => n),
    ...(multiCurrency ? ['CurrencyIsoCode'] : []),
  ];
  const deals = [
    { Id: '0065e0000000001AAA', Amount: 500, CurrencyIsoCode: 'USD' },
    { Id: '0065e0000000002AAA', Amount: 10_000_000, CurrencyIsoCode: 'JPY' },
  ];
  return {
    fields,
    count: deals.length,
    row: (i) =>
      fields.map((f) => {
        const d: Record<string, string | number | boolean> = {
          ...deals[i],
          Name: `Deal ${i}`,
          StageName: 'Discovery',
          CloseDate: '2026-11-30',
          CreatedDate: '2026-06-01T00:00:00.000Z',
          IsClosed: false,
          IsWon: false,
        };
        return d[f] ?? null;
      }),
  };
}

const CURRENCY_TYPE: Dataset = {
  fields: ['Id', 'IsoCode', 'ConversionRate', 'IsCorporate', 'IsActive', 'DecimalPlaces'],
  count: 3,
  row: (i) =>
    [
      ['01L5e0000000001AAA', 'USD', 1, true, true, 2],
      ['01L5e0000000002AAA', 'JPY', 150, false, true, 0],
      ['01L5e0000000003AAA', 'EUR', 0.92, false, false, 2],
    ][i],
};

async function pull(data: Record<string, Dataset>) {
  org = await new FakeOrg({ data }).start();
  const http = httpFor(
    await connectionFromSession(org.session()),
    {},
    { retries: 2, baseDelayMs: 10, maxDelayMs: 50 },
  );
  const out = join(tmpDir('org-currency'), 'snap.duckdb');
  const result = await buildOrgSnapshot({ out, http, pollIntervalMs: 5 });
  const opportunityQuery = [...org.jobs.values()].find((j) => j.object === 'Opportunity')!.fields;
  const asked = org.log.map((r) => decodeURIComponent(r.path));
  return { out, result, opportunityQuery, asked };
}

const columns = async (file: string, table: string): Promise<string[]> =>
  (
    await sql(
      file,
      `SELECT column_name AS c FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
    )
  ).map((r) => String(r.c));

describe('snapshot of a multi-currency org', () => {
  it('keeps each deal’s CurrencyIsoCode and the org’s CurrencyType, recorded in _provenance', async () => {
    const { out, result, opportunityQuery, asked } = await pull({
      Opportunity: opportunities(true),
      CurrencyType: CURRENCY_TYPE,
    });
    expect(opportunityQuery).toContain('CurrencyIsoCode');
    expect(asked.filter((p) => /FROM CurrencyType/.test(p))).toEqual([
      expect.stringContaining('SELECT Id, IsoCode, ConversionRate, IsCorporate, IsActive FROM CurrencyType'),
    ]);
    expect(result.counts.CurrencyType).toBe(3);
    expect(await sql(out, `SELECT Id, Amount, CurrencyIsoCode FROM "Opportunity" ORDER BY Id`)).toEqual([
      { Id: '0065e0000000001AAA', Amount: 500, CurrencyIsoCode: 'USD' },
      { Id: '0065e0000000002AAA', Amount: 10_000_000, CurrencyIsoCode: 'JPY' },
    ]);
    expect(
      await sql(
        out,
        `SELECT IsoCode, ConversionRate, IsCorporate, IsActive FROM "CurrencyType" ORDER BY IsoCode`,
      ),
    ).toEqual([
      { IsoCode: 'EUR', ConversionRate: 0.92, IsCorporate: false, IsActive: false },
      { IsoCode: 'JPY', ConversionRate: 150, IsCorporate: false, IsActive: true },
      { IsoCode: 'USD', ConversionRate: 1, IsCorporate: true, IsActive: true },
    ]);
    expect(
      await sql(
        out,
        `SELECT object, row_count, in_source, absent_fields FROM _provenance WHERE object IN ('CurrencyType', 'Opportunity') ORDER BY object`,
      ),
    ).toEqual([
      { object: 'CurrencyType', row_count: 3, in_source: true, absent_fields: '[]' },
      { object: 'Opportunity', row_count: 2, in_source: true, absent_fields: '[]' },
    ]);
    expect(result.warnings.join('\n')).not.toMatch(/Currency/);
  });

  it('gives metrics the open pipeline in the corporate currency: USD 500 + JPY 10,000,000 at 150', async () => {
    const { out } = await pull({ Opportunity: opportunities(true), CurrencyType: CURRENCY_TYPE });
    const db = await openDb(out, { readOnly: true, requireProvenance: true });
    try {
      const m = await computeMetrics(db);
      expect(m.currency).toBe('USD');
      expect(m.sales.figures.find((f) => f.key === 'pipeline')!.value).toBeCloseTo(500 + 10_000_000 / 150, 6);
    } finally {
      db.close();
    }
  });
});

describe('snapshot of a single-currency org', () => {
  it('asks for no CurrencyIsoCode and no CurrencyType, and records nothing about them', async () => {
    const { out, result, opportunityQuery, asked } = await pull({ Opportunity: opportunities(false) });
    expect(opportunityQuery).not.toContain('CurrencyIsoCode');
    expect(asked.filter((p) => /Currency/.test(p))).toEqual([]);
    expect(result.counts).not.toHaveProperty('CurrencyType');
    expect(await columns(out, 'Opportunity')).toEqual(SCHEMA.Opportunity.fields.map(([n]) => n));
    expect(
      await sql(out, `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'CurrencyType'`),
    ).toEqual([{ n: 0 }]);
    expect(await sql(out, `SELECT absent_fields FROM _provenance WHERE object = 'Opportunity'`)).toEqual([
      { absent_fields: '[]' },
    ]);
    expect(result.warnings.join('\n')).not.toMatch(/Currency/);
    const db = await openDb(out, { readOnly: true, requireProvenance: true });
    try {
      const m = await computeMetrics(db);
      expect(m.currency).toBeNull();
      expect(m.sales.figures.find((f) => f.key === 'pipeline')!.value).toBe(10_000_500);
    } finally {
      db.close();
    }
  });
});
