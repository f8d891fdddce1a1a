// Metadata deploy through @salesforce/source-deploy-retrieve (SOAP Metadata API deploy + checkDeployStatus),
// with progress, component failures as file:line:col: problem, and sf-style exit codes. deployPhased runs the
// three phases of deployPlan.ts (matching rules, wait until active, everything else).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { Connection } from '@salesforce/core';
import type { ComponentSet, FileResponse, SourceComponent } from '@salesforce/source-deploy-retrieve';
import {
  parseDuplicateRule,
  parseMatchingRules,
  planPhases,
  renumberDuplicateRules,
  ruleKey,
  unitKey,
  withSortOrder,
  type MatchingRuleRef,
  type PhasePlan,
  type RuleStatus,
  type SourceUnit,
} from './deployPlan.ts';
import { orgReader, waitForActive, type DeployOrgReader } from './deployOrg.ts';
import {
  mergeStages,
  parseStandardValueSet,
  serializeStandardValueSet,
  stagesDeactivatedByReplace,
  type StageMode,
} from './opportunityStages.ts';

export type TestLevel = 'NoTestRun' | 'RunLocalTests' | 'RunSpecifiedTests' | 'RunAllTestsInOrg';
export const TEST_LEVELS: readonly TestLevel[] = [
  'NoTestRun',
  'RunLocalTests',
  'RunSpecifiedTests',
  'RunAllTestsInOrg',
];

/** sf's exit codes: 0 success, 1 failure, 68 partial success, 69 still in progress when the wait ended. */
export const EXIT = { ok: 0, failed: 1, partial: 68, inProgress: 69 } as const;

export interface DeployOptions {
  connection: Connection;
  /** Source folders (or files) to deploy; default force-app. */
  paths: string[];
  checkOnly: boolean;
  testLevel?: TestLevel;
  runTests?: string[];
  waitMinutes: number;
  /** Status poll interval (ms). */
  pollMs?: number;
  onProgress?(message: string): void;
  /** Deploy these components instead of everything under `paths`. */
  components?: ComponentSet;
  /** Problems in a rewritten copy (key: its path) are reported at its source file (value). */
  fileMap?: Map<string, string>;
}

export interface DeployProblem {
  file: string | null;
  line: number | null;
  column: number | null;
  type: string;
  fullName: string;
  problem: string;
  problemType: 'Error' | 'Warning';
}

export interface DeployOutcome {
  id: string | null;
  status: string;
  checkOnly: boolean;
  success: boolean;
  componentsTotal: number;
  componentsDeployed: number;
  componentErrors: number;
  problems: DeployProblem[];
  exitCode: number;
}

export function formatProblem(p: DeployProblem): string {
  if (p.type === 'Plan') return p.problem; // found before anything was sent: the message says it all
  const where = p.file
    ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`
    : `${p.type} ${p.fullName}`;
  return `${where}: ${p.problemType === 'Warning' ? 'warning: ' : ''}${p.problem} (${p.type} ${p.fullName})`;
}

function problemsOf(files: FileResponse[], fileMap?: Map<string, string>): DeployProblem[] {
  const out: DeployProblem[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    if (f.state !== 'Failed' && !('problemType' in f && f.problemType === 'Warning')) continue;
    const r = f as FileResponse & {
      error?: string;
      lineNumber?: number;
      columnNumber?: number;
      problemType?: 'Error' | 'Warning';
    };
    const p: DeployProblem = {
      file: f.filePath ? relative(process.cwd(), fileMap?.get(f.filePath) ?? f.filePath) : null,
      line: r.lineNumber ?? null,
      column: r.columnNumber ?? null,
      type: f.type,
      fullName: f.fullName,
      problem: (r.error ?? 'failed').replace(/ \(\d+:\d+\)$/, ''), // SDR appends (line:col); we print it up front
      problemType: r.problemType ?? 'Error',
    };
    const key = `${p.type}:${p.fullName}:${p.line}:${p.problem}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

export async function deploySource(opts: DeployOptions): Promise<DeployOutcome> {
  const progress = opts.onProgress ?? (() => {});
  // loaded here, not at module load: SDR is large and only deploys need it
  const { ComponentSet, RequestStatus } = await import('@salesforce/source-deploy-retrieve');
  const set = opts.components ?? ComponentSet.fromSource(opts.paths);
  const size = set.size;
  progress(
    `${opts.checkOnly ? 'Validating (check-only deploy of)' : 'Deploying'} ${size} components from ${opts.paths.join(', ')} ...`,
  );
  const deploy = await set.deploy({
    usernameOrConnection: opts.connection,
    apiOptions: {
      checkOnly: opts.checkOnly,
      rollbackOnError: true,
      ...(opts.testLevel ? { testLevel: opts.testLevel } : {}),
      ...(opts.runTests?.length ? { runTests: opts.runTests } : {}),
    },
  });
  let last = '';
  deploy.onUpdate((s) => {
    const line = `  ${s.status}: ${s.numberComponentsDeployed}/${s.numberComponentsTotal} components${s.numberComponentErrors ? `, ${s.numberComponentErrors} errors` : ''}${s.numberTestsTotal ? `, tests ${s.numberTestsCompleted}/${s.numberTestsTotal}` : ''}${s.stateDetail ? ` (${s.stateDetail})` : ''}`;
    if (line !== last) progress(line);
    last = line;
  });
  try {
    const result = await deploy.pollStatus(
      opts.pollMs ?? 1000,
      Math.max(1, Math.round(opts.waitMinutes * 60)),
    );
    const r = result.response;
    const status = String(r.status);
    const exitCode =
      status === RequestStatus.Succeeded
        ? EXIT.ok
        : status === RequestStatus.SucceededPartial
          ? EXIT.partial
          : EXIT.failed;
    return {
      id: r.id,
      status,
      checkOnly: String(r.checkOnly) === 'true',
      success: String(r.success) === 'true',
      componentsTotal: Number(r.numberComponentsTotal),
      componentsDeployed: Number(r.numberComponentsDeployed),
      componentErrors: Number(r.numberComponentErrors),
      problems: problemsOf(result.getFileResponses(), opts.fileMap),
      exitCode,
    };
  } catch (e) {
    const err = e as Error;
    if (/timed? ?out|timeout/i.test(`${err.name} ${err.message}`)) {
      return {
        id: deploy.id ?? null,
        status: 'InProgress',
        checkOnly: opts.checkOnly,
        success: false,
        componentsTotal: size,
        componentsDeployed: 0,
        componentErrors: 0,
        problems: [],
        exitCode: EXIT.inProgress,
      };
    }
    throw e;
  }
}

export interface PhasedDeployOptions extends Omit<DeployOptions, 'components' | 'fileMap'> {
  /** What to do with standardValueSets/OpportunityStage (see opportunityStages.ts). */
  opportunityStages: StageMode;
  /** Phase 2 gives up after this many minutes. */
  activationWaitMinutes: number;
  /** Phase 2 poll interval (ms, default 5000). */
  activationPollMs?: number;
  /** Org reads; default over `connection`. */
  reader?: DeployOrgReader;
  /** Components to delete after phase 3's deploy (destructiveChangesPost.xml), e.g. `config push --restore`. */
  deletions?: Array<{ type: string; fullName: string }>;
  sleep?(ms: number): Promise<void>;
}

export interface PhaseReport {
  phase: 1 | 2 | 3;
  title: string;
  /** True when the source gives this phase nothing to do (no matching rules): renderers may leave it out. */
  idle?: boolean;
  /** Why the phase did not run. */
  skipped?: string;
  /** Components sent (keys `Type:FullName`). */
  components?: string[];
  deploy?: DeployOutcome;
  wait?: {
    result: 'all' | 'failed' | 'timeout' | 'not-run';
    waitedMs: number;
    rules: string[];
    notActive: string[];
  };
}

export interface PhasedDeployOutcome extends DeployOutcome {
  phases: PhaseReport[];
  /** What the deploy changed on the way: sort orders, merged stages, rules left out of a validation. */
  notes: string[];
}

const PHASE_TITLES = {
  1: 'matching rules',
  2: 'matching rules active',
  3: 'everything else',
} as const;

function unitsOf(components: SourceComponent[]): SourceUnit[] {
  return components.map((c) => {
    const files = [c.xml, ...c.getChildren().map((k) => k.xml)].filter((f): f is string => Boolean(f));
    return {
      type: c.type.name,
      fullName: c.fullName,
      text: files.map((f) => readFileSync(f, 'utf8')).join('\n'),
    };
  });
}

function failure(checkOnly: boolean, problems: string[], exitCode: number = EXIT.failed): DeployOutcome {
  return {
    id: null,
    status: 'Failed',
    checkOnly,
    success: false,
    componentsTotal: 0,
    componentsDeployed: 0,
    componentErrors: problems.length,
    problems: problems.map((problem) => ({
      file: null,
      line: null,
      column: null,
      type: 'Plan',
      fullName: 'revops deploy',
      problem,
      problemType: 'Error' as const,
    })),
    exitCode,
  };
}

/** Rewritten copies of source files in a temporary source tree (deleted by `dispose`). */
class Rewrites {
  readonly dir = mkdtempSync(join(tmpdir(), 'revops-deploy-'));
  readonly byKey = new Map<string, string>();
  readonly fileMap = new Map<string, string>();
  add(key: string, source: SourceComponent, text: string): void {
    const folder = basename(join(source.xml!, '..'));
    mkdirSync(join(this.dir, 'main/default', folder), { recursive: true });
    const file = join(this.dir, 'main/default', folder, basename(source.xml!));
    writeFileSync(file, text);
    this.byKey.set(key, file);
    this.fileMap.set(file, source.xml!);
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Deploys in three phases (deployPlan.ts): matching rules and what they need; wait until the matching rules the
 * duplicate rules use are Active; everything else. Before phase 1 it reads the org: matching rule status (files whose
 * rules are all Active/Activating are not sent again, so a retry resumes), the org's duplicate rules (ours are
 * renumbered after them) and, unless --opportunity-stages skip/replace, the org's stages (merged with ours).
 * Stops at the first phase that fails; exit code of the first failure (69 when the wait ran out).
 */
export async function deployPhased(opts: PhasedDeployOptions): Promise<PhasedDeployOutcome> {
  const progress = opts.onProgress ?? (() => {});
  const { ComponentSet: Sets } = await import('@salesforce/source-deploy-retrieve');
  const all = Sets.fromSource(opts.paths).getSourceComponents().toArray();
  const byKey = new Map(all.map((c) => [unitKey(c.type.name, c.fullName), c]));
  const units = unitsOf(all);
  const reader = opts.reader ?? orgReader(opts.connection);
  const notes: string[] = [];
  const phases: PhaseReport[] = [];
  const done = (last: DeployOutcome): PhasedDeployOutcome => {
    const firstBad = phases.find((p) => (p.deploy?.exitCode ?? 0) !== 0)?.deploy;
    return { ...last, exitCode: firstBad?.exitCode ?? last.exitCode, phases, notes };
  };

  // matching rule status: ours and those our duplicate rules use
  const refs = new Map<string, MatchingRuleRef>();
  for (const u of units) {
    if (u.type === 'MatchingRules')
      for (const r of parseMatchingRules(u.fullName, u.text)) refs.set(ruleKey(r), r);
    if (u.type === 'DuplicateRule')
      for (const r of parseDuplicateRule(u.fullName, u.text).matchingRules) refs.set(ruleKey(r), r);
  }
  const orgStatus: Map<string, RuleStatus> = refs.size
    ? await reader.matchingRuleStatus([...refs.values()])
    : new Map();
  const plan: PhasePlan = planPhases({ units, orgStatus, checkOnly: opts.checkOnly });
  if (plan.problems.length) return done(failure(opts.checkOnly, plan.problems));

  const rewrites = new Rewrites();
  try {
    const phase3 = new Set(plan.phase3);
    const problems = await rewriteDuplicateRules(units, byKey, reader, rewrites, notes);
    problems.push(
      ...(await rewriteStages(units, byKey, reader, rewrites, notes, opts.opportunityStages, phase3)),
    );
    if (problems.length) return done(failure(opts.checkOnly, problems));
    if (plan.heldBack.length)
      notes.push(
        `Not validated now: ${plan.heldBack.join(', ')} (their matching rules are not Active in the org yet; a real deploy sends them after phase 2).`,
      );
    if (plan.keptInOrg.length)
      notes.push(
        `Not sent again: ${plan.keptInOrg.join(', ')} (every rule in them is already Active or Activating in the org; to change an active matching rule, deactivate the duplicate rules that use it first).`,
      );
    const substitutes = rewrites.byKey.size
      ? new Map(
          Sets.fromSource([...rewrites.byKey.values()])
            .getSourceComponents()
            .toArray()
            .map((c) => [unitKey(c.type.name, c.fullName), c]),
        )
      : new Map<string, SourceComponent>();
    const setOf = (keys: string[]): ComponentSet =>
      new Sets(keys.map((k) => substitutes.get(k) ?? byKey.get(k)!).filter(Boolean));
    const run = async (phase: 1 | 3, keys: string[], tests: boolean): Promise<DeployOutcome> =>
      deploySource({
        ...opts,
        components: phase === 3 ? await withDeletions(setOf(keys), opts.deletions) : setOf(keys),
        fileMap: rewrites.fileMap,
        // phase 1 holds no Apex: no test level, so production runs no tests for it
        testLevel: tests ? opts.testLevel : undefined,
        runTests: tests ? opts.runTests : undefined,
      });

    const hasRules = units.some((u) => u.type === 'MatchingRules');
    const failed1 = await runPhase1(plan, hasRules, opts, phases, progress, run);
    if (failed1) return done(failed1);
    const failed2 = await runPhase2(plan, hasRules, orgStatus, reader, opts, phases, progress);
    if (failed2) return { ...failed2, phases, notes };

    // phase 3
    const keys3 = plan.phase3.filter((k) => phase3.has(k));
    progress(
      `Phase 3/3: ${opts.checkOnly ? 'validating' : 'deploying'} everything else (${keys3.length} components${opts.deletions?.length ? `, then deleting ${opts.deletions.length}` : ''}) ...`,
    );
    const d3 = await run(3, keys3, true);
    phases.push({ phase: 3, title: PHASE_TITLES[3], components: keys3, deploy: d3 });
    return done(d3);
  } finally {
    rewrites.dispose();
  }
}

/** `set` plus `deletions` marked for delete after the deploy (destructiveChangesPost.xml). */
async function withDeletions(
  set: ComponentSet,
  deletions: PhasedDeployOptions['deletions'],
): Promise<ComponentSet> {
  if (!deletions?.length) return set;
  const {
    DestructiveChangesType,
    RegistryAccess,
    SourceComponent: Component,
  } = await import('@salesforce/source-deploy-retrieve');
  const registry = new RegistryAccess();
  for (const d of deletions)
    set.add(
      new Component({ name: d.fullName, type: registry.getTypeByName(d.type) }),
      DestructiveChangesType.POST,
    );
  return set;
}

/** Phase 1: the matching rules and what they need. Returns the deploy when it failed (phases 2 and 3 skipped). */
async function runPhase1(
  plan: PhasePlan,
  hasRules: boolean,
  opts: PhasedDeployOptions,
  phases: PhaseReport[],
  progress: (message: string) => void,
  run: (phase: 1 | 3, keys: string[], tests: boolean) => Promise<DeployOutcome>,
): Promise<DeployOutcome | undefined> {
  if (!plan.phase1.length) {
    phases.push({
      phase: 1,
      title: PHASE_TITLES[1],
      idle: !hasRules,
      skipped: hasRules
        ? 'every matching rule is already Active or Activating in the org'
        : 'no matching rules in the source',
    });
  } else {
    const deps = plan.phase1Dependencies;
    progress(
      `Phase 1/3: ${opts.checkOnly ? 'validating' : 'deploying'} ${plan.phase1.length - deps.length} matching rule file(s)${deps.length ? ` and what they need (${deps.join(', ')})` : ''} ...`,
    );
    const d = await run(1, plan.phase1, false);
    phases.push({ phase: 1, title: PHASE_TITLES[1], components: plan.phase1, deploy: d });
    if (d.exitCode !== 0) {
      phases.push({ phase: 2, title: PHASE_TITLES[2], skipped: 'phase 1 did not succeed' });
      phases.push({ phase: 3, title: PHASE_TITLES[3], skipped: 'phase 1 did not succeed' });
      return d;
    }
  }
  return undefined;
}

/**
 * Phase 2: wait until the matching rules the duplicate rules use are Active (a check-only run only reports their
 * status). Returns the failure when they did not all activate (phase 3 skipped).
 */
async function runPhase2(
  plan: PhasePlan,
  hasRules: boolean,
  orgStatus: Map<string, RuleStatus>,
  reader: DeployOrgReader,
  opts: PhasedDeployOptions,
  phases: PhaseReport[],
  progress: (message: string) => void,
): Promise<DeployOutcome | undefined> {
  const rules = plan.waitFor.map(ruleKey);
  if (!plan.waitFor.length) {
    phases.push({
      phase: 2,
      title: PHASE_TITLES[2],
      idle: !hasRules,
      skipped: 'no matching rules to wait for',
    });
  } else if (opts.checkOnly) {
    const notActive = rules.filter((r) => orgStatus.get(r) !== 'Active');
    phases.push({
      phase: 2,
      title: PHASE_TITLES[2],
      skipped: `check-only: nothing was created, so nothing activates; in the org now ${rules.length - notActive.length}/${rules.length} Active`,
      wait: { result: 'not-run', waitedMs: 0, rules, notActive },
    });
  } else {
    progress(
      `Phase 2/3: waiting until ${rules.length} matching rules are Active (up to ${opts.activationWaitMinutes} min) ...`,
    );
    const w = await waitForActive(reader, plan.waitFor, {
      timeoutMs: opts.activationWaitMinutes * 60_000,
      pollMs: opts.activationPollMs ?? 5000,
      onProgress: progress,
      sleep: opts.sleep,
    });
    const notActive = w.notActive.map((r) => `${r.rule} ${r.status}`);
    phases.push({
      phase: 2,
      title: PHASE_TITLES[2],
      wait: { result: w.result, waitedMs: w.waitedMs, rules, notActive },
    });
    if (w.result !== 'all') {
      const message =
        w.result === 'timeout'
          ? `Matching rules still not Active after ${opts.activationWaitMinutes} min: ${notActive.join(', ')}. Nothing after phase 1 was deployed. Deploy again later with the same command (phase 1 is not repeated for rules already Active or Activating), or raise --activation-wait.`
          : `Matching rule activation failed: ${notActive.join(', ')}. Nothing after phase 1 was deployed. See Setup > Duplicate Management > Matching Rules, fix the rule, then deploy again.`;
      phases.push({ phase: 3, title: PHASE_TITLES[3], skipped: 'the matching rules are not Active' });
      return failure(false, [message], w.result === 'timeout' ? EXIT.inProgress : EXIT.failed);
    }
  }
  return undefined;
}

/** Renumbers our duplicate rules after the org's own (renumberDuplicateRules); returns problems. */
async function rewriteDuplicateRules(
  units: SourceUnit[],
  byKey: Map<string, SourceComponent>,
  reader: DeployOrgReader,
  rewrites: Rewrites,
  notes: string[],
): Promise<string[]> {
  const ours = units
    .filter((u) => u.type === 'DuplicateRule')
    .map((u) => ({ ...parseDuplicateRule(u.fullName, u.text), text: u.text }));
  if (!ours.length) return [];
  const org = await reader.duplicateRules([...new Set(ours.map((r) => r.object))]);
  const { orders, problems } = renumberDuplicateRules(ours, org);
  for (const r of ours) {
    const n = orders.get(r.fullName);
    if (n === undefined) continue;
    const key = unitKey('DuplicateRule', r.fullName);
    rewrites.add(key, byKey.get(key)!, withSortOrder(r.text, n));
    notes.push(
      `Duplicate rule ${r.fullName}: sort order ${r.sortOrder} -> ${n} (after the org's own rules on ${r.object}).`,
    );
  }
  return problems;
}

/** Applies --opportunity-stages to standardValueSets/OpportunityStage; returns problems. */
async function rewriteStages(
  units: SourceUnit[],
  byKey: Map<string, SourceComponent>,
  reader: DeployOrgReader,
  rewrites: Rewrites,
  notes: string[],
  mode: StageMode,
  phase3: Set<string>,
): Promise<string[]> {
  const key = unitKey('StandardValueSet', 'OpportunityStage');
  const unit = units.find((u) => unitKey(u.type, u.fullName) === key);
  if (!unit) return [];
  if (mode === 'skip') {
    phase3.delete(key);
    notes.push(
      "Opportunity stages not deployed (--opportunity-stages skip): add the engine's stages by hand.",
    );
    return [];
  }
  const ours = parseStandardValueSet(unit.text);
  let org;
  try {
    org = await reader.opportunityStages();
  } catch (e) {
    if (mode === 'replace') {
      notes.push(
        `Opportunity stages replaced; could not read the org's stages to list what is deactivated (${(e as Error).message}).`,
      );
      return [];
    }
    return [
      `Could not read the org's OpportunityStage values to merge ours into them (${(e as Error).message}). Deploy with --opportunity-stages replace (the org's other stages are deactivated) or skip.`,
    ];
  }
  if (mode === 'replace') {
    const gone = stagesDeactivatedByReplace(ours.values, org);
    notes.push(
      gone.length
        ? `Opportunity stages replaced: the org's stages ${gone.join(', ')} become inactive (--opportunity-stages replace).`
        : 'Opportunity stages replaced: the org had no other stages.',
    );
    return [];
  }
  const m = mergeStages(ours.values, org);
  rewrites.add(key, byKey.get(key)!, serializeStandardValueSet(ours.sorted, m.values));
  notes.push(
    `Opportunity stages merged: ${m.added.length} added (${m.added.join(', ') || 'none'}), ${m.updated.length} updated (${m.updated.join(', ') || 'none'}), ${m.kept.length} of the org's own kept active (${m.kept.join(', ') || 'none'}).`,
  );
  return [];
}
