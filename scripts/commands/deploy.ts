import { SfError } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { orgLabel, str } from './format.ts';
import { invalidFlag, loadMessages, RevopsCommand, targetOrgFlag } from './base.ts';
import { connectionFromSession, resolveOrg } from '../lib/org/connect.ts';
import {
  deployPhased,
  formatProblem,
  TEST_LEVELS,
  type DeployOutcome,
  type PhasedDeployOutcome,
  type PhaseReport,
  type TestLevel,
} from '../lib/org/deploy.ts';
import { STAGE_MODES, type StageMode } from '../lib/org/opportunityStages.ts';
import {
  deploySubscriberConfig,
  renderSubscriber,
  usernameProblem,
  userProblemBeforeDeploy,
  type SubscriberOutcome,
} from '../lib/org/enrichmentSubscriber.ts';

/** What --only deploys instead of force-app. */
export const ONLY = ['enrichment-subscriber'] as const;

export interface DeployFlags {
  org: string | undefined;
  dryRun: boolean;
  testLevel: TestLevel | undefined;
  tests: string[];
  waitMinutes: number;
  paths: string[];
  opportunityStages: StageMode;
  activationWaitMinutes: number;
  /** Deploy the enrichment subscriber config running as this user (after force-app, or alone with --only). */
  enrichmentUser?: string;
  assignPermissionSet?: boolean;
  only?: (typeof ONLY)[number];
  /** Components to delete after the deploy (config push --restore: the records the undone push added). */
  deletions?: Array<{ type: string; fullName: string }>;
}

type FlagValues = Record<string, unknown>;

function minutes(f: FlagValues, name: string, fallback: number): number {
  const v = f[name] === undefined ? fallback : Number(f[name]);
  if (!Number.isFinite(v) || v <= 0)
    throw invalidFlag(`--${name} takes minutes, a positive number (got "${String(f[name])}").`, []);
  return v;
}

export function parseDeployFlags(f: FlagValues): DeployFlags {
  const testLevel = str(f['test-level']);
  if (testLevel && !TEST_LEVELS.includes(testLevel as TestLevel)) {
    throw invalidFlag(`--test-level must be one of ${TEST_LEVELS.join(', ')} (got "${testLevel}").`, [
      'e.g. --test-level RunLocalTests',
    ]);
  }
  const tests = (str(f.tests) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (testLevel === 'RunSpecifiedTests' && !tests.length)
    throw invalidFlag('--test-level RunSpecifiedTests needs --tests Class1,Class2.', []);
  const wait = minutes(f, 'wait', 33);
  const stages = str(f['opportunity-stages']) ?? 'merge';
  if (!STAGE_MODES.includes(stages as StageMode))
    throw invalidFlag(`--opportunity-stages must be one of ${STAGE_MODES.join(', ')} (got "${stages}").`, [
      "merge keeps the org's stages active and adds ours; replace deactivates the org's other stages; skip leaves stages alone",
    ]);
  const paths = (str(f['source-dir']) ?? 'force-app')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const enrichmentUser = str(f['enrichment-user'])?.trim();
  const only = str(f.only);
  if (only && !ONLY.includes(only as (typeof ONLY)[number]))
    throw invalidFlag(`--only must be one of ${ONLY.join(', ')} (got "${only}").`, []);
  if (enrichmentUser !== undefined) {
    const problem = usernameProblem(enrichmentUser);
    if (problem) throw invalidFlag(problem, []);
  }
  if ((only || f['assign-permission-set'] === true) && !enrichmentUser)
    throw invalidFlag(
      `${only ? `--only ${only}` : '--assign-permission-set'} needs --enrichment-user <username> (the enrichment integration user).`,
      [
        'e.g. revops deploy -o my-org --only enrichment-subscriber --enrichment-user enrichment.integration@yourcompany.com',
      ],
    );
  // A check-only validation unless --execute (dry run is the default, as for every command that writes to an org)
  return {
    org: str(f['target-org']),
    dryRun: f.execute !== true,
    testLevel: testLevel as TestLevel | undefined,
    tests,
    waitMinutes: wait,
    paths,
    opportunityStages: stages as StageMode,
    activationWaitMinutes: minutes(f, 'activation-wait', 20),
    ...(enrichmentUser
      ? {
          enrichmentUser,
          assignPermissionSet: f['assign-permission-set'] === true,
          only: only as (typeof ONLY)[number] | undefined,
        }
      : {}),
  };
}

const headOf = (o: DeployOutcome, orgLabel: string): string =>
  `${o.checkOnly ? 'Validation (check-only deploy)' : 'Deploy'} ${o.status} on ${orgLabel}${o.id ? ` (${o.id})` : ''}: ${o.componentsDeployed}/${o.componentsTotal} components${o.componentErrors ? `, ${o.componentErrors} errors` : ''}`;

function phaseLine(p: PhaseReport, orgLabel: string): string {
  const head = `Phase ${p.phase}/3 ${p.title}: `;
  if (p.deploy) return head + headOf(p.deploy, orgLabel);
  if (p.wait && p.wait.result !== 'not-run')
    return (
      head +
      (p.wait.result === 'all'
        ? `all ${p.wait.rules.length} Active after ${Math.round(p.wait.waitedMs / 1000)} s`
        : `${p.wait.result === 'timeout' ? 'timed out' : 'failed'} after ${Math.round(p.wait.waitedMs / 1000)} s (${p.wait.notActive.join(', ')})`)
    );
  return head + `skipped (${p.skipped ?? 'nothing to do'})`;
}

export function renderDeploy(o: DeployOutcome | PhasedDeployOutcome, orgLabel: string): string {
  const phases = 'phases' in o ? o.phases : [];
  // one line per phase when there is more than one thing to do; a tree without matching rules reads as before
  const shown = phases.some((p) => p.phase !== 3 && !p.idle) ? phases : [];
  const lines = shown.length ? shown.map((p) => phaseLine(p, orgLabel)) : [headOf(o, orgLabel)];
  lines.push(...o.problems.map(formatProblem));
  if ('notes' in o) lines.push(...o.notes);
  if (o.exitCode === 69 && o.id)
    lines.push(`Still running when --wait ended. Check later in Setup > Deployment Status (id ${o.id}).`);
  if (o.checkOnly && o.exitCode === 0)
    lines.push(
      'Nothing was changed in the org (a dry run). Deploy for real with: revops deploy -o <org> --execute',
    );
  return lines.join('\n');
}

/** Phase 2 poll interval; replaceable in tests. */
export const phaseTiming = { activationPollMs: 5000, subscriberPollMs: 1000 };

export type DeployCommandResult = PhasedDeployOutcome & {
  org: string;
  enrichmentSubscriber?: SubscriberOutcome;
};
/** The result of --only enrichment-subscriber. */
export type SubscriberCommandResult = SubscriberOutcome & { org: string };

const subscriberLines = (o: SubscriberOutcome, label: string): string =>
  renderSubscriber(o, (d) => [headOf(d, label), ...d.problems.map(formatProblem)]).join('\n');

/** Shared by deploy and config push: resolve the org, deploy in phases, map to a command result. */
export async function runDeploy(
  progress: (message: string) => void,
  flags: DeployFlags,
): Promise<{ result: DeployCommandResult; human: string; exitCode: number }> {
  const { session } = await resolveOrg(flags.org);
  const connection = await connectionFromSession(session);
  if (flags.enrichmentUser) {
    // a subscriber step bound to fail stops the deploy before anything is sent
    progress(`Checking the enrichment user ${flags.enrichmentUser} before deploying ...`);
    const problem = await userProblemBeforeDeploy({
      connection,
      username: flags.enrichmentUser,
      assignPermissionSet: flags.assignPermissionSet === true,
      orgFlag: orgLabel(flags.org, '<org>'),
    });
    if (problem) throw new SfError(problem, 'EnrichmentUserNotReady', [], 1);
  }
  const outcome = await deployPhased({
    connection,
    paths: flags.paths,
    checkOnly: flags.dryRun,
    testLevel: flags.testLevel,
    runTests: flags.tests,
    waitMinutes: flags.waitMinutes,
    onProgress: progress,
    opportunityStages: flags.opportunityStages,
    activationWaitMinutes: flags.activationWaitMinutes,
    activationPollMs: phaseTiming.activationPollMs,
    deletions: flags.deletions,
  });
  const label = labelOf(flags, session);
  const result: DeployCommandResult = { ...outcome, org: session.orgId ?? label };
  let human = renderDeploy(outcome, label);
  if (!flags.enrichmentUser) return { result, human, exitCode: outcome.exitCode };
  // the subscriber config names the trigger: it goes after force-app, and only when force-app went in
  if (outcome.exitCode !== 0) {
    human += `\nEnrichment subscriber: skipped (the force-app deploy did not succeed); nothing was sent for ${flags.enrichmentUser}.`;
    return { result, human, exitCode: outcome.exitCode };
  }
  const sub = await subscriberStep(connection, progress, flags);
  return {
    result: { ...result, enrichmentSubscriber: sub },
    human: `${human}\n${subscriberLines(sub, label)}`,
    exitCode: sub.exitCode,
  };
}

/** --only enrichment-subscriber: the subscriber config alone, for an org that has force-app already. */
export async function runSubscriberOnly(
  progress: (message: string) => void,
  flags: DeployFlags,
): Promise<{ result: SubscriberCommandResult; human: string; exitCode: number }> {
  const { session } = await resolveOrg(flags.org);
  const connection = await connectionFromSession(session);
  const sub = await subscriberStep(connection, progress, flags);
  const label = labelOf(flags, session);
  const lines = [subscriberLines(sub, label)];
  if (sub.checkOnly && sub.exitCode === 0)
    lines.push(
      `Nothing was changed in the org (a dry run). Deploy for real with: revops deploy -o <org> --only enrichment-subscriber --enrichment-user ${sub.username} --execute`,
    );
  return { result: { ...sub, org: session.orgId ?? label }, human: lines.join('\n'), exitCode: sub.exitCode };
}

function labelOf(flags: DeployFlags, session: { username?: string; instanceUrl: string }): string {
  return orgLabel(
    flags.org,
    session.username && !session.username.includes('!') ? session.username : session.instanceUrl,
  );
}

function subscriberStep(
  connection: Awaited<ReturnType<typeof connectionFromSession>>,
  progress: (message: string) => void,
  flags: DeployFlags,
): Promise<SubscriberOutcome> {
  return deploySubscriberConfig({
    connection,
    username: flags.enrichmentUser!,
    checkOnly: flags.dryRun,
    assignPermissionSet: flags.assignPermissionSet === true,
    waitMinutes: flags.waitMinutes,
    pollMs: phaseTiming.subscriberPollMs,
    onProgress: progress,
    // an access token given as -o is never echoed: the suggested command says <org>
    orgFlag: orgLabel(flags.org, '<org>'),
  });
}

const messages = loadMessages('revops.deploy');

/** The deploy flags, shared with config push (which takes -o, --execute, --dry-run and --wait). */
export const deployFlags = {
  'target-org': targetOrgFlag(),
  execute: Flags.boolean({ summary: messages.getMessage('flags.execute.summary'), exclusive: ['dry-run'] }),
  'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), exclusive: ['execute'] }),
  'test-level': Flags.string({
    summary: messages.getMessage('flags.test-level.summary'),
    options: [...TEST_LEVELS],
  }),
  tests: Flags.string({ summary: messages.getMessage('flags.tests.summary'), helpValue: '<Class1,Class2>' }),
  wait: Flags.string({
    summary: messages.getMessage('flags.wait.summary'),
    helpValue: '<minutes>',
    default: '33',
  }),
  'source-dir': Flags.string({
    summary: messages.getMessage('flags.source-dir.summary'),
    helpValue: '<dir,dir>',
    default: 'force-app',
  }),
  'skip-verify': Flags.boolean({ summary: messages.getMessage('flags.skip-verify.summary') }),
  'activation-wait': Flags.string({
    summary: messages.getMessage('flags.activation-wait.summary'),
    helpValue: '<minutes>',
    default: '20',
  }),
  'opportunity-stages': Flags.string({
    summary: messages.getMessage('flags.opportunity-stages.summary'),
    options: [...STAGE_MODES],
    default: 'merge',
  }),
  'enrichment-user': Flags.string({
    summary: messages.getMessage('flags.enrichment-user.summary'),
    helpValue: '<username>',
  }),
  'assign-permission-set': Flags.boolean({
    summary: messages.getMessage('flags.assign-permission-set.summary'),
  }),
  only: Flags.string({ summary: messages.getMessage('flags.only.summary'), options: [...ONLY] }),
};

export default class Deploy extends RevopsCommand<DeployCommandResult | SubscriberCommandResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = deployFlags;

  public async run(): Promise<DeployCommandResult | SubscriberCommandResult> {
    const { flags: f } = await this.parse(Deploy);
    const flags = parseDeployFlags(f);
    if (flags.only === 'enrichment-subscriber') {
      // nothing from force-app is sent, so the local verify gate has nothing to check
      if (flags.dryRun) this.progress_(DRY_RUN_NOTE);
      return this.finish(await runSubscriberOnly(this.progress_, flags));
    }
    if (f['skip-verify']) this.warn_('Skipped the local verify gate (--skip-verify).');
    else {
      this.progress_('Running the local verify gate (npm run verify) ...');
      const v = await this.gate.verify();
      if (!v.ok)
        throw new SfError(
          `The local verify gate failed; nothing was deployed.\n${v.report}`,
          'VerifyFailed',
          ['Fix the problems above (npm run verify), then deploy again.'],
        );
    }
    if (flags.dryRun) this.progress_(DRY_RUN_NOTE);
    return this.finish(await runDeploy(this.progress_, flags));
  }
}

/** Said before a dry run of deploy or config push talks to the org. */
export const DRY_RUN_NOTE =
  'Dry run: a check-only validation, nothing changes in the org. Pass --execute to deploy.';
