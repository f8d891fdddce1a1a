// Backtest step 1: replay the scoring rules over every lead (or read the stored scores) into the temp table
// bt_lead and typed arrays. DuckDB selects and orders the leads and their events; scoring runs over columns.
import { lit, q, type Db } from '../db.ts';
import {
  prepareScoring,
  type EventColumns,
  type ScoringRule,
  type ScoringSettings,
} from '../../rules/scoring.ts';
import type { FieldValue, SRecord } from '../../rules/types.ts';

/** The scoring model to replay: the config's rules and settings, and how long after creation to score a lead. */
export interface ReplayModel {
  rules: ScoringRule[];
  settings: ScoringSettings;
  /** Each lead is scored as of CreatedDate + this many days (or just before its conversion, if earlier). */
  horizonDays: number;
}

/** Scores per lead, in the order of the temp table bt_lead (column i: CreatedDate, then Id). */
export interface LeadScores {
  fit: Float64Array;
  eng: Float64Array;
  neg: Float64Array;
}

/** Every column of a query (all numeric or boolean) as a Float64Array, rows in query order; NULL reads as NaN. */
export async function readNumbers(db: Db, sql: string): Promise<Float64Array[]> {
  const res = await db.conn.run(sql);
  const out = Array.from({ length: res.columnCount }, () => new Float64Array(res.rowCount));
  let row = 0;
  for (let c = 0; c < res.chunkCount; c++) {
    const chunk = res.getChunk(c);
    const rows = chunk.rowCount;
    out.forEach((col, j) => {
      const v = chunk.getColumnVector(j);
      for (let r = 0; r < rows; r++) {
        const x = v.getItem(r);
        col[row + r] = x === null ? Number.NaN : Number(x);
      }
    });
    row += rows;
  }
  return out;
}

/** The first column of a query as JS values (numbers, booleans, strings), rows in query order. */
async function readValues(db: Db, sql: string): Promise<FieldValue[]> {
  const res = await db.conn.run(sql);
  const out: FieldValue[] = [];
  for (let c = 0; c < res.chunkCount; c++) {
    const chunk = res.getChunk(c);
    const v = chunk.getColumnVector(0);
    for (let r = 0, rows = chunk.rowCount; r < rows; r++) out.push(v.getItem(r) as FieldValue);
  }
  return out;
}

/** A Lead field a scoring rule reads; `dict`: read as codes into a table of its distinct values. */
interface RuleField {
  name: string;
  type: string;
  dict: boolean;
}

/**
 * Builds the temp table bt_lead: one row per lead, numbered i by CreatedDate then Id, with its side of the
 * split (part: 0 train, 1 test), outcome, stored scores and, for a replay, the scoring instant (now_ms) and
 * the rule fields as c0, c1, …: codes into the dictionary tables bt_d0, bt_d1, … (v, c) for fields with few
 * distinct values, so each value crosses into JS (and each condition runs) once, else the values themselves.
 */
export async function buildLeads(
  db: Db,
  split: string | null,
  replay?: { fields: RuleField[]; horizonDays: number; hasConvertedDate: boolean },
): Promise<void> {
  const value = (f: RuleField, alias: string) =>
    f.type === 'DOUBLE' || f.type === 'BOOLEAN'
      ? `${alias}.${q(f.name)}`
      : `CAST(${alias}.${q(f.name)} AS VARCHAR)`;
  const fields = replay?.fields ?? [];
  for (const [k, f] of fields.entries()) {
    if (f.dict)
      await db.conn.run(`CREATE OR REPLACE TEMP TABLE bt_d${k} AS
      SELECT v, (row_number() OVER () - 1)::DOUBLE AS c FROM (SELECT DISTINCT ${value(f, 'l')} AS v FROM "Lead" l WHERE l.${q(f.name)} IS NOT NULL)`);
  }
  let now = 'NULL';
  if (replay) {
    const h = `l."CreatedDate" + INTERVAL ${replay.horizonDays} DAY`;
    const asOf = replay.hasConvertedDate
      ? `least(${h}, coalesce(l."ConvertedDate" - INTERVAL 1 SECOND, ${h}))`
      : h;
    now = `epoch_ms(date_trunc('second', ${asOf}))::DOUBLE`;
  }
  const part = split
    ? `CASE WHEN l."CreatedDate" IS NULL THEN NULL WHEN l."CreatedDate" < CAST(${lit(split)} AS TIMESTAMP) THEN 0 ELSE 1 END`
    : 'NULL';
  await db.conn.run(`CREATE OR REPLACE TEMP TABLE bt_lead AS
    SELECT row_number() OVER (ORDER BY l."CreatedDate", l."Id") - 1 AS i, l."Id" AS id, ${part}::DOUBLE AS part,
           (l."ConvertedOpportunityId" IS NOT NULL)::DOUBLE AS y, o."IsClosed"::DOUBLE AS closed, o."IsWon"::DOUBLE AS won,
           coalesce(l."Fit_Score__c", 0) AS sfit, coalesce(l."Engagement_Score__c", 0) AS seng,
           coalesce(l."Negative_Score__c", 0) AS sneg, ${now} AS now_ms${fields.map((f, k) => `, ${f.dict ? `d${k}.c` : value(f, 'l')} AS c${k}`).join('')}
    FROM "Lead" l LEFT JOIN "Opportunity" o ON o."Id" = l."ConvertedOpportunityId"
    ${fields.map((f, k) => (f.dict ? `LEFT JOIN bt_d${k} d${k} ON d${k}.v = ${value(f, 'l')}` : '')).join('\n    ')}`);
}

/**
 * Replays the scoring rules (scoring.ts, the Apex twin) over every lead with its engagement events, as of
 * CreatedDate + horizon (never after conversion, so the outcome cannot leak into the score). Events up to that
 * instant come from SQL already grouped by lead and in time order; the rules are prepared once and each lead
 * is scored from columns. Builds bt_lead (see buildLeads) and returns the scores in its order.
 */
export async function replayScores(
  db: Db,
  model: ReplayModel,
  split: string | null = null,
): Promise<LeadScores> {
  const types = new Map(
    (
      await db.all<{ c: string; t: string }>(
        `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'Lead'`,
      )
    ).map((r) => [r.c, r.t]),
  );
  const names = [...new Set(model.rules.filter((r) => !r.signal && r.field).map((r) => r.field!))].filter(
    (f) => types.has(f),
  );
  // A field with many distinct values (e-mail) is read as is: a dictionary would not save any work.
  const [distinct] = names.length
    ? await db.all(
        `SELECT ${names.map((f, k) => `approx_count_distinct(${q(f)}) AS "${k}"`).join(', ')} FROM (SELECT * FROM "Lead" USING SAMPLE 10000 ROWS)`,
      )
    : [{}];
  const fields = names.map((name, k) => ({ name, type: types.get(name)!, dict: Number(distinct[k]) < 2000 }));
  await buildLeads(db, split, {
    fields,
    horizonDays: model.horizonDays,
    hasConvertedDate: types.has('ConvertedDate'),
  });
  const coded = fields.flatMap((f, k) => (f.dict ? [k] : []));
  const [nowMs, ...codeCols] = await readNumbers(
    db,
    `SELECT now_ms${coded.map((k) => `, c${k}`).join('')} FROM bt_lead ORDER BY i`,
  );
  const codes = fields.map((f, k) => (f.dict ? codeCols[coded.indexOf(k)] : null));
  const values: FieldValue[][] = [];
  for (const [k, f] of fields.entries()) {
    values.push(
      await readValues(
        db,
        f.dict ? `SELECT v FROM bt_d${k} ORDER BY c` : `SELECT c${k} FROM bt_lead ORDER BY i`,
      ),
    );
    if (f.dict) await db.conn.run(`DROP TABLE bt_d${k}`);
  }

  const prepared = prepareScoring(model.rules, model.settings, 'Lead');
  let lead: ArrayLike<number> = new Float64Array(0);
  let events: EventColumns = { signal: new Int32Array(0), at: new Float64Array(0) };
  if (await db.hasTable('Engagement_Event__c')) {
    const signals = (
      await db.all<{ v: string }>(
        `SELECT DISTINCT "Signal__c" AS v FROM "Engagement_Event__c" WHERE "Signal__c" IS NOT NULL ORDER BY v`,
      )
    ).map((r) => r.v);
    const [li, sig, at] = await readNumbers(
      db,
      `WITH s(v, c) AS (VALUES ${signals.map((v, c) => `(${lit(v)}, ${c})`).join(', ') || "('', 0)"})
       SELECT b.i, s.c, epoch_ms(date_trunc('second', e."Occurred_At__c"))::DOUBLE AS ts
       FROM "Engagement_Event__c" e JOIN bt_lead b ON b.id = coalesce(e."Lead__c", e."Record_Id__c")
       JOIN s ON s.v = e."Signal__c"
       WHERE date_trunc('second', e."Occurred_At__c") <= epoch_ms(CAST(b.now_ms AS BIGINT))
       ORDER BY b.i, ts`,
    );
    const code = signals.map((v) => prepared.signalCode(v));
    lead = li;
    events = { signal: Int32Array.from(sig, (c) => code[c]), at };
  }

  const n = nowMs.length;
  const out: LeadScores = { fit: new Float64Array(n), eng: new Float64Array(n), neg: new Float64Array(n) };
  const record: SRecord = {};
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < fields.length; k++) {
      const c = codes[k];
      record[fields[k].name] = c === null ? values[k][i] : Number.isNaN(c[i]) ? null : values[k][c[i]];
    }
    const from = e;
    while (e < lead.length && lead[e] === i) e++;
    if (Number.isNaN(nowMs[i])) continue; // no CreatedDate: on neither side of the split
    const r = prepared.score(record, events, from, e, nowMs[i]);
    out.fit[i] = r.fit;
    out.eng[i] = r.engagement;
    out.neg[i] = r.negative;
  }
  return out;
}
