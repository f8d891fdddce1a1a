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

/** An error the CLI prints with its name and suggested actions. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly actions: string[] = [],
    name = 'RevOpsError',
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = name;
  }
}

/** How to name an org in output: the alias/username given, never an access token passed as -o. */
export function orgLabel(flag: string | undefined, fallback: string): string {
  return flag && !flag.includes('!') ? flag : fallback;
}
