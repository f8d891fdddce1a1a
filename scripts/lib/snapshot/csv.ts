// Streaming CSV writer in the Salesforce export format: header of API names, text double-quoted,
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

export class CsvWriter {
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private fd: number;
  rows = 0;
  bytes = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
    private readonly types: readonly CsvColumn[],
  ) {
    this.fd = openSync(path, 'w');
    this.append(columns.map(quote).join(',') + '\n');
  }

  /** Values in column order; numbers for TIMESTAMP/DATE columns are epoch milliseconds. */
  write(values: readonly CsvValue[]): void {
    const types = this.types;
    let line = '';
    for (let i = 0; i < types.length; i++) {
      if (i) line += ',';
      const v = values[i];
      if (v === null || v === undefined || v === '') continue;
      switch (types[i]) {
        case 'TIMESTAMP':
          line += typeof v === 'number' ? isoDateTime(v) : String(v);
          break;
        case 'DATE':
          line += typeof v === 'number' ? isoDate(v) : String(v);
          break;
        case 'DOUBLE':
        case 'BOOLEAN':
          line += String(v);
          break;
        default:
          line += quote(String(v));
      }
    }
    this.append(line + '\n');
    this.rows++;
  }

  /** Encodes straight into a reused buffer: no large intermediate strings for the GC. */
  private append(text: string): void {
    if (this.used + text.length * 3 > BUFFER_BYTES) {
      this.flush();
      if (text.length * 3 > BUFFER_BYTES) {
        this.bytes += writeSync(this.fd, text);
        return;
      }
    }
    this.used += this.buf.write(text, this.used);
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
  }
}
