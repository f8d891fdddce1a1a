import { readFileSync, existsSync } from 'node:fs';
import type { Command, CommandContext } from './types.ts';
import { ReportError } from '../lib/reports/db.ts';
import { openSnapshotFor, writeHtmlReport, writeTextFile } from '../lib/reports/snapshot.ts';
import {
  dedupDoc,
  dedupExport,
  dedupSnapshot,
  reviewCsv,
  toJson,
  type DedupResult,
} from '../lib/reports/dedup/report.ts';
import {
  FEBRL_MAPPING,
  parsePersonMapping,
  type PersonMapping,
  type SfObject,
} from '../lib/reports/dedup/profiles.ts';
import { dedupRuleFor, reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { CALLING_CODES, countryCode } from '../lib/rules/match.ts';
import { applyMerges, undoMerges } from '../lib/reports/dedup/apply.ts';
import { str } from './format.ts';

const OBJECTS: SfObject[] = ['Lead', 'Contact', 'Account'];

function mappingFrom(flag: string | undefined): PersonMapping {
  if (!flag || flag === 'febrl') return FEBRL_MAPPING;
  if (!existsSync(flag))
    throw new ReportError(`Mapping file not found: ${flag}`, [
      'Use --mapping febrl or a JSON file such as {"id":"rec_id","givenName":"given_name","surname":"surname"}.',
    ]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(flag, 'utf8'));
  } catch (e) {
    throw new ReportError(`Mapping file ${flag} is not valid JSON: ${(e as Error).message}`);
  }
  return parsePersonMapping(json, flag);
}

/** --default-country: the country of national phone numbers on records whose own country is blank or unknown. */
function defaultCountry(flag: string | undefined): string {
  if (flag === undefined) return 'US';
  const code = countryCode(flag);
  if (!code)
    throw new ReportError(`--default-country "${flag}" has no calling code here.`, [
      `Use an ISO code or a country name: ${Object.keys(CALLING_CODES).join(', ')}.`,
    ]);
  return code;
}

export const dedup: Command = {
  words: ['dedup'],
  summary:
    'Find duplicate leads, contacts or accounts (blocking, fuzzy scoring, clusters, survivorship); review CSV; merge with undo',
  usage:
    'revops dedup [--snapshot FILE | --from-export PATH [--mapping febrl|FILE]] [--object Lead|Contact|Account] [--default-country CC] [--review-csv FILE] [--html FILE] [--apply -o ORG [--execute] [--log FILE]]',
  flags: {
    snapshot: { type: 'string' },
    'from-export': { type: 'string' },
    mapping: { type: 'string' },
    object: { type: 'string' },
    'default-country': { type: 'string' },
    config: { type: 'string' },
    'review-csv': { type: 'string' },
    html: { type: 'string' },
    apply: { type: 'boolean', default: false },
    execute: { type: 'boolean', default: false },
    'target-org': { type: 'string', short: 'o' },
    log: { type: 'string' },
  },
  examples: [
    'revops dedup --object Lead --review-csv out/lead-review.csv --html out/dedup.html',
    'revops dedup --object Contact --default-country GB    # national numbers without a mailing country are UK ones',
    'revops dedup --from-export ../shared/data/febrl/dataset3.csv --mapping febrl --json',
    'revops dedup --object Lead --apply -o my-sandbox            # dry run: plan + snapshot file, no writes',
    'revops dedup --object Lead --apply -o my-sandbox --execute  # merge through the Apex REST resource',
  ],
  async run(ctx: CommandContext) {
    const f = ctx.flags;
    const object = str(f.object) ?? (f['from-export'] ? 'records' : 'Lead');
    let result: DedupResult;
    if (f['from-export']) {
      if (f.apply)
        throw new ReportError('--apply works on snapshots of an org, not on --from-export files.', [
          'Take a snapshot of the org first: revops snapshot --from-org ORG',
        ]);
      result = await dedupExport(str(f['from-export'])!, mappingFrom(str(f.mapping)), object);
    } else {
      if (!OBJECTS.includes(object as SfObject))
        throw new ReportError(`--object must be one of ${OBJECTS.join(', ')} (got "${object}").`);
      const { db } = await openSnapshotFor(str(f.snapshot), ctx.progress);
      try {
        const rule = dedupRuleFor(reportConfig(str(f.config)), object as SfObject, ctx.warn);
        result = await dedupSnapshot(db, {
          ...rule,
          defaultCountry: defaultCountry(str(f['default-country'])),
        });
      } finally {
        db.close();
      }
    }
    if (f['review-csv']) {
      writeTextFile(str(f['review-csv'])!, reviewCsv(result));
      ctx.progress(`Review sheet written to ${f['review-csv']}`);
    }
    if (f.html) ctx.progress(`HTML report written to ${writeHtmlReport(str(f.html)!, [dedupDoc(result)])}`);
    if (result.windowedBlocks)
      ctx.warn(
        `${result.windowedBlocks} large blocks were compared with a sliding window (sorted neighbourhood).`,
      );
    const human = renderTerminal(dedupDoc(result));
    if (!f.apply) return { result: toJson(result), human };
    const org = str(f['target-org']);
    if (!org)
      throw new ReportError(
        '--apply needs the org to merge in: -o ORG (an sf CLI alias, a username, or an access token).',
      );
    const plan = await applyMerges({
      result,
      org,
      execute: f.execute === true,
      log: str(f.log),
      progress: ctx.progress,
    });
    // a failed or stopped merge run exits non-zero, with the summary naming what failed and how to resume
    return {
      result: { ...toJson(result), apply: plan },
      human: human + '\n' + plan.summary,
      exitCode: plan.exitCode,
    };
  },
};

export const dedupUndo: Command = {
  words: ['dedup', 'undo'],
  summary:
    "Undo merges recorded in a dedup log: restores each merged record (same field values, a new Id mapped in the log) and the master's overwritten fields",
  usage: 'revops dedup undo --log FILE -o ORG [--execute]',
  flags: {
    log: { type: 'string' },
    'target-org': { type: 'string', short: 'o' },
    execute: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const log = str(ctx.flags.log);
    const org = str(ctx.flags['target-org']);
    if (!log)
      throw new ReportError('dedup undo needs --log FILE (the JSON-lines log written by dedup --apply).');
    if (!org) throw new ReportError('dedup undo needs -o ORG.');
    const r = await undoMerges({ log, org, execute: ctx.flags.execute === true, progress: ctx.progress });
    return { result: r, human: r.summary, exitCode: r.exitCode };
  },
};
