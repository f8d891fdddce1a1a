// `revops engagement import FILE --provider hubspot|segment|csv [-o ORG --execute]`: a thin command over
// scripts/lib/engagement/import.ts (the mapping comes from the config records in the project).
import { Args } from '@oclif/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { loadConfig, packageDirectories } from '../lib/config/index.ts';
import {
  IMPORT_FORMATS,
  importEngagement,
  importSummary,
  type ImportResult,
} from '../lib/engagement/import.ts';
import { httpFor, resolveOrg } from '../lib/org/connect.ts';
import { configFlag, loadMessages, RevopsCommand, targetOrgFlag } from './base.ts';
import { intFlag } from './format.ts';

const messages = loadMessages('revops.engagement.import');

export default class EngagementImport extends RevopsCommand<ImportResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly args = {
    file: Args.file({ description: messages.getMessage('args.file.summary'), required: true, exists: true }),
  };
  public static readonly flags = {
    provider: Flags.option({
      summary: messages.getMessage('flags.provider.summary'),
      options: IMPORT_FORMATS,
      required: true,
    })(),
    'target-org': targetOrgFlag(),
    execute: Flags.boolean({ summary: messages.getMessage('flags.execute.summary') }),
    'batch-size': Flags.string({
      summary: messages.getMessage('flags.batch-size.summary'),
      helpValue: '<n>',
    }),
    state: Flags.string({ summary: messages.getMessage('flags.state.summary'), helpValue: '<file>' }),
    failed: Flags.string({ summary: messages.getMessage('flags.failed.summary'), helpValue: '<file>' }),
    config: configFlag(),
  };

  public async run(): Promise<ImportResult> {
    const { args, flags } = await this.parse(EngagementImport);
    const batchRows = flags['batch-size']
      ? intFlag(flags, 'batch-size', { min: 1, max: 150_000, example: 50_000 })
      : undefined;
    const config = loadConfig(flags.config ? [flags.config] : packageDirectories());
    let http;
    const abort = new AbortController();
    if (flags.execute) {
      const org = this.orgOrDefault(
        flags['target-org'],
        'revops engagement import FILE --provider hubspot -o my-sandbox --execute',
      );
      http = httpFor((await resolveOrg(org)).connection, {
        onRetry: (r) =>
          this.progress_(`  retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)}s (${r.reason})`),
      });
      http.signal = abort.signal;
    }
    const onSigint = (): void => {
      this.progress_('Stopping; run the same command again to resume after the last finished batch.');
      abort.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const result = await importEngagement({
        file: args.file,
        format: flags.provider,
        mappings: config.engagementMappings ?? [],
        execute: flags.execute,
        http,
        batchRows,
        statePath: flags.state,
        failedPath: flags.failed,
        progress: this.progress_,
      });
      return this.finish({ result, human: importSummary(result), exitCode: result.exitCode });
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
