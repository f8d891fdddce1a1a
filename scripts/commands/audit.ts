import { Flags } from '@salesforce/sf-plugins-core';
import {
  openSnapshotFile,
  openSnapshotFor,
  instanceUrlFor,
  writeReportOutputs,
} from '../lib/reports/snapshot.ts';
import type { Db } from '../lib/reports/db.ts';
import { auditDoc, runAudit, type AuditResult } from '../lib/reports/audit.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { fieldLabeler } from '../lib/reports/labels.ts';
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

const messages = loadMessages('revops.audit');

export default class Audit extends RevopsCommand<AuditResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = {
    snapshot: snapshotFlag(),
    previous: Flags.file({ summary: messages.getMessage('flags.previous.summary'), helpValue: '<file>' }),
    config: configFlag(),
    html: htmlFlag(),
    csv: csvFlag(),
    'instance-url': instanceUrlFlag(),
    'check-mx': Flags.boolean({ summary: messages.getMessage('flags.check-mx.summary'), default: false }),
  };

  public async run(): Promise<AuditResult> {
    const { flags } = await this.parse(Audit);
    const config = reportConfig(flags.config);
    const { db } = await openSnapshotFor(flags.snapshot, this.progress_);
    let previous: Db | undefined;
    try {
      // the previous quarter is held to the same standard: a complete snapshot, or a clear refusal
      if (flags.previous) previous = await openSnapshotFile(flags.previous);
      this.progress_('Auditing the snapshot ...');
      const result = await runAudit(db, {
        dedupRules: config.dedupRules,
        stagePolicies: config.stagePolicies,
        previous,
        checkMx: flags['check-mx'] ? {} : undefined,
      });
      const doc = auditDoc(result, fieldLabeler(flags.config));
      const outputs = { html: flags.html, csv: flags.csv };
      const instanceUrl = await instanceUrlFor(db, flags['instance-url']);
      for (const n of writeReportOutputs([doc], { ...outputs, instanceUrl })) this.note(n);
      return this.finish({ result, human: renderTerminal(doc) });
    } finally {
      db.close();
      previous?.close();
    }
  }
}
