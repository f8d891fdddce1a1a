import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { Command, CommandContext } from './types.ts';
import type { VerifyGate } from './gate.ts';
import { CliError, orgLabel, str, table } from './format.ts';
import {
  ConfigError,
  configQueries,
  contextFromOrg,
  loadConfig,
  packageDirectories,
  parseConfig,
  readRecords,
  recordFromQueryRow,
  recordToXml,
  sourceContext,
  type RawRecord,
  type RawValue,
} from '../lib/config/index.ts';
import { describeFields, httpFor, OrgApiError, query, resolveOrg } from '../lib/org/index.ts';
import { parseDeployFlags, runDeploy } from './deploy.ts';

export type Motion = 'plg' | 'sales-led' | 'hybrid';
export interface Profile {
  motion: Motion;
  acv: number;
  cycleDays: number;
}

const DEFAULTS: Record<
  Motion,
  {
    acv: number;
    cycleDays: number;
    fit: number;
    engagement: number;
    contactHours: number;
    stale: number;
    usage: number;
    demo: number;
  }
> = {
  plg: {
    acv: 5_000,
    cycleDays: 14,
    fit: 30,
    engagement: 45,
    contactHours: 24,
    stale: 1.5,
    usage: 2,
    demo: 0.75,
  },
  hybrid: {
    acv: 25_000,
    cycleDays: 45,
    fit: 40,
    engagement: 30,
    contactHours: 4,
    stale: 2,
    usage: 1,
    demo: 1,
  },
  'sales-led': {
    acv: 80_000,
    cycleDays: 90,
    fit: 50,
    engagement: 20,
    contactHours: 2,
    stale: 2.5,
    usage: 0.5,
    demo: 1.5,
  },
};

export interface ValueChange {
  record: string;
  field: string;
  from: RawValue;
  to: RawValue;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The records a go-to-market profile changes, and how (documented in the README):
 * MQL thresholds, product-usage and demo-request points, engagement half-lives scaled by cycle length / 45 days,
 * SLA contact window from motion and ACV, qualify window from the cycle length, stale multipliers.
 */
export function applyProfile(
  records: RawRecord[],
  p: Profile,
): { records: RawRecord[]; changes: ValueChange[] } {
  const d = DEFAULTS[p.motion];
  const changes: ValueChange[] = [];
  const out = records.map((r) => {
    const values = { ...r.values };
    const set = (field: string, to: RawValue): void => {
      if (!(field in values) || values[field] === to) return;
      changes.push({ record: `${r.type}.${r.name}`, field, from: values[field], to });
      values[field] = to;
    };
    const num = (field: string): number | null =>
      typeof values[field] === 'number' ? (values[field] as number) : null;
    if (r.type === 'Scoring_Setting') {
      set('MQL_Fit_Threshold__c', d.fit + (p.acv >= 50_000 ? 5 : 0));
      set('MQL_Engagement_Threshold__c', d.engagement);
    }
    if (r.type === 'Scoring_Rule' && values.Model__c === 'Engagement') {
      const points = num('Points__c');
      const factor =
        values.Signal__c === 'Product Usage' ? d.usage : values.Signal__c === 'Demo Request' ? d.demo : 1;
      if (points !== null && factor !== 1) {
        const next = Math.min(100, Math.round(points * factor));
        set('Points__c', next);
        const cap = num('Max_Points__c');
        if (cap !== null && cap < next) set('Max_Points__c', next); // a rule's cap is never below its own points
      }
      // decay follows the buying cycle: half-lives scale with cycle length against a 45-day reference
      const halfLife = num('Half_Life_Days__c');
      if (halfLife !== null)
        set('Half_Life_Days__c', clamp(Math.round((halfLife * p.cycleDays) / 45), 3, 180));
    }
    if (r.type === 'SLA_Policy') {
      set('Contact_Within_Hours__c', p.acv >= 50_000 ? Math.min(d.contactHours, 1) : d.contactHours);
      set('Qualify_Within_Hours__c', clamp(Math.round(p.cycleDays * 2), 8, 160));
    }
    if (r.type === 'Stage_Policy' && values.Is_Closed__c !== true) set('Stale_Multiplier__c', d.stale);
    return { ...r, values };
  });
  return { records: out, changes };
}

/** Every config record of the project's package folders (sfdx-project.json), read. */
function sourceRecords(): RawRecord[] {
  return readRecords(packageDirectories()).records;
}

function configFail(e: unknown, against?: string): never {
  if (e instanceof ConfigError) {
    throw new CliError(
      `${e.issues.length} problem(s) in the custom metadata records${against ? ` checked against ${against}` : ''}:\n${e.issues.map((i) => `  ${i.message}${i.file && !i.message.includes(i.file) ? `\n    in ${i.file}` : ''}`).join('\n')}`,
      [
        'Fix the record(s) in force-app/main/default/customMetadata, then run revops config check again.',
        ...(against
          ? [
              `A field or queue that force-app has but ${against} lacks: deploy the data model first (revops deploy -o <org>), then push the config.`,
            ]
          : []),
      ],
      'ConfigInvalid',
    );
  }
  throw e;
}

const show = (v: RawValue): string => (v === null ? '(blank)' : String(v));

export const configInit: Command = {
  words: ['config', 'init'],
  summary: 'Write the custom metadata records for a go-to-market motion (plg, sales-led, hybrid)',
  usage: 'revops config init --motion plg|sales-led|hybrid [--acv N] [--cycle-days N] [--dry-run]',
  flags: {
    motion: { type: 'string' },
    acv: { type: 'string' },
    'cycle-days': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  examples: [
    'revops config init --motion sales-led --acv 120000 --cycle-days 120',
    'revops config init --motion plg --dry-run',
  ],
  async run(ctx) {
    const motion = str(ctx.flags.motion);
    if (!motion || !(motion in DEFAULTS))
      throw new CliError(
        `--motion must be plg, sales-led or hybrid (got "${motion ?? ''}").`,
        ['revops config init --motion hybrid'],
        'InvalidFlag',
        2,
      );
    const d = DEFAULTS[motion as Motion];
    const acv = ctx.flags.acv === undefined ? d.acv : Number(ctx.flags.acv);
    const cycleDays = ctx.flags['cycle-days'] === undefined ? d.cycleDays : Number(ctx.flags['cycle-days']);
    if (!(acv > 0))
      throw new CliError(
        `--acv must be a positive amount (got "${str(ctx.flags.acv)}").`,
        [],
        'InvalidFlag',
        2,
      );
    if (!(cycleDays > 0 && cycleDays <= 730))
      throw new CliError(
        `--cycle-days must be 1 to 730 (got "${str(ctx.flags['cycle-days'])}").`,
        [],
        'InvalidFlag',
        2,
      );
    let records: RawRecord[];
    try {
      records = sourceRecords();
    } catch (e) {
      configFail(e);
    }
    const profile: Profile = { motion: motion as Motion, acv, cycleDays };
    const { records: next, changes } = applyProfile(records, profile);
    try {
      parseConfig(next, sourceContext(packageDirectories())); // every record valid before anything is written
    } catch (e) {
      configFail(e);
    }
    const changed = new Set(changes.map((c) => c.record));
    const files: string[] = [];
    if (ctx.flags['dry-run'] !== true) {
      for (const r of next) {
        if (!changed.has(`${r.type}.${r.name}`) || !r.file) continue;
        writeFileSync(r.file, recordToXml(r));
        files.push(r.file);
      }
    }
    const human = [
      `Profile ${motion} (ACV ${acv.toLocaleString('en-US')}, cycle ${cycleDays} days): ${changes.length} value(s) in ${changed.size} record(s)${ctx.flags['dry-run'] === true ? ' would change (dry run, nothing written)' : ' changed'}.`,
      '',
      table(
        ['Record', 'Field', 'From', 'To'],
        changes.map((c) => [c.record, c.field, show(c.from), show(c.to)]),
      ),
      ...(files.length ? ['', 'Deploy them with: revops config push -o <org>'] : []),
    ].join('\n');
    return { result: { profile, changes, files }, human };
  },
};

export const configCheck: Command = {
  words: ['config', 'check'],
  summary: 'Validate the custom metadata records (errors name the record and field)',
  usage: 'revops config check',
  flags: {},
  async run() {
    let counts: Record<string, number>;
    try {
      const cfg = loadConfig(packageDirectories());
      counts = {
        Scoring_Rule: cfg.scoringRules.length,
        Routing_Rule: cfg.routingRules.length,
        SLA_Policy: cfg.slaPolicies.length,
        Business_Calendar: cfg.businessCalendars.length,
        Stage_Policy: cfg.stagePolicies.length,
        Approval_Tier: cfg.approvalTiers.length,
        Dedup_Rule: cfg.dedupRules.length,
      };
    } catch (e) {
      configFail(e);
    }
    return {
      result: { ok: true, counts },
      human: [
        'All custom metadata records are valid.',
        '',
        table(['Type', 'Records'], Object.entries(counts)),
      ].join('\n'),
    };
  },
};

const norm = (v: unknown): string => {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) && /^-?[\d.]+$/.test(v.trim()))
    return String(Number(v));
  return String(v);
};

export interface ConfigDiff {
  onlyInSource: string[];
  onlyInOrg: string[];
  changed: Array<{ record: string; field: string; source: string; org: string }>;
}

export function diffRecords(source: RawRecord[], org: RawRecord[]): ConfigDiff {
  const key = (r: RawRecord): string => `${r.type}.${r.name}`;
  const orgBy = new Map(org.map((r) => [key(r), r]));
  const srcBy = new Map(source.map((r) => [key(r), r]));
  const diff: ConfigDiff = { onlyInSource: [], onlyInOrg: [], changed: [] };
  for (const s of source) {
    const o = orgBy.get(key(s));
    if (!o) {
      diff.onlyInSource.push(key(s));
      continue;
    }
    for (const field of new Set([...Object.keys(s.values), ...Object.keys(o.values)])) {
      if (norm(s.values[field]) !== norm(o.values[field]))
        diff.changed.push({
          record: key(s),
          field,
          source: norm(s.values[field]),
          org: norm(o.values[field]),
        });
    }
  }
  for (const o of org) if (!srcBy.has(key(o))) diff.onlyInOrg.push(key(o));
  return diff;
}

export const configDiff: Command = {
  words: ['config', 'diff'],
  summary: 'Show how the custom metadata records in force-app differ from an org',
  usage: 'revops config diff -o ORG',
  flags: { 'target-org': { type: 'string', short: 'o' } },
  async run(ctx) {
    const org = str(ctx.flags['target-org']);
    if (!org)
      throw new CliError(
        'config diff needs the org to compare with: -o ORG.',
        ['revops config diff -o my-sandbox'],
        'InvalidFlag',
        2,
      );
    let source: RawRecord[] = [];
    try {
      source = sourceRecords();
    } catch (e) {
      configFail(e);
    }
    const { session } = await resolveOrg(org);
    const http = httpFor(session, { onRetry: (r) => ctx.progress(`  retry ${r.attempt} (${r.reason})`) });
    const inOrg: RawRecord[] = [];
    for (const q of configQueries()) {
      const rows = await query<Record<string, unknown>>(http, q.soql).catch(
        (e: Error & { errorCode?: string }) => {
          if (e.errorCode === 'INVALID_TYPE') {
            ctx.warn(
              `${q.type}__mdt is not in the org yet (deploy the data model: revops deploy -o ${orgLabel(org, '<org>')}).`,
            );
            return [];
          }
          throw e;
        },
      );
      inOrg.push(...rows.map((r) => recordFromQueryRow(q.type, r)));
    }
    const diff = diffRecords(source, inOrg);
    const same = !diff.changed.length && !diff.onlyInOrg.length && !diff.onlyInSource.length;
    const human = same
      ? `The org has the same ${source.length} records as force-app.`
      : [
          `${diff.changed.length} value(s) differ, ${diff.onlyInSource.length} record(s) only in force-app, ${diff.onlyInOrg.length} only in the org.`,
          '',
          table(
            ['Record', 'Field', 'force-app', 'org'],
            [
              ...diff.changed.map((c) => [c.record, c.field, c.source || '(blank)', c.org || '(blank)']),
              ...diff.onlyInSource.map((r) => [r, '(record)', 'present', 'missing']),
              ...diff.onlyInOrg.map((r) => [r, '(record)', 'missing', 'present']),
            ],
          ),
          '',
          `Push force-app to the org with: revops config push -o ${orgLabel(org, '<org>')}`,
        ].join('\n');
    return { result: diff, human, exitCode: 0 };
  },
};

export const configPush: Command = {
  words: ['config', 'push'],
  summary: 'Deploy only the custom metadata records (check-only unless -o is given)',
  usage: 'revops config push [-o ORG] [--dry-run] [--wait MIN]',
  flags: {
    'target-org': { type: 'string', short: 'o' },
    'dry-run': { type: 'boolean', default: false },
    wait: { type: 'string' },
  },
  async run(ctx: CommandContext) {
    // 1. the set, as config check sees it (source schema and queues)
    const roots = packageDirectories();
    let records: RawRecord[] = [];
    try {
      records = readRecords(roots).records;
      parseConfig(records, sourceContext(roots));
    } catch (e) {
      configFail(e);
    }
    // 2. the verify gate's deploy check on the files this push deploys (every customMetadata folder)
    const dirs = customMetadataDirs(roots);
    if (!dirs.length)
      throw new CliError(
        `No customMetadata folder under ${roots.join(', ')}: nothing to push.`,
        [],
        'NothingToPush',
      );
    ctx.progress("Running the verify gate's deploy check on the records to push ...");
    const problems = await deployCheck(ctx.gate, roots, dirs);
    if (problems.length)
      throw new CliError(
        `The verify gate's deploy check found ${problems.length} problem(s) in the records to push; nothing was pushed.\n${problems.map((p) => `  ${p}`).join('\n')}`,
        [
          'Fix the file(s) above, then run revops config push again (npm run verify -- --only deploy shows the same).',
        ],
        'VerifyFailed',
      );
    // 3. the set against the org it goes to: its fields (describe) and its Lead queues
    const flags = parseDeployFlags({ ...ctx.flags, 'source-dir': dirs.join(',') });
    if (!flags.org)
      ctx.warn('No -o given: validating against the default target org (check-only). Pass -o ORG to push.');
    const { session } = await resolveOrg(flags.org);
    const http = httpFor(session, { onRetry: (r) => ctx.progress(`  retry ${r.attempt} (${r.reason})`) });
    const label = `the org ${orgLabel(flags.org, session.username && !session.username.includes('!') ? session.username : session.instanceUrl)}`;
    const inOrg = await contextFromOrg(
      {
        describe: (object) =>
          describeFields(http, object).catch((e: unknown) => {
            if (e instanceof OrgApiError && e.status === 404) return null;
            throw e;
          }),
        query: (soql) => query<Record<string, unknown>>(http, soql),
      },
      label,
    );
    try {
      parseConfig(records, inOrg);
    } catch (e) {
      configFail(e, label);
    }
    return runDeploy(ctx, flags);
  },
};

/** Every customMetadata folder of the package folders: what config push deploys. */
function customMetadataDirs(roots: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = `${dir}${sep}${e.name}`;
      if (e.name === 'customMetadata') out.push(p);
      else walk(p);
    }
  };
  for (const root of roots) walk(root);
  return out.sort();
}

/**
 * The verify gate's deploy check (what `npm run verify -- --only deploy` runs; the gate is handed in, see gate.ts)
 * over the package folders, keeping the errors in the files this push deploys and any check that could not run.
 */
async function deployCheck(gate: VerifyGate, roots: string[], dirs: string[]): Promise<string[]> {
  const inPush = (file: string): boolean =>
    file === '' || dirs.some((d) => dirname(resolve(file)).startsWith(resolve(d)));
  const out: string[] = [];
  for (const root of roots)
    for (const p of await gate.deployCheck(root)) if (inPush(p.file)) out.push(p.text);
  return out;
}
