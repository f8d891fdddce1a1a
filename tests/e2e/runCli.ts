// Runs the revops CLI in this process (so a test can hand it a loopback fake org) and captures what it prints:
// the oclif command classes write through console.log/console.error (oclif's ux) and process.stdout/stderr.
import { vi } from 'vitest';
import { format } from 'node:util';
import { main, type CliDeps } from '../../scripts/cli.ts';

export interface CliRun<J> {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON when `--json` was passed, else {} */
  json: J;
}

export async function runCli<J>(...argv: string[]): Promise<CliRun<J>> {
  return runCliWith<J>(undefined, ...argv);
}

export async function runCliWith<J>(deps: CliDeps | undefined, ...argv: string[]): Promise<CliRun<J>> {
  let out = '';
  let err = '';
  const spies = [
    vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true)),
    vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((s: string | Uint8Array) => ((err += String(s)), true)),
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += format(...a) + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += format(...a) + '\n')),
  ];
  try {
    const code = deps ? await main(argv, deps) : await main(argv);
    const json = (argv.includes('--json') ? JSON.parse(out) : {}) as J;
    return { code, out, err, json };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

/** deploy and config push write only with --execute: the arguments of a real run unless the test asks for --dry-run. */
export const executeUnlessDry = (extra: string[]): string[] =>
  extra.includes('--dry-run') ? extra : [...extra, '--execute'];

/** `revops deploy` of a source folder to the loopback org without the local gate, for real unless --dry-run. */
export const deployArgs = (token: string, src: string, extra: string[]): string[] => [
  'deploy',
  '-o',
  token,
  '--skip-verify',
  '--source-dir',
  src,
  '--wait',
  '1',
  ...executeUnlessDry(extra),
];
