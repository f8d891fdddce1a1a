// Runs the revops CLI in this process (so a test can hand it a loopback fake org) and captures what it prints.
import { vi } from 'vitest';
import { main } from '../../scripts/cli.ts';

export interface CliRun<J> {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON when `--json` was passed, else {} */
  json: J;
}

export async function runCli<J>(...argv: string[]): Promise<CliRun<J>> {
  let out = '';
  let err = '';
  const o = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(argv);
    const json = (argv.includes('--json') ? JSON.parse(out) : {}) as J;
    return { code, out, err, json };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
