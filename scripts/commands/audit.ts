import { readFileSync, writeFileSync } from 'node:fs';
import { Flags } from '@salesforce/sf-plugins-core';
import {
  openSnapshotFile,
  openSnapshotFor,
  instanceUrlFor,
  writeReportOutputs,
} from '../lib/reports/snapshot.ts';
import type { Db } from '../lib/reports/db.ts';
import {
  auditDoc,
  enrichmentSampleCsv,
  parseVerified,
  runAudit,
  type AuditResult,
} from '../lib/reports/audit.ts';
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
    'enrichment-sample': Flags.string({
      summary: messages.getMessage('flags.enrichment-sample.summary'),
      helpValue: '<file.csv>',
    }),
    'enrichment-verified': Flags.file({
      summary: messages.getMessage('flags.enrichment-verified.summary'),
      helpValue: '<file.csv>',
      exists: true,
    }),
    'sample-size': Flags.integer({
      summary: messages.getMessage('flags.sample-size.summary'),
      min: 1,
      max: 1000,
    }),
    'accuracy-threshold': Flags.string({
      summary: messages.getMessage('flags.accuracy-threshold.summary'),
      helpValue: '<0.9>',
    }),
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
        enrichmentSampleSize: flags['sample-size'],
        enrichmentVerified: flags['enrichment-verified']
          ? parseVerified(readFileSync(flags['enrichment-verified'], 'utf8'), flags['enrichment-verified'])
          : undefined,
        accuracyThreshold:
          flags['accuracy-threshold'] === undefined ? undefined : Number(flags['accuracy-threshold']),
      });
      const doc = auditDoc(result, fieldLabeler(flags.config));
      const outputs = { html: flags.html, csv: flags.csv };
      const instanceUrl = await instanceUrlFor(db, flags['instance-url']);
      for (const n of writeReportOutputs([doc], { ...outputs, instanceUrl })) this.note(n);
      const sampleFile = flags['enrichment-sample'];
      if (sampleFile) {
        writeFileSync(sampleFile, enrichmentSampleCsv(result.enrichment.sample, instanceUrl));
        this.note(
          `Enrichment sample (${result.enrichment.sample.length} fields) written to ${sampleFile}: fill in "correct" (y/n) and run the audit again with --enrichment-verified ${sampleFile}`,
        );
      }
      return this.finish({ result, human: renderTerminal(doc) });
    } finally {
      db.close();
      previous?.close();
    }
  }
}
