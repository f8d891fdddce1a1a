// Governor budget of a scenario's Apex replay, estimated offline. ScenarioRunner runs every step of a scenario
// inside one Test.startTest()/stopTest(), so the whole scenario shares one set of limits (100 SOQL queries, 150 DML
// statements). The engine model records which trigger paths each step runs (EngineState.trace); each path costs
// what docs/apex.md's per-path budget table declares, and the runner adds its own queries per step kind and per
// expectation kind (counted from ScenarioRunner.cls, ScenarioChecks.cls, ScenarioActivities.cls, ScenarioDigest.cls).
// The result is an upper bound of the declared budgets, not a measurement: see docs/development.md (Scenarios).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceEntry } from '../../scripts/lib/engine/state.ts';
import { runScenario, type Scenario, type StepOutcome } from './scenario.ts';

/** Where the shared limits are too close: a scenario over either bound fails tests/unit/scenarioBudget.test.ts. */
export const SOQL_BOUND = 90;
export const DML_BOUND = 140;

/** One budget row: per run of the path, and the items cached once per transaction (footnote ³, ⁴ or ⁶). */
export interface PathBudget {
  soql: number;
  dml: number;
  /** object → SOQL count, paid at most once per transaction (a test method is one transaction). */
  once: Map<string, number>;
  /** SOQL of a clause that names its condition ("leads routed at MQL or re-routed: ..."), by trace tag. */
  when: Map<string, number>;
  /** DML statements of such a clause ("leads converted: ..."), by trace tag. */
  dmlWhen: Map<string, number>;
}

/** Clause conditions of the table the engine model traces (TraceEntry.when); any other clause always counts. */
const CONDITIONS: [RegExp, string][] = [
  [/became MQLs?\b/, 'mql'],
  [/routed at MQL|re-routed/, 'routed'],
  [/leads reassigned/, 'reassigned'],
  [/web visitors/, 'visits'],
  [/leads converted/, 'converted'],
];

/** A SOQL or DML cell: the unconditional counts, and those of each clause whose condition the trace knows. */
function countClauses(cell: string): { total: number; once: Map<string, number>; when: Map<string, number> } {
  const when = new Map<string, number>();
  const free: string[] = [];
  for (const clause of cell.split(';')) {
    const label = /^([^:(`]*):/.exec(clause)?.[1] ?? '';
    const tag = CONDITIONS.find(([re]) => re.test(label))?.[1];
    if (tag) when.set(tag, (when.get(tag) ?? 0) + countCell(clause).total);
    else free.push(clause);
  }
  return { ...countCell(free.join(';')), when };
}

/** A count in the table is written `Object N` (or a DML verb `insert N`); footnote marks follow the number. */
const COUNT = /\b([A-Z]\w*|insert|update|delete|merge|convertLead) (\d+)(?!\d|,\d)([¹²³⁴⁵⁶]*)/g;
/** Footnotes that mean "once per transaction" (³, ⁴) and the hand-off/alarm footnote ⁶ (once per transaction). */
const ONCE_MARKS = ['³', '⁴', '⁶'];

function countCell(cell: string): { total: number; once: Map<string, number> } {
  let total = 0;
  const once = new Map<string, number>();
  for (const m of cell.matchAll(COUNT)) {
    const n = Number(m[2]);
    if (ONCE_MARKS.some((mark) => m[3].includes(mark))) once.set(m[1], Math.max(once.get(m[1]) ?? 0, n));
    else total += n;
  }
  return { total, once };
}

/**
 * docs/apex.md's "Per trigger path" table, by path ("Lead insert", "SlaMonitorJob", "Engagement API call", ...):
 * every count in a cell is added up, conditional ones ("only when ...", "(+ ...)") included. Footnote ⁶ (the
 * hand-off and SLA alarm actions, once per transaction) is added to every Lead, Contact and Opportunity path.
 */
export function pathBudgets(apexMd: string): Map<string, PathBudget> {
  const lines = apexMd.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| trigger path |'));
  if (start < 0) throw new Error('docs/apex.md: the per-path budget table ("| trigger path |") is missing');
  const at = lines.findIndex((l) => l.startsWith('⁶'));
  if (at < 0) throw new Error('docs/apex.md: footnote ⁶ (hand-off and SLA alarm actions) is missing');
  const end = lines.findIndex((l, i) => i > at && (l.trim() === '' || /^[¹²³⁴⁵]/.test(l)));
  const handoff = lines.slice(at, end < 0 ? undefined : end).join(' ');
  const [handoffSoql, handoffDml = ''] = handoff.slice(1).split('per chunk with a hand-off:');
  const extraSoql = countCell(handoffSoql).total; // every item of ⁶'s first part is once per transaction
  const extraDml = countCell(handoffDml).total;
  const out = new Map<string, PathBudget>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [name, soqlCell, dmlCell] = line.split('|').slice(1, 4);
    const soql = countClauses(soqlCell);
    const dml = countClauses(dmlCell);
    const base = name
      .replace(/\(.*\)/, '')
      .replace(/`/g, '')
      .trim();
    const [object, ...kinds] = base.split(' ');
    const names = kinds.join(' ').includes('/')
      ? kinds
          .join(' ')
          .split('/')
          .map((k) => `${object} ${k.trim()}`)
      : [base];
    for (const n of names) {
      const budget: PathBudget = {
        soql: soql.total,
        dml: dml.total,
        once: new Map(soql.once),
        when: soql.when,
        dmlWhen: dml.when,
      };
      if (/^(Lead|Contact|Opportunity) (insert|update)$/.test(n)) {
        budget.once.set('hand-off/alarm (⁶)', extraSoql);
        budget.dml += extraDml;
      }
      out.set(n, budget);
    }
  }
  return out;
}

/**
 * The query sites (`[SELECT ...]`, `Database.query(`) of the runner classes that stepOwn and checkSoql account
 * for; ScenarioRunner's find(), setUp() and shareAccounts() run before Test.startTest and cost the steps nothing
 * (shareAccounts reads the org's sharing defaults through RevOpsTestSharing.orgDefaults, kept for shareLead).
 * tests/unit/scenarioBudget.test.ts fails when a class gains or loses one: update the two functions with it.
 */
export const RUNNER_QUERY_SITES: Record<string, number> = {
  ScenarioRunner: 6,
  ScenarioChecks: 5,
  ScenarioActivities: 1,
  ScenarioDigest: 1,
  ScenarioEnrichment: 0,
  ScenarioBooking: 0,
};

/** Runner work per step kind (ScenarioRunner.apply): its own SOQL and DML, and the job/API row it runs. */
function stepOwn(step: Record<string, unknown>, root: string): { soql: number; dml: number; rows: string[] } {
  const ownerOf = step.by ? 0 : 1; // ScenarioRunner.ownerOf: SELECT OwnerId
  // ScenarioRunner.shareLead: a LeadShare insert before a user saves on, or logs against, a lead someone else owns,
  // in an org whose Lead default is not Public Read/Write (counted as if it were; its Organization read is in setUp)
  const share = 1;
  switch (step.do) {
    case 'task':
    case 'meeting':
      return { soql: ownerOf, dml: step.by ? share : 0, rows: [] };
    case 'update':
      return { soql: 0, dml: share, rows: [] };
    case 'engagement':
      return { soql: 0, dml: share, rows: [] };
    case 'accept':
    case 'reject':
    case 'noShow':
    case 'updateOpportunity':
      return { soql: 1, dml: 0, rows: [] }; // ownerOf
    case 'decayJob': // two scope queries, then EngagementDecayJob.execute per object
      return { soql: 2, dml: 0, rows: ['EngagementDecayJob chunk', 'EngagementDecayJob chunk'] };
    case 'slaMonitor':
    case 'slaAlarm': // SlaMonitorJob.run/runDue: the job's queries for Leads, then for Contacts
      return { soql: 0, dml: 0, rows: ['SlaMonitorJob', 'SlaMonitorJob'] };
    case 'leadDigest': // ScenarioDigest.run: its own User query, then LeadDigestJob.send
      return { soql: 1, dml: 0, rows: ['LeadDigestJob'] };
    case 'convert': // RevOpsTestData.convertedStatus, Database.convertLead
      return { soql: 1, dml: 1, rows: [] };
    case 'insertOpportunity': // + the OpportunityContactRole insert
      return { soql: 0, dml: step.contactRef ? 1 : 0, rows: [] };
    case 'updateRep':
      return { soql: 1, dml: 1, rows: [] };
    case 'deactivateUser':
      return { soql: 0, dml: 1, rows: [] };
    case 'enrich': // EnrichmentService.applyAnswers: what an EnrichmentJob execution reads and writes
      return { soql: 0, dml: 0, rows: ['EnrichmentJob execution'] };
    case 'routeBooking': // ScenarioBooking.route: BookingRouter.route for one booking
      return { soql: 0, dml: 0, rows: ['BookingRouter call'] };
    case 'webhook':
      return SCHEDULING.includes(String(step.provider))
        ? { soql: schedulingSoql(root), dml: 0, rows: [] }
        : { soql: 0, dml: 0, rows: ['Engagement API call'] };
    default:
      return { soql: 0, dml: 0, rows: [] };
  }
}

const SCHEDULING = ['calendly', 'savvycal', 'chilipiper'];
let schedulingQueries: number | null = null;
/** SchedulingResource has no budget row: every query of its reader (SchedulingRecords) counts once. */
function schedulingSoql(root: string): number {
  schedulingQueries ??= (
    readFileSync(join(root, 'main/default/classes/selectors/SchedulingRecords.cls'), 'utf8').match(
      /\[\s*SELECT\b/g,
    ) ?? []
  ).length;
  return schedulingQueries;
}

/** ScenarioChecks.check: SOQL per expectation kind ("records": one per object named). */
function checkSoql(expect: Record<string, unknown>, types: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  if (expect.records && typeof expect.records === 'object') {
    const objects = new Set(Object.keys(expect.records).map((ref) => types.get(ref) ?? `?${ref}`));
    out.set('checks: records', objects.size);
  }
  const perKind: Record<string, number> = {
    openLeads: 1, // Rep_Availability__c
    transitions: 1,
    slaEvents: 1,
    decisions: 1,
    tasks: 1, // ScenarioActivities.checkTasks; notifications come from HandoffService.outbox (no query)
    nextAlarm: 2, // SlaEngineData.earliestCheck: Lead, Contact
  };
  for (const [kind, n] of Object.entries(perKind)) if (kind in expect) out.set(`checks: ${kind}`, n);
  return out;
}

/** What a step is estimated to use, with each contributor's SOQL and DML. */
export interface StepEstimate {
  index: number;
  do: string;
  soql: number;
  dml: number;
  contributors: { what: string; soql: number; dml: number }[];
}

/** The record types of the scenario's refs, as ScenarioChecks queries them (one query per type). */
function refTypes(scenario: Scenario): Map<string, string> {
  const types = new Map<string, string>(scenario.accounts.map((a) => [a.ref, 'Account']));
  for (const s of scenario.steps as Record<string, unknown>[]) {
    const set = (ref: unknown, type: string) => typeof ref === 'string' && types.set(ref, type);
    if (s.do === 'insertLead') set(s.ref, 'Lead');
    if (s.do === 'insertContact') set(s.ref, 'Contact');
    if (s.do === 'insertOpportunity') set(s.ref, 'Opportunity');
    if (s.do === 'convert') {
      set(s.contactRef, 'Contact');
      set(s.opportunityRef, 'Opportunity');
    }
    set(s.meetingRef, 'Event');
  }
  return types;
}

/**
 * Estimates every step of a scenario run with a trace. Each trigger-path run costs its row plus its own DML
 * statement; a job step's runs of one path are one DML per 200 records (the job saves a chunk at once).
 */
export function estimateScenario(
  scenario: Scenario,
  steps: StepOutcome[],
  budgets: Map<string, PathBudget>,
  root = 'force-app',
): StepEstimate[] {
  const paid = new Set<string>(); // once-per-transaction items already queried
  const types = refTypes(scenario);
  return steps.map((o) => {
    const step = o.step as Record<string, unknown>;
    const contributors = new Map<string, { soql: number; dml: number }>();
    const add = (what: string, soql: number, dml: number) => {
      const c = contributors.get(what) ?? { soql: 0, dml: 0 };
      contributors.set(what, { soql: c.soql + soql, dml: c.dml + dml });
    };
    const charge = (what: string, row: string, when?: string[]) => {
      const b = budgets.get(row);
      if (!b) throw new Error(`no budget row "${row}" in docs/apex.md's per-path table: add it`);
      let soql = b.soql;
      // a run that did not say what it did (a save refused early, a job row) pays every conditional clause
      let dml = b.dml;
      for (const [tag, n] of b.when) if (!when || when.includes(tag)) soql += n;
      for (const [tag, n] of b.dmlWhen) if (!when || when.includes(tag)) dml += n;
      for (const [item, n] of b.once) if (!paid.has(item)) (paid.add(item), (soql += n));
      add(what, soql, dml);
    };
    const isJob = ['decayJob', 'slaMonitor', 'slaAlarm', 'leadDigest'].includes(String(step.do));
    for (const run of runsOf(o.trace ?? [], isJob)) {
      charge(run.path, run.path, run.when);
      add(run.path, 0, 1); // the DML statement that fires the path
    }
    const own = stepOwn(step, root);
    add(`runner: ${String(step.do)}`, own.soql, own.dml + 1); // + Database.setSavepoint
    // the SLA monitor's reassignment reads only on a run that reassigned (engine/jobs.ts traces it with 0 records)
    const reassigned = (o.trace ?? []).some(
      (t) => t.path === 'SlaMonitorJob' && t.when?.includes('reassigned'),
    );
    // the digest's read of the web visitors' other events only on a run with a visit in its window (engine/digest.ts)
    const visits = (o.trace ?? []).some((t) => t.path === 'LeadDigestJob' && t.when?.includes('visits'));
    const ran: Record<string, string[]> = {
      SlaMonitorJob: reassigned ? ['reassigned'] : [],
      LeadDigestJob: visits ? ['visits'] : [],
    };
    for (const row of own.rows) charge(row, row, ran[row]);
    const expect = (step.expect ?? {}) as Record<string, unknown>;
    if (expect.error !== undefined) add('runner: rollback', 0, 1);
    for (const [what, n] of checkSoql(expect, types)) add(what, n, 0);
    const list = [...contributors].map(([what, c]) => ({ what, ...c }));
    list.sort((a, b) => b.soql - a.soql || b.dml - a.dml);
    return {
      index: o.index + 1,
      do: String(step.do),
      soql: list.reduce((s, c) => s + c.soql, 0),
      dml: list.reduce((s, c) => s + c.dml, 0),
      contributors: list,
    };
  });
}

/** Trigger-path runs of a step: each traced save is one run; a job's saves of one path go 200 to a DML. */
function runsOf(trace: TraceEntry[], isJob: boolean): TraceEntry[] {
  if (!isJob) return trace;
  const byPath = new Map<string, { records: number; when: Set<string> }>();
  for (const t of trace) {
    const p = byPath.get(t.path) ?? { records: 0, when: new Set<string>() };
    p.records += t.records;
    for (const w of t.when ?? CONDITIONS.map((c) => c[1])) p.when.add(w);
    byPath.set(t.path, p);
  }
  const runs: TraceEntry[] = [];
  for (const [path, p] of byPath)
    for (let left = p.records; left > 0; left -= 200)
      runs.push({ path, records: Math.min(left, 200), when: [...p.when] });
  return runs;
}

/** A scenario's estimate: per step, and the totals against the shared limits. */
export interface ScenarioEstimate {
  id: string;
  soql: number;
  dml: number;
  steps: StepEstimate[];
}

/** Runs the scenario through the engine model with a trace and estimates it. */
export function estimate(scenario: Scenario, root = 'force-app', apexMd?: string): ScenarioEstimate {
  const budgets = pathBudgets(apexMd ?? readFileSync(join('docs', 'apex.md'), 'utf8'));
  const { steps } = runScenario(scenario, root, { trace: true });
  const est = estimateScenario(scenario, steps, budgets, root);
  return {
    id: scenario.id,
    soql: est.reduce((s, e) => s + e.soql, 0),
    dml: est.reduce((s, e) => s + e.dml, 0),
    steps: est,
  };
}

/** Why a scenario is over a bound: the step where it crosses it and that step's biggest contributors. */
export function overBudget(e: ScenarioEstimate): string | null {
  if (e.soql <= SOQL_BOUND && e.dml <= DML_BOUND) return null;
  const kind = e.soql > SOQL_BOUND ? 'soql' : 'dml';
  const bound = kind === 'soql' ? SOQL_BOUND : DML_BOUND;
  let sum = 0;
  const at = e.steps.find((s) => (sum += s[kind]) > bound) ?? e.steps[e.steps.length - 1];
  const total = new Map<string, number>(); // each contributor over the whole scenario
  for (const s of e.steps)
    for (const c of s.contributors) total.set(c.what, (total.get(c.what) ?? 0) + c[kind]);
  const biggest = [...total]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([what, n]) => `${what} ${n}`);
  const heaviest = [...e.steps].sort((a, b) => b[kind] - a[kind])[0];
  return (
    `scenario ${e.id}: estimated ${e.soql} SOQL / ${e.dml} DML statements (bounds ${SOQL_BOUND} / ${DML_BOUND}); ` +
    `${kind.toUpperCase()} passes ${bound} at step ${at.index} (${at.do}); biggest contributors: ${biggest.join(', ')}; ` +
    `heaviest step ${heaviest.index} (${heaviest.do}): ${heaviest[kind]}`
  );
}
