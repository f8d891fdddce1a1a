// Why a CSV file would not load, found exactly: DuckDB's reader is fast but reports a failure as a record number
// with a page of hints, so when it refuses a file, the file is read again here (csv-parse, strict) to name the
// physical line, the column and what is wrong: bytes that are not UTF-8, a broken quote, a line with more or fewer
// values than the header, a value that is not a date/number/checkbox. It also finds the lines of duplicate or blank
// Ids. Runs only on a file already known to be bad, so it favours exactness over speed.
import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import { columnType } from './schema.ts';

/**
 * The longest CSV record (in bytes) the import reads: DuckDB's max_line_size (store.ts), whose default of 2,000,000
 * refuses valid Salesforce rows. An object holds at most 1,638,400 characters across its long and rich text area
 * fields (131,072 each), i.e. 6.6 MB at UTF-8's 4 bytes a character (a doubled quote is 2 bytes, less than that); the
 * rest of a record (up to 800 custom fields of 255 characters, standard long text) adds about 1 MB. 16 MiB leaves
 * twice that.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface CsvProblem {
  line: number;
  /** 1-based column position and its header name, when the problem is in one value. */
  column?: { index: number; name: string };
  problem: string;
  fix: string;
}

/** "line 12, column 3 (Email)" */
export function where(p: Pick<CsvProblem, 'line' | 'column'>): string {
  return `line ${p.line}${p.column ? `, column ${p.column.index} (${p.column.name})` : ''}`;
}

const UTF8_FIX =
  'Data Exports must be UTF-8: choose "Unicode (UTF-8)" as the export encoding, then export again (or save the file as UTF-8).';
const QUOTE_FIX =
  'Fix the quoting on that line or export the file again: a value holding a quote, comma or line break is wrapped in double quotes, and a quote inside it is written twice ("").';
export const TOO_LONG_FIX =
  'No Salesforce record is that long (at most about 8 MB): the file was probably joined or edited by hand; fix or remove that record, or export the object again.';
const RAGGED_FIX =
  'Each line needs one value per header column: look for a missing or extra comma, or a value with a comma that is not quoted.';

/** The first byte sequence that is not UTF-8, as line/column (column = 1-based field, from a naive comma count). */
async function firstBadUtf8(file: string, header: readonly string[]): Promise<CsvProblem | null> {
  let line = 1;
  let fields = 0;
  let quoted = false;
  let need = 0; // continuation bytes still expected
  let carry: number[] = [];
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (need > 0) {
        if ((b & 0xc0) !== 0x80) return badByte(carry[0] ?? b);
        carry.push(b);
        need--;
        continue;
      }
      carry = [];
      if (b < 0x80) {
        if (b === 0x22) quoted = !quoted;
        else if (b === 0x2c && !quoted) fields++;
        else if (b === 0x0a) {
          line++;
          if (!quoted) fields = 0;
        }
      } else if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) need = 2;
      else if (b >= 0xf0 && b <= 0xf4) need = 3;
      else return badByte(b);
      if (need) carry = [b];
    }
  }
  return need ? badByte(carry[0]) : null;

  function badByte(b: number): CsvProblem {
    return {
      line,
      column: { index: fields + 1, name: header[fields] ?? '?' },
      problem: `byte 0x${b.toString(16).toUpperCase()} is not UTF-8 (a file saved as Windows-1252 or ISO-8859-1?)`,
      fix: UTF8_FIX,
    };
  }
}

const ISO_DATETIME =
  /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?$/;
const BOOLEAN = /^(?:true|false|t|f|1|0|yes|no|y|n)$/i;

/** Why a value does not fit its column type, or null. */
function badValue(type: string, v: string): { problem: string; fix: string } | null {
  if (v === '') return null;
  if (type === 'TIMESTAMP') {
    const m = ISO_DATETIME.exec(v.trim());
    const day = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
    if (m && day && day.getUTCMonth() === +m[2] - 1 && +m[4] < 24 && +(m[5] ?? 0) < 60) return null;
    return {
      problem: `"${v}" is not a date (expected 2026-01-31 or 2026-01-31T14:05:00.000Z)`,
      fix: 'Salesforce exports write ISO 8601 dates: export again, or convert that column to YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ.',
    };
  }
  if (type === 'DOUBLE' && !Number.isFinite(Number(v.trim())))
    return {
      problem: `"${v}" is not a number`,
      fix: 'Numbers are written plain, with a dot for decimals and no thousands separator or currency sign (1234.5).',
    };
  if (type === 'BOOLEAN' && !BOOLEAN.test(v.trim()))
    return { problem: `"${v}" is not a checkbox value`, fix: 'Checkboxes are written true or false.' };
  return null;
}

/**
 * The first problem in a CSV that DuckDB refused, with its physical line (1 = the header) and column; null when
 * none is found (the caller then shows DuckDB's own first line).
 */
export async function diagnoseCsv(
  file: string,
  object: string,
  header: readonly string[],
): Promise<CsvProblem | null> {
  const utf8 = await firstBadUtf8(file, header);
  if (utf8) return utf8;
  const types = header.map((h) => columnType(object, h));
  let lastLine = 1;
  let lastBytes = 0;
  let found: CsvProblem | null = null;
  const col = (i: number) => ({
    index: i + 1,
    name: header[i] ?? `(beyond the ${header.length} header columns)`,
  });
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      info: true,
      from_line: 2,
      columns: false,
      relax_column_count: false,
      skip_records_with_error: true,
      // DuckDB reads a bare quote inside an unquoted value (a,b"c,d) literally: not a reason it refused the file
      on_skip: (e: CsvError | undefined) => {
        if (!e || found || e.code === 'INVALID_OPENING_QUOTE') return;
        const err = e as CsvError & { lines?: number; column?: number; index?: number };
        if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
          const got = (err as unknown as { record?: unknown[] }).record?.length ?? err.index ?? 0;
          found = {
            line: err.lines ?? lastLine + 1,
            problem: `${got} values where the header has ${header.length} columns`,
            fix: RAGGED_FIX,
          };
        } else if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
          found = {
            line: lastLine + 1,
            problem:
              'a quoted value opened on this line is never closed (the rest of the file reads as one value)',
            fix: QUOTE_FIX,
          };
        } else if (e.code === 'CSV_INVALID_CLOSING_QUOTE') {
          found = {
            line: err.lines ?? lastLine + 1,
            column: col(err.column ?? 0),
            problem: 'a quote inside a quoted value is not doubled (text follows the closing quote)',
            fix: QUOTE_FIX,
          };
        } else {
          found = { line: err.lines ?? lastLine + 1, problem: e.message, fix: QUOTE_FIX };
        }
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; bytes: number };
  }>) {
    if (found) break;
    const start = lastLine + 1;
    lastLine = info.lines;
    const bytes = info.bytes - lastBytes;
    lastBytes = info.bytes;
    if (bytes > MAX_LINE_BYTES) {
      found = {
        line: start,
        problem: `the record is ${bytes} bytes long, more than the ${MAX_LINE_BYTES} bytes the import reads`,
        fix: TOO_LONG_FIX,
      };
      break;
    }
    for (let i = 0; i < record.length; i++) {
      const bad = types[i] === 'VARCHAR' ? null : badValue(types[i], record[i]);
      if (bad) {
        found = { line: start, column: col(i), ...bad };
        break;
      }
    }
  }
  parser.destroy();
  return found;
}

/**
 * Lines of the records whose Id is in `ids` or blank (at most `limit` of each kind), for the message refusing
 * duplicate or blank Ids.
 */
export async function idLines(
  file: string,
  header: readonly string[],
  ids: ReadonlySet<string>,
  limit = 5,
): Promise<{ duplicates: Map<string, number[]>; blank: number[] }> {
  const at = header.indexOf('Id');
  const duplicates = new Map<string, number[]>();
  const blank: number[] = [];
  let lastLine = 1;
  const parser = createReadStream(file).pipe(
    parse({ bom: true, info: true, from_line: 2, relax_column_count: true, relax_quotes: true }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    const start = lastLine + 1;
    lastLine = info.lines;
    const id = (record[at] ?? '').trim();
    if (!id) {
      if (blank.length < limit) blank.push(start);
    } else if (ids.has(id)) {
      const list = duplicates.get(id) ?? [];
      list.push(start);
      duplicates.set(id, list);
    }
  }
  return { duplicates, blank };
}
