import { Flags } from '@salesforce/sf-plugins-core';
import { openSnapshotFor, instanceUrlFor, writeReportOutputs } from '../lib/reports/snapshot.ts';
import { computeMetrics, loadCosts, loadTargets, metricsDoc } from '../lib/reports/metrics.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { runActions, type ActionsResult } from '../lib/reports/actions/index.ts';
import { actionsDoc } from '../lib/reports/actions/doc.ts';
import {
  configFlag,
  csvFlag,
  htmlFlag,
  instanceUrlFlag,
  loadMessages,
  RevopsCommand,
  snapshotFlag,
} from './base.ts';

const messages = loadMessages('revops.metrics');

/** The dashboard and the action reports (SLA compliance, stale deals, skips and pushes, terms, forecast accuracy). */
type MetricsResult = Awaited<ReturnType<typeof computeMetrics>> & { actions: ActionsResult };

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
    config: configFlag(),
    html: htmlFlag(),
    csv: csvFlag(),
    'instance-url': instanceUrlFlag(),
  };

  public async run(): Promise<MetricsResult> {
    const { flags } = await this.parse(Metrics);
    const { db } = await openSnapshotFor(flags.snapshot, this.progress_);
    try {
      this.progress_('Computing the metrics ...');
      const metrics = await computeMetrics(db, {
        months: flags.months,
        asOf: flags['as-of'],
        targets: flags.targets ? loadTargets(flags.targets) : undefined,
        costs: await loadCosts(db, flags.costs),
      });
      this.progress_('Computing the action reports ...');
      const actions = await runActions(db, reportConfig(flags.config), {
        asOf: metrics.asOf,
        since: metrics.periodStart,
      });
      const docs = [metricsDoc(metrics), actionsDoc(actions)];
      const outputs = { html: flags.html, csv: flags.csv };
      const instanceUrl = await instanceUrlFor(db, flags['instance-url']);
      for (const n of writeReportOutputs(docs, { ...outputs, instanceUrl })) this.note(n);
      return this.finish({ result: { ...metrics, actions }, human: docs.map(renderTerminal).join('\n') });
    } finally {
      db.close();
    }
  }
}
