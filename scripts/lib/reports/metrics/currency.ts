// The currency of the metrics' money figures. In a multi-currency org each deal's Amount is in its own
// CurrencyIsoCode: the figures add deals up in the corporate currency, each Amount divided by its currency's static
// conversion rate (the snapshot's CurrencyType, pulled from the org or imported from an export's CurrencyType.csv),
// as the snapshot job's twin does (rules/metricSnapshot.ts corporateAmount). Dated exchange rates (advanced currency
// management) are not read. When the amounts cannot be added up in one currency (deals in several currencies and no
// rates, or a currency without a rate), the figures that add them are not available, never a mixed sum. A
// single-currency snapshot (no CurrencyIsoCode column) is summed and labelled ("$") as it always was.
import { lit, type Db } from '../db.ts';
import { withholdFor, type NotAvailable } from '../coverage.ts';
import { money, type Status } from '../../render/doc.ts';
import { CURRENCY_TYPE } from '../../snapshot/schema.ts';
import {
  DEAL_MONEY_METRICS,
  conversionRates,
  currencyProblem,
  type SnapshotCurrency,
} from '../../rules/metricSnapshot.ts';

export interface DealCurrency {
  /**
   * The code money is labelled with ("USD 1,200"): the corporate currency, or the deals' only currency when the
   * snapshot has no rates; null in a single-currency snapshot ("$1,200", as always).
   */
  code: string | null;
  /** SQL to read instead of "Opportunity" (aliased as it): its rows with "Amount" in that currency. */
  opportunities: string;
  /** Why the figures that add deal amounts are not available ("not available (...)"), or null. */
  unavailable: string | null;
  /** The deals' currencies (those the money figures add), sorted; empty in a single-currency snapshot. */
  codes: string[];
}

const SINGLE: DealCurrency = { code: null, opportunities: '"Opportunity"', unavailable: null, codes: [] };

/** The snapshot's CurrencyType rows (an org pull of a multi-currency org, an export's CurrencyType.csv), or none. */
async function currencies(db: Db): Promise<SnapshotCurrency[]> {
  if (!(await db.hasTable(CURRENCY_TYPE))) return [];
  const rows = await db.all<{ code: string | null; rate: number | null; corporate: boolean | null }>(
    `SELECT trim("IsoCode") AS code, "ConversionRate" AS rate, "IsCorporate" AS corporate FROM "${CURRENCY_TYPE}"`,
  );
  return rows
    .filter((r) => r.code && r.rate !== null)
    .map((r) => ({ isoCode: r.code!, conversionRate: r.rate!, isCorporate: r.corporate === true }));
}

/**
 * The currency the money figures are in and how to read deal amounts in it. `scope` (SQL over "Opportunity"): the
 * deals the money figures add (won in the period, open), whose currencies must convert; others do not matter.
 */
export async function dealCurrency(db: Db, scope: string): Promise<DealCurrency> {
  if (!(await db.tableColumns('Opportunity')).includes('CurrencyIsoCode')) return SINGLE;
  const rows = await currencies(db);
  const rates = conversionRates(rows);
  const codes = (
    await db.all<{ code: string }>(
      `SELECT DISTINCT trim("CurrencyIsoCode") AS code FROM "Opportunity" WHERE "Amount" IS NOT NULL AND nullif(trim("CurrencyIsoCode"), '') IS NOT NULL AND (${scope}) ORDER BY 1`,
    )
  ).map((r) => r.code);
  const problem = currencyProblem(codes, rates);
  // the corporate currency: CurrencyType's IsCorporate row (else its only currency at rate 1); without rates, the
  // deals' only currency; '¤' when the amounts are in a currency the snapshot does not name
  const ones = [...(rates ?? [])].filter(([, rate]) => rate === 1).map(([c]) => c);
  const corporate = rows.find((r) => r.isCorporate)?.isoCode ?? (ones.length === 1 ? ones[0] : undefined);
  const code = corporate ?? (rates === null && codes.length === 1 ? codes[0] : codes.length ? '¤' : null);
  const unavailable =
    problem === null
      ? null
      : `not available (${problem}${rates === null ? ' — export CurrencyType or snapshot the org' : ' in the snapshot’s CurrencyType'})`;
  if (rates === null) return { code, opportunities: '"Opportunity"', unavailable, codes };
  const values = [...rates].map(([c, rate]) => `(${lit(c)}, ${rate}::DOUBLE)`).join(', ');
  // a blank currency is the corporate one; a currency without a rate gives a NULL amount (and `unavailable`)
  const opportunities = `(SELECT o.* REPLACE (o."Amount" / coalesce(r.rate, CASE WHEN nullif(trim(o."CurrencyIsoCode"), '') IS NULL THEN 1 END) AS "Amount") FROM "Opportunity" o LEFT JOIN (VALUES ${values}) r(code, rate) ON r.code = trim(o."CurrencyIsoCode")) AS "Opportunity"`;
  return { code, opportunities, unavailable, codes };
}

/** How money is read in a multi-currency org: stated in the generated metrics spec (docs.ts). */
export const CURRENCY_DEFINITION =
  'In a multi-currency org each deal’s Amount is in its CurrencyIsoCode: the figures that add deal amounts (pipeline, revenue, revenue vs target, average deal size, velocity, coverage, LTV, LTV : CAC) divide each Amount by its currency’s static ConversionRate (CurrencyType; the corporate currency’s is 1) before any sum or average, and money is labelled with the corporate currency’s code. Deals in several currencies without rates (an export without CurrencyType.csv), or a currency without a rate: those figures are not available, never a mixed sum. Dated exchange rates (advanced currency management) are not used. A single-currency org is read as it is.';

/**
 * The figures that add deal amounts (by key: DEAL_MONEY_METRICS), withheld when the amounts cannot be added up in one
 * currency (deals in several currencies without rates, a currency without a rate): never a mixed sum. Figures
 * already withheld (no Opportunity records, no quota) keep their reason.
 */
export function withholdCurrency(
  figures: Array<{ key: string; label: string; value: number | null; status?: Status; note?: string }>,
  currency: DealCurrency,
): NotAvailable[] {
  if (currency.unavailable === null) return [];
  return withholdFor(
    figures.filter((f) => DEAL_MONEY_METRICS.includes(f.key) && f.status !== 'skipped'),
    currency.unavailable,
  );
}

/** Money as the metrics label it: "$1,200" in a single-currency snapshot, else "USD 1,200" (the corporate currency). */
export function moneyIn(code: string | null): (x: number | null) => string {
  if (code === null) return money;
  return (x) =>
    x === null || !Number.isFinite(x) ? 'n/a' : `${code} ${Math.round(x).toLocaleString('en-US')}`;
}

/** What the assumptions say of money in a multi-currency snapshot (nothing in a single-currency one). */
export function currencyAssumption(c: DealCurrency): string[] {
  if (c.code === null) return [];
  const converted = c.codes.filter((x) => x !== c.code);
  return [
    `Money is in ${c.code === '¤' ? 'the corporate currency' : c.code}${converted.length ? `: deal amounts in ${converted.join(', ')} are divided by their currency's conversion rate (the snapshot's CurrencyType: static rates; dated exchange rates are not used)` : ''}; spend (--costs) and targets are read as in it.`,
  ];
}
