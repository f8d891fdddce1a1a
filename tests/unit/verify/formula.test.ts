import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FormulaError,
  checkFormula,
  evaluateFormula,
  evaluateValidationRule,
  loadFieldTypes,
  parseFormula,
  type FieldType,
  type FormulaContext,
} from '../../../tooling/formula/index.ts';
import { fixture } from './helpers.ts';

const types: Record<string, FieldType> = {
  StageName: 'picklist',
  CloseDate: 'date',
  Amount: 'currency',
  Discount_Percent__c: 'percent',
  Non_Standard_Terms__c: 'multipicklist',
  Pricing_Notes__c: 'text',
  Contract_Term_Months__c: 'number',
  Signed_Contract__c: 'checkbox',
  MQL_Date__c: 'datetime',
};
const ev = (formula: string, ctx: Partial<FormulaContext> = {}): unknown =>
  evaluateFormula(formula, { record: {}, fieldTypes: types, ...ctx });

describe('formula evaluator: change functions', () => {
  it('ISCHANGED is true when the field differs from the prior record and false when it does not', () => {
    expect(
      ev('ISCHANGED(StageName)', { record: { StageName: 'Proposal' }, prior: { StageName: 'Discovery' } }),
    ).toBe(true);
    expect(
      ev('ISCHANGED(StageName)', { record: { StageName: 'Proposal' }, prior: { StageName: 'Proposal' } }),
    ).toBe(false);
  });

  it('ISCHANGED treats blank text and null as the same value', () => {
    expect(
      ev('ISCHANGED(Pricing_Notes__c)', {
        record: { Pricing_Notes__c: '' },
        prior: { Pricing_Notes__c: null },
      }),
    ).toBe(false);
  });

  it('ISCHANGED is false on insert, as on the platform', () => {
    expect(ev('ISCHANGED(StageName)', { record: { StageName: 'Proposal' }, isNew: true })).toBe(false);
  });

  it('PRIORVALUE reads the prior record, and the current value on insert', () => {
    const ctx = { record: { Amount: 120 }, prior: { Amount: 100 } };
    expect(ev('Amount - PRIORVALUE(Amount)', ctx)).toBe(20);
    expect(ev('PRIORVALUE(Amount)', { record: { Amount: 120 }, isNew: true })).toBe(120);
  });

  it('ISPICKVAL(PRIORVALUE(picklist)) compares the previous picklist value', () => {
    const ctx = { record: { StageName: 'Negotiation' }, prior: { StageName: 'Proposal' } };
    expect(
      ev('ISPICKVAL(PRIORVALUE(StageName), "Proposal") && ISPICKVAL(StageName, "Negotiation")', ctx),
    ).toBe(true);
  });

  it('ISNEW follows ctx.isNew', () => {
    expect(ev('ISNEW()', { isNew: true })).toBe(true);
    expect(ev('ISNEW()', { prior: {} })).toBe(false);
  });

  it('a close-date push (date later than before) is caught by CloseDate > PRIORVALUE(CloseDate)', () => {
    expect(
      ev('CloseDate > PRIORVALUE(CloseDate)', {
        record: { CloseDate: '2026-04-30' },
        prior: { CloseDate: '2026-03-31' },
      }),
    ).toBe(true);
    expect(
      ev('CloseDate > PRIORVALUE(CloseDate)', {
        record: { CloseDate: '2026-03-01' },
        prior: { CloseDate: '2026-03-31' },
      }),
    ).toBe(false);
  });
});

describe('formula evaluator: globals', () => {
  const rule = 'AND(NOT($Permission.RevOps_Bypass_Validation), ISBLANK(Pricing_Notes__c))';
  it('$Permission bypass: the rule fires without the custom permission and not with it', () => {
    expect(ev(rule)).toBe(true);
    expect(ev(rule, { permissions: ['RevOps_Bypass_Validation'] })).toBe(false);
  });

  it('$User fields come from ctx.user', () => {
    expect(ev('$User.Department = "Deal Desk"', { user: { Department: 'Deal Desk' } })).toBe(true);
  });

  it('an unknown $Setup global without a value is a clear reference error', () => {
    expect(() => ev('$Setup.RevOps__c.Off__c')).toThrow(/ctx.globals/);
  });

  it('cross-object paths read nested records or dotted keys', () => {
    expect(ev('TEXT(Account.Segment__c) = "SMB"', { record: { Account: { Segment__c: 'SMB' } } })).toBe(true);
    expect(ev('TEXT(Account.Segment__c) = "SMB"', { record: { 'Account.Segment__c': 'SMB' } })).toBe(true);
  });
});

describe('formula evaluator: picklists', () => {
  it('CASE on a picklist returns the matching result and the else value otherwise', () => {
    const f = 'CASE(StageName, "Proposal", 3, "Negotiation", 4, 0)';
    expect(ev(f, { record: { StageName: 'Negotiation' } })).toBe(4);
    expect(ev(f, { record: { StageName: 'Qualified' } })).toBe(0);
  });

  it('TEXT(picklist) gives the value, and "" when blank', () => {
    expect(ev('TEXT(StageName) & "!"', { record: { StageName: 'Closed Won' } })).toBe('Closed Won!');
    expect(ev('TEXT(StageName)', { record: {} })).toBe('');
  });

  it('ISPICKVAL(field, "") is true for a blank picklist', () => {
    expect(ev('ISPICKVAL(StageName, "")', { record: { StageName: null } })).toBe(true);
  });

  it('a picklist compared with = is a type error, as in Salesforce', () => {
    expect(() => ev('StageName = "Proposal"', { record: { StageName: 'Proposal' } })).toThrow(FormulaError);
    expect(() => ev('ISBLANK(StageName)')).toThrow(/only supported in ISPICKVAL/);
  });

  it('INCLUDES matches whole multi-select values, from a ;-string or an array', () => {
    expect(
      ev('INCLUDES(Non_Standard_Terms__c, "Net-90")', {
        record: { Non_Standard_Terms__c: 'Custom SLA;Net-90' },
      }),
    ).toBe(true);
    expect(
      ev('INCLUDES(Non_Standard_Terms__c, "Net")', { record: { Non_Standard_Terms__c: ['Net-90'] } }),
    ).toBe(false);
    expect(ev('INCLUDES(Non_Standard_Terms__c, "Net-90")', { record: {} })).toBe(false);
    expect(ev('ISBLANK(Non_Standard_Terms__c)', { record: { Non_Standard_Terms__c: '' } })).toBe(true);
  });
});

describe('formula evaluator: blanks, numbers, dates', () => {
  it('ISBLANK is true for null and empty text, false for 0', () => {
    expect(ev('ISBLANK(Pricing_Notes__c)', { record: { Pricing_Notes__c: '' } })).toBe(true);
    expect(ev('ISBLANK(Pricing_Notes__c)', { record: {} })).toBe(true);
    expect(ev('ISBLANK(Contract_Term_Months__c)', { record: { Contract_Term_Months__c: 0 } })).toBe(false);
    expect(ev('ISBLANK(Contract_Term_Months__c)', { record: {} })).toBe(true);
  });

  it('text functions read a blank text field as ""', () => {
    expect(ev('LEN(Pricing_Notes__c)', { record: {} })).toBe(0);
    expect(ev('CONTAINS(Pricing_Notes__c, "x")', { record: { Pricing_Notes__c: null } })).toBe(false);
  });

  it('blank numbers stay blank (comparisons false) unless treatBlanksAs is BlankAsZero', () => {
    expect(ev('Contract_Term_Months__c < 12', { record: {} })).toBe(false);
    expect(ev('Contract_Term_Months__c < 12', { record: {}, treatBlanksAs: 'BlankAsZero' })).toBe(true);
    expect(ev('Contract_Term_Months__c + 1', { record: {} })).toBe(null);
    expect(ev('BLANKVALUE(Contract_Term_Months__c, 12) + 1', { record: {} })).toBe(13);
  });

  it('a percent field holding 45 reads as 0.45', () => {
    expect(ev('Discount_Percent__c > 0.4', { record: { Discount_Percent__c: 45 } })).toBe(true);
    expect(ev('Discount_Percent__c > 0.4', { record: { Discount_Percent__c: 35 } })).toBe(false);
  });

  it('compares dates with TODAY() on a fixed clock and subtracts dates to days', () => {
    const now = new Date('2026-03-15T12:00:00Z');
    expect(ev('CloseDate < TODAY()', { record: { CloseDate: '2026-03-14' }, now })).toBe(true);
    expect(ev('CloseDate < TODAY()', { record: { CloseDate: '2026-03-15' }, now })).toBe(false);
    expect(ev('CloseDate - DATE(2026, 1, 1)', { record: { CloseDate: '2026-01-31' } })).toBe(30);
  });

  it('compares datetimes with NOW()', () => {
    const now = new Date('2026-03-15T12:00:00Z');
    expect(ev('MQL_Date__c < NOW() - 2', { record: { MQL_Date__c: '2026-03-12T12:00:00Z' }, now })).toBe(
      true,
    );
  });

  it('ISNUMBER accepts decimal text and rejects the rest', () => {
    expect(ev('ISNUMBER(Pricing_Notes__c)', { record: { Pricing_Notes__c: '-12.5' } })).toBe(true);
    expect(ev('ISNUMBER(Pricing_Notes__c)', { record: { Pricing_Notes__c: '12 apples' } })).toBe(false);
  });

  it('checkbox fields are never blank: a missing one is false', () => {
    expect(ev('NOT(Signed_Contract__c)', { record: {} })).toBe(true);
  });
});

describe('formula parser', () => {
  it('reads comments, unary minus and escaped quotes that formulon alone rejects', () => {
    expect(ev('/* discount */ -Amount + 5', { record: { Amount: 3 } })).toBe(2);
    expect(
      ev('REGEX(Pricing_Notes__c, "[0-9]+(\\\\.[0-9]+)?")', { record: { Pricing_Notes__c: '12.5' } }),
    ).toBe(true);
    expect(ev("'it\\'s'")).toBe("it's");
  });

  it('rejects a syntax error and names the problem', () => {
    expect(() => parseFormula('AND(TRUE, ')).toThrow(/does not parse/);
    expect(checkFormula('FOO(1)')).toEqual(['Unknown function FOO(). Check spelling.']);
    expect(checkFormula('AND(ISCHANGED(StageName), ISNEW())')).toEqual([]);
  });
});

describe('validation rules from source', () => {
  const root = fixture('good');

  it('loads field types from the object folder, standard fields included', () => {
    const t = loadFieldTypes(resolve(root, 'main/default/objects/Opportunity'));
    expect(t).toMatchObject({
      Discount_Percent__c: 'percent',
      Non_Standard_Terms__c: 'multipicklist',
      StageName: 'picklist',
      CloseDate: 'date',
    });
  });

  it('fires the stage rule when a deal moves into Proposal without pricing notes, with its message and field', () => {
    const result = evaluateValidationRule(
      'Opportunity',
      'Pricing_Notes_Required_At_Proposal',
      { record: { StageName: 'Proposal' }, prior: { StageName: 'Discovery' } },
      root,
    );
    expect(result).toMatchObject({
      fires: true,
      active: true,
      errorDisplayField: 'Pricing_Notes__c',
      errorMessage: 'Add pricing notes before moving the deal to Proposal.',
    });
  });

  it('does not fire with pricing notes, or for a user with the bypass permission', () => {
    const base = { record: { StageName: 'Proposal' }, prior: { StageName: 'Discovery' } };
    expect(
      evaluateValidationRule(
        'Opportunity',
        'Pricing_Notes_Required_At_Proposal',
        { ...base, record: { ...base.record, Pricing_Notes__c: 'List price' } },
        root,
      ).fires,
    ).toBe(false);
    expect(
      evaluateValidationRule(
        'Opportunity',
        'Pricing_Notes_Required_At_Proposal',
        { ...base, permissions: ['RevOps_Bypass_Validation'] },
        root,
      ).fires,
    ).toBe(false);
  });

  it("evaluates a rule with INCLUDES, a percent and a cross-object CASE (the path typed from Account's fields)", () => {
    const record = {
      Non_Standard_Terms__c: 'Net-90',
      Discount_Percent__c: 45,
      Account: { Segment__c: 'SMB' },
    };
    expect(
      evaluateValidationRule('Opportunity', 'Custom_Terms_Need_Deal_Desk_Discount', { record }, root).fires,
    ).toBe(true);
    const enterprise = { ...record, Account: { Segment__c: 'Enterprise' } };
    expect(
      evaluateValidationRule(
        'Opportunity',
        'Custom_Terms_Need_Deal_Desk_Discount',
        { record: enterprise },
        root,
      ).fires,
    ).toBe(false);
  });

  it('names the missing rule file when a rule does not exist', () => {
    expect(() => evaluateValidationRule('Opportunity', 'Nope', { record: {} }, root)).toThrow(
      /No validation rule Opportunity.Nope/,
    );
  });
});
