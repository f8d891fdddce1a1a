// The inputs of `revops metrics` beside the snapshot: the targets file (JSON) and the marketing spend CSV.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { lit, ReportError, type Db } from '../db.ts';

export const TargetsSchema = z
  .object({
    quarterlyQuota: z.number().positive().optional(),
    revenueTarget: z.number().positive().optional(),
    grossMargin: z.number().gt(0).max(1).default(0.8),
    annualChurn: z.number().gt(0).max(1).default(0.1),
  })
  .strict();
export type Targets = z.infer<typeof TargetsSchema>;

export interface CostRow {
  source: string;
  month: string; // YYYY-MM
  amount: number;
}

export function loadTargets(file: string | undefined): Targets {
  if (!file) return TargetsSchema.parse({});
  if (!existsSync(file))
    throw new ReportError(`Targets file not found: ${file}`, [
      'Pass a JSON file like {"quarterlyQuota": 1200000, "revenueTarget": 4800000}.',
    ]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ReportError(`Targets file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const r = TargetsSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ReportError(`Targets file ${file}: ${i.path.join('.') || '(root)'}: ${i.message}`, [
      'Keys: quarterlyQuota, revenueTarget (currency), grossMargin, annualChurn (fractions 0..1).',
    ]);
  }
  return r.data;
}

/** Reads the spend CSV: header source,month,amount (month as YYYY-MM). */
export async function loadCosts(db: Db, file: string | undefined): Promise<CostRow[]> {
  if (!file) return [];
  if (!existsSync(file))
    throw new ReportError(`Costs file not found: ${file}`, [
      'Pass a CSV with the header source,month,amount (month as YYYY-MM).',
    ]);
  let rows: Record<string, string | number | boolean | null>[];
  try {
    rows = await db.all(`SELECT * FROM read_csv(${lit(file)}, header = true, all_varchar = true)`);
  } catch (e) {
    throw new ReportError(`Costs file ${file} could not be read as CSV: ${(e as Error).message}`);
  }
  return rows.map((r, i) => {
    const source = String(r.source ?? '').trim();
    const month = String(r.month ?? '').trim();
    const amount = Number(String(r.amount ?? '').replace(/[$,\s]/g, ''));
    if (!source || !/^\d{4}-\d{2}$/.test(month) || !Number.isFinite(amount)) {
      throw new ReportError(
        `Costs file ${file} row ${i + 2}: need source, month (YYYY-MM) and a numeric amount; got ${JSON.stringify(r)}.`,
        ['Header must be exactly: source,month,amount'],
      );
    }
    return { source, month, amount };
  });
}
