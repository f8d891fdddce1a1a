import type { Command } from './types.ts';
import { DOCS_DIR, syncDocs } from '../lib/reports/docs.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { str } from './format.ts';

export const docs: Command = {
  words: ['docs'],
  summary:
    'Generate the lifecycle, scoring, routing, pipeline and metrics documents from the config records (--check: fail when stale)',
  usage: 'revops docs [--check] [--config DIR] [--out DIR]',
  flags: {
    check: { type: 'boolean', default: false },
    config: { type: 'string' },
    out: { type: 'string' },
  },
  examples: ['revops docs', 'revops docs --check   # in CI: exit 1 when docs/generated is out of date'],
  async run(ctx) {
    const dir = str(ctx.flags.out) ?? DOCS_DIR;
    const check = ctx.flags.check === true;
    const result = syncDocs(reportConfig(str(ctx.flags.config)), dir, check);
    if (check && result.stale.length) {
      return {
        result,
        exitCode: 1,
        human: `Stale generated docs in ${dir}: ${result.stale.join(', ')}\nRun: npm run revops -- docs   (then commit the Markdown in ${dir})`,
      };
    }
    const human = check
      ? `${result.files.length} generated docs in ${dir} are up to date.`
      : result.stale.length
        ? `Wrote ${result.stale.length} file(s) to ${dir}: ${result.stale.join(', ')}`
        : `${result.files.length} generated docs in ${dir} were already up to date.`;
    return { result, human };
  },
};
