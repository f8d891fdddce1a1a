import type { Command, CommandContext } from './types.ts';
import { CliError, seconds, str, table } from './format.ts';
import { buildDemoSnapshot, DEFAULT_SEED } from '../lib/snapshot/demo.ts';
import { buildExportSnapshot, type BuildResult } from '../lib/snapshot/build.ts';
import { demoLeadCount } from '../lib/snapshot/generator.ts';

export const SNAPSHOT_DIR = '.revops/snapshots';

function render(r: BuildResult): string {
  const rows = Object.entries(r.counts).map(([object, n]) => [object, n]);
  const total = Object.values(r.timings).reduce((a, b) => a + b, 0);
  return [
    `Snapshot written: ${r.out}`,
    `  source ${r.source}, org ${r.orgId ?? 'unknown'}, taken ${r.createdAt}`,
    '',
    table(['Table', 'Rows'], rows),
    '',
    `Built in ${seconds(total)} (${Object.entries(r.timings)
      .map(([k, v]) => `${k.replace(/Ms$/, '')} ${seconds(v)}`)
      .join(', ')})${r.csvBytes ? `; ${(r.csvBytes / 1e6).toFixed(1)} MB of CSV` : ''}.`,
  ].join('\n');
}

/**
 * Runs an import that Ctrl-C (or SIGTERM) stops cleanly: the first signal aborts it (the import removes its partial
 * snapshot and extracted files, then fails with exit code 130); a second one exits at once, and the import's
 * process 'exit' listener still removes those files.
 */
async function whileInterruptible<T>(
  ctx: CommandContext,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    ctx.progress('Stopping the import and removing its partial files ...');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run(abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export const snapshot: Command = {
  words: ['snapshot'],
  summary: 'Build a snapshot (one DuckDB file) from the demo org, a Salesforce Data Export, or an org',
  usage:
    'revops snapshot --demo [--size small|large|N] [--seed N] | --from-export PATH | --from-org ORG [--max-records N] [--restart]  [--out FILE]',
  flags: {
    demo: { type: 'boolean', default: false },
    size: { type: 'string', default: 'small' },
    seed: { type: 'string' },
    'from-export': { type: 'string' },
    'from-org': { type: 'string' },
    'max-records': { type: 'string' },
    restart: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
  examples: [
    'revops snapshot --demo                       # 5,000 leads -> .revops/snapshots/demo-small.duckdb',
    'revops snapshot --demo --size large          # 1,000,000 leads',
    'revops snapshot --from-export ~/Downloads/export --out q3.duckdb',
    'revops snapshot --from-org my-prod',
  ],
  async run(ctx: CommandContext) {
    const f = ctx.flags;
    const sources = [
      f.demo ? '--demo' : null,
      f['from-export'] ? '--from-export' : null,
      f['from-org'] ? '--from-org' : null,
    ].filter(Boolean);
    if (sources.length !== 1) {
      throw new CliError(
        sources.length
          ? `Pick one source, not ${sources.join(' and ')}.`
          : 'Say where the snapshot comes from.',
        ['revops snapshot --demo', 'revops snapshot --from-export PATH', 'revops snapshot --from-org ORG'],
        'SnapshotSourceRequired',
        2,
      );
    }
    let result: BuildResult;
    if (f.demo) {
      const size = str(f.size) ?? 'small';
      demoLeadCount(size); // validates before anything is written
      const seed = f.seed === undefined ? DEFAULT_SEED : Number(f.seed);
      if (!Number.isInteger(seed))
        throw new CliError(
          `--seed must be a whole number (got "${str(f.seed)}").`,
          ['Use e.g. --seed 7'],
          'InvalidSeed',
          2,
        );
      const out =
        str(f.out) ?? `${SNAPSHOT_DIR}/demo-${size}${seed === DEFAULT_SEED ? '' : `-seed${seed}`}.duckdb`;
      result = await buildDemoSnapshot({ out, size, seed, progress: ctx.progress });
    } else if (f['from-export']) {
      const path = str(f['from-export'])!;
      const out = str(f.out) ?? `${SNAPSHOT_DIR}/export-${new Date().toISOString().slice(0, 10)}.duckdb`;
      result = await whileInterruptible(ctx, (signal) =>
        buildExportSnapshot({ path, out, progress: ctx.progress, signal }),
      );
    } else {
      const { snapshotFromOrg } = await import('./snapshotOrg.ts');
      result = await snapshotFromOrg(ctx, str(f['from-org'])!, str(f.out), SNAPSHOT_DIR);
    }
    for (const w of result.warnings) ctx.warn(w);
    return { result, human: render(result) };
  },
};
