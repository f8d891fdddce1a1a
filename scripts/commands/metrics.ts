import { Flags } from '@salesforce/sf-plugins-core';
import { openSnapshotFor, writeHtmlReport } from '../lib/reports/snapshot.ts';
import { computeMetrics, loadCosts, loadTargets, metricsDoc } from '../lib/reports/metrics.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { htmlFlag, loadMessages, RevopsCommand, snapshotFlag } from './base.ts';

const messages = loadMessages('revops.metrics');

type MetricsResult = Awaited<ReturnType<typeof computeMetrics>>;

export default class Metrics extends RevopsCommand<MetricsResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = {
    snapshot: snapshotFlag(),
    costs: Flags.file({ summary: messages.getMessage('flags.costs.summary'), helpValue: '<file>' }),
    targets: Flags.file({ summary: messages.getMessage('flags.targets.summary'), helpValue: '<file>' }),
    months: Flags.integer({
      summary: messages.getMessage('flags.months.summary'),
      min: 1,
      max: 120,
      default: 12,
    }),
    'as-of': Flags.string({ summary: messages.getMessage('flags.as-of.summary'), helpValue: '<date>' }),
    html: htmlFlag(),
  };

  public async run(): Promise<MetricsResult> {
    const { flags } = await this.parse(Metrics);
    const { db } = await openSnapshotFor(flags.snapshot, this.progress_);
    try {
      this.progress_('Computing the metrics ...');
      const result = await computeMetrics(db, {
        months: flags.months,
        asOf: flags['as-of'],
        targets: flags.targets ? loadTargets(flags.targets) : undefined,
        costs: await loadCosts(db, flags.costs),
      });
      const doc = metricsDoc(result);
      if (flags.html) this.note(`HTML report written to ${writeHtmlReport(flags.html, [doc])}`);
      return this.finish({ result, human: renderTerminal(doc) });
    } finally {
      db.close();
    }
  }
}
