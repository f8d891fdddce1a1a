import { Flags } from '@salesforce/sf-plugins-core';
import { DOCS_DIR, syncDocs } from '../lib/reports/docs.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { configFlag, loadMessages, RevopsCommand } from './base.ts';

const messages = loadMessages('revops.docs');

type DocsResult = ReturnType<typeof syncDocs>;

export default class Docs extends RevopsCommand<DocsResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = {
    check: Flags.boolean({ summary: messages.getMessage('flags.check.summary') }),
    config: configFlag(),
    out: Flags.directory({ summary: messages.getMessage('flags.out.summary'), default: DOCS_DIR }),
  };

  public async run(): Promise<DocsResult> {
    const { flags } = await this.parse(Docs);
    const dir = flags.out;
    const result = syncDocs(reportConfig(flags.config), dir, flags.check);
    if (flags.check && result.stale.length)
      return this.finish({
        result,
        exitCode: 1,
        human: `Stale generated docs in ${dir}: ${result.stale.join(', ')}\nRun: npm run revops -- docs   (then commit the Markdown in ${dir})`,
      });
    const human = flags.check
      ? `${result.files.length} generated docs in ${dir} are up to date.`
      : result.stale.length
        ? `Wrote ${result.stale.length} file(s) to ${dir}: ${result.stale.join(', ')}`
        : `${result.files.length} generated docs in ${dir} were already up to date.`;
    return this.finish({ result, human });
  }
}
