import { describe, expect, it } from 'vitest';
import { evaluateValidationRule } from '../../../tooling/formula/index.ts';
import { DATA_OBJECTS, readMeta, ROOT, validationRuleNames } from './helpers.ts';

const BYPASS = ['RevOps_Bypass_Validation'];

describe('append-only history objects', () => {
  const rows: Record<string, Record<string, unknown>> = {
    Lifecycle_Transition__c: {
      Record_Id__c: '00Q000000000001AAA',
      Object_Type__c: 'Lead',
      From_Stage__c: 'Lead',
      To_Stage__c: 'MQL',
      Transitioned_At__c: '2026-03-02T15:00:00Z',
    },
    Routing_Decision__c: {
      Record_Id__c: '00Q000000000001AAA',
      Rule_Matched__c: 'Territory_EMEA',
      Method__c: 'Territory',
      Chosen_Owner_Id__c: '005000000000001AAA',
      Fallback_Used__c: false,
    },
    SLA_Event__c: {
      Record_Id__c: '00Q000000000001AAA',
      Policy__c: 'MQL_To_SQL',
      Event_Type__c: 'Started',
      Due_At__c: '2026-03-02T19:00:00Z',
    },
  };
  for (const [object, row] of Object.entries(rows)) {
    const run = (opts: { isNew: boolean; permissions?: string[] }, record = row) =>
      evaluateValidationRule(
        object,
        'Append_Only',
        {
          record,
          prior: opts.isNew ? undefined : row,
          isNew: opts.isNew,
          permissions: opts.permissions ?? [],
        },
        ROOT,
      );

    it(`${object}: inserts are allowed`, () => {
      expect(run({ isNew: true }).fires).toBe(false);
    });

    it(`${object}: any edit of a saved row is blocked with an append-only message`, () => {
      const r = run({ isNew: false }, { ...row, Record_Id__c: '00Q000000000002AAA' });
      expect(r.fires).toBe(true);
      expect(r.errorMessage).toContain('append-only');
    });

    it(`${object}: an admin data fix with RevOps_Bypass_Validation may edit`, () => {
      expect(run({ isNew: false, permissions: BYPASS }).fires).toBe(false);
    });

    it(`${object}: has no other validation rule`, () => {
      expect(validationRuleNames(object)).toEqual(['Append_Only']);
    });
  }
});

describe('Rep_Availability__c', () => {
  const rep = {
    User__c: '005000000000001AAA',
    Pool__c: 'EMEA_SDR',
    Capacity__c: 40,
    Open_Leads__c: 12,
    Weight__c: 1,
    Active__c: true,
  };
  const run = (rule: string, record: Record<string, unknown>, permissions: string[] = []) =>
    evaluateValidationRule(
      'Rep_Availability__c',
      rule,
      { record, prior: rep, isNew: false, permissions },
      ROOT,
    );

  it('accepts a normal availability row', () => {
    for (const rule of validationRuleNames('Rep_Availability__c'))
      expect(run(rule, rep).fires, rule).toBe(false);
  });

  it('rejects negative capacity or open leads, and a zero weight', () => {
    for (const bad of [{ Capacity__c: -1 }, { Open_Leads__c: -3 }, { Weight__c: 0 }]) {
      const r = run('Capacity_And_Weight_Valid', { ...rep, ...bad });
      expect(r.fires, JSON.stringify(bad)).toBe(true);
      expect(r.errorMessage).toContain(Object.keys(bad)[0]);
    }
    expect(run('Capacity_And_Weight_Valid', { ...rep, Weight__c: 0 }, BYPASS).fires).toBe(false);
  });

  it('requires the rep and the pool', () => {
    expect(run('Pool_Required', { ...rep, Pool__c: null }).fires).toBe(true);
    expect(run('Pool_Required', { ...rep, User__c: null }).fires).toBe(true);
  });
});

describe('every validation rule on RevOps data', () => {
  it('starts with the RevOps_Bypass_Validation check, so data loads and integrations can bypass it', () => {
    const rules = DATA_OBJECTS.flatMap((o) => validationRuleNames(o).map((r) => `${o}/validationRules/${r}`));
    expect(rules.length).toBe(24); // 16 + the 8 generated Lifecycle_<Stage>_Required_Fields rules on Lead and Contact
    for (const r of rules) {
      const formula = readMeta<{ ValidationRule: { errorConditionFormula: string } }>(
        `objects/${r}.validationRule-meta.xml`,
      ).ValidationRule.errorConditionFormula;
      expect(formula.startsWith('NOT($Permission.RevOps_Bypass_Validation)\n&&'), r).toBe(true);
    }
  });
});
