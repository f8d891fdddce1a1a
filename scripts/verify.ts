// npm run verify [-- --root DIR] [--json] [--only deploy,apex,...]
// The offline Salesforce verification gate: exit 0 when every check passes, 1 on any error, 2 on bad usage.
import { parseArgs } from 'node:util';
import { CHECKS, renderReport, reportJson, runVerify, type CheckName } from './lib/verify/index.ts';

const usage = `usage: npm run verify -- [--root DIR | DIR] [--json] [--only ${CHECKS.join(',')}]`;

async function main(): Promise<number> {
  let values: { root?: string; json?: boolean; only?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      options: {
        root: { type: 'string' },
        json: { type: 'boolean' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
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
  });
  console.log(values.json ? JSON.stringify(reportJson(report), null, 2) : renderReport(report));
  return report.ok ? 0 : 1;
}

process.exitCode = await main();
