import { describe, expect, it } from 'vitest';
import { evaluateValidationRule } from '../../../tooling/formula/index.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { stageSkip } from '../../../scripts/lib/rules/hygiene.ts';
import { ROOT, validationRuleNames } from './helpers.ts';

const BYPASS = ['RevOps_Bypass_Validation'];
const policies = loadConfig(ROOT).stagePolicies;

/** A deal with every stage's required field filled in. */
const COMPLETE: Record<string, unknown> = {
  Name: 'Acme expansion',
  CloseDate: '2026-06-30',
  Amount: 48000,
  LeadSource: 'Web',
  Fit_Score_Snapshot__c: 62,
  Pain_Points__c: 'Leads sit unworked for days; no routing rules.',
  Current_Solution__c: 'Spreadsheets and manual assignment',
  Timeline__c: 'Live before the Q3 kickoff',
  Technical_Requirements__c: 'SSO, Salesforce sandbox first',
  Decision_Makers__c: 'VP Sales (economic buyer), RevOps lead (champion)',
  Pricing_Notes__c: 'Core Platform, 50 seats, list price',
  Terms_Summary__c: '12 months, annual upfront',
  Stakeholder_Map__c: 'CFO neutral, VP Sales supportive',
  Redlines__c: 'Liability cap at 12 months fees',
  Approval_Chain__c: 'VP Sales then CFO',
  Signed_Contract__c: true,
  Payment_Terms__c: 'Net 30',
  Loss_Reason__c: 'Competitor',
  Competitor__c: 'LeanData',
  Close_Date_Push_Reason__c: null,
};

const blankOf = (field: string): unknown => (field === 'Signed_Contract__c' ? false : null);
const stageRule = (stage: string) => `Stage_${stage.replace(/[^A-Za-z]+/g, '_')}_Required_Fields`;

function run(
  rule: string,
  record: Record<string, unknown>,
  opts: { prior?: Record<string, unknown>; isNew?: boolean; permissions?: string[] } = {},
) {
  return evaluateValidationRule(
    'Opportunity',
    rule,
    { record, prior: opts.prior ?? record, isNew: opts.isNew ?? false, permissions: opts.permissions ?? [] },
    ROOT,
  );
}

describe('Opportunity stage validation rules', () => {
  it('ships one required-fields rule per stage, plus the push, skip and discount rules, all active', () => {
    const names = validationRuleNames('Opportunity');
    expect(names).toEqual(
      expect.arrayContaining([
        ...policies.map((p) => stageRule(p.stage)),
        'Close_Date_Push_Requires_Reason',
        'Discount_And_Term_Valid',
        'Stage_Skip_Blocked',
      ]),
    );
    expect(names).toHaveLength(policies.length + 3);
    for (const name of names) expect(run(name, { ...COMPLETE, StageName: 'Qualified' }).active).toBe(true);
  });

  for (const policy of policies) {
    const required = (policy.requiredFields ?? '').split(';');
    describe(`${policy.stage}`, () => {
      it('lets a deal with every required field filled in save', () => {
        expect(run(stageRule(policy.stage), { ...COMPLETE, StageName: policy.stage }).fires).toBe(false);
      });

      for (const field of required) {
        it(`blocks the save when ${field} is missing and names it in the message`, () => {
          const result = run(stageRule(policy.stage), {
            ...COMPLETE,
            StageName: policy.stage,
            [field]: blankOf(field),
          });
          expect(result.fires).toBe(true);
          expect(result.errorMessage).toContain(field);
          expect(result.errorMessage).toContain(policy.stage);
        });
      }

      it('names exactly the fields of the stage policy (Stage_Policy__mdt.Required_Fields__c)', () => {
        const message = run(stageRule(policy.stage), { ...COMPLETE, StageName: policy.stage }).errorMessage;
        const named = [...message.matchAll(/\(([A-Za-z_]+)\)/g)].map((m) => m[1]);
        expect(named).toEqual([...required, ...(policy.closeDateNotFuture ? ['CloseDate'] : [])]);
      });

      if (policy.closeDateNotFuture)
        it('blocks a move into the stage with a close date in the future (Close_Date_Not_Future__c), allows today, and lets a deal already there keep a future date', () => {
          const today = new Date().toISOString().slice(0, 10);
          const rule = stageRule(policy.stage);
          const prior = { ...COMPLETE, StageName: 'Negotiation', CloseDate: '2099-12-31' };
          const inStage = { ...COMPLETE, StageName: policy.stage, CloseDate: '2099-12-31' };
          expect(run(rule, inStage, { prior }).fires).toBe(true);
          expect(run(rule, inStage, { isNew: true }).fires).toBe(true);
          expect(run(rule, { ...inStage, CloseDate: today }, { prior }).fires).toBe(false);
          // an imported deal already in the stage with a future date: other edits save, a new future date does not
          expect(run(rule, { ...inStage, Amount: 50000 }, { prior: inStage }).fires).toBe(false);
          expect(run(rule, { ...inStage, CloseDate: '2099-11-30' }, { prior: inStage }).fires).toBe(true);
        });

      it('does not apply to deals in another stage', () => {
        const other = policies.find((p) => p.stage !== policy.stage)?.stage as string;
        const empty = Object.fromEntries(required.map((f) => [f, blankOf(f)]));
        expect(run(stageRule(policy.stage), { ...COMPLETE, ...empty, StageName: other }).fires).toBe(false);
      });

      it('is bypassed for users with the RevOps_Bypass_Validation custom permission', () => {
        const empty = Object.fromEntries(required.map((f) => [f, blankOf(f)]));
        const record = { ...COMPLETE, ...empty, StageName: policy.stage };
        expect(run(stageRule(policy.stage), record).fires).toBe(true);
        expect(run(stageRule(policy.stage), record, { permissions: BYPASS }).fires).toBe(false);
      });
    });
  }
});

describe('Close_Date_Push_Requires_Reason', () => {
  const before = {
    ...COMPLETE,
    StageName: 'Proposal',
    CloseDate: '2026-06-30',
    Close_Date_Push_Reason__c: 'Budget moved to Q3',
  };
  const rule = 'Close_Date_Push_Requires_Reason';

  it('blocks moving the close date later without a push reason', () => {
    const r = run(
      rule,
      { ...before, CloseDate: '2026-07-31', Close_Date_Push_Reason__c: null },
      { prior: before },
    );
    expect(r.fires).toBe(true);
    expect(r.errorMessage).toContain('Close_Date_Push_Reason__c');
    expect(r.errorDisplayField).toBe('Close_Date_Push_Reason__c');
  });

  it('blocks a second push that reuses the previous push reason', () => {
    expect(run(rule, { ...before, CloseDate: '2026-07-31' }, { prior: before }).fires).toBe(true);
  });

  it('accepts a push with a new reason', () => {
    expect(
      run(
        rule,
        { ...before, CloseDate: '2026-07-31', Close_Date_Push_Reason__c: 'Legal review slipped two weeks' },
        { prior: before },
      ).fires,
    ).toBe(false);
  });

  it('accepts pulling the close date in, or leaving it alone, without a reason', () => {
    expect(run(rule, { ...before, CloseDate: '2026-05-31' }, { prior: before }).fires).toBe(false);
    expect(run(rule, { ...before, Name: 'Acme expansion (50 seats)' }, { prior: before }).fires).toBe(false);
  });

  it('does not apply when the deal is created', () => {
    expect(
      run(rule, { ...before, Close_Date_Push_Reason__c: null }, { isNew: true, prior: undefined }).fires,
    ).toBe(false);
  });

  it('is bypassed for data loads with RevOps_Bypass_Validation', () => {
    expect(
      run(rule, { ...before, CloseDate: '2026-09-30' }, { prior: before, permissions: BYPASS }).fires,
    ).toBe(false);
  });
});

describe('Stage_Skip_Blocked', () => {
  const rule = 'Stage_Skip_Blocked';
  const move = (from: string, to: string, opts: { permissions?: string[] } = {}) =>
    run(rule, { ...COMPLETE, StageName: to }, { prior: { ...COMPLETE, StageName: from }, ...opts });

  it('blocks a forward skip such as Qualified to Proposal, with a message saying how to move', () => {
    const r = move('Qualified', 'Proposal');
    expect(r.fires).toBe(true);
    expect(r.errorMessage).toContain('one stage forward at a time');
    expect(move('Discovery', 'Closed Won').fires).toBe(true);
  });

  it('allows every one-step move forward', () => {
    const open = policies.filter((p) => p.stage !== 'Closed Lost');
    for (let i = 1; i < open.length; i++)
      expect(move(open[i - 1].stage, open[i].stage).fires, `${open[i - 1].stage} -> ${open[i].stage}`).toBe(
        false,
      );
  });

  it('allows moving back, closing lost from any stage, and staying put', () => {
    expect(move('Proposal', 'Discovery').fires).toBe(false);
    expect(move('Qualified', 'Closed Lost').fires).toBe(false);
    expect(move('Negotiation', 'Negotiation').fires).toBe(false);
  });

  it('does not block deals coming from a stage outside the RevOps pipeline (legacy values)', () => {
    expect(move('Prospecting', 'Proposal').fires).toBe(false);
  });

  it('does not apply on create, and is bypassed with RevOps_Bypass_Validation', () => {
    expect(run(rule, { ...COMPLETE, StageName: 'Proposal' }, { isNew: true, prior: undefined }).fires).toBe(
      false,
    );
    expect(move('Qualified', 'Negotiation', { permissions: BYPASS }).fires).toBe(false);
  });

  it('refuses exactly the moves stageSkip (scripts/lib/rules/hygiene.ts) calls a skip, for every pair of stages', () => {
    for (const from of policies)
      for (const to of policies) {
        if (from.stage === to.stage) continue;
        const skip = stageSkip(from.stage, to.stage, policies);
        expect(move(from.stage, to.stage).fires, `${from.stage} -> ${to.stage}`).toBe(skip.skipped);
      }
  });
});

describe('Discount_And_Term_Valid', () => {
  const rule = 'Discount_And_Term_Valid';
  const deal = { ...COMPLETE, StageName: 'Proposal', Discount_Percent__c: 25, Contract_Term_Months__c: 12 };

  it('accepts discounts from 0% to 100% and blank deal-desk fields', () => {
    for (const d of [0, 25, 100, null])
      expect(run(rule, { ...deal, Discount_Percent__c: d }).fires, String(d)).toBe(false);
    expect(run(rule, { ...deal, Contract_Term_Months__c: null }).fires).toBe(false);
  });

  it('rejects a discount above 100% or below 0%, or a term under a month, naming the fields', () => {
    for (const bad of [
      { Discount_Percent__c: 120 },
      { Discount_Percent__c: -5 },
      { Contract_Term_Months__c: 0 },
    ]) {
      const r = run(rule, { ...deal, ...bad });
      expect(r.fires, JSON.stringify(bad)).toBe(true);
      expect(r.errorMessage).toContain(Object.keys(bad)[0]);
    }
    expect(run(rule, { ...deal, Discount_Percent__c: 120 }, { permissions: BYPASS }).fires).toBe(false);
  });
});
