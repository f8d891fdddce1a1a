import type { Command } from './types.ts';
import {
  openSnapshotFile,
  openSnapshotFor,
  writeHtmlReport,
  DEMO_SNAPSHOT,
} from '../lib/reports/snapshot.ts';
import { auditDoc, runAudit } from '../lib/reports/audit.ts';
import { computeMetrics, loadCosts, loadTargets, metricsDoc } from '../lib/reports/metrics.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { ReportError, type Db } from '../lib/reports/db.ts';
import type { ReportDoc } from '../lib/render/doc.ts';
import { str } from './format.ts';

/** The main job: the quarterly audit and the metrics dashboard in one HTML report. */
export const report: Command = {
  words: ['report'],
  summary:
    'Audit + metrics in one self-contained HTML report (the main job; --demo uses the demo snapshot, building it if needed)',
  usage:
    'revops report (--demo | --snapshot FILE) [--previous FILE] [--costs FILE] [--targets FILE] [--config DIR] [--html FILE]',
  flags: {
    demo: { type: 'boolean', default: false },
    snapshot: { type: 'string' },
    previous: { type: 'string' },
    costs: { type: 'string' },
    targets: { type: 'string' },
    config: { type: 'string' },
    html: { type: 'string', default: 'out/revops-report.html' },
  },
  examples: ['revops report --demo --html out/revops-report.html'],
  async run(ctx) {
    if (ctx.flags.demo && ctx.flags.snapshot)
      throw new ReportError('Pass either --demo or --snapshot FILE, not both.');
    const config = reportConfig(str(ctx.flags.config));
    const { db, path } = await openSnapshotFor(
      ctx.flags.demo ? undefined : str(ctx.flags.snapshot),
      ctx.progress,
    );
    let previous: Db | undefined;
    try {
      if (ctx.flags.previous) previous = await openSnapshotFile(str(ctx.flags.previous)!);
      const auditResult = await runAudit(db, {
        dedupRules: config.dedupRules,
        stagePolicies: config.stagePolicies,
        previous,
      });
      // A snapshot without leads or deals (e.g. an export of accounts only) still gets its audit; the metrics
      // part says why it is missing instead of failing the whole report.
      let metricsResult: Awaited<ReturnType<typeof computeMetrics>> | null = null;
      let metricsPart: ReportDoc;
      const inputs = {
        targets: ctx.flags.targets ? loadTargets(str(ctx.flags.targets)) : undefined,
        costs: await loadCosts(db, str(ctx.flags.costs)),
      };
      try {
        metricsResult = await computeMetrics(db, inputs);
        metricsPart = metricsDoc(metricsResult);
      } catch (e) {
        if (!(e instanceof ReportError)) throw e;
        metricsPart = {
          title: 'Metrics dashboard',
          subtitle: 'not available for this snapshot',
          sections: [{ title: 'Why', blocks: [{ kind: 'text', text: e.message }] }],
        };
      }
      const docs = [auditDoc(auditResult), metricsPart];
      const file = writeHtmlReport(
        str(ctx.flags.html)!,
        docs,
        `RevOps report: ${path === DEMO_SNAPSHOT ? 'demo org' : path}`,
      );
      return {
        result: { snapshot: path, html: file, audit: auditResult, metrics: metricsResult },
        human: docs.map(renderTerminal).join('\n') + `\nHTML report: ${file}\n`,
      };
    } finally {
      db.close();
      previous?.close();
    }
  },
};
