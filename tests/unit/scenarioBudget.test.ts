// Every scenario's Apex replay shares one set of governor limits (ScenarioRunner: all steps inside one
// Test.startTest/stopTest). tests/scenarios/budget.ts estimates each scenario's SOQL queries and DML statements
// from the trigger paths the engine model runs and docs/apex.md's declared budgets; a scenario over the bound
// must be split (or the runner's queries reduced) before an org's run hits the limit.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DML_BOUND,
  RUNNER_QUERY_SITES,
  SOQL_BOUND,
  estimate,
  overBudget,
  pathBudgets,
} from '../scenarios/budget.ts';
import { parseScenarios, type Scenario } from '../scenarios/scenario.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FORCE_APP = join(ROOT, 'force-app');
const APEX_MD = readFileSync(join(ROOT, 'docs', 'apex.md'), 'utf8');
const SCENARIO_DIR = join(ROOT, 'tests', 'scenarios');

function load(file: string): Scenario[] {
  return parseScenarios(JSON.parse(readFileSync(file, 'utf8')), file);
}

describe('governor budget of the scenario replays', () => {
  const scenarios = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => load(join(SCENARIO_DIR, f)));

  it(`every scenario stays within ${SOQL_BOUND} SOQL and ${DML_BOUND} DML statements`, () => {
    const over = scenarios.map((s) => overBudget(estimate(s, FORCE_APP, APEX_MD))).filter(Boolean);
    expect(over).toEqual([]);
  });

  it('fails a long scenario, naming it, the step that crosses the bound and its biggest contributors', () => {
    const [long] = load(join(import.meta.dirname, 'fixtures', 'scenario-budget-long.json'));
    const e = estimate(long, FORCE_APP, APEX_MD);
    expect(e.soql).toBeGreaterThan(SOQL_BOUND);
    const why = overBudget(e);
    expect(why).toMatch(/^scenario synthetic-long-engagement-stream: estimated \d+ SOQL/);
    expect(why).toMatch(/SOQL passes 90 at step \d+ \(engagement\)/);
    expect(why).toContain('Engagement_Event__c insert');
    // the first half of it is fine: the estimate grows with the steps, it is not a constant
    const half = estimate({ ...long, steps: long.steps.slice(0, 8) }, FORCE_APP, APEX_MD);
    expect(overBudget(half)).toBeNull();
  });

  it('reads the declared per-path budgets from docs/apex.md', () => {
    const b = pathBudgets(APEX_MD);
    // Lead insert: Account 1, User 1, Rep_Availability__c 1, Group 1; Business_Calendar__mdt once per transaction
    expect(b.get('Lead insert')).toMatchObject({ soql: 4, dml: 5 });
    expect(b.get('Lead insert')?.once.get('Business_Calendar__mdt')).toBe(1);
    // Lead update: the routing-at-MQL queries count only when the model routed the lead
    expect(b.get('Lead update')?.when.get('routed')).toBe(4);
    expect(b.get('Lead update')?.when.get('mql')).toBe(2);
    // a conversion's reads and writes (TA_Lead_Convert, TA_Lead_EnrichConverted) count only on a converting run
    expect(b.get('Lead update')?.when.get('converted')).toBe(3);
    expect(b.get('Lead update')?.dmlWhen.get('converted')).toBe(3);
    for (const path of [
      'Contact update',
      'Opportunity update',
      'Task insert',
      'Event insert',
      'Event update',
    ])
      expect(b.has(path), path).toBe(true);
  });

  it('accounts for every query of the runner classes', () => {
    for (const [cls, n] of Object.entries(RUNNER_QUERY_SITES)) {
      const src = readFileSync(join(FORCE_APP, 'test', 'default', 'classes', `${cls}.cls`), 'utf8');
      const sites =
        (src.match(/\[\s*SELECT\b/g) ?? []).length + (src.match(/Database\.query\(/g) ?? []).length;
      expect(sites, `${cls}: update stepOwn/checkSoql in tests/scenarios/budget.ts`).toBe(n);
    }
  });
});
