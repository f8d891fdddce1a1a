import { Flags } from '@salesforce/sf-plugins-core';
import {
  instanceUrlFor,
  openSnapshotFile,
  openSnapshotFor,
  writeReportOutputs,
  DEMO_SNAPSHOT,
} from '../lib/reports/snapshot.ts';
import { runActions, type ActionsResult } from '../lib/reports/actions/index.ts';
import { actionsDoc } from '../lib/reports/actions/doc.ts';
import { auditDoc, runAudit, type AuditResult } from '../lib/reports/audit.ts';
import { computeMetrics, loadCosts, loadTargets, metricsDoc } from '../lib/reports/metrics.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { fieldLabeler } from '../lib/reports/labels.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { ReportError, type Db } from '../lib/reports/db.ts';
import type { ReportDoc } from '../lib/render/doc.ts';
import { configFlag, csvFlag, instanceUrlFlag, loadMessages, RevopsCommand, snapshotFlag } from './base.ts';

const messages = loadMessages('revops.report');

export interface ReportResult {
  snapshot: string;
  html: string;
  audit: AuditResult;
  metrics: Awaited<ReturnType<typeof computeMetrics>> | null;
  actions: ActionsResult | null;
  /** CSV files written (--csv DIR), one per table. */
  csv: string | null;
}

/** The main job: the quarterly audit and the metrics dashboard in one HTML report. */
export default class Report extends RevopsCommand<ReportResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    demo: Flags.boolean({ summary: messages.getMessage('flags.demo.summary'), exclusive: ['snapshot'] }),
    snapshot: snapshotFlag(),
    previous: Flags.file({ summary: messages.getMessage('flags.previous.summary'), helpValue: '<file>' }),
    costs: Flags.file({ summary: messages.getMessage('flags.costs.summary'), helpValue: '<file>' }),
    targets: Flags.file({ summary: messages.getMessage('flags.targets.summary'), helpValue: '<file>' }),
    config: configFlag(),
    html: Flags.string({
      summary: messages.getMessage('flags.html.summary'),
      default: 'out/revops-report.html',
      helpValue: '<file>',
    }),
    csv: csvFlag(),
    'instance-url': instanceUrlFlag(),
  };

  public async run(): Promise<ReportResult> {
    const { flags } = await this.parse(Report);
    const config = reportConfig(flags.config);
    const { db, path } = await openSnapshotFor(flags.demo ? undefined : flags.snapshot, this.progress_);
    let previous: Db | undefined;
    try {
      if (flags.previous) previous = await openSnapshotFile(flags.previous);
      this.progress_('Auditing the snapshot ...');
      const audit = await runAudit(db, {
        dedupRules: config.dedupRules,
        stagePolicies: config.stagePolicies,
        previous,
      });
      // A snapshot without leads or deals (e.g. an export of accounts only) still gets its audit; the metrics
      // part says why it is missing instead of failing the whole report.
      let metrics: ReportResult['metrics'] = null;
      let metricsPart: ReportDoc;
      const inputs = {
        targets: flags.targets ? loadTargets(flags.targets) : undefined,
        costs: await loadCosts(db, flags.costs),
      };
      this.progress_('Computing the metrics ...');
      try {
        metrics = await computeMetrics(db, inputs);
        metricsPart = metricsDoc(metrics);
      } catch (e) {
        if (!(e instanceof ReportError)) throw e;
        metricsPart = {
          title: 'Metrics dashboard',
          subtitle: 'not available for this snapshot',
          sections: [{ title: 'Why', blocks: [{ kind: 'text', text: e.message }] }],
        };
      }
      // the action reports need leads or deals to date them; without either, the metrics part already says why
      let actions: ActionsResult | null = null;
      if (metrics) {
        this.progress_('Computing the action reports ...');
        actions = await runActions(db, config, { asOf: metrics.asOf, since: metrics.periodStart });
      }
      const docs = [
        auditDoc(audit, fieldLabeler(flags.config)),
        metricsPart,
        ...(actions ? [actionsDoc(actions)] : []),
      ];
      const html = flags.html;
      const notes = writeReportOutputs(docs, {
        html,
        csv: flags.csv,
        title: `RevOps report: ${path === DEMO_SNAPSHOT ? 'demo org' : path}`,
        instanceUrl: await instanceUrlFor(db, flags['instance-url']),
      });
      return this.finish({
        result: { snapshot: path, html, audit, metrics, actions, csv: flags.csv ?? null },
        human:
          docs.map(renderTerminal).join('\n') +
          `\n${notes.join('\n').replace('HTML report written to', 'HTML report:')}\n`,
      });
    } finally {
      db.close();
      previous?.close();
    }
  }
}
