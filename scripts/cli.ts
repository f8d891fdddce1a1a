// The standalone entry: `revops <command>` (scripts/bin/revops.js) and `npm run revops -- <command>` run the same
// oclif command classes as `sf revops <command>` (the plugin: package.json "oclif"), in this process.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { Config, run, type Command } from '@oclif/core';
import { COMMANDS } from './commands/index.ts';
import { RevopsCommand } from './commands/base.ts';
import { toolingGate, type VerifyGate } from './commands/gate.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** What main() hands every command; tests may pass their own. The gate is the CLI's one door to tooling/. */
export interface CliDeps {
  gate: VerifyGate;
}

/**
 * `revops report --demo` is `sf revops report --demo`: the command words get the plugin's topic in front;
 * `revops help report` is `sf help revops report`.
 */
function oclifArgv(argv: string[]): string[] {
  if (argv[0] === 'help') return ['help', 'revops', ...argv.slice(1)];
  return ['revops', ...argv];
}

/** The command the words at the front of argv name (longest match), unless help is asked for. */
function findCommand(argv: string[]): { id: string; rest: string[] } | undefined {
  const dash = argv.indexOf('--');
  if (argv.slice(0, dash < 0 ? undefined : dash).some((a) => a === '--help' || a === '-h')) return undefined;
  for (let n = argv.length; n > 0; n--) {
    const words = argv.slice(0, n);
    if (words.some((w) => w.startsWith('-'))) continue;
    const id = words.join(':');
    if (id in COMMANDS) return { id, rest: argv.slice(n) };
  }
  return undefined;
}

/** Edit distance, for "did you mean" on a mistyped command. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The command nearest to what was typed. On a terminal oclif's not-found plugin asks "Did you mean ...?" and runs
 * it; in a pipe or CI it only says the command does not exist, so the suggestion is printed here.
 */
function suggestion(argv: string[]): string | undefined {
  const typed = argv.filter((a) => !a.startsWith('-')).join(' ');
  const ids = Object.keys(COMMANDS).map((id) => id.replaceAll(':', ' '));
  const scored = ids.map((id) => {
    const words = id.split(' ').length;
    return { id, d: distance(typed.split(' ').slice(0, words).join(' '), id) };
  });
  const best = scored.sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(best.id.length / 3)) ? best.id : undefined;
}

function exitCodeOf(err: unknown): number {
  const e = err as { oclif?: { exit?: number }; exitCode?: number };
  if (typeof e?.oclif?.exit === 'number') return e.oclif.exit;
  if (typeof e?.exitCode === 'number') return e.exitCode;
  return 1;
}

export async function main(argv: string[], deps: CliDeps = { gate: toolingGate }): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
    process.stdout.write(`revops ${pkg.version} node-${process.version}\n`);
    return 0;
  }
  // loaded per run: oclif's help keeps state in the config it was shown with
  const cfg = await Config.load({ root });
  RevopsCommand.gate = deps.gate;
  const args = oclifArgv(argv);
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    const found = findCommand(args);
    if (found) {
      // this process's own command classes (tests replace parts of them), with oclif's metadata of the command
      const Class = COMMANDS[found.id];
      const cached = { ...cfg.findCommand(found.id)!, load: async (): Promise<Command.Class> => Class };
      await cfg.runCommand(found.id, found.rest, cached);
    } else await run(args, cfg);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = exitCodeOf(err);
    // SfCommand has printed its own errors (human or the --json envelope); oclif's (unknown command) are ours to print
    const e = err as Error & { skipOclifErrorHandling?: boolean; oclif?: unknown };
    if (!e.skipOclifErrorHandling && !(code === 0 && e.oclif)) process.stderr.write(`${e.message}\n`);
    const near = code === 127 ? suggestion(args) : undefined;
    if (near) process.stderr.write(`Did you mean "${near}"?\n`);
    return code;
  } finally {
    RevopsCommand.gate = toolingGate;
    process.exitCode = before;
  }
}

// Run when executed (tsx scripts/cli.ts ...), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(String(err?.stack ?? err) + '\n');
      process.exitCode = 1;
    },
  );
}
