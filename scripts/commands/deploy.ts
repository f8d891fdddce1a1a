import type { Command, CommandContext } from './types.ts';
import { CliError, orgLabel, str } from './format.ts';
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

export interface DeployFlags {
  org: string | undefined;
  dryRun: boolean;
  testLevel: TestLevel | undefined;
  tests: string[];
  waitMinutes: number;
  paths: string[];
  opportunityStages: StageMode;
  activationWaitMinutes: number;
}

function minutes(f: CommandContext['flags'], name: string, fallback: number): number {
  const v = Number(str(f[name]) ?? String(fallback));
  if (!Number.isFinite(v) || v <= 0)
    throw new CliError(
      `--${name} takes minutes, a positive number (got "${str(f[name])}").`,
      [],
      'InvalidFlag',
      2,
    );
  return v;
}

export function parseDeployFlags(f: CommandContext['flags']): DeployFlags {
  const testLevel = str(f['test-level']);
  if (testLevel && !TEST_LEVELS.includes(testLevel as TestLevel)) {
    throw new CliError(
      `--test-level must be one of ${TEST_LEVELS.join(', ')} (got "${testLevel}").`,
      ['e.g. --test-level RunLocalTests'],
      'InvalidFlag',
      2,
    );
  }
  const tests = (str(f.tests) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (testLevel === 'RunSpecifiedTests' && !tests.length)
    throw new CliError('--test-level RunSpecifiedTests needs --tests Class1,Class2.', [], 'InvalidFlag', 2);
  const wait = minutes(f, 'wait', 33);
  const stages = str(f['opportunity-stages']) ?? 'merge';
  if (!STAGE_MODES.includes(stages as StageMode))
    throw new CliError(
      `--opportunity-stages must be one of ${STAGE_MODES.join(', ')} (got "${stages}").`,
      [
        "merge keeps the org's stages active and adds ours; replace deactivates the org's other stages; skip leaves stages alone",
      ],
      'InvalidFlag',
      2,
    );
  const paths = (str(f['source-dir']) ?? 'force-app')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Without an explicit -o the deploy is a check-only validation against the default org (dry run is the default).
  return {
    org: str(f['target-org']),
    dryRun: f['dry-run'] === true || !str(f['target-org']),
    testLevel: testLevel as TestLevel | undefined,
    tests,
    waitMinutes: wait,
    paths,
    opportunityStages: stages as StageMode,
    activationWaitMinutes: minutes(f, 'activation-wait', 20),
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
    lines.push('Nothing was changed in the org. Deploy for real with: revops deploy -o <org>');
  return lines.join('\n');
}

/** Phase 2 poll interval; replaceable in tests. */
export const phaseTiming = { activationPollMs: 5000 };

/** Shared by deploy and config push: resolve the org, deploy in phases, map to a command result. */
export async function runDeploy(
  ctx: CommandContext,
  flags: DeployFlags,
): Promise<{ result: PhasedDeployOutcome & { org: string }; human: string; exitCode: number }> {
  const { session } = await resolveOrg(flags.org);
  const connection = await connectionFromSession(session);
  const outcome = await deployPhased({
    connection,
    paths: flags.paths,
    checkOnly: flags.dryRun,
    testLevel: flags.testLevel,
    runTests: flags.tests,
    waitMinutes: flags.waitMinutes,
    onProgress: ctx.progress,
    opportunityStages: flags.opportunityStages,
    activationWaitMinutes: flags.activationWaitMinutes,
    activationPollMs: phaseTiming.activationPollMs,
  });
  const label = orgLabel(
    flags.org,
    session.username && !session.username.includes('!') ? session.username : session.instanceUrl,
  );
  return {
    result: { ...outcome, org: session.orgId ?? label },
    human: renderDeploy(outcome, label),
    exitCode: outcome.exitCode,
  };
}

export const deploy: Command = {
  words: ['deploy'],
  summary:
    'Verify locally, then deploy force-app to an org in phases: matching rules, wait until active, the rest (check-only unless -o is given)',
  usage:
    'revops deploy [-o ORG] [--dry-run] [--test-level NoTestRun|RunLocalTests|RunSpecifiedTests|RunAllTestsInOrg] [--tests A,B] [--wait MIN] [--activation-wait MIN] [--opportunity-stages merge|replace|skip] [--source-dir DIR]',
  flags: {
    'target-org': { type: 'string', short: 'o' },
    'dry-run': { type: 'boolean', default: false },
    'test-level': { type: 'string' },
    tests: { type: 'string' },
    wait: { type: 'string' },
    'source-dir': { type: 'string' },
    'skip-verify': { type: 'boolean', default: false },
    'activation-wait': { type: 'string' },
    'opportunity-stages': { type: 'string' },
  },
  examples: [
    'revops deploy -o my-sandbox --dry-run --test-level RunLocalTests   # validate only',
    'revops deploy -o my-sandbox --test-level RunLocalTests',
    "revops deploy -o prod --test-level RunLocalTests --opportunity-stages skip   # leave the org's stages alone",
  ],
  async run(ctx) {
    const flags = parseDeployFlags(ctx.flags);
    if (ctx.flags['skip-verify'] === true) ctx.warn('Skipped the local verify gate (--skip-verify).');
    else {
      ctx.progress('Running the local verify gate (npm run verify) ...');
      const v = await ctx.gate.verify();
      if (!v.ok)
        throw new CliError(
          `The local verify gate failed; nothing was deployed.\n${v.report}`,
          ['Fix the problems above (npm run verify), then deploy again.'],
          'VerifyFailed',
          1,
        );
    }
    if (!flags.org)
      ctx.warn('No -o given: validating against the default target org (check-only). Pass -o ORG to deploy.');
    return runDeploy(ctx, flags);
  },
};
