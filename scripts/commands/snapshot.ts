import { Flags } from '@salesforce/sf-plugins-core';
import { SfError } from '@salesforce/core';
import { seconds, table } from './format.ts';
import { loadMessages, RevopsCommand, targetOrgFlag } from './base.ts';
import { buildDemoSnapshot, DEFAULT_SEED } from '../lib/snapshot/demo.ts';
import { buildExportSnapshot, type BuildResult } from '../lib/snapshot/build.ts';
import { demoLeadCount } from '../lib/snapshot/generator.ts';

const messages = loadMessages('revops.snapshot');

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
export async function whileInterruptible<T>(
  progress: (message: string) => void,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    progress('Stopping the import and removing its partial files ...');
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

export default class Snapshot extends RevopsCommand<BuildResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    demo: Flags.boolean({ summary: messages.getMessage('flags.demo.summary') }),
    size: Flags.string({
      summary: messages.getMessage('flags.size.summary'),
      default: 'small',
      helpValue: 'small|large|<n>',
    }),
    seed: Flags.integer({ summary: messages.getMessage('flags.seed.summary'), default: DEFAULT_SEED }),
    'from-export': Flags.string({
      summary: messages.getMessage('flags.from-export.summary'),
      helpValue: '<path>',
    }),
    'target-org': {
      ...targetOrgFlag(),
      summary: messages.getMessage('flags.target-org.summary'),
      aliases: ['from-org'],
      deprecateAliases: true,
    },
    'max-records': Flags.string({
      summary: messages.getMessage('flags.max-records.summary'),
      helpValue: '<n>',
    }),
    restart: Flags.boolean({ summary: messages.getMessage('flags.restart.summary') }),
    out: Flags.string({ summary: messages.getMessage('flags.out.summary'), helpValue: '<file>' }),
  };

  public async run(): Promise<BuildResult> {
    const { flags } = await this.parse(Snapshot);
    const sources = [
      flags.demo ? '--demo' : null,
      flags['from-export'] ? '--from-export' : null,
      flags['target-org'] ? '--target-org' : null,
    ].filter((s): s is string => s !== null);
    if (sources.length !== 1)
      throw new SfError(
        sources.length
          ? messages.getMessage('error.OneSource', [sources.join(' and ')])
          : messages.getMessage('error.SourceRequired'),
        'SnapshotSourceRequired',
        [
          `${this.config.bin} revops snapshot --demo`,
          `${this.config.bin} revops snapshot --from-export PATH`,
          `${this.config.bin} revops snapshot -o ORG`,
        ],
        2,
      );
    let result: BuildResult;
    if (flags.demo) {
      const { size, seed } = flags;
      demoLeadCount(size); // validates before anything is written
      const out =
        flags.out ?? `${SNAPSHOT_DIR}/demo-${size}${seed === DEFAULT_SEED ? '' : `-seed${seed}`}.duckdb`;
      result = await buildDemoSnapshot({ out, size, seed, progress: this.progress_ });
    } else if (flags['from-export']) {
      const path = flags['from-export'];
      const out = flags.out ?? `${SNAPSHOT_DIR}/export-${new Date().toISOString().slice(0, 10)}.duckdb`;
      result = await whileInterruptible(this.progress_, (signal) =>
        buildExportSnapshot({ path, out, progress: this.progress_, signal }),
      );
    } else {
      const { snapshotFromOrg } = await import('./snapshotOrg.ts');
      result = await snapshotFromOrg(
        { progress: this.progress_, maxRecords: flags['max-records'], restart: flags.restart },
        flags['target-org']!,
        flags.out,
        SNAPSHOT_DIR,
      );
    }
    for (const w of result.warnings) this.warn_(w);
    return this.finish({ result, human: render(result) });
  }
}
