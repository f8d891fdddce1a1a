// npm run verify [-- --root DIR] [--json] [--only deploy,apex,...] [--policy | --no-policy]
// The offline Salesforce verification gate: exit 0 when every check passes, 1 on any error, 2 on bad usage.
// Deployability (what the org would reject) always runs; house policy (PMD, LWC style and jest tests, one API
// version) runs on this repository's own trees and, with --policy, on another project's.
import { parseArgs } from 'node:util';
import { CHECKS, renderReport, reportJson, runVerify, type CheckName } from './verify/index.ts';

const usage = `usage: npm run verify -- [--root DIR | DIR] [--json] [--only ${CHECKS.join(',')}] [--policy | --no-policy]`;

async function main(): Promise<number> {
  let values: { root?: string; json?: boolean; only?: string; policy?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: {
        root: { type: 'string' },
        json: { type: 'boolean' },
        only: { type: 'string' },
        policy: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      allowNegative: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only?.filter((c) => !(CHECKS as readonly string[]).includes(c)) ?? [];
  if (unknown.length) {
    console.error(`Unknown check(s): ${unknown.join(', ')}. Known: ${CHECKS.join(', ')}.`);
    return 2;
  }
  if (!values.json)
    console.error('verify: running deploy, apex (apex-ls), apex-schema, pmd, formula and lwc checks ...');
  const report = await runVerify({
    root: values.root ?? positionals[0],
    only: only as CheckName[] | undefined,
    policy: values.policy,
  });
  console.log(values.json ? JSON.stringify(reportJson(report), null, 2) : renderReport(report));
  return report.ok ? 0 : 1;
}

process.exitCode = await main();
