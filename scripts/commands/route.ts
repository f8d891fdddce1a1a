import { Flags } from '@salesforce/sf-plugins-core';
import { openSnapshotFor, instanceUrlFor, writeReportOutputs } from '../lib/reports/snapshot.ts';
import { routeSimDoc, simulateRouting } from '../lib/reports/routesim.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import {
  configFlag,
  csvFlag,
  htmlFlag,
  instanceUrlFlag,
  loadMessages,
  RevopsCommand,
  snapshotFlag,
} from './base.ts';

const messages = loadMessages('revops.route.simulate');

type RouteSimResult = Awaited<ReturnType<typeof simulateRouting>>;

export default class RouteSimulate extends RevopsCommand<RouteSimResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = {
    snapshot: snapshotFlag(),
    since: Flags.string({ summary: messages.getMessage('flags.since.summary'), helpValue: '<date>' }),
    config: configFlag(),
    html: htmlFlag(),
    csv: csvFlag(),
    'instance-url': instanceUrlFlag(),
  };

  public async run(): Promise<RouteSimResult> {
    const { flags } = await this.parse(RouteSimulate);
    const rules = reportConfig(flags.config).routingRules;
    const { db } = await openSnapshotFor(flags.snapshot, this.progress_);
    try {
      this.progress_('Replaying the routing rules ...');
      const result = await simulateRouting(db, rules, { since: flags.since });
      const doc = routeSimDoc(result);
      const outputs = { html: flags.html, csv: flags.csv };
      const instanceUrl = await instanceUrlFor(db, flags['instance-url']);
      for (const n of writeReportOutputs([doc], { ...outputs, instanceUrl })) this.note(n);
      return this.finish({ result, human: renderTerminal(doc) });
    } finally {
      db.close();
    }
  }
}
