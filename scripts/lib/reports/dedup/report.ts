// The dedup report: reads records (snapshot table or export), runs the engine, applies survivorship,
// and shapes the result for --json, the terminal, HTML and the weekly review CSV.
import { survivorship, type DedupRule, type SurvivorRecord } from '../../rules/match.ts';
import type { FieldValue } from '../../rules/types.ts';
import { q, requireColumns, toIso as iso, type Db } from '../db.ts';
import {
  computeBlockParts,
  fieldScorer,
  findDuplicates,
  prepareCompanies,
  ruleScorer,
  type EngineResult,
  type RecordTable,
} from './engine.ts';
import { PartsWorker, partKey, type BlockTransform, type Parts } from './parts.ts';
import { personProfile, salesforceSetup, type PersonMapping } from './profiles.ts';
import { tableFromCsv } from './source.ts';
import type { ReportDoc } from '../../render/doc.ts';

/** The --json result (exactly this shape). */
export interface DedupJson {
  clusters: { survivorId: string; memberIds: string[]; score: number; reasons: string[] }[];
  pairsCompared: number;
  records: number;
}

export interface ClusterDetail {
  survivorId: string;
  memberIds: string[];
  score: number;
  reasons: string[];
  /** Winning value per field and the record it comes from (survivorship). */
  winners: Record<string, { value: FieldValue; fromId: string | null }>;
}

export interface DedupResult {
  object: string;
  records: number;
  pairsCompared: number;
  windowedBlocks: number;
  /** Candidate pairs decided 'match' (before clustering). */
  matchPairs?: number;
  clusters: ClusterDetail[];
  review: { ids: [string, string]; score: number; reasons: string[] }[];
  /** Fields shown per record in the review CSV. */
  fields: string[];
  /** Field values by record id, for the records that appear in clusters or review pairs. */
  values: Record<string, Record<string, FieldValue>>;
  elapsedMs: number;
}

export function toJson(r: DedupResult): DedupJson {
  return {
    clusters: r.clusters.map((c) => ({
      survivorId: c.survivorId,
      memberIds: c.memberIds,
      score: c.score,
      reasons: c.reasons,
    })),
    pairsCompared: r.pairsCompared,
    records: r.records,
  };
}

/** SQL of the latest Task / Event per record (WhoId for people, WhatId for accounts): rows (rid, ts). */
async function activitySql(db: Db, object: string): Promise<string> {
  const key = object === 'Account' ? 'WhatId' : 'WhoId';
  const parts: string[] = [];
  for (const t of ['Task', 'Event']) {
    if ((await db.hasTable(t)) && (await db.tableColumns(t)).includes(key))
      parts.push(`SELECT ${q(key)} AS rid, max("CreatedDate") AS ts FROM ${q(t)} GROUP BY 1`);
  }
  return parts.length
    ? parts.join(' UNION ALL ')
    : 'SELECT NULL::VARCHAR AS rid, NULL::TIMESTAMP AS ts WHERE false';
}

/** Columns survivorship and the review sheet read, fetched only for the records that end up in a cluster. */
const DETAIL_COLUMNS = ['CreatedDate', 'LastActivityDate', 'Title'];

/** Options of readColumns. */
interface ReadOptions {
  /** Called with each dictionary-encoded column's values while DuckDB still builds the rows. */
  onDictionary?: (column: string, values: (string | null)[]) => void;
  /**
   * Columns read apart from the others, ahead of them, and not into the table: `onDetached` receives their n
   * rows as one string (each value followed by chr(31), '' for NULL), e.g. to hand them to a worker thread.
   */
  detached?: string[];
  onDetached?: (rows: string, n: number) => void;
}

/**
 * Text columns of a query, rows ordered by `orderBy` ('' and NULL read as null). DuckDB joins every value of
 * every row into one string in one ordered aggregate, and JS splits it once: for a million rows far faster than
 * converting value by value. Columns whose values repeat (names, companies) come dictionary-encoded: DuckDB
 * numbers the distinct values and sends codes, so equal values share one string and the engine normalises
 * each distinct value once, without a hash lookup per row (RecordTable.dictionaries).
 */
async function readColumns(
  db: Db,
  sql: string,
  cols: string[],
  orderBy: string,
  opts: ReadOptions = {},
): Promise<RecordTable> {
  const text = (c: string) => `nullif(CAST(${c} AS VARCHAR), '')`;
  const detached = opts.detached ?? [];
  const kept = cols.filter((c) => !detached.includes(c));
  // the source and the dictionaries (numbered once) as temporary tables; the dictionaries are read first, so the
  // caller can work on them (onDictionary) while DuckDB joins and aggregates the rows
  const tmp = `_revops_read_${++readSeq}`;
  const dict = (j: number) => `${tmp}_d${j}`;
  let encoded: string[] = [];
  try {
    await db.conn.run(`CREATE TEMP TABLE ${tmp} AS ${sql}`);
    const [stats] = await db.all(
      `SELECT count(*) AS n, ${kept.map((c, j) => `approx_count_distinct(${text(q(c))}) AS d${j}`).join(', ')} FROM ${tmp}`,
    );
    const n = Number(stats.n);
    encoded = kept.filter((c, j) => j > 0 && Number(stats[`d${j}`]) < 0.6 * n);
    const order = (alias: string) => [orderBy, ...detached.map(q)].map((c) => `${alias}${c}`).join(', ');
    if (detached.length) {
      const row = detached.map((c) => `coalesce(CAST(${q(c)} AS VARCHAR), ''), chr(31)`).join(', ');
      const [[rows]] = (
        await db.conn.runAndReadAll(`SELECT string_agg(concat(${row}), '' ORDER BY ${order('')}) FROM ${tmp}`)
      ).getRowsJS();
      opts.onDetached?.(rows === null || rows === undefined ? '' : String(rows), n);
    }
    for (const [j, c] of encoded.entries())
      await db.conn.run(
        `CREATE TEMP TABLE ${dict(j)} AS SELECT v, row_number() OVER () AS code FROM (SELECT DISTINCT ${text(q(c))} AS v FROM ${tmp} WHERE v IS NOT NULL)`,
      );
    const lists = encoded.length
      ? (
          await db.conn.runAndReadAll(
            `SELECT ${encoded.map((_, j) => `(SELECT string_agg(v, chr(31) ORDER BY code) FROM ${dict(j)})`).join(', ')}`,
          )
        )
          .getRowsJS()[0]
          .map((x) => (x === null || x === undefined ? '' : String(x)))
      : [];
    const row = kept
      .map((c) => {
        const j = encoded.indexOf(c);
        return j >= 0
          ? `coalesce(CAST(${dict(j)}.code AS VARCHAR), '0')`
          : `coalesce(CAST(src.${q(c)} AS VARCHAR), '')`;
      })
      .join(', chr(31), ');
    const joins = encoded
      .map((c, j) => `LEFT JOIN ${dict(j)} ON ${dict(j)}.v = ${text(`src.${q(c)}`)}`)
      .join(' ');
    const reading = db.conn.runAndReadAll(
      `SELECT string_agg(concat(${row}), chr(31) ORDER BY ${order('src.')}) FROM ${tmp} src ${joins}`,
    );
    const dictionaries: NonNullable<RecordTable['dictionaries']> = {};
    for (const [e, c] of encoded.entries()) {
      dictionaries[c] = { codes: new Int32Array(n), values: [null, ...lists[e].split('\x1f')] };
      opts.onDictionary?.(c, dictionaries[c].values);
    }
    const joined = (await reading).getRowsJS()[0][0];
    return splitRows(joined === null || joined === undefined ? '' : String(joined), n, kept, dictionaries);
  } finally {
    for (const t of [tmp, ...encoded.map((_, j) => dict(j))]) await db.conn.run(`DROP TABLE IF EXISTS ${t}`);
  }
}
let readSeq = 0;

/** The columns of `n` joined rows (values and dictionary codes separated by chr(31)). */
function splitRows(
  rows: string,
  n: number,
  cols: string[],
  dictionaries: NonNullable<RecordTable['dictionaries']>,
): RecordTable {
  const k = cols.length;
  const columns: RecordTable['columns'] = {};
  const encodedAt = cols.map((c) => (dictionaries[c] ? 0 : -1));
  for (const c of cols) columns[c] = new Array<string | null>(n);
  // walk the joined rows once: codes are parsed in place, only text values become strings
  let pos = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let end = rows.indexOf('\x1f', pos);
      if (end < 0) end = rows.length;
      const col = columns[cols[j]];
      if (encodedAt[j] >= 0) {
        let code = 0;
        for (let p = pos; p < end; p++) code = code * 10 + rows.charCodeAt(p) - 48;
        const d = dictionaries[cols[j]];
        d.codes[i] = code;
        col[i] = d.values[code];
      } else col[i] = end > pos ? rows.slice(pos, end) : null;
      pos = end + 1;
    }
  }
  return { ids: columns[cols[0]].map((v) => v ?? ''), columns, dictionaries };
}

/**
 * Reads the columns the rule's match keys and blocking read from a Lead / Contact / Account table (Contacts get
 * their Account's Name as Company); the other shown fields are read later for the records in clusters.
 */
export async function loadSalesforceRecords(
  db: Db,
  rule: DedupRule,
  opts: DedupOptions = {},
): Promise<RecordTable> {
  const object = rule.object;
  await requireColumns(db, object, ['Id']); // a snapshot without the table: say so, not DuckDB's Catalog Error
  const have = new Set(await db.tableColumns(object));
  const setup = salesforceSetup(rule);
  const used = new Set(setup.blocking.keys.flatMap((k) => k.parts.map((p) => p.field)));
  const m = setup.columns;
  const keyColumn: Record<string, string | string[] | undefined> = {
    email: m.email,
    email_domain: m.email,
    phone: m.phone,
    company: m.company,
    name: m.name,
    website: m.website,
  };
  for (const key of rule.matchKeys) for (const c of [keyColumn[key] ?? []].flat()) used.add(c);
  if (m.country && rule.matchKeys.includes('phone')) used.add(m.country);
  const want = [...used].filter(
    (c) =>
      have.has(c) && !(object === 'Contact' && c === 'Company') && !(object !== 'Account' && c === 'Name'),
  );
  const select = ['Id', ...want].map((c) => `t.${q(c)}`);
  const names = ['Id', ...want];
  let join = '';
  if (object === 'Contact' && have.has('AccountId') && (await db.hasTable('Account'))) {
    select.push('a."Name" AS "Company"');
    names.push('Company');
    join = 'LEFT JOIN "Account" a ON a."Id" = t."AccountId"';
  }
  // E-mail and phone differ from record to record: their blocking parts (which the scorer shares) are computed
  // in a worker thread while this thread reads the other columns and normalises the distinct company names; the
  // worker gets each record's country for its national phone number
  const country = rule.defaultCountry ?? 'US';
  const countryField = setup.blocking.countryField;
  const offThread: [string, BlockTransform[]][] = (
    [
      [m.email, ['exact', 'email_domain']],
      [m.phone, ['phone']],
    ] as [string | undefined, BlockTransform[]][]
  ).filter((e): e is [string, BlockTransform[]] => !!e[0] && names.includes(e[0]));
  if (countryField && names.includes(countryField) && offThread.some(([c]) => c === m.phone))
    offThread.push([countryField, []]);
  const countryColumn = offThread.findIndex(([c]) => c === countryField);
  // a worker thread pays off from about a hundred thousand records; below, the same code runs on this thread
  const [{ n: rows }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${q(object)}`);
  const threadedFrom = opts.threadedFromRows ?? THREADED_FROM_ROWS;
  const worker = offThread.length ? new PartsWorker(Number(rows) >= threadedFrom) : null;
  try {
    let parts: Promise<Parts[][]> | undefined;
    const table = await readColumns(
      db,
      `SELECT ${select.join(', ')} FROM ${q(object)} t ${join}`,
      names,
      '"Id"',
      {
        onDictionary: (c, values) => {
          if (c === m.company) prepareCompanies(values);
        },
        detached: offThread.map(([c]) => c),
        onDetached: (rows, n) => {
          parts = worker!.run({
            rows,
            n,
            transforms: offThread.map(([, t]) => t),
            country,
            countryColumn: countryColumn >= 0 ? countryColumn : undefined,
          });
        },
      },
    );
    // this thread's share of the blocking keys while the worker finishes
    computeBlockParts(table, setup.blocking, country);
    if (parts) {
      const done = await parts;
      table.parts ??= new Map();
      offThread.forEach(([c, ts], k) =>
        ts.forEach((t, x) => table.parts!.set(partKey(c, t, country, countryField), done[k][x])),
      );
    }
    return table;
  } finally {
    worker?.close();
  }
}

/** Tables from this many records have their e-mail and phone parts computed in a worker thread. */
export const THREADED_FROM_ROWS = 100_000;

export interface DedupOptions {
  /** From how many records a worker thread computes the e-mail and phone parts (THREADED_FROM_ROWS). */
  threadedFromRows?: number;
}

/** Fields shown per record in the review sheet and the report. */
const SHOWN_FIELDS = ['FirstName', 'LastName', 'Name', 'Email', 'Phone', 'Company', 'Website', 'Title'];

/**
 * Starts computing every record's latest activity (Task / Event) into a temporary table, in DuckDB's threads,
 * while the caller goes on (e.g. scores pairs); attachDetails reads it.
 */
async function startActivity(db: Db, rule: DedupRule): Promise<{ table: string; ready: Promise<unknown> }> {
  const table = `_revops_activity_${++readSeq}`;
  const act = await activitySql(db, rule.object);
  // not awaited here: DuckDB runs it on its own threads from this call on
  const ready = db.conn.run(
    `CREATE TEMP TABLE ${table} AS SELECT rid, max(ts) AS ts FROM (${act}) GROUP BY rid`,
  );
  return { table, ready };
}

/**
 * Adds CreatedDate, latest activity (from startActivity's table), system-of-record flag, Title and the shown fields
 * not read for matching, for the given rows.
 */
async function attachDetails(
  db: Db,
  rule: DedupRule,
  table: RecordTable,
  rows: number[],
  activity: string,
): Promise<void> {
  const have = new Set(await db.tableColumns(rule.object));
  const cols = [
    ...DETAIL_COLUMNS,
    ...(rule.systemOfRecordField ? [rule.systemOfRecordField] : []),
    ...SHOWN_FIELDS.filter((f) => !table.columns[f] && !(rule.object !== 'Account' && f === 'Name')),
  ].filter((c) => have.has(c));
  const n = table.ids.length;
  for (const c of [...cols, '_LastActivity']) table.columns[c] = new Array<string | null>(n).fill(null);
  const index = new Map(rows.map((i) => [table.ids[i], i]));
  const all = [...cols, '_LastActivity'];
  // one query for all the rows (ids passed as one parameter); the rows come back
  // as one joined string (chr(31) between values, chr(30) for NULL), far faster than row objects
  const text = (v: string) => `coalesce(CAST(${v} AS VARCHAR), chr(30))`;
  const [[joined]] = (
    await db.conn.runAndReadAll(
      `WITH ids AS (SELECT unnest(string_split(?, chr(31))) AS id)
       SELECT string_agg(concat_ws(chr(31), t."Id", ${[...cols.map((c) => text(`t.${q(c)}`)), text('act.ts')].join(', ')}), chr(31))
       FROM ${q(rule.object)} t JOIN ids ON ids.id = t."Id" LEFT JOIN ${activity} act ON act.rid = t."Id"`,
      [[...index.keys()].join('\x1f')],
    )
  ).getRowsJS();
  if (joined === null || joined === undefined) return;
  const values = String(joined).split('\x1f');
  for (let pos = 0; pos < values.length; pos += all.length + 1) {
    const i = index.get(values[pos])!;
    for (let c = 0; c < all.length; c++) {
      const v = values[pos + 1 + c];
      table.columns[all[c]][i] = v === '\x1e' ? null : v;
    }
  }
}

function detail(
  table: RecordTable,
  res: EngineResult,
  fields: string[],
  rule: DedupRule | null,
  elapsedMs: number,
  object: string,
): DedupResult {
  const sorField = rule?.systemOfRecordField ?? undefined;
  const values: DedupResult['values'] = {};
  // columns looked up once, not per record
  const shown = fields.map((f) => table.columns[f]);
  const sorColumn = sorField ? table.columns[sorField] : undefined;
  const {
    _LastActivity: lastActivity,
    LastActivityDate: lastActivityDate,
    CreatedDate: created,
  } = table.columns;
  // every record's values object starts as a copy of one template: same shape, no property added per value
  const template: Record<string, FieldValue> = Object.fromEntries(fields.map((f) => [f, null]));
  const rowValues = (i: number): Record<string, FieldValue> => {
    const o = { ...template };
    for (let k = 0; k < fields.length; k++) o[fields[k]] = shown[k]?.[i] ?? null;
    values[table.ids[i]] = o;
    return o;
  };
  const clusters: ClusterDetail[] = res.clusters.map((c) => {
    const recs: SurvivorRecord[] = c.members.map((i) => ({
      id: table.ids[i],
      isSystemOfRecord: sorColumn ? sorColumn[i] === 'true' : false,
      lastActivityAt: iso(lastActivity?.[i] ?? lastActivityDate?.[i]),
      createdAt: iso(created?.[i]),
      fields: rowValues(i),
    }));
    const s = survivorship(recs, rule?.mergePriority ?? ['oldest_created']);
    return {
      survivorId: s.survivorId,
      memberIds: s.ranking,
      score: c.score,
      reasons: c.reasons,
      winners: s.values,
    };
  });
  const review = res.reviewPairs.map((p) => {
    rowValues(p.a);
    rowValues(p.b);
    return { ids: [table.ids[p.a], table.ids[p.b]] as [string, string], score: p.score, reasons: p.reasons };
  });
  return {
    object,
    records: res.records,
    pairsCompared: res.pairsCompared,
    windowedBlocks: res.windowedBlocks,
    matchPairs: res.matchPairs,
    clusters,
    review,
    fields,
    values,
    elapsedMs,
  };
}

/** Dedup of a snapshot's Lead / Contact / Account table under a Dedup_Rule__mdt. */
export async function dedupSnapshot(db: Db, rule: DedupRule, opts: DedupOptions = {}): Promise<DedupResult> {
  const t0 = performance.now();
  const table = await loadSalesforceRecords(db, rule, opts);
  const setup = salesforceSetup(rule);
  // the latest activity per record (for survivorship) is computed by DuckDB while the pairs are scored
  const activity = await startActivity(db, rule);
  try {
    const res = findDuplicates(
      table,
      setup.blocking,
      ruleScorer(table, rule, setup.columns),
      rule.defaultCountry ?? 'US',
    );
    await activity.ready;
    const rows = new Set([
      ...res.clusters.flatMap((c) => c.members),
      ...res.reviewPairs.flatMap((p) => [p.a, p.b]),
    ]);
    await attachDetails(db, rule, table, [...rows], activity.table);
    const fields = SHOWN_FIELDS.filter(
      (f) => table.columns[f] && !(rule.object !== 'Account' && f === 'Name'),
    );
    return detail(table, res, fields, rule, Math.round(performance.now() - t0), rule.object);
  } finally {
    await activity.ready.catch(() => undefined);
    await db.conn.run(`DROP TABLE IF EXISTS ${activity.table}`);
  }
}

/** Dedup of an exported CSV through a person mapping (e.g. FEBRL). */
export async function dedupExport(
  path: string,
  mapping: PersonMapping,
  object = 'records',
): Promise<DedupResult> {
  const t0 = performance.now();
  const table = await tableFromCsv(path, object, mapping.id);
  const p = personProfile(mapping);
  const res = findDuplicates(table, p.blocking, fieldScorer(table, p.profile));
  const fields = Object.entries(mapping)
    .filter(([k, v]) => k !== 'id' && typeof v === 'string')
    .map(([, v]) => v as string);
  return detail(table, res, fields, null, Math.round(performance.now() - t0), object);
}

const csvCell = (v: FieldValue | undefined): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The weekly review sheet: one row per record of each cluster (decision "merge") and of each review pair
 * (decision "review"), the proposed winner flagged, confidence = pair/cluster score, then the fields; each
 * merge cluster ends with a "(merged)" row holding the winning value per field.
 */
export function reviewCsv(r: DedupResult): string {
  const head = ['cluster', 'decision', 'record_id', 'proposed_winner', 'confidence', 'reasons', ...r.fields];
  const lines = [head.join(',')];
  r.clusters.forEach((c, i) => {
    const id = `C${i + 1}`;
    for (const m of c.memberIds) {
      lines.push(
        [
          id,
          'merge',
          m,
          m === c.survivorId ? 'yes' : 'no',
          c.score,
          c.reasons.join('; '),
          ...r.fields.map((f) => r.values[m]?.[f]),
        ]
          .map(csvCell)
          .join(','),
      );
    }
    lines.push(
      [
        id,
        'merge',
        '(merged)',
        '',
        c.score,
        'winning value per field',
        ...r.fields.map((f) => c.winners[f]?.value),
      ]
        .map(csvCell)
        .join(','),
    );
  });
  r.review.forEach((p, i) => {
    for (const m of p.ids) {
      lines.push(
        [
          `R${i + 1}`,
          'review',
          m,
          m === p.ids[0] ? 'yes' : 'no',
          p.score,
          p.reasons.join('; '),
          ...r.fields.map((f) => r.values[m]?.[f]),
        ]
          .map(csvCell)
          .join(','),
      );
    }
  });
  return lines.join('\n') + '\n';
}

export function dedupDoc(r: DedupResult): ReportDoc {
  const dupRecords = r.clusters.reduce((s, c) => s + c.memberIds.length - 1, 0);
  const sizes = new Map<number, number>();
  for (const c of r.clusters) sizes.set(c.memberIds.length, (sizes.get(c.memberIds.length) ?? 0) + 1);
  const reasons = new Map<string, number>();
  for (const c of r.clusters) for (const x of c.reasons) reasons.set(x, (reasons.get(x) ?? 0) + 1);
  return {
    title: `Duplicates: ${r.object}`,
    subtitle: `${r.records.toLocaleString('en-US')} records, ${r.pairsCompared.toLocaleString('en-US')} candidate pairs compared in ${(r.elapsedMs / 1000).toFixed(1)} s`,
    sections: [
      {
        title: 'Summary',
        blocks: [
          {
            kind: 'kpis',
            items: [
              { label: 'Records', value: r.records.toLocaleString('en-US') },
              { label: 'Duplicate clusters', value: r.clusters.length.toLocaleString('en-US') },
              {
                label: 'Records to merge away',
                value: dupRecords.toLocaleString('en-US'),
                note: r.records ? `${((dupRecords / r.records) * 100).toFixed(2)}% of records` : undefined,
              },
              { label: 'Pairs for manual review', value: r.review.length.toLocaleString('en-US') },
            ],
          },
          {
            kind: 'bars',
            title: 'Clusters by size (records per cluster)',
            items: [...sizes.entries()]
              .sort((a, b) => a[0] - b[0])
              .map(([k, v]) => ({ label: `${k} records`, value: v })),
          },
          {
            kind: 'bars',
            title: 'Why records matched (clusters per reason)',
            items: [...reasons.entries()]
              .sort((a, b) => b[1] - a[1])
              .map(([k, v]) => ({ label: k, value: v })),
          },
        ],
      },
      {
        title: 'Top clusters (survivor first, winning value per field)',
        blocks: [
          {
            kind: 'table',
            columns: ['#', 'survivor', 'members', 'score', 'reasons', ...r.fields.slice(0, 5)],
            rows: r.clusters.map((c, i) => [
              `C${i + 1}`,
              c.survivorId,
              c.memberIds.length,
              c.score.toFixed(2),
              c.reasons.join(', '),
              ...r.fields.slice(0, 5).map((f) => String(c.winners[f]?.value ?? '')),
            ]),
            limit: 10,
          },
        ],
      },
      {
        title: 'Manual review (below the match threshold)',
        blocks: [
          {
            kind: 'table',
            columns: ['pair', 'record A', 'record B', 'score', 'reasons'],
            rows: r.review.map((p, i) => [
              `R${i + 1}`,
              p.ids[0],
              p.ids[1],
              p.score.toFixed(2),
              p.reasons.join(', '),
            ]),
            limit: 10,
          },
        ],
      },
    ],
  };
}
