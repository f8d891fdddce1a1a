import { SfError } from '@salesforce/core';

// Small rendering helpers shared by the CLI's own commands (human output; --json gets the typed result).

/** A plain-text table: header row, a rule, then the rows; numbers right-aligned. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = rows.map((r) =>
    r.map((v) =>
      v === null || v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US') : v,
    ),
  );
  const numeric = headers.map(
    (_, i) =>
      rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]): string =>
    r
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** How to name an org in output: the alias/username given, never an access token passed as -o. */
export function orgLabel(flag: string | undefined, fallback: string): string {
  return flag && !flag.includes('!') ? flag : fallback;
}

type Flags = Record<string, unknown>;

/**
 * A whole-number flag: undefined when absent, else the number; anything else ("abc", "1.5", "1e9", out of range)
 * is a usage error naming the flag, the value given and an example, before any work starts.
 */
export function intFlag(
  flags: Flags,
  name: string,
  range: { min: number; max: number; example: number },
): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = String(raw).trim().replaceAll('_', '');
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max)
    throw new SfError(
      `--${name} must be a whole number from ${range.min.toLocaleString('en-US')} to ${range.max.toLocaleString('en-US')} (got "${String(raw)}").`,
      'InvalidFlag',
      [`Use e.g. --${name} ${range.example}`],
      2,
    );
  return n;
}

/**
 * A date flag: YYYY-MM-DD or an ISO-8601 datetime (with Z or an offset). Returns it as ISO UTC text
 * ("2026-04-01T00:00:00.000Z"); an impossible or unreadable date is a usage error naming the flag and value.
 */
export function dateFlag(flags: Flags, name: string, example = '2026-04-01'): string | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = String(raw).trim();
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.exec(v);
  const ms = m ? Date.parse(m[4] ? `${v.replace(' ', 'T')}${m[7] ? '' : 'Z'}` : `${v}T00:00:00Z`) : NaN;
  // Date.parse rolls 2026-02-30 over to March 2: the calendar day itself must exist
  const day = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!Number.isFinite(ms) || !day || day.getUTCMonth() !== +m![2] - 1 || day.getUTCDate() !== +m![3])
    throw new SfError(
      `--${name} must be a date as YYYY-MM-DD or an ISO datetime (got "${String(raw)}").`,
      'InvalidFlag',
      [`Use e.g. --${name} ${example}`],
      2,
    );
  return new Date(ms).toISOString();
}
