// Non-standard terms by frequency: each term of Non_Standard_Terms__c (a multi-select picklist, ';'-separated)
// with how many deals asked for it, how many of those were won, and their amount. "If everyone asks for the
// same exception, it should become standard": a term on at least `standardShare` of the deals that carry any
// non-standard term is flagged as a candidate for the standard contract.
import type { Db } from '../db.ts';
import { absentObjects, beforeInstall, missingColumns, type Maybe } from './common.ts';

/** Default share of deals with non-standard terms at which one term is a candidate for the standard contract. */
export const STANDARD_SHARE = 0.3;

export interface TermRow {
  term: string;
  deals: number;
  /** deals / deals carrying any non-standard term. */
  share: number;
  won: number;
  amount: number;
  candidate: boolean;
}

export interface TermsReport {
  deals: number;
  dealsWithTerms: number;
  standardShare: number;
  terms: TermRow[];
}

export async function nonStandardTerms(db: Db, standardShare = STANDARD_SHARE): Promise<Maybe<TermsReport>> {
  const absent = await absentObjects(db, ['Opportunity']);
  if (absent) return absent;
  const missing = await missingColumns(db, 'Opportunity', ['Id', 'Non_Standard_Terms__c']);
  if (missing.length) return beforeInstall('Opportunity', missing);
  const cols = new Set(await db.tableColumns('Opportunity'));
  const won = cols.has('IsWon') ? `coalesce("IsWon", false)` : 'false';
  const amount = cols.has('Amount') ? `coalesce("Amount", 0)` : '0';
  const [{ deals, withTerms }] = await db.all<{ deals: number; withTerms: number }>(
    `SELECT count(*) AS deals, count(*) FILTER (WHERE trim(coalesce("Non_Standard_Terms__c", '')) <> '') AS "withTerms" FROM "Opportunity"`,
  );
  const rows = await db.all<{ term: string; deals: number; won: number; amount: number }>(`
    SELECT term, count(DISTINCT id) AS deals, count(DISTINCT id) FILTER (WHERE won) AS won, sum(amount) AS amount FROM (
      SELECT DISTINCT "Id" AS id, trim(unnest(string_split("Non_Standard_Terms__c", ';'))) AS term, ${won} AS won, ${amount} AS amount
      FROM "Opportunity" WHERE "Non_Standard_Terms__c" IS NOT NULL)
    WHERE term <> '' GROUP BY term ORDER BY deals DESC, term`);
  return {
    available: true,
    deals,
    dealsWithTerms: withTerms,
    standardShare,
    terms: rows.map((r) => {
      const share = withTerms ? r.deals / withTerms : 0;
      return {
        term: r.term,
        deals: r.deals,
        share,
        won: r.won,
        amount: r.amount,
        candidate: share >= standardShare,
      };
    }),
  };
}
