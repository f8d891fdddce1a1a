import type { ParseArgsConfig } from 'node:util';
import type { VerifyGate } from './gate.ts';

/** Flag definitions in node:util parseArgs form. */
export type Flags = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Parsed flag values (parseArgs `values`). */
  flags: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** Positional arguments after the command words. */
  args: string[];
  /** True with --json: nothing decorative on stdout, progress only on stderr. */
  json: boolean;
  /** Collects warnings for the `--json` payload and prints them (stderr) in human mode. */
  warn(message: string): void;
  /** Progress / status line on stderr (suppressed in --json mode unless it is a progress bar). */
  progress(message: string): void;
  /** The local verify gate (deploy, config push), handed in by scripts/cli.ts: the product imports no tooling. */
  gate: VerifyGate;
}

export interface CommandResult<T = unknown> {
  /** Becomes `result` in the `--json` payload. */
  result: T;
  /** Human rendering (tables) printed on stdout when not in --json mode. */
  human?: string;
  /** Process exit code (default 0). */
  exitCode?: number;
}

export interface Command {
  /** Command words, e.g. ['snapshot'] or ['config', 'init']. */
  words: string[];
  summary: string;
  /** One-line usage shown in help, e.g. 'revops snapshot --demo [--size small|large|N] [--out FILE]'. */
  usage: string;
  flags: Flags;
  /** Real example lines for help output. */
  examples?: string[];
  run(ctx: CommandContext): Promise<CommandResult>;
}
