import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { commands } from './commands/index.ts';
import type { Command, CommandContext } from './commands/types.ts';
import { toolingGate, type VerifyGate } from './commands/gate.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const GLOBAL_FLAGS = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function helpText(): string {
  const lines = [
    `revops ${pkg.version}: RevOps Engine command line`,
    '',
    'Usage: revops <command> [flags]    (or: npm run revops -- <command> [flags])',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(18)} ${c.summary}`),
    '',
    'Global flags:',
    '  --json             machine-readable output: {"status":0,"result":...,"warnings":[]}',
    '  -h, --help         help for a command',
    '  --version          print the version',
  ];
  return lines.join('\n');
}

function commandHelp(c: Command): string {
  const flags = Object.entries(c.flags).map(([name, def]) => {
    const short = 'short' in def && def.short ? `-${def.short}, ` : '    ';
    return `  ${short}--${name}${def.type === 'string' ? ' <value>' : ''}`;
  });
  return [
    c.summary,
    '',
    `Usage: ${c.usage}`,
    '',
    'Flags:',
    ...flags,
    ...(c.examples?.length ? ['', 'Examples:', ...c.examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}

/** Longest match of command words at the front of argv. */
function findCommand(argv: string[]): { command?: Command; rest: string[] } {
  const words = argv.filter((a) => !a.startsWith('-'));
  let best: Command | undefined;
  for (const c of commands) {
    if (c.words.every((w, i) => words[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  if (!best) return { rest: argv };
  const rest = [...argv];
  for (const w of best.words) rest.splice(rest.indexOf(w), 1);
  return { command: best, rest };
}

/** What main() hands every command; tests may pass their own. The gate is the CLI's one door to tooling/. */
export interface CliDeps {
  gate: VerifyGate;
}

export async function main(argv: string[], deps: CliDeps = { gate: toolingGate }): Promise<number> {
  if (argv.includes('--version') || argv[0] === 'version') {
    process.stdout.write(`revops ${pkg.version} node-${process.version}\n`);
    return 0;
  }
  const { command, rest } = findCommand(argv);
  if (!command) {
    const unknown = argv.find((a) => !a.startsWith('-'));
    if (unknown) {
      process.stderr.write(`Unknown command "${unknown}". Run "revops --help" to list the commands.\n`);
      return 2;
    }
    process.stdout.write(helpText() + '\n');
    return 0;
  }
  const json = argv.includes('--json');
  const warnings: string[] = [];
  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_FLAGS, ...command.flags },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      process.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    const ctx: CommandContext = {
      flags: parsed.values,
      args: parsed.positionals,
      json,
      warn: (m) => {
        warnings.push(m);
        if (!json) process.stderr.write(`Warning: ${m}\n`);
      },
      progress: (m) => {
        if (!json) process.stderr.write(`${m}\n`);
      },
      gate: deps.gate,
    };
    const out = await command.run(ctx);
    const exitCode = out.exitCode ?? 0;
    if (json)
      process.stdout.write(
        JSON.stringify({ status: exitCode, result: out.result, warnings }, null, 2) + '\n',
      );
    else if (out.human) process.stdout.write(out.human.endsWith('\n') ? out.human : out.human + '\n');
    return exitCode;
  } catch (err) {
    const e = err as Error & { actions?: string[]; exitCode?: number };
    const exitCode = typeof e.exitCode === 'number' && e.exitCode > 0 ? e.exitCode : 1;
    const name = e.name && e.name !== 'Error' ? e.name : 'RevOpsError';
    if (json) {
      process.stdout.write(
        JSON.stringify(
          { status: exitCode, name, message: e.message, actions: e.actions ?? [], warnings },
          null,
          2,
        ) + '\n',
      );
    } else {
      process.stderr.write(`Error (${name}): ${e.message}\n`);
      for (const a of e.actions ?? []) process.stderr.write(`  Try this: ${a}\n`);
    }
    return exitCode;
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
