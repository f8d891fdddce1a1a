import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { SfError } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import type { VerifyGate } from './gate.ts';
import { orgLabel, table } from './format.ts';
import { loadMessages, RevopsCommand, targetOrgFlag } from './base.ts';
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
import { applyProfile, GTM_DEFAULTS, type Profile, type ValueChange } from '../lib/config/profile.ts';
import { diffRecords, type ConfigDiff } from '../lib/config/diff.ts';
import { describeFields, httpFor, OrgApiError, query, resolveOrg } from '../lib/org/index.ts';
import {
  deployFlags,
  DRY_RUN_NOTE,
  parseDeployFlags,
  runDeploy,
  type DeployCommandResult,
} from './deploy.ts';
import {
  defaultBackupDir,
  readBackup,
  readOrgRecords,
  recordNames,
  writeBackup,
} from '../lib/config/backup.ts';

/** Every config record of the project's package folders (sfdx-project.json), read. */
function sourceRecords(): RawRecord[] {
  return readRecords(packageDirectories()).records;
}

function configFail(e: unknown, against?: string): never {
  if (e instanceof ConfigError) {
    throw new SfError(
      `${e.issues.length} problem(s) in the custom metadata records${against ? ` checked against ${against}` : ''}:\n${e.issues.map((i) => `  ${i.message}${i.file && !i.message.includes(i.file) ? `\n    in ${i.file}` : ''}`).join('\n')}`,
      'ConfigInvalid',
      [
        'Fix the record(s) in force-app/main/default/customMetadata, then run revops config check again.',
        ...(against
          ? [
              `A field or queue that force-app has but ${against} lacks: deploy the data model first (revops deploy -o <org>), then push the config.`,
            ]
          : []),
      ],
    );
  }
  throw e;
}

const show = (v: RawValue): string => (v === null ? '(blank)' : String(v));

const initMessages = loadMessages('revops.config.init');

export interface ConfigInitResult {
  profile: Profile;
  changes: ValueChange[];
  files: string[];
}

export class ConfigInit extends RevopsCommand<ConfigInitResult> {
  public static readonly summary = initMessages.getMessage('summary');
  public static readonly description = initMessages.getMessage('description');
  public static readonly examples = initMessages.getMessages('examples');

  public static readonly flags = {
    motion: Flags.option({
      summary: initMessages.getMessage('flags.motion.summary'),
      options: ['plg', 'sales-led', 'hybrid'] as const,
      required: true,
    })(),
    acv: Flags.integer({ summary: initMessages.getMessage('flags.acv.summary'), min: 1 }),
    'cycle-days': Flags.integer({
      summary: initMessages.getMessage('flags.cycle-days.summary'),
      min: 1,
      max: 730,
    }),
    'dry-run': Flags.boolean({ summary: initMessages.getMessage('flags.dry-run.summary') }),
  };

  public async run(): Promise<ConfigInitResult> {
    const { flags } = await this.parse(ConfigInit);
    const d = GTM_DEFAULTS[flags.motion];
    const profile: Profile = {
      motion: flags.motion,
      acv: flags.acv ?? d.acv,
      cycleDays: flags['cycle-days'] ?? d.cycleDays,
    };
    let records: RawRecord[];
    try {
      records = sourceRecords();
    } catch (e) {
      configFail(e);
    }
    const { records: next, changes } = applyProfile(records, profile);
    try {
      parseConfig(next, sourceContext(packageDirectories())); // every record valid before anything is written
    } catch (e) {
      configFail(e);
    }
    const changed = new Set(changes.map((c) => c.record));
    const files: string[] = [];
    if (!flags['dry-run']) {
      for (const r of next) {
        if (!changed.has(`${r.type}.${r.name}`) || !r.file) continue;
        writeFileSync(r.file, recordToXml(r));
        files.push(r.file);
      }
    }
    const human = [
      `Profile ${profile.motion} (ACV ${profile.acv.toLocaleString('en-US')}, cycle ${profile.cycleDays} days): ${changes.length} value(s) in ${changed.size} record(s)${flags['dry-run'] ? ' would change (dry run, nothing written)' : ' changed'}.`,
      '',
      table(
        ['Record', 'Field', 'From', 'To'],
        changes.map((c) => [c.record, c.field, show(c.from), show(c.to)]),
      ),
      ...(files.length ? ['', 'Deploy them with: revops config push -o <org>'] : []),
    ].join('\n');
    return this.finish({ result: { profile, changes, files }, human });
  }
}

const checkMessages = loadMessages('revops.config.check');

export class ConfigCheck extends RevopsCommand<{ ok: boolean; counts: Record<string, number> }> {
  public static readonly summary = checkMessages.getMessage('summary');
  public static readonly description = checkMessages.getMessage('description');
  public static readonly examples = checkMessages.getMessages('examples');
  public static readonly flags = {};

  public async run(): Promise<{ ok: boolean; counts: Record<string, number> }> {
    await this.parse(ConfigCheck);
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
        Engagement_Mapping: cfg.engagementMappings?.length ?? 0,
        Lifecycle_Field_Policy: cfg.lifecycleFieldPolicies?.length ?? 0,
        Enrichment_Provider: cfg.enrichmentProviders?.length ?? 0,
        Enrichment_Mapping: cfg.enrichmentMappings?.length ?? 0,
      };
    } catch (e) {
      configFail(e);
    }
    return this.finish({
      result: { ok: true, counts },
      human: [
        'All custom metadata records are valid.',
        '',
        table(['Type', 'Records'], Object.entries(counts)),
      ].join('\n'),
    });
  }
}

const diffMessages = loadMessages('revops.config.diff');

export class ConfigDiffCommand extends RevopsCommand<ConfigDiff> {
  public static readonly summary = diffMessages.getMessage('summary');
  public static readonly description = diffMessages.getMessage('description');
  public static readonly examples = diffMessages.getMessages('examples');
  public static readonly flags = { 'target-org': targetOrgFlag() };

  public async run(): Promise<ConfigDiff> {
    const { flags } = await this.parse(ConfigDiffCommand);
    const org = this.orgOrDefault(flags['target-org'], 'revops config diff -o my-sandbox');
    let source: RawRecord[] = [];
    try {
      source = sourceRecords();
    } catch (e) {
      configFail(e);
    }
    this.progress_('Reading the config records of the org ...');
    const { session } = await resolveOrg(org);
    const http = httpFor(session, { onRetry: (r) => this.progress_(`  retry ${r.attempt} (${r.reason})`) });
    const inOrg: RawRecord[] = [];
    for (const q of configQueries()) {
      const rows = await query<Record<string, unknown>>(http, q.soql).catch(
        (e: Error & { errorCode?: string }) => {
          if (e.errorCode === 'INVALID_TYPE') {
            this.warn_(
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
          `Push force-app to the org with: revops config push -o ${orgLabel(org, '<org>')} --execute`,
        ].join('\n');
    return this.finish({ result: diff, human });
  }
}

const pushMessages = loadMessages('revops.config.push');

/** What config push --execute backed up before it deployed. */
export interface PushBackup {
  dir: string;
  records: number;
  added: string[];
}
export type ConfigPushResult = DeployCommandResult & { backup?: PushBackup; restoredFrom?: string };

export class ConfigPush extends RevopsCommand<ConfigPushResult> {
  public static readonly summary = pushMessages.getMessage('summary');
  public static readonly description = pushMessages.getMessage('description');
  public static readonly examples = pushMessages.getMessages('examples');
  public static readonly flags = {
    'target-org': deployFlags['target-org'],
    execute: deployFlags.execute,
    'dry-run': deployFlags['dry-run'],
    wait: deployFlags.wait,
    'backup-dir': Flags.string({
      summary: pushMessages.getMessage('flags.backup-dir.summary'),
      helpValue: '<dir>',
    }),
    restore: Flags.directory({
      summary: pushMessages.getMessage('flags.restore.summary'),
      helpValue: '<backup-dir>',
      exists: true,
    }),
  };

  public async run(): Promise<ConfigPushResult> {
    const { flags: f } = await this.parse(ConfigPush);
    const restore = f.restore ? readBackupOrFail(f.restore) : undefined;
    const checked = restore ? null : await this.checkedForPush();
    const dirs = checked?.dirs ?? [restore!.recordsDir];
    const flags = {
      ...parseDeployFlags({ ...f, 'source-dir': dirs.join(',') }),
      deletions: restore?.manifest.added.map((fullName) => ({ type: 'CustomMetadata', fullName })),
    };
    if (flags.dryRun) this.progress_(DRY_RUN_NOTE);
    const { session } = await resolveOrg(flags.org);
    const http = httpFor(session, { onRetry: (r) => this.progress_(`  retry ${r.attempt} (${r.reason})`) });
    const orgKey = session.orgId ?? session.instanceUrl;
    const label = `the org ${orgLabel(flags.org, session.username && !session.username.includes('!') ? session.username : session.instanceUrl)}`;
    if (restore && restore.manifest.org !== orgKey)
      throw new SfError(
        `${f.restore} is a backup of the org ${restore.manifest.org}, not of ${label} (${orgKey}); nothing was pushed.`,
        'BackupOfAnotherOrg',
        ['Restore a backup into the org it was taken from: pass that org with -o.'],
      );
    // 3. the set against the org it goes to: its fields (describe) and its Lead queues (a restore sends back what
    // the org held, so it is not checked again)
    if (checked) await checkAgainstOrg(http, label, checked.records);
    let backup: PushBackup | undefined;
    if (!flags.dryRun) {
      const dir = f['backup-dir'] ?? defaultBackupDir(orgKey);
      this.progress_(`Backing up the org's records of the pushed types to ${dir} ...`);
      backup = await backUp(http, dirs, dir, orgKey);
    }
    const out = await runDeploy(this.progress_, flags);
    const lines = [out.human];
    if (backup)
      lines.push(
        `Backup of the org's records before this push: ${backup.dir} (${backup.records} records; the push adds ${backup.added.length}).`,
        `Undo it with: revops config push -o ${orgLabel(flags.org, '<org>')} --restore ${backup.dir} --execute`,
      );
    return this.finish({
      ...out,
      human: lines.join('\n'),
      result: {
        ...out.result,
        ...(backup ? { backup } : {}),
        ...(f.restore ? { restoredFrom: f.restore } : {}),
      },
    });
  }

  /** Gates 1 and 2 before anything reaches the org; the customMetadata folders to push and their records. */
  private async checkedForPush(): Promise<{ dirs: string[]; records: RawRecord[] }> {
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
      throw new SfError(
        `No customMetadata folder under ${roots.join(', ')}: nothing to push.`,
        'NothingToPush',
      );
    this.progress_("Running the verify gate's deploy check on the records to push ...");
    const problems = await deployCheck(this.gate, roots, dirs);
    if (problems.length)
      throw new SfError(
        `The verify gate's deploy check found ${problems.length} problem(s) in the records to push; nothing was pushed.\n${problems.map((p) => `  ${p}`).join('\n')}`,
        'VerifyFailed',
        [
          'Fix the file(s) above, then run revops config push again (npm run verify -- --only deploy shows the same).',
        ],
      );
    return { dirs, records };
  }
}

/** Gate 3: the project's records against the target org's fields and Lead queues. */
async function checkAgainstOrg(
  http: ReturnType<typeof httpFor>,
  label: string,
  records: RawRecord[],
): Promise<void> {
  const inOrg = await contextFromOrg(
    {
      describe: (object) => describeOrNull(http, object),
      query: (soql) => query<Record<string, unknown>>(http, soql),
    },
    label,
  );
  try {
    parseConfig(records, inOrg);
  } catch (e) {
    configFail(e, label);
  }
}

const describeOrNull = (http: ReturnType<typeof httpFor>, object: string) =>
  describeFields(http, object).catch((e: unknown) => {
    if (e instanceof OrgApiError && e.status === 404) return null;
    throw e;
  });

/** Copies the org's records of every type the push sends into `dir`, before anything is deployed. */
async function backUp(
  http: ReturnType<typeof httpFor>,
  dirs: string[],
  dir: string,
  org: string,
): Promise<PushBackup> {
  const pushed = recordNames(dirs);
  const types = [...new Set(pushed.map((n) => n.split('.')[0]))];
  const records = await readOrgRecords(
    {
      fields: async (object) => (await describeOrNull(http, object))?.map((d) => d.name) ?? null,
      query: (soql) => query<Record<string, unknown>>(http, soql),
    },
    types,
  );
  const held = new Set(records.map((r) => `${r.type}.${r.name}`));
  const added = pushed.filter((n) => !held.has(n));
  try {
    writeBackup(
      dir,
      { org, takenAt: new Date().toISOString(), types, records: records.length, added },
      records,
    );
  } catch (e) {
    throw new SfError(
      `Could not write the backup, so nothing was pushed: ${(e as Error).message}`,
      'BackupFailed',
      ['Pass --backup-dir with a new folder you can write to.'],
    );
  }
  return { dir, records: records.length, added };
}

function readBackupOrFail(dir: string): ReturnType<typeof readBackup> {
  try {
    return readBackup(dir);
  } catch (e) {
    throw new SfError(`${(e as Error).message} Nothing was pushed.`, 'BackupInvalid', [
      'Pass --restore the folder that config push --execute named after "Undo it with:".',
    ]);
  }
}

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
