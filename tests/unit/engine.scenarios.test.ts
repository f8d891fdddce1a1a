// Every scenario of tests/scenarios replayed through the engine model. The Apex test class Scenarios_Tests
// (generated with the static resource by `npm run vectors`) replays the same bundle through the org's
// triggers and jobs; these tests fail when either is stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenarios/scenario.ts';
import {
  SCENARIO_BUNDLE_PATH,
  SCENARIO_TESTS_PATH,
  apexMethodName,
  buildScenarioBundle,
} from '../scenarios/build.ts';

const FORCE_APP = join(import.meta.dirname, '..', '..', 'force-app');
const { bundle, text, apexTests } = buildScenarioBundle();

describe('scenarios over time, through the engine model', () => {
  for (const s of bundle.scenarios) {
    it(`${s.id}: ${s.title}`, () => {
      const { steps } = runScenario(s, FORCE_APP);
      const problems = steps.flatMap((o) =>
        o.problems.map((p) => `step ${o.index + 1} (${o.step.do}): ${p}`),
      );
      expect(problems).toEqual([]);
    });
  }
});

describe('the scenario bundle the Apex tests replay', () => {
  it('holds at least 30 scenarios with unique ids', () => {
    expect(bundle.scenarios.length).toBeGreaterThanOrEqual(30);
    expect(new Set(bundle.scenarios.map((s) => s.id)).size).toBe(bundle.scenarios.length);
  });

  it('is up to date in the static resource and in Scenarios_Tests.cls (run npm run vectors)', () => {
    expect(readFileSync(SCENARIO_BUNDLE_PATH, 'utf8') === text, 'RevOpsScenarios.json is stale').toBe(true);
    expect(readFileSync(SCENARIO_TESTS_PATH, 'utf8') === apexTests, 'Scenarios_Tests.cls is stale').toBe(
      true,
    );
  });

  it('has an Apex test method for every scenario', () => {
    const cls = readFileSync(SCENARIO_TESTS_PATH, 'utf8');
    const missing = bundle.scenarios.filter(
      (s) =>
        !cls.includes(`static void ${apexMethodName(s.id)}()`) ||
        !cls.includes(`ScenarioRunner.run('${s.id}')`),
    );
    expect(missing.map((s) => s.id)).toEqual([]);
  });

  it('refuses a scenario that names an unknown step', () => {
    const bad = { ...bundle.scenarios[0], steps: [{ do: 'teleport', ref: 'L1' }] };
    expect(() => runScenario(bad as never, FORCE_APP)).toThrow();
  });
});
