import { Flags } from '@salesforce/sf-plugins-core';
import { ReportError } from '../lib/reports/db.ts';
import {
  instanceUrlFor,
  openSnapshotFor,
  writeReportOutputs,
  writeTextFile,
} from '../lib/reports/snapshot.ts';
import {
  dedupDoc,
  dedupExport,
  dedupSalesforceExport,
  dedupSnapshot,
  reviewCsv,
  toJson,
  type DedupResult,
} from '../lib/reports/dedup/report.ts';
import type { SfObject } from '../lib/reports/dedup/profiles.ts';
import { dedupRuleFor, reportConfig } from '../lib/reports/config.ts';
import { defaultCountry, mappingFrom } from '../lib/reports/mapping.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { applyMerges, undoMerges } from '../lib/reports/dedup/apply.ts';
import { readReview, reviewSummary, type ReviewPlan } from '../lib/reports/dedup/review.ts';
import {
  configFlag,
  csvFlag,
  htmlFlag,
  instanceUrlFlag,
  loadMessages,
  RevopsCommand,
  snapshotFlag,
  targetOrgFlag,
} from './base.ts';

const messages = loadMessages('revops.dedup');

/** --object for a Salesforce source: Lead, Contact or Account (required with --from-export unless --mapping). */
function salesforceObject(object: string | undefined, fromExport: boolean): SfObject {
  if (object && (['Lead', 'Contact', 'Account'] as string[]).includes(object)) return object as SfObject;
  throw new ReportError(
    object
      ? `--object must be one of Lead, Contact, Account (got "${object}").`
      : '--from-export needs --object Lead, Contact or Account (a Salesforce Data Export) or --mapping (a person file).',
    fromExport
      ? [
          'A Data Export folder or zip: revops dedup --from-export PATH --object Account',
          'A person file (FEBRL layout): revops dedup --from-export FILE.csv --mapping febrl',
        ]
      : [],
    2,
  );
}

type DedupJson = ReturnType<typeof toJson> & {
  apply?: Awaited<ReturnType<typeof applyMerges>>;
  /** --from-review: what the sheet decided, by cluster label. */
  review?: Pick<ReviewPlan, 'file' | 'merge' | 'keptApart' | 'undecided'>;
};

export default class Dedup extends RevopsCommand<DedupJson> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = {
    snapshot: snapshotFlag(),
    'from-export': Flags.string({
      summary: messages.getMessage('flags.from-export.summary'),
      helpValue: '<path>',
      exclusive: ['snapshot', 'apply'],
    }),
    mapping: Flags.string({
      summary: messages.getMessage('flags.mapping.summary'),
      helpValue: 'febrl|<file>',
      dependsOn: ['from-export'],
    }),
    object: Flags.string({
      summary: messages.getMessage('flags.object.summary'),
      description: messages.getMessage('flags.object.description'),
      helpValue: 'Lead|Contact|Account',
    }),
    'default-country': Flags.string({
      summary: messages.getMessage('flags.default-country.summary'),
      helpValue: '<country>',
    }),
    config: configFlag(),
    'review-csv': Flags.string({
      summary: messages.getMessage('flags.review-csv.summary'),
      helpValue: '<file>',
    }),
    html: htmlFlag(),
    csv: csvFlag(),
    'instance-url': instanceUrlFlag(),
    apply: Flags.boolean({ summary: messages.getMessage('flags.apply.summary') }),
    'from-review': Flags.string({
      summary: messages.getMessage('flags.from-review.summary'),
      description: messages.getMessage('flags.from-review.description'),
      helpValue: '<file>',
      dependsOn: ['apply'],
      exclusive: ['snapshot', 'from-export', 'review-csv', 'html'],
    }),
    execute: Flags.boolean({ summary: messages.getMessage('flags.execute.summary'), dependsOn: ['apply'] }),
    'target-org': targetOrgFlag(),
    log: Flags.string({ summary: messages.getMessage('flags.log.summary'), helpValue: '<file>' }),
  };

  public async run(): Promise<DedupJson> {
    const { flags } = await this.parse(Dedup);
    if (flags['from-review']) return this.applyReview(flags['from-review'], flags);
    const exportPath = flags['from-export'];
    const object = flags.object ?? (exportPath ? 'records' : 'Lead');
    let result: DedupResult;
    if (exportPath && flags.mapping) {
      // a person file from elsewhere (FEBRL layout or a JSON mapping): --object is only its label
      result = await dedupExport(exportPath, mappingFrom(flags.mapping), object);
    } else if (exportPath) {
      // a Salesforce Data Export: the object's Dedup_Rule__mdt, as for a snapshot
      const rule = dedupRuleFor(reportConfig(flags.config), salesforceObject(flags.object, true), this.warn_);
      this.progress_(`Importing ${exportPath} and finding duplicate ${rule.object} records ...`);
      result = await dedupSalesforceExport(
        exportPath,
        { ...rule, defaultCountry: defaultCountry(flags['default-country']) },
        { progress: this.progress_ },
      );
      // what the import said about the export (an object without its CSV, fields of our package it lacks)
      for (const w of result.warnings ?? []) this.warn_(w);
    } else {
      salesforceObject(object, false);
      const { db } = await openSnapshotFor(flags.snapshot, this.progress_);
      try {
        this.progress_(`Finding duplicate ${object} records ...`);
        const rule = dedupRuleFor(reportConfig(flags.config), object as SfObject, this.warn_);
        result = await dedupSnapshot(db, {
          ...rule,
          defaultCountry: defaultCountry(flags['default-country']),
        });
      } finally {
        db.close();
      }
    }
    if (flags['review-csv']) {
      writeTextFile(flags['review-csv'], reviewCsv(result));
      this.note(`Review sheet written to ${flags['review-csv']}`);
    }
    // the review's record Ids link to the org only with --instance-url (the dedup reads no provenance here)
    for (const n of writeReportOutputs([dedupDoc(result)], {
      html: flags.html,
      csv: flags.csv,
      instanceUrl: flags['instance-url'] ? await instanceUrlFor(null, flags['instance-url']) : undefined,
    }))
      this.note(n);
    if (result.windowedBlocks)
      this.warn_(
        `${result.windowedBlocks} large blocks were compared with a sliding window (sorted neighbourhood).`,
      );
    const human = renderTerminal(dedupDoc(result));
    if (!flags.apply) return this.finish({ result: toJson(result), human });
    const org = this.orgOrDefault(flags['target-org'], 'revops dedup --apply -o my-sandbox');
    const plan = await applyMerges({
      result,
      org,
      execute: flags.execute,
      log: flags.log,
      progress: this.progress_,
    });
    // a failed or stopped merge run exits non-zero, with the summary naming what failed and how to resume
    return this.finish({
      result: { ...toJson(result), apply: plan },
      human: human + '\n' + plan.summary,
      exitCode: plan.exitCode,
    });
  }

  /** --apply --from-review FILE: merges the clusters the edited review sheet accepts, through applyMerges. */
  private async applyReview(
    file: string,
    flags: { object?: string; execute: boolean; 'target-org'?: string; log?: string },
  ): Promise<DedupJson> {
    const plan = readReview(file, flags.object);
    const org = this.orgOrDefault(
      flags['target-org'],
      'revops dedup --apply --from-review FILE -o my-sandbox',
    );
    // the default log sits beside the sheet, so a rerun of the same sheet resumes instead of merging again
    const applied = await applyMerges({
      result: plan.result,
      org,
      execute: flags.execute,
      log: flags.log ?? file.replace(/\.csv$/i, '') + '.merge.jsonl',
      progress: this.progress_,
    });
    const { file: sheet, merge, keptApart, undecided } = plan;
    return this.finish({
      result: {
        ...toJson(plan.result),
        apply: applied,
        review: { file: sheet, merge, keptApart, undecided },
      },
      human: reviewSummary(plan) + '\n' + applied.summary,
      exitCode: applied.exitCode,
    });
  }
}

const undoMessages = loadMessages('revops.dedup.undo');

type UndoResult = Awaited<ReturnType<typeof undoMerges>>;

export class DedupUndo extends RevopsCommand<UndoResult> {
  public static readonly summary = undoMessages.getMessage('summary');
  public static readonly description = undoMessages.getMessage('description');
  public static readonly examples = undoMessages.getMessages('examples');
  public static readonly flags = {
    log: Flags.file({ summary: undoMessages.getMessage('flags.log.summary'), required: true, exists: true }),
    'target-org': targetOrgFlag(),
    execute: Flags.boolean({ summary: undoMessages.getMessage('flags.execute.summary') }),
  };

  public async run(): Promise<UndoResult> {
    const { flags } = await this.parse(DedupUndo);
    const org = this.orgOrDefault(flags['target-org'], 'revops dedup undo --log FILE -o my-sandbox');
    const r = await undoMerges({ log: flags.log, org, execute: flags.execute, progress: this.progress_ });
    return this.finish({ result: r, human: r.summary, exitCode: r.exitCode });
  }
}
