// revops deploy in phases against the loopback fake org, which enforces duplicate management as an org does: matching
// rules read Activating for a while after their deploy, an active duplicate rule is refused until its matching rules
// are Active, and duplicate rule sort orders must run 1..n per object. The source is the tree's own matching rules,
// duplicate rules, OpportunityStage, the Lead settings and the Rep_Availability__c object they need.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { phaseTiming } from '../../scripts/commands/deploy.ts';
import { connectionFromSession } from '../../scripts/lib/org/connect.ts';
import { deploySource } from '../../scripts/lib/org/deploy.ts';
import { parseStandardValueSet } from '../../scripts/lib/org/opportunityStages.ts';
import { deployArgs, runCli } from './runCli.ts';
import { FakeOrg } from './fakeOrg.ts';

interface Run {
  code: number;
  out: string;
  err: string;
  json: { result: Record<string, unknown> & { phases: Array<Record<string, unknown>>; notes: string[] } };
}

const revops = (...argv: string[]): Promise<Run> => runCli<Run['json']>(...argv);

const FORCE_APP = 'force-app/main/default';
/** What a real org ships: one standard rule on Account and Contact, two on Lead (the second matches contacts). */
const standardDuplicateRules = (): Record<string, string> => ({
  'Account.Standard_Account_Duplicate_Rule': '<isActive>true</isActive><sortOrder>1</sortOrder>',
  'Contact.Standard_Contact_Duplicate_Rule': '<isActive>true</isActive><sortOrder>1</sortOrder>',
  'Lead.Standard_Lead_Duplicate_Rule': '<isActive>true</isActive><sortOrder>1</sortOrder>',
  'Lead.Standard_Rule_for_Leads_with_Duplicate_Contacts':
    '<isActive>false</isActive><sortOrder>2</sortOrder>',
});
/** A Developer Edition org's default stages. */
const ORG_STAGES = [
  ['Prospecting', 10, 'Pipeline', false, false, true],
  ['Qualification', 10, 'Pipeline', false, false, false],
  ['Needs Analysis', 20, 'Pipeline', false, false, false],
  ['Value Proposition', 50, 'Pipeline', false, false, false],
  ['Id. Decision Makers', 60, 'Pipeline', false, false, false],
  ['Perception Analysis', 70, 'Pipeline', false, false, false],
  ['Proposal/Price Quote', 75, 'Pipeline', false, false, false],
  ['Negotiation/Review', 90, 'Pipeline', false, false, false],
  ['Closed Won', 100, 'Closed', true, true, false],
  ['Closed Lost', 0, 'Omitted', true, false, false],
] as const;
const orgStageSet = (): string =>
  '<sorted>false</sorted>' +
  ORG_STAGES.map(
    ([name, p, fc, closed, won, def]) =>
      `<standardValue><fullName>${name}</fullName><default>${def}</default><label>${name}</label><closed>${closed}</closed><forecastCategory>${fc}</forecastCategory><probability>${p}</probability><won>${won}</won></standardValue>`,
  ).join('');

let src: string;
let org: FakeOrg;
beforeAll(() => {
  // not under tests/.tmp: SDR skips dot-folders like .tmp when it collects source
  src = join(mkdtempSync(join(tmpdir(), 'revops-phases-')), 'force-app');
  for (const dir of [
    'matchingRules',
    'duplicateRules',
    'standardValueSets',
    'objects/Rep_Availability__c',
    'customPermissions',
    'settings',
  ])
    cpSync(join(FORCE_APP, dir), join(src, 'main/default', dir), { recursive: true });
  mkdirSync(join(src, 'main/default/classes'), { recursive: true });
  cpSync(join(FORCE_APP, 'classes/core/RevOpsClock.cls'), join(src, 'main/default/classes/RevOpsClock.cls'));
  cpSync(
    join(FORCE_APP, 'classes/core/RevOpsClock.cls-meta.xml'),
    join(src, 'main/default/classes/RevOpsClock.cls-meta.xml'),
  );
});
afterAll(() => rmSync(dirname(src), { recursive: true, force: true }));

beforeEach(async () => {
  org = await new FakeOrg({
    matchingRules: { readsUntilActive: 2 },
    metadata: {
      DuplicateRule: standardDuplicateRules(),
      StandardValueSet: { OpportunityStage: orgStageSet() },
    },
  }).start();
  process.env.SF_ORG_INSTANCE_URL = org.url;
  phaseTiming.activationPollMs = 5;
});
afterEach(async () => {
  await org.stop();
  delete process.env.SF_ORG_INSTANCE_URL;
});

const deploy = (...extra: string[]): Promise<Run> => revops(...deployArgs(org.accessToken, src, extra));
const folders = (entries: string[]): string[] =>
  [...new Set(entries.filter((e) => e !== 'package.xml').map((e) => e.split('/')[0]))].sort();

describe('revops deploy in phases', () => {
  it('fails in one transaction: the org refuses duplicate rules whose matching rules are only activating', async () => {
    const connection = await connectionFromSession(org.session());
    const one = await deploySource({ connection, paths: [src], checkOnly: false, waitMinutes: 1, pollMs: 5 });
    expect(one.exitCode).toBe(1);
    expect(one.problems.map((p) => p.problem).join('\n')).toMatch(
      /all associated matching rules must be active/,
    );
  });

  it("deploys matching rules, waits until they are Active, then the rest with duplicate rules after the org's own", async () => {
    const r = await deploy();
    expect(r.code, r.out + r.err).toBe(0);
    const [first, second] = org.deployRequests;
    expect(org.deployRequests).toHaveLength(2);
    // phase 1: the matching rules and what they need (the object they match on, the permission its rules name)
    expect(folders(first.entries)).toEqual(['customPermissions', 'matchingRules', 'objects']);
    expect(first.entries).toContain('objects/Rep_Availability__c.object');
    expect(first.testLevel).toBeNull();
    // phase 3: everything else, duplicate rules included, matching rules not sent again
    expect(folders(second.entries)).toEqual([
      'classes',
      'customPermissions',
      'duplicateRules',
      'objects',
      'settings',
      'standardValueSets',
    ]);
    expect(second.entries).toContain('settings/LeadConfig.settings');
    expect([...org.matchingRules.values()].every((m) => m.status === 'Active')).toBe(true);
    expect(r.err).toMatch(/Phase 2\/3: waiting until 9 matching rules are Active/);
    expect(r.err).toMatch(/0\/9 matching rules Active \(.*Activating/);
    expect(r.out).toMatch(
      /^Phase 1\/3 matching rules: Deploy Succeeded.*\nPhase 2\/3 matching rules active: all 9 Active after \d+ s\nPhase 3\/3 everything else: Deploy Succeeded/m,
    );
    // the org has two Lead rules already: ours follow them
    const leadRules = Object.entries(org.opts.metadata!.DuplicateRule)
      .filter(([k]) => k.startsWith('Lead.'))
      .map(([k, xml]) => `${k} ${/<sortOrder>(\d+)/.exec(xml)?.[1]}`);
    expect(leadRules.sort()).toEqual([
      'Lead.RevOps_Lead_Duplicates 3',
      'Lead.RevOps_Lead_Matches_Contact 4',
      'Lead.Standard_Lead_Duplicate_Rule 1',
      'Lead.Standard_Rule_for_Leads_with_Duplicate_Contacts 2',
    ]);
    expect(r.out).toMatch(/Lead\.RevOps_Lead_Duplicates: sort order 2 -> 3/);
  });

  it("merges the org's stages by default: theirs stay active, ours are added, one default", async () => {
    const r = await deploy();
    expect(r.code, r.out + r.err).toBe(0);
    const sent = parseStandardValueSet(
      org.deployedFiles.get('standardValueSets/OpportunityStage.standardValueSet')!,
    );
    const names = sent.values.map((v) => v.fullName);
    expect(names).toHaveLength(15);
    for (const [name] of ORG_STAGES) expect(names).toContain(name);
    expect(names.slice(0, 5)).toEqual([
      'Qualified',
      'Discovery',
      'Demo/Evaluation',
      'Proposal',
      'Negotiation',
    ]);
    expect(names.slice(-2)).toEqual(['Closed Won', 'Closed Lost']);
    expect(sent.values.filter((v) => v.default).map((v) => v.fullName)).toEqual(['Qualified']);
    expect(r.out).toMatch(
      /Opportunity stages merged: 5 added .* 8 of the org's own kept active \(Prospecting,/,
    );
  });

  it('replace sends our list as it is and names the stages it deactivates; skip leaves the stages out', async () => {
    const replaced = await deploy('--opportunity-stages', 'replace');
    expect(replaced.code).toBe(0);
    const sent = parseStandardValueSet(
      org.deployedFiles.get('standardValueSets/OpportunityStage.standardValueSet')!,
    );
    expect(sent.values).toHaveLength(7);
    expect(replaced.out).toMatch(
      /the org's stages Prospecting, Qualification, .*Negotiation\/Review become inactive/,
    );
    const skipped = await deploy('--opportunity-stages', 'skip', '--json');
    expect(skipped.code).toBe(0);
    expect(folders(org.deployRequests.at(-1)!.entries)).not.toContain('standardValueSets');
    const bad = await deploy('--opportunity-stages', 'keep', '--json');
    expect(bad.code).toBe(2);
  });

  it('is idempotent: a second deploy does not resend active matching rules and goes straight to phase 3', async () => {
    expect((await deploy()).code).toBe(0);
    const before = org.deployRequests.length;
    const again = await deploy();
    expect(again.code, again.out).toBe(0);
    expect(org.deployRequests.length).toBe(before + 1);
    expect(folders(org.deployRequests.at(-1)!.entries)).toContain('duplicateRules');
    expect(again.out).toMatch(/Phase 1\/3 matching rules: skipped \(every matching rule is already Active/);
    expect(again.out).toMatch(/Phase 2\/3 matching rules active: all 9 Active/);
  });

  it('stops with exit 69 and says what to do when the matching rules do not activate in time; a retry finishes', async () => {
    org.opts.matchingRules!.readsUntilActive = 1_000_000;
    const r = await deploy('--activation-wait', '0.002', '--json');
    expect(r.code).toBe(69);
    expect(org.deployRequests).toHaveLength(1); // phase 1 only
    expect(JSON.stringify(r.json.result)).toMatch(/still not Active after 0.002 min.*Deploy again later/);
    for (const m of org.matchingRules.values()) m.readsLeft = 1;
    const retry = await deploy();
    expect(retry.code, retry.out).toBe(0);
    expect(org.deployRequests).toHaveLength(2); // phase 1 was not repeated
  });

  it('stops after phase 1 when it fails, exit 1, nothing else sent', async () => {
    org.opts.deploy = {
      status: 'Failed',
      failures: [
        {
          componentType: 'MatchingRules',
          fullName: 'Lead',
          fileName: 'matchingRules/Lead.matchingRule',
          problem: 'Field Phone is not available for matching',
        },
      ],
    };
    const r = await deploy();
    expect(r.code).toBe(1);
    expect(org.deployRequests).toHaveLength(1);
    expect(r.out).toMatch(/Phase 1\/3 matching rules: Deploy Failed/);
    expect(r.out).toMatch(/matchingRules\/Lead\.matchingRule-meta\.xml: Field Phone is not available/);
    expect(r.out).toMatch(/Phase 3\/3 everything else: skipped \(phase 1 did not succeed\)/);
  });

  it('dry run validates both phases check-only and leaves out the duplicate rules whose matching rules are not active yet', async () => {
    const r = await deploy('--dry-run', '--json');
    expect(r.code, JSON.stringify(r.json.result)).toBe(0);
    expect(org.deployRequests.map((d) => d.checkOnly)).toEqual([true, true]);
    const phase3 = folders(org.deployRequests[1].entries);
    expect(phase3).toContain('matchingRules');
    expect(phase3).not.toContain('duplicateRules');
    expect(r.json.result.notes.join('\n')).toMatch(
      /Not validated now: DuplicateRule:Account\.RevOps_Account_Duplicates/,
    );
    expect(org.matchingRules.size).toBe(0); // nothing was created
  });

  it('docs/admin-install.md tells sf users the same order', () => {
    const doc = readFileSync('docs/admin-install.md', 'utf8');
    const step1 = doc.search(
      /sf project deploy start -o my-org --metadata MatchingRules CustomObject:Rep_Availability__c/,
    );
    const step2 = doc.search(
      /sf data query .*SELECT DeveloperName, SobjectType, RuleStatus FROM MatchingRule/,
    );
    const step3 = doc.search(/sf project deploy start -o my-org --source-dir force-app/);
    expect(step1).toBeGreaterThan(0);
    expect(step2).toBeGreaterThan(step1);
    expect(step3).toBeGreaterThan(step2);
  });
});
