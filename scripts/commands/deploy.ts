import type { Command, CommandContext } from './types.ts';
import { CliError, orgLabel, str } from './format.ts';
import { connectionFromSession, resolveOrg } from '../lib/org/connect.ts';
import {
  deploySource,
  formatProblem,
  TEST_LEVELS,
  type DeployOutcome,
  type TestLevel,
} from '../lib/org/deploy.ts';

/** The local verify gate; replaceable in tests. Returns a rendered report when it fails. */
export const gate = {
  async verify(): Promise<{ ok: boolean; report: string }> {
    const v = await import('../lib/verify/index.ts');
    const report = await v.runVerify({});
    return { ok: report.ok, report: v.renderReport(report) };
  },
};

export interface DeployFlags {
  org: string | undefined;
  dryRun: boolean;
  testLevel: TestLevel | undefined;
  tests: string[];
  waitMinutes: number;
  paths: string[];
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
  const wait = Number(str(f.wait) ?? '33');
  if (!Number.isFinite(wait) || wait <= 0)
    throw new CliError(
      `--wait takes minutes, a positive number (got "${str(f.wait)}").`,
      [],
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
  };
}

export function renderDeploy(o: DeployOutcome, orgLabel: string): string {
  const head = `${o.checkOnly ? 'Validation (check-only deploy)' : 'Deploy'} ${o.status} on ${orgLabel}${o.id ? ` (${o.id})` : ''}: ${o.componentsDeployed}/${o.componentsTotal} components${o.componentErrors ? `, ${o.componentErrors} errors` : ''}`;
  const lines = [head, ...o.problems.map(formatProblem)];
  if (o.exitCode === 69)
    lines.push(`Still running when --wait ended. Check later in Setup > Deployment Status (id ${o.id}).`);
  if (o.checkOnly && o.exitCode === 0)
    lines.push('Nothing was changed in the org. Deploy for real with: revops deploy -o <org>');
  return lines.join('\n');
}

/** Shared by deploy and config push: resolve the org, deploy, map to a command result. */
export async function runDeploy(
  ctx: CommandContext,
  flags: DeployFlags,
): Promise<{ result: DeployOutcome & { org: string }; human: string; exitCode: number }> {
  const { session } = await resolveOrg(flags.org);
  const connection = await connectionFromSession(session);
  const outcome = await deploySource({
    connection,
    paths: flags.paths,
    checkOnly: flags.dryRun,
    testLevel: flags.testLevel,
    runTests: flags.tests,
    waitMinutes: flags.waitMinutes,
    onProgress: ctx.progress,
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
  summary: 'Verify locally, then deploy force-app to an org (check-only unless -o is given)',
  usage:
    'revops deploy [-o ORG] [--dry-run] [--test-level NoTestRun|RunLocalTests|RunSpecifiedTests|RunAllTestsInOrg] [--tests A,B] [--wait MIN] [--source-dir DIR]',
  flags: {
    'target-org': { type: 'string', short: 'o' },
    'dry-run': { type: 'boolean', default: false },
    'test-level': { type: 'string' },
    tests: { type: 'string' },
    wait: { type: 'string' },
    'source-dir': { type: 'string' },
    'skip-verify': { type: 'boolean', default: false },
  },
  examples: [
    'revops deploy -o my-sandbox --dry-run --test-level RunLocalTests   # validate only',
    'revops deploy -o my-sandbox --test-level RunLocalTests',
  ],
  async run(ctx) {
    const flags = parseDeployFlags(ctx.flags);
    if (ctx.flags['skip-verify'] === true) ctx.warn('Skipped the local verify gate (--skip-verify).');
    else {
      ctx.progress('Running the local verify gate (npm run verify) ...');
      const v = await gate.verify();
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
