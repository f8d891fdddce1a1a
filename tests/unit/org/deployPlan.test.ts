// The phase planner of revops deploy, duplicate rule renumbering, the matching rule wait and the stage merge (pure).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dependenciesOf,
  parseDuplicateRule,
  planPhases,
  renumberDuplicateRules,
  unitKey,
  withSortOrder,
  type RuleStatus,
  type SourceUnit,
} from '../../../scripts/lib/org/deployPlan.ts';
import { waitForActive } from '../../../scripts/lib/org/deployOrg.ts';
import {
  mergeStages,
  parseStandardValueSet,
  serializeStandardValueSet,
  stagesDeactivatedByReplace,
  type StageValue,
} from '../../../scripts/lib/org/opportunityStages.ts';

const DIR = 'force-app/main/default';
const read = (p: string): string => readFileSync(join(DIR, p), 'utf8');
const files = (dir: string): string[] => readdirSync(join(DIR, dir)).filter((f) => f.endsWith('.xml'));

/** The tree's own duplicate management, its object and permission, and two unrelated components. */
function units(): SourceUnit[] {
  const out: SourceUnit[] = [];
  for (const f of files('matchingRules'))
    out.push({ type: 'MatchingRules', fullName: f.split('.')[0], text: read(`matchingRules/${f}`) });
  for (const f of files('duplicateRules'))
    out.push({
      type: 'DuplicateRule',
      fullName: f.replace('.duplicateRule-meta.xml', ''),
      text: read(`duplicateRules/${f}`),
    });
  const obj = 'objects/Rep_Availability__c';
  const objText = [
    read(`${obj}/Rep_Availability__c.object-meta.xml`),
    ...files(`${obj}/fields`).map((f) => read(`${obj}/fields/${f}`)),
    ...files(`${obj}/validationRules`).map((f) => read(`${obj}/validationRules/${f}`)),
  ].join('\n');
  out.push({ type: 'CustomObject', fullName: 'Rep_Availability__c', text: objText });
  for (const f of files('customPermissions'))
    out.push({ type: 'CustomPermission', fullName: f.split('.')[0], text: read(`customPermissions/${f}`) });
  out.push({ type: 'ApexClass', fullName: 'RevOpsClock', text: '' });
  out.push({
    type: 'StandardValueSet',
    fullName: 'OpportunityStage',
    text: read('standardValueSets/OpportunityStage.standardValueSet-meta.xml'),
  });
  return out;
}
const OUR_RULES = [
  'Account.RevOps_Account_Website',
  'Account.RevOps_Account_Name_Phone',
  'Account.RevOps_Account_Name_City',
  'Contact.RevOps_Contact_Email',
  'Contact.RevOps_Contact_Name_Phone',
  'Lead.RevOps_Lead_Email',
  'Lead.RevOps_Lead_Name_Company',
  'Lead.RevOps_Lead_Name_Phone',
  'Rep_Availability__c.RevOps_Rep_Pool',
];
const statusOf = (s: RuleStatus, names = OUR_RULES): Map<string, RuleStatus> =>
  new Map(names.map((n) => [n, s]));

describe('planPhases', () => {
  it('sends matching rules and what they need first, waits for all nine, then everything else without them', () => {
    const plan = planPhases({ units: units(), orgStatus: new Map(), checkOnly: false });
    expect(plan.phase1).toEqual([
      'MatchingRules:Account',
      'MatchingRules:Contact',
      'MatchingRules:Lead',
      'MatchingRules:Rep_Availability__c',
      'CustomObject:Rep_Availability__c',
      'CustomPermission:RevOps_Bypass_Validation',
    ]);
    expect(plan.phase1Dependencies).toEqual([
      'CustomObject:Rep_Availability__c',
      'CustomPermission:RevOps_Bypass_Validation',
    ]);
    expect(plan.waitFor.map((r) => `${r.object}.${r.name}`).sort()).toEqual([...OUR_RULES].sort());
    expect(plan.phase3.filter((k) => k.startsWith('MatchingRules'))).toEqual([]);
    expect(plan.phase3).toContain('DuplicateRule:Lead.RevOps_Lead_Matches_Contact');
    expect(plan.phase3).toContain('CustomObject:Rep_Availability__c'); // sent again with the rest: harmless
    expect(plan.heldBack).toEqual([]);
    expect(plan.problems).toEqual([]);
  });

  it('does not resend matching rule files whose rules are all Active or Activating (a retry resumes at the wait)', () => {
    const status = statusOf('Active');
    status.set('Lead.RevOps_Lead_Email', 'Activating');
    status.set('Account.RevOps_Account_Name_City', 'ActivationFailed');
    const plan = planPhases({ units: units(), orgStatus: status, checkOnly: false });
    expect(plan.phase1).toEqual(['MatchingRules:Account']);
    expect(plan.keptInOrg).toEqual([
      'MatchingRules:Contact',
      'MatchingRules:Lead',
      'MatchingRules:Rep_Availability__c',
    ]);
    expect(plan.waitFor).toHaveLength(9);
  });

  it('dry run: validates phase 1 with the rest and holds back active duplicate rules whose rules are not Active in the org', () => {
    const status = statusOf('Active', [
      'Rep_Availability__c.RevOps_Rep_Pool',
      'Contact.RevOps_Contact_Email',
    ]);
    const plan = planPhases({ units: units(), orgStatus: status, checkOnly: true });
    expect(plan.phase3).toContain('MatchingRules:Lead');
    expect(plan.phase3).not.toContain('MatchingRules:Rep_Availability__c'); // already active: not sent at all
    expect(plan.heldBack).toEqual([
      'DuplicateRule:Account.RevOps_Account_Duplicates',
      'DuplicateRule:Contact.RevOps_Contact_Duplicates',
      'DuplicateRule:Lead.RevOps_Lead_Duplicates',
    ]);
    expect(plan.phase3).toContain('DuplicateRule:Lead.RevOps_Lead_Matches_Contact'); // Contact email rule is Active
  });

  it('refuses a plan no order can fix: an active duplicate rule on a matching rule that exists nowhere or is declared inactive', () => {
    const u = units();
    const lead = u.find((x) => x.fullName === 'Lead.RevOps_Lead_Duplicates')!;
    lead.text = lead.text.replace('RevOps_Lead_Name_Phone', 'Somebody_Elses_Rule');
    const file = u.find((x) => x.type === 'MatchingRules' && x.fullName === 'Contact')!;
    file.text = file.text.replace('<ruleStatus>Active</ruleStatus>', '<ruleStatus>Inactive</ruleStatus>');
    const plan = planPhases({ units: u, orgStatus: new Map(), checkOnly: false });
    expect(plan.problems).toEqual([
      expect.stringMatching(
        /RevOps_Contact_Duplicates is active but its matching rule Contact\.RevOps_Contact_Email is declared Inactive/,
      ),
      expect.stringMatching(
        /RevOps_Lead_Duplicates uses matching rule Lead\.Somebody_Elses_Rule, which is neither in the source nor in the org/,
      ),
      expect.stringMatching(
        /RevOps_Lead_Matches_Contact is active but its matching rule Contact\.RevOps_Contact_Email/,
      ),
    ]);
    // a rule that is not ours but Active in the org is fine: phase 2 waits for it too
    const ok = planPhases({
      units: u.filter(
        (x) =>
          x.fullName !== 'Contact' &&
          !x.fullName.startsWith('Contact.') &&
          x.fullName !== 'Lead.RevOps_Lead_Matches_Contact',
      ),
      orgStatus: new Map([['Lead.Somebody_Elses_Rule', 'Active']]),
      checkOnly: false,
    });
    expect(ok.problems).toEqual([]);
    expect(ok.waitFor.map((r) => r.name)).toContain('Somebody_Elses_Rule');
  });

  it('sends the Lead settings (Require Validation for Converted Leads) with everything else in phase 3', () => {
    const settings: SourceUnit = {
      type: 'Settings',
      fullName: 'LeadConfig',
      text: read('settings/LeadConfig.settings-meta.xml'),
    };
    const plan = planPhases({ units: [...units(), settings], orgStatus: new Map(), checkOnly: false });
    expect(plan.phase1).not.toContain('Settings:LeadConfig');
    expect(plan.phase3).toContain('Settings:LeadConfig');
    const retry = planPhases({
      units: [...units(), settings],
      orgStatus: statusOf('Active'),
      checkOnly: true,
    });
    expect(retry.phase3).toContain('Settings:LeadConfig');
  });

  it('an empty tree or one without matching rules plans a single phase 3', () => {
    const plan = planPhases({
      units: [{ type: 'ApexClass', fullName: 'A', text: '' }],
      orgStatus: new Map(),
      checkOnly: false,
    });
    expect(plan).toMatchObject({ phase1: [], waitFor: [], phase3: ['ApexClass:A'] });
  });
});

describe('dependenciesOf', () => {
  it('follows custom fields on standard objects, lookups, value sets and permissions transitively', () => {
    const u: SourceUnit[] = [
      {
        type: 'MatchingRules',
        fullName: 'Lead',
        text: '<fieldName>Email</fieldName><fieldName>Domain_Key__c</fieldName>',
      },
      {
        type: 'CustomField',
        fullName: 'Lead.Domain_Key__c',
        text: '<valueSet><valueSetName>Regions</valueSetName></valueSet>',
      },
      { type: 'GlobalValueSet', fullName: 'Regions', text: '' },
      { type: 'MatchingRules', fullName: 'Pool__c', text: '<fieldName>Name</fieldName>' },
      { type: 'CustomObject', fullName: 'Pool__c', text: '<referenceTo>Team__c</referenceTo>' },
      { type: 'CustomObject', fullName: 'Team__c', text: '$Permission.Bypass' },
      { type: 'CustomPermission', fullName: 'Bypass', text: '' },
      { type: 'CustomPermission', fullName: 'Unused', text: '' },
    ];
    const keys = dependenciesOf(
      u,
      u.filter((x) => x.type === 'MatchingRules'),
    ).map((x) => unitKey(x.type, x.fullName));
    expect(keys.sort()).toEqual([
      'CustomField:Lead.Domain_Key__c',
      'CustomObject:Pool__c',
      'CustomObject:Team__c',
      'CustomPermission:Bypass',
      'GlobalValueSet:Regions',
    ]);
  });
});

describe('renumberDuplicateRules', () => {
  const ours = units()
    .filter((u) => u.type === 'DuplicateRule')
    .map((u) => parseDuplicateRule(u.fullName, u.text));

  it('keeps the source numbers in an org with one standard rule per object', () => {
    const org = ['Account', 'Contact', 'Lead'].map((o) => ({
      fullName: `${o}.Standard_${o}_Duplicate_Rule`,
      sortOrder: 1,
    }));
    expect(renumberDuplicateRules(ours, org)).toEqual({ orders: new Map(), problems: [] });
  });

  it('puts ours after an org that already has two Lead rules, and first on an object with none', () => {
    const org = [
      { fullName: 'Lead.Standard_Lead_Duplicate_Rule', sortOrder: 1 },
      { fullName: 'Lead.Standard_Rule_for_Leads_with_Duplicate_Contacts', sortOrder: 2 },
    ];
    const { orders, problems } = renumberDuplicateRules(ours, org);
    expect(problems).toEqual([]);
    expect(Object.fromEntries(orders)).toEqual({
      'Account.RevOps_Account_Duplicates': 1,
      'Contact.RevOps_Contact_Duplicates': 1,
      'Lead.RevOps_Lead_Duplicates': 3,
      'Lead.RevOps_Lead_Matches_Contact': 4,
    });
  });

  it("on a redeploy keeps the org's rules where they are and fills the places ours left", () => {
    const org = [
      { fullName: 'Lead.Standard_Lead_Duplicate_Rule', sortOrder: 1 },
      { fullName: 'Lead.RevOps_Lead_Duplicates', sortOrder: 2 },
      { fullName: 'Lead.Admin_Rule', sortOrder: 3 },
      { fullName: 'Lead.RevOps_Lead_Matches_Contact', sortOrder: 4 },
    ];
    const lead = ours.filter((r) => r.object === 'Lead');
    const { orders, problems } = renumberDuplicateRules(lead, org);
    expect(problems).toEqual([]);
    expect(Object.fromEntries(orders)).toEqual({ 'Lead.RevOps_Lead_Matches_Contact': 4 });
  });

  it("says so when the org's own rules leave a gap ours cannot fill", () => {
    const org = [
      { fullName: 'Account.A', sortOrder: 1 },
      { fullName: 'Account.B', sortOrder: 4 },
    ];
    const { problems } = renumberDuplicateRules(
      ours.filter((r) => r.object === 'Account'),
      org,
    );
    expect(problems[0]).toMatch(/Account \(A 1, B 4\) leave gaps .*Setup > Duplicate Rules/);
  });

  it('rewrites only the sort order of the file', () => {
    const xml = read('duplicateRules/Lead.RevOps_Lead_Duplicates.duplicateRule-meta.xml');
    const out = withSortOrder(xml, 7);
    expect(out).toContain('<sortOrder>7</sortOrder>');
    expect(out.replace('<sortOrder>7</sortOrder>', '<sortOrder>2</sortOrder>')).toBe(xml);
  });
});

describe('waitForActive', () => {
  const rules = [
    { object: 'Lead', name: 'A' },
    { object: 'Lead', name: 'B' },
  ];
  const reader = (script: Array<Record<string, RuleStatus>>) => {
    let i = 0;
    return {
      reads: () => i,
      matchingRuleStatus: async () => new Map(Object.entries(script[Math.min(i++, script.length - 1)])),
    };
  };
  let clock = 0;
  const opts = {
    pollMs: 1000,
    timeoutMs: 10_000,
    now: () => clock,
    sleep: async (ms: number) => void (clock += ms),
  };

  it('polls until every rule reads Active', async () => {
    clock = 0;
    const r = reader([
      { 'Lead.A': 'Activating', 'Lead.B': 'Activating' },
      { 'Lead.A': 'Active', 'Lead.B': 'Activating' },
      { 'Lead.A': 'Active', 'Lead.B': 'Active' },
    ]);
    const lines: string[] = [];
    const out = await waitForActive(r, rules, { ...opts, onProgress: (l) => lines.push(l) });
    expect(out).toMatchObject({ result: 'all', waitedMs: 2000, notActive: [] });
    expect(lines).toEqual([
      '  0/2 matching rules Active (Lead.A Activating, Lead.B Activating)',
      '  1/2 matching rules Active (Lead.B Activating)',
      '  2/2 matching rules Active',
    ]);
  });

  it('gives up at the timeout and stops at once when an activation failed', async () => {
    clock = 0;
    const slow = await waitForActive(reader([{ 'Lead.A': 'Activating', 'Lead.B': 'Active' }]), rules, opts);
    expect(slow).toMatchObject({
      result: 'timeout',
      waitedMs: 10_000,
      notActive: [{ rule: 'Lead.A', status: 'Activating' }],
    });
    clock = 0;
    const r = reader([{ 'Lead.A': 'Activating', 'Lead.B': 'ActivationFailed' }]);
    expect(await waitForActive(r, rules, opts)).toMatchObject({ result: 'failed', waitedMs: 0 });
    expect(r.reads()).toBe(1);
  });

  it('lets a just-deployed rule read Missing or Inactive for a few polls, not forever', async () => {
    clock = 0;
    const late = reader([
      {},
      { 'Lead.A': 'Inactive' },
      { 'Lead.A': 'Activating', 'Lead.B': 'Activating' },
      { 'Lead.A': 'Active', 'Lead.B': 'Active' },
    ]);
    expect((await waitForActive(late, rules, opts)).result).toBe('all');
    clock = 0;
    const never = reader([{ 'Lead.A': 'Active' }]);
    expect(await waitForActive(never, rules, opts)).toMatchObject({ result: 'failed', waitedMs: 3000 });
  });
});

describe('opportunity stages', () => {
  const ours = parseStandardValueSet(read('standardValueSets/OpportunityStage.standardValueSet-meta.xml'));
  // a Developer Edition org's stages, with one the admin added and a changed Closed Won
  const org: StageValue[] = [
    ['Prospecting', 10, 'Pipeline', false, false],
    ['Qualification', 10, 'Pipeline', false, false],
    ['Needs Analysis', 20, 'Pipeline', false, false],
    ['Value Proposition', 50, 'Pipeline', false, false],
    ['Id. Decision Makers', 60, 'Pipeline', false, false],
    ['Perception Analysis', 70, 'Pipeline', false, false],
    ['Proposal/Price Quote', 75, 'Pipeline', false, false],
    ['Negotiation/Review', 90, 'Pipeline', false, false],
    ['Closed Won', 100, 'Closed', true, true],
    ['Closed Lost', 0, 'Omitted', true, false],
    ['Closed - Duplicate', 0, 'Omitted', true, false],
  ].map(([fullName, probability, forecastCategory, closed, won]) => ({
    fullName: fullName as string,
    label: fullName as string,
    default: fullName === 'Prospecting',
    probability: probability as number,
    forecastCategory: forecastCategory as string,
    closed: closed as boolean,
    won: won as boolean,
  }));

  it('reads the shipped seven stages', () => {
    expect(ours.values.map((v) => v.fullName)).toEqual([
      'Qualified',
      'Discovery',
      'Demo/Evaluation',
      'Proposal',
      'Negotiation',
      'Closed Won',
      'Closed Lost',
    ]);
    expect(ours.values[0]).toMatchObject({
      default: true,
      probability: 10,
      forecastCategory: 'Pipeline',
      closed: false,
      won: false,
    });
  });

  it('merge keeps every org stage, adds ours, open before closed, ours first, one default', () => {
    const m = mergeStages(ours.values, org);
    expect(m.values.map((v) => v.fullName)).toEqual([
      'Qualified',
      'Discovery',
      'Demo/Evaluation',
      'Proposal',
      'Negotiation',
      'Prospecting',
      'Qualification',
      'Needs Analysis',
      'Value Proposition',
      'Id. Decision Makers',
      'Perception Analysis',
      'Proposal/Price Quote',
      'Negotiation/Review',
      'Closed Won',
      'Closed Lost',
      'Closed - Duplicate',
    ]);
    expect(m.values.filter((v) => v.default).map((v) => v.fullName)).toEqual(['Qualified']);
    expect(m.added).toEqual(['Qualified', 'Discovery', 'Demo/Evaluation', 'Proposal', 'Negotiation']);
    expect(m.updated).toEqual([]);
    expect(m.kept).toHaveLength(9);
    // the org's attributes survive for its own stages
    expect(m.values.find((v) => v.fullName === 'Negotiation/Review')).toMatchObject({
      probability: 90,
      forecastCategory: 'Pipeline',
    });
  });

  it('names case-insensitively and reports where ours change an org stage', () => {
    const changed = org.map((v) =>
      v.fullName === 'Closed Won' ? { ...v, fullName: 'closed won', probability: 99 } : v,
    );
    const m = mergeStages(ours.values, changed);
    expect(m.updated).toEqual(['Closed Won']);
    expect(m.values.filter((v) => v.fullName.toLowerCase() === 'closed won')).toHaveLength(1);
  });

  it('keeps the org default when ours names none', () => {
    const m = mergeStages(
      ours.values.map((v) => ({ ...v, default: false })),
      org,
    );
    expect(m.values.filter((v) => v.default).map((v) => v.fullName)).toEqual(['Prospecting']);
  });

  it('serializes a merge the parser reads back unchanged', () => {
    const m = mergeStages(ours.values, org);
    const xml = serializeStandardValueSet(false, m.values);
    expect(parseStandardValueSet(xml).values).toEqual(m.values);
    expect(xml).toContain('<fullName>Demo/Evaluation</fullName>');
  });

  it('replace names the org stages it deactivates', () => {
    expect(stagesDeactivatedByReplace(ours.values, org)).toEqual([
      'Prospecting',
      'Qualification',
      'Needs Analysis',
      'Value Proposition',
      'Id. Decision Makers',
      'Perception Analysis',
      'Proposal/Price Quote',
      'Negotiation/Review',
      'Closed - Duplicate',
    ]);
  });
});
