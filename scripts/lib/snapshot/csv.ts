// Streaming CSV writer in the Salesforce export format: header of API names, text double-quoted (or, with
// quoteAllText off, only text holding a comma, quote or line break: RFC 4180 and our loader read both, and it is
// cheaper to write and to parse),
// datetimes as 2026-01-31T14:05:00.000Z, dates as 2026-01-31, checkboxes as true/false, blanks empty.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ColumnType } from './schema.ts';

export type CsvValue = string | number | boolean | null | undefined;

const DAY_MS = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayCache = new Map<number, string>();

function dayString(day: number): string {
  let s = dayCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayCache.set(day, s);
  }
  return s;
}

/** yyyy-mm-dd of the days 1970-01-01 to 2079-07-07 as bytes, 10 a day (filled as first used; DATE_KNOWN marks them). */
const TABLE_DAYS = 40_000;
const DATE_BYTES = new Uint8Array(TABLE_DAYS * 10);
const DATE_KNOWN = new Uint8Array(TABLE_DAYS);

/** Where the day's bytes start in DATE_BYTES, or -1 for a day outside the table. */
function dateBytesAt(day: number): number {
  if (day < 0 || day >= TABLE_DAYS) return -1;
  if (!DATE_KNOWN[day]) {
    DATE_BYTES.set(Buffer.from(dayString(day), 'latin1'), day * 10);
    DATE_KNOWN[day] = 1;
  }
  return day * 10;
}

/** ISO-8601 UTC datetime with milliseconds, as Salesforce writes it (fast path for whole seconds). */
export function isoDateTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let rest = Math.floor((ms - day * DAY_MS) / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  return `${dayString(day)}T${PAD2[h]}:${PAD2[m]}:${PAD2[rest - m * 60]}.000Z`;
}

export function isoDate(ms: number): string {
  return dayString(Math.floor(ms / DAY_MS));
}

/** A field written as a date (no time part) although stored as TIMESTAMP. */
export type CsvColumn = ColumnType | 'DATE';

function quote(s: string): string {
  return s.includes('"') ? `"${s.replaceAll('"', '""')}"` : `"${s}"`;
}

const BUFFER_BYTES = 4 << 20;
const COMMA = 44;
const QUOTE = 34;
const NEWLINE = 10;
const RETURN = 13;
const NEEDS_QUOTES = /[",\n\r]/;
/** From this length on a value is copied by Buffer.write (native UTF-8) rather than character by character. */
const LONG = 48;

/** The statement writing a non-blank value `v` of each column kind. */
const PUT: Record<CsvColumn, string> = {
  TIMESTAMP: `if (typeof v === 'number') w.putDateTime(v); else w.put(String(v), false);`,
  DATE: `if (typeof v === 'number') w.putDate(v); else w.put(String(v), false);`,
  DOUBLE: `if (typeof v === 'number' && (v | 0) === v) w.putInt(v); else w.put('' + v, false);`,
  BOOLEAN: `w.put(v === true ? 'true' : v === false ? 'false' : '' + v, false);`,
  VARCHAR: `w.putText(typeof v === 'string' ? v : String(v));`,
};

type RowWriter = (
  rec: Readonly<Record<string, CsvValue>>,
  w: CsvWriter,
  f: { isoDateTime: typeof isoDateTime; isoDate: typeof isoDate },
) => void;

/**
 * Writes one line of CSV from a record, compiled once per column list: straight-line code with constant property
 * names (r["Id"], r["Email"], ...) is several times faster than looping over columns with a type switch, and
 * putting each value's bytes straight into the output buffer skips building (and the GC freeing) a string per
 * line, which matters at millions of rows. Blank (null, undefined, '') is written as nothing.
 */
function compileRow(columns: readonly string[], types: readonly CsvColumn[]): RowWriter {
  // the separators go straight into the buffer (b, p): every put leaves room for the rest of the row's (reserve)
  const lines = columns.map(
    (c, i) =>
      `${i ? 'b[p++] = 44; ' : ''}v = r[${JSON.stringify(c)}]; if (v !== null && v !== undefined && v !== '') { w.used = p; ${PUT[types[i]]} b = w.buf; p = w.used; }`,
  );
  return new Function(
    'r',
    'w',
    'f',
    `w.reserve(0);\nlet b = w.buf, p = w.used, v;\n${lines.join('\n')}\nb[p++] = 10;\nw.used = p;`,
  ) as RowWriter;
}

export interface CsvChunking {
  /** Start a new file (same header) after this many rows: "<path>" then "<path minus .csv>.2.csv", ... */
  rows: number;
  /** Called with each finished file (the last one on close). */
  onFile(path: string): void;
}

export class CsvWriter {
  /** The output buffer and how much of it is filled (read and advanced by the compiled row writer too). */
  buf = Buffer.allocUnsafe(BUFFER_BYTES);
  used = 0;
  /** Bytes kept free after every value: a row's separators and newline. */
  private readonly slack: number;
  private fd: number;
  private readonly writeRow: RowWriter;
  private fileRows = 0;
  /** Every file written, in order. */
  readonly files: string[] = [];
  rows = 0;
  bytes = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
    types: readonly CsvColumn[],
    private readonly chunking?: CsvChunking,
    /** Quote every text value, as Salesforce does (default); false: only those that need it. */
    private readonly quoteAllText = true,
  ) {
    this.slack = columns.length + 1;
    this.writeRow = compileRow(columns, types);
    this.fd = this.open(path);
  }

  private open(path: string): number {
    this.files.push(path);
    const fd = openSync(path, 'w');
    this.fd = fd;
    this.fileRows = 0;
    this.columns.forEach((c, i) => {
      if (i) this.byte(COMMA);
      this.putQuoted(c);
    });
    this.byte(NEWLINE);
    return fd;
  }

  /** A record by column name; numbers for TIMESTAMP/DATE columns are epoch milliseconds; missing = blank. */
  write(rec: Readonly<Record<string, CsvValue>>): void {
    this.writeRow(rec, this, DATES);
    this.rows++;
    if (this.chunking && ++this.fileRows >= this.chunking.rows) {
      this.flush();
      closeSync(this.fd);
      this.chunking.onFile(this.files[this.files.length - 1]);
      this.open(this.path.replace(/\.csv$/, `.${this.files.length + 1}.csv`));
    }
  }

  /** One ASCII byte (separator, newline). */
  byte(b: number): void {
    if (this.used === this.buf.length) this.flush();
    this.buf[this.used++] = b;
  }

  /**
   * A value's UTF-8 bytes; `text` is double-quoted (unless quoteAllText is off and it holds no comma, quote or
   * line break). ASCII is copied byte by byte, which is much cheaper than encoding a string per line; from the
   * first non-ASCII character on, Buffer.write encodes the rest.
   */
  put(s: string, text: boolean): void {
    if (text) return this.putText(s);
    const n = s.length;
    this.reserve(n * 3);
    if (n >= LONG) {
      this.used += this.buf.write(s, this.used);
      return;
    }
    const buf = this.buf;
    let pos = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        pos += buf.write(s.slice(i), pos);
        break;
      }
      buf[pos++] = c;
    }
    this.used = pos;
  }

  /** A text value: put(s, true). Characters after the comma (most of them) need no check but for ASCII. */
  putText(s: string): void {
    if (this.quoteAllText) return this.putQuoted(s);
    const n = s.length;
    if (n >= LONG) {
      if (NEEDS_QUOTES.test(s)) return this.putQuoted(s);
      this.reserve(n * 3);
      this.used += this.buf.write(s, this.used);
      return;
    }
    this.reserve(n * 3);
    const buf = this.buf;
    let pos = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > COMMA && c < 128) {
        buf[pos++] = c;
        continue;
      }
      if (c >= 128) {
        const rest = s.slice(i);
        if (NEEDS_QUOTES.test(rest)) return this.putQuoted(s);
        pos += buf.write(rest, pos);
        break;
      }
      if (c === COMMA || c === QUOTE || c === NEWLINE || c === RETURN) return this.putQuoted(s);
      buf[pos++] = c;
    }
    this.used = pos;
  }

  /** A value double-quoted, quotes inside doubled. */
  putQuoted(s: string): void {
    const n = s.length;
    this.reserve(n * 6 + 2); // worst case: every character a doubled quote, or 3 UTF-8 bytes
    const buf = this.buf;
    let pos = this.used;
    buf[pos++] = QUOTE;
    if (n >= LONG) {
      pos += buf.write(s.includes('"') ? s.replaceAll('"', '""') : s, pos);
      buf[pos++] = QUOTE;
      this.used = pos;
      return;
    }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        pos += buf.write(s.slice(i).replaceAll('"', '""'), pos);
        break;
      }
      if (c === QUOTE) buf[pos++] = QUOTE;
      buf[pos++] = c;
    }
    buf[pos++] = QUOTE;
    this.used = pos;
  }

  /**
   * Room for `bytes` more in the buffer (flushing it, or a bigger one for a huge value), and for a row's
   * separators and newline after them (`slack`), which the row writer puts without asking.
   */
  reserve(bytes: number): void {
    if (this.used + bytes + this.slack > this.buf.length) {
      this.flush();
      if (bytes + this.slack > this.buf.length) this.buf = Buffer.allocUnsafe(bytes + this.slack);
    }
  }

  /** A 32-bit integer's decimal digits (what '' + v gives) without building the string. */
  putInt(v: number): void {
    this.reserve(11);
    const buf = this.buf;
    let pos = this.used;
    let x = v;
    if (x < 0) {
      buf[pos++] = 45; // -
      x = -x;
    }
    for (let t = x; t >= 10; t = Math.floor(t / 10)) pos++;
    this.used = pos + 1;
    do {
      buf[pos--] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
  }

  /** isoDate(ms) without building the string (the day's bytes from a table). */
  putDate(ms: number): void {
    const day = Math.floor(ms / DAY_MS);
    const at = dateBytesAt(day);
    if (at < 0) return this.put(dayString(day), false);
    this.reserve(10);
    const buf = this.buf;
    let pos = this.used;
    for (let i = at; i < at + 10; i++) buf[pos++] = DATE_BYTES[i];
    this.used = pos;
  }

  /** isoDateTime(ms) without building the string: the day's bytes from a table, then the time's digits. */
  putDateTime(ms: number): void {
    const day = Math.floor(ms / DAY_MS);
    let rest = Math.floor((ms - day * DAY_MS) / 1000);
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    const sec = rest - m * 60;
    const at = dateBytesAt(day);
    if (at < 0) this.put(dayString(day), false);
    this.reserve(24);
    const buf = this.buf;
    let pos = this.used;
    if (at >= 0) for (let i = at; i < at + 10; i++) buf[pos++] = DATE_BYTES[i];
    buf[pos++] = 84; // T
    buf[pos++] = 48 + Math.floor(h / 10);
    buf[pos++] = 48 + (h % 10);
    buf[pos++] = 58; // :
    buf[pos++] = 48 + Math.floor(m / 10);
    buf[pos++] = 48 + (m % 10);
    buf[pos++] = 58;
    buf[pos++] = 48 + Math.floor(sec / 10);
    buf[pos++] = 48 + (sec % 10);
    buf[pos++] = 46; // .000Z
    buf[pos++] = 48;
    buf[pos++] = 48;
    buf[pos++] = 48;
    buf[pos++] = 90;
    this.used = pos;
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.bytes += this.used;
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    this.chunking?.onFile(this.files[this.files.length - 1]);
  }
}

const DATES = { isoDateTime, isoDate };
