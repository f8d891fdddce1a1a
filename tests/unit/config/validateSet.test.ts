// Set-level config checks (scripts/lib/config/validateSet.ts): what no single record can see. Each refused set
// names the record, the field and the fix; the shipped set passes.
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  findRecordFiles,
  loadConfig,
  parseConfig,
  readRecordFile,
  schemaFromDescribe,
  sourceContext,
  type ConfigIssue,
  type RawRecord,
  type RawValue,
  type SetContext,
} from '../../../scripts/lib/config/index.ts';
import { evaluateDealDesk } from '../../../scripts/lib/rules/dealdesk.ts';

const ROOT = 'force-app';
const shipped = findRecordFiles(ROOT).map(readRecordFile);
const source = sourceContext(ROOT);
const find = (type: string, name: string): RawRecord => {
  const r = shipped.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no shipped record ${type}.${name}`);
  return r;
};
/** The shipped set with some records' values changed. */
const withValues = (changes: Array<[string, string, Record<string, RawValue>]>): RawRecord[] =>
  shipped.map((r) => {
    const c = changes.find(([type, name]) => r.type === type && r.name === name);
    return c ? { ...r, values: { ...r.values, ...c[2] } } : r;
  });
function issues(records: RawRecord[], context: SetContext = source): ConfigIssue[] {
  try {
    parseConfig(records, context);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}
/** The approval tiers of a set as the deal-desk rule takes them (straight from the records, unvalidated). */
const tiersOf = (records: RawRecord[]) =>
  records
    .filter((r) => r.type === 'Approval_Tier')
    .map((r) => ({
      order: r.values.Order__c as number,
      tier: r.values.Tier__c as string,
      minDiscount: r.values.Min_Discount__c as number | null,
      maxDiscount: r.values.Max_Discount__c as number | null,
      approvers: r.values.Approvers__c as string | null,
      parallel: r.values.Parallel__c === true,
    }));

describe('the shipped set', () => {
  it('passes every set-level check against the source schema and queues', () => {
    expect(issues(shipped)).toEqual([]);
  });

  it('gives every discount from 0% to 100% exactly one escalation tier', () => {
    const tiers = loadConfig(ROOT).approvalTiers;
    for (let d = 0; d <= 100; d += 0.25)
      expect(() =>
        evaluateDealDesk({ discountPercent: d, termMonths: 12, nonStandardTerms: [], segment: null, tiers }),
      ).not.toThrow();
  });
});

describe('approval tiers cover 0-100% without gaps or overlaps', () => {
  it('refuses a gap: Manager up to 15%, VP Sales from 20% (a 17% discount would throw)', () => {
    const records = withValues([['Approval_Tier', 'Manager', { Max_Discount__c: 15 }]]);
    // the issue's reproduction: with this set the deal-desk rule has no tier for 17%
    expect(() =>
      evaluateDealDesk({
        discountPercent: 17,
        termMonths: 12,
        nonStandardTerms: [],
        segment: null,
        tiers: tiersOf(records),
      }),
    ).toThrow(/no approval tier matches discount 17%/);
    const found = issues(records);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ record: 'Approval_Tier.Manager', field: 'Max_Discount__c' });
    expect(found[0].message).toBe(
      'Approval_Tier.Manager: discounts from 15% up to 20% match no approval tier: Approval_Tier.Manager ends at Max_Discount__c 15% and Approval_Tier.VP_Sales starts at Min_Discount__c 20%, so a 17.5% discount has no tier and the deal-desk rule throws. Set Approval_Tier.Manager.Max_Discount__c to 20 (or Approval_Tier.VP_Sales.Min_Discount__c to 15).',
    );
    expect(found[0].file).toMatch(/Approval_Tier\.Manager\.md-meta\.xml$/);
  });

  it('refuses an overlap: VP Sales from 15% while Manager runs to 20%', () => {
    const found = issues(withValues([['Approval_Tier', 'VP_Sales', { Min_Discount__c: 15 }]]));
    expect(found.map((i) => [i.record, i.field])).toEqual([['Approval_Tier.VP_Sales', 'Min_Discount__c']]);
    expect(found[0].message).toContain(
      'its band [15%, 40%) overlaps Approval_Tier.Manager [10%, 20%): discounts from 15% up to 20% match both',
    );
    expect(found[0].message).toContain('Set Approval_Tier.VP_Sales.Min_Discount__c to 20');
  });

  it('refuses a top band that stops short of 100%, or at 100% itself (bands are [Min, Max))', () => {
    const short = issues(withValues([['Approval_Tier', 'Deal_Desk', { Max_Discount__c: 90 }]]));
    expect(short.map((i) => [i.record, i.field])).toEqual([['Approval_Tier.Deal_Desk', 'Max_Discount__c']]);
    expect(short[0].message).toContain('discounts from 90% to 100% match no approval tier');
    const at100 = issues(withValues([['Approval_Tier', 'Deal_Desk', { Max_Discount__c: 100 }]]));
    expect(at100[0].message).toContain('a 100% discount matches no approval tier');
  });

  it('refuses a lowest band that does not start at 0%', () => {
    const found = issues(withValues([['Approval_Tier', 'Standard', { Min_Discount__c: 5 }]]));
    expect(found.map((i) => [i.record, i.field])).toEqual([['Approval_Tier.Standard', 'Min_Discount__c']]);
    expect(found[0].message).toContain('discounts from 0% up to 5% match no approval tier');
  });

  it('leaves parallel tiers out: they add approvers on top of the escalation tier', () => {
    expect(issues(withValues([['Approval_Tier', 'Finance_And_Legal', { Min_Discount__c: 30 }]]))).toEqual([]);
  });
});

describe('DeveloperNames are unique per type, ignoring case', () => {
  it('refuses two records whose names differ only in case', () => {
    const twin = {
      ...find('Scoring_Rule', 'Fit_Geo_Core'),
      name: 'fit_geo_core',
      file: '/x/Scoring_Rule.fit_geo_core.md-meta.xml',
    };
    const found = issues([...shipped, twin]);
    expect(found.map((i) => i.record)).toEqual(['Scoring_Rule.fit_geo_core']);
    expect(found[0].message).toMatch(
      /^Scoring_Rule\.fit_geo_core: a DeveloperName that differs only in case as Scoring_Rule\.Fit_Geo_Core \(.*force-app\/main\/default\/customMetadata\/Scoring_Rule\.Fit_Geo_Core\.md-meta\.xml\); the org keeps one record per DeveloperName/,
    );
  });

  describe('across package folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revops-dup-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const extra = join(dir, 'extra-app', 'main', 'default', 'customMetadata');
    mkdirSync(extra, { recursive: true });
    cpSync(
      find('Scoring_Rule', 'Fit_Geo_Core').file as string,
      join(extra, 'Scoring_Rule.Fit_Geo_Core.md-meta.xml'),
    );

    it('refuses the same record in force-app and another package folder', () => {
      let error: ConfigError | undefined;
      try {
        loadConfig([ROOT, join(dir, 'extra-app')]);
      } catch (e) {
        error = e as ConfigError;
      }
      expect(error?.issues.map((i) => i.record)).toEqual(['Scoring_Rule.Fit_Geo_Core']);
      expect(error?.issues[0].message).toContain('the same DeveloperName as Scoring_Rule.Fit_Geo_Core');
      expect(error?.issues[0].message).toContain(join(extra, 'Scoring_Rule.Fit_Geo_Core.md-meta.xml'));
    });
  });
});

describe('malformed XML', () => {
  const dir = mkdtempSync(join(tmpdir(), 'revops-xml-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const folder of ['customMetadata', 'objects', 'queues'])
    cpSync(join(ROOT, 'main', 'default', folder), join(dir, 'main', 'default', folder), { recursive: true });
  const file = join(dir, 'main', 'default', 'customMetadata', 'Scoring_Rule.Fit_Geo_Core.md-meta.xml');
  const good = readFileSync(file, 'utf8');

  it.each([
    [
      'a mismatched closing tag',
      (x: string) => x.replace('<field>Points__c</field>', '<field>Points__c</fiel>'),
      '<field>Points__c',
    ],
    ['an unclosed element', (x: string) => x.replace(/<\/label>/, ''), '<label>'],
    ['a missing root end tag', (x: string) => x.replace('</CustomMetadata>', ''), '<CustomMetadata'],
  ])('refuses %s with the file, line and column', (_what, breakIt, near) => {
    writeFileSync(file, breakIt(good));
    try {
      expect(() => loadConfig(dir)).toThrow(ConfigError);
      let message = '';
      try {
        loadConfig(dir);
      } catch (e) {
        message = (e as ConfigError).issues[0].message;
      }
      const m = new RegExp(
        `^Scoring_Rule\\.Fit_Geo_Core: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+): malformed XML: `,
      ).exec(message);
      expect(m, message).not.toBeNull();
      // the line points at (or after) the broken element
      const brokenLine =
        breakIt(good)
          .split('\n')
          .findIndex((l) => l.includes(near)) + 1;
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(brokenLine);
      expect(Number(m?.[2])).toBeGreaterThan(0);
    } finally {
      writeFileSync(file, good);
    }
  });
});

describe('routing has a fallback', () => {
  it('refuses a fallback owner that is not a Lead queue', () => {
    const found = issues(
      withValues([['Routing_Rule', 'Territory_EMEA', { Fallback_Owner__c: 'EMEA_Fallback' }]]),
    );
    expect(found.map((i) => [i.record, i.field])).toEqual([
      ['Routing_Rule.Territory_EMEA', 'Fallback_Owner__c'],
    ]);
    expect(found[0].message).toContain(
      "Fallback_Owner__c 'EMEA_Fallback' is not a Lead queue in force-app queues/ (Lead queues: Lead_Fallback)",
    );
    // Deal_Desk is a queue, but for opportunities: it cannot own a lead
    expect(
      issues(withValues([['Routing_Rule', 'Territory_EMEA', { Fallback_Owner__c: 'Deal_Desk' }]])),
    ).toHaveLength(1);
  });

  it('refuses a set whose Lead_Fallback queue (the last resort) is missing', () => {
    const found = issues(shipped, { ...source, leadQueues: { names: new Set(), source: 'the org x' } });
    expect(found[0]).toMatchObject({ record: 'Routing_Rule' });
    expect(found[0].message).toContain(
      'the Lead_Fallback queue, where leads that no rule places go, is not a Lead queue in the org x',
    );
    expect(found.filter((i) => i.field === 'Fallback_Owner__c')).toHaveLength(6);
  });
});

describe('every referenced field exists on its object', () => {
  it('refuses a scoring rule on a field that does not exist (it would never fire), with a suggestion', () => {
    const found = issues(withValues([['Scoring_Rule', 'Fit_Geo_Core', { Field__c: 'Countri' }]]));
    expect(found.map((i) => [i.record, i.field])).toEqual([['Scoring_Rule.Fit_Geo_Core', 'Field__c']]);
    expect(found[0].message).toMatch(
      /^Scoring_Rule\.Fit_Geo_Core: Field__c 'Countri': Lead has no field Countri \(did you mean Country\?\) \(checked force-app\/main\/default\/objects\/Lead\/fields and the standard Lead fields of scripts\/lib\/schema\/standardSchema\.ts\)\. The rule would never fire on Lead\./,
    );
  });

  it('refuses an Any rule on a field only one of Lead and Contact has', () => {
    const found = issues(
      withValues([['Scoring_Rule', 'Fit_Tech_Stack', { Field__c: 'Matched_Account__c' }]]),
    );
    expect(found.map((i) => i.message)).toEqual([
      expect.stringContaining("Field__c 'Matched_Account__c': Contact has no field Matched_Account__c"),
    ]);
    expect(found[0].message).toContain(
      'Object__c Any scores Leads and Contacts, so the field must exist on both',
    );
  });

  it('refuses a field written in another case: Apex would match it, the offline rules would not', () => {
    const found = issues(withValues([['Scoring_Rule', 'Fit_Geo_Core', { Field__c: 'country' }]]));
    expect(found[0].message).toContain('Lead.country is spelled Country in the schema');
  });

  it('follows a relationship path to the parent object', () => {
    const contactRule = (field: string) =>
      withValues([['Scoring_Rule', 'Fit_Geo_Core_Contact', { Field__c: field }]]);
    expect(issues(contactRule('Account.Industry'))).toEqual([]);
    expect(issues(contactRule('Account.Industri'))[0].message).toContain('Account has no field Industri');
    expect(issues(contactRule('Acount.Industry'))[0].message).toContain('Contact has no relationship Acount');
  });

  it('refuses routing criteria, stage policy required fields and dedup system-of-record fields that do not exist', () => {
    const found = issues(
      withValues([
        ['Routing_Rule', 'Skill_German', { Criteria__c: 'Prefered_Language__c equals German' }],
        ['Stage_Policy', 'Discovery', { Required_Fields__c: 'Pain_Points__c;Budget__c' }],
        ['Dedup_Rule', 'Account_Default', { System_Of_Record_Field__c: 'Is_SoR__c' }],
      ]),
    );
    expect(found.map((i) => [i.record, i.field])).toEqual([
      ['Routing_Rule.Skill_German', 'Criteria__c'],
      ['Stage_Policy.Discovery', 'Required_Fields__c'],
      ['Dedup_Rule.Account_Default', 'System_Of_Record_Field__c'],
    ]);
    expect(found[0].message).toContain(
      'Criteria__c names Prefered_Language__c: Lead has no field Prefered_Language__c',
    );
    expect(found[0].message).toContain('Prefered_Language__c (did you mean Preferred_Language__c?)');
    expect(found[1].message).toContain(
      'Required_Fields__c names Budget__c: Opportunity has no field Budget__c',
    );
    expect(found[2].message).toContain(
      "System_Of_Record_Field__c 'Is_SoR__c': Account has no field Is_SoR__c",
    );
  });

  it("checks against an org's describe when given one: a field the org lacks is refused, naming the org", () => {
    const named = (names: string[]) => names.map((name) => ({ name }));
    const describes = {
      Lead: named([
        'Country',
        'Industry',
        'NumberOfEmployees',
        'Title',
        'Email',
        'HasOptedOutOfEmail',
        'Matched_Account__c',
        'Preferred_Language__c',
        'Tech_Stack__c',
      ]),
      Contact: named(['MailingCountry', 'Title', 'Email', 'HasOptedOutOfEmail']),
      Opportunity: [],
      Account: named(['Is_System_Of_Record__c']),
    };
    const org = {
      schema: schemaFromDescribe(describes, 'the org me@example.com'),
      leadQueues: source.leadQueues,
    };
    const found = issues(withValues([]), org);
    expect(found.find((i) => i.record === 'Scoring_Rule.Fit_Tech_Stack')?.message).toContain(
      "Field__c 'Tech_Stack__c': Contact has no field Tech_Stack__c (checked the describe of Contact in the org me@example.com)",
    );
    expect(found.filter((i) => i.record.startsWith('Stage_Policy.'))).not.toHaveLength(0);
  });
});
