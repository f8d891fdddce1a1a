import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { evaluateFormula, evaluateValidationRule, loadFieldTypes } from '../../../tooling/formula/index.ts';
import { evaluateDealDesk } from '../../../scripts/lib/rules/dealdesk.ts';
import {
  checkConfigDrift,
  dealDeskFormulas,
  fraction,
  readApprovalTiers,
  writeConfig,
} from '../../../tooling/verify/configDrift.ts';
import { decodeXml } from '../../../tooling/verify/files.ts';
import { REPO, fixture, verifyFixture, problemsOf } from './helpers.ts';

const REAL = resolve(REPO, 'force-app');
const DRIFTED = fixture('config-drift');
const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

/** A scratch copy of a force-app tree (the generator writes into it). */
function copyOf(root: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'revops-drift-'));
  temps.push(dir);
  cpSync(root, join(dir, 'force-app'), { recursive: true });
  return join(dir, 'force-app');
}

const processFormula = (root: string, process: string): string => {
  const xml = readFileSync(
    join(root, 'main/default/approvalProcesses', `Opportunity.${process}.approvalProcess-meta.xml`),
    'utf8',
  );
  const steps = xml.replace(/<approvalStep>[\s\S]*?<\/approvalStep>/g, '');
  return decodeXml(/<entryCriteria>\s*<formula>([\s\S]*?)<\/formula>/.exec(steps)?.[1] ?? '');
};

describe('config drift check', () => {
  it('passes on the committed tree: the approval processes and validation rules match the metadata', () => {
    expect(checkConfigDrift({ root: REAL, repoDir: REPO })).toEqual([]);
  });

  it('fails on a tree where tiers and a stage policy were tuned without regenerating, naming the file and the record', () => {
    const problems = checkConfigDrift({ root: DRIFTED, repoDir: REPO });
    const about = (file: string) => problems.filter((p) => p.file.endsWith(file));
    const manager = about('Opportunity.Deal_Desk_Manager_Approval.approvalProcess-meta.xml');
    expect(manager).toHaveLength(1);
    expect(manager[0].message).toContain('Approval_Tier.Manager');
    expect(manager[0].message).toContain('< 0.25');
    expect(manager[0].line).toBeGreaterThan(1);
    const vp = about('Opportunity.Deal_Desk_VP_Sales_Approval.approvalProcess-meta.xml');
    expect(vp[0].message).toContain('Approval_Tier.VP_Sales');
    const proposal = about('Stage_Proposal_Required_Fields.validationRule-meta.xml');
    expect(proposal.length).toBeGreaterThan(0);
    expect(proposal[0].message).toContain('Stage_Policy.Proposal');
    expect(proposal[0].message).toContain('configDrift.ts --write');
    // nothing else drifted: the finance-and-legal process and the other stages still agree
    expect(about('Opportunity.Deal_Desk_Finance_Legal_Approval.approvalProcess-meta.xml')).toEqual([]);
    expect(about('Stage_Discovery_Required_Fields.validationRule-meta.xml')).toEqual([]);
  });

  it('is part of npm run verify (the formula check)', async () => {
    const report = await verifyFixture('config-drift', ['formula']);
    expect(report.ok).toBe(false);
    expect(problemsOf(report).filter((p) => p.message.startsWith('config drift:')).length).toBe(3);
  });

  it('regenerates the drifted files so the check passes, and leaves a current tree untouched', () => {
    const root = copyOf(DRIFTED);
    const { written, unfixed } = writeConfig(root);
    expect(unfixed).toEqual([]);
    expect(written.map((f) => f.split('/').pop()).sort()).toEqual([
      'Opportunity.Deal_Desk_Manager_Approval.approvalProcess-meta.xml',
      'Opportunity.Deal_Desk_VP_Sales_Approval.approvalProcess-meta.xml',
      'Stage_Proposal_Required_Fields.validationRule-meta.xml',
    ]);
    expect(checkConfigDrift({ root, repoDir: REPO })).toEqual([]);
    expect(processFormula(root, 'Deal_Desk_Manager_Approval')).toContain(
      'BLANKVALUE(Discount_Percent__c, 0) < 0.25',
    );
    expect(writeConfig(copyOf(REAL)).written).toEqual([]);
  });

  it('generates the close-date test (Close_Date_Not_Future__c) for the move into the stage: a won deal already there with a future date stays editable', () => {
    // the shipped Closed Won rule, and the same test generated for a stage tuned to require it (Negotiation)
    const root = copyOf(REAL);
    const file = join(root, 'main/default/customMetadata/Stage_Policy.Negotiation.md-meta.xml');
    const policy = readFileSync(file, 'utf8');
    const tuned = policy.replace(
      /(<field>Close_Date_Not_Future__c<\/field>\s*<value xsi:type="xsd:boolean">)false/,
      '$1true',
    );
    expect(tuned).not.toBe(policy);
    writeFileSync(file, tuned);
    expect(writeConfig(root).written.map((f) => f.split('/').pop())).toEqual([
      'Stage_Negotiation_Required_Fields.validationRule-meta.xml',
    ]);
    const deal = {
      Name: 'Imported deal',
      Amount: 48000,
      Signed_Contract__c: true,
      Payment_Terms__c: 'Net 30',
      Redlines__c: 'none',
      Approval_Chain__c: 'VP Sales',
      CloseDate: '2099-12-31',
      Description: null,
    };
    for (const [stage, before] of [
      ['Closed Won', 'Negotiation'],
      ['Negotiation', 'Proposal'],
    ]) {
      const rule = `Stage_${stage.replace(/ /g, '_')}_Required_Fields`;
      const there = { ...deal, StageName: stage };
      const fires = (record: Record<string, unknown>, prior: Record<string, unknown>, isNew = false) =>
        evaluateValidationRule('Opportunity', rule, { record, prior, isNew, permissions: [] }, root).fires;
      // an edit of a deal already in the stage with a future close date passes
      expect(fires({ ...there, Description: 'renewal owner: CS' }, there), `${stage}: edit`).toBe(false);
      // a move into the stage with a future close date is refused, as is a deal created in it
      expect(fires(there, { ...deal, StageName: before }), `${stage}: move in`).toBe(true);
      expect(fires(there, there, true), `${stage}: insert`).toBe(true);
      // a close date moved into the future while in the stage is refused; today is fine
      expect(fires({ ...there, CloseDate: '2099-11-30' }, there), `${stage}: new date`).toBe(true);
      const today = new Date().toISOString().slice(0, 10);
      expect(fires({ ...there, CloseDate: today }, { ...deal, StageName: before }), `${stage}: today`).toBe(
        false,
      );
    }
  });

  it('reports a tier whose approval process file does not exist', () => {
    const root = copyOf(DRIFTED);
    const file = join(root, 'main/default/customMetadata/Approval_Tier.VP_Sales.md-meta.xml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('Deal_Desk_VP_Sales_Approval', 'Deal_Desk_VP_Approval'),
    );
    const problems = checkConfigDrift({ root, repoDir: REPO });
    const missing = problems.find((p) =>
      p.file.endsWith('Opportunity.Deal_Desk_VP_Approval.approvalProcess-meta.xml'),
    );
    expect(missing?.message).toMatch(/is missing .*Approval_Tier\.VP_Sales/);
  });
});

describe('generated approval-process formulas', () => {
  it('writes percents as the fractions formulas see', () => {
    expect([fraction(10), fraction(12.5), fraction(40), fraction(7.25)]).toEqual([
      '0.10',
      '0.125',
      '0.40',
      '0.0725',
    ]);
  });

  // The regenerated processes of the tuned fixture must route every sample deal the way the deal-desk rule does
  // with the tuned tiers: exactly one process (none for Standard), the steps that run, and the tier stamped.
  it('route sample deals exactly as evaluateDealDesk does with tuned tiers', () => {
    const root = copyOf(DRIFTED);
    writeConfig(root);
    const tiers = readApprovalTiers(root);
    const formulas = dealDeskFormulas(tiers);
    const fieldTypes = loadFieldTypes(join(root, 'main/default/objects/Opportunity'));
    const run = (text: string, record: Record<string, unknown>) =>
      evaluateFormula(text, { record, fieldTypes });
    let checked = 0;
    for (const Discount_Percent__c of [null, 0, 9.99, 10, 24.99, 25, 39.99, 40, 80])
      for (const Non_Standard_Terms__c of [null, 'Net-90'])
        for (const Contract_Term_Months__c of [null, 12, 13, 36])
          for (const Segment__c of [null, 'SMB', 'Enterprise']) {
            const deal = { Discount_Percent__c, Non_Standard_Terms__c, Contract_Term_Months__c, Segment__c };
            const expected = evaluateDealDesk({
              discountPercent: Discount_Percent__c,
              termMonths: Contract_Term_Months__c,
              nonStandardTerms: Non_Standard_Terms__c ? [Non_Standard_Terms__c] : [],
              segment: Segment__c,
              tiers,
            });
            const label = JSON.stringify(deal);
            const matching = formulas.filter((f) => run(f.entry.text, deal) === true);
            expect(
              matching.map((f) => f.process),
              label,
            ).toEqual(expected.approvers.length ? [expected.approvalProcess] : []);
            if (!matching.length) continue;
            const [m] = matching;
            expect(run(m.tierName.text, deal), label).toBe(expected.tier);
            expect(processFormula(root, m.process), label).toBe(m.entry.text);
            const parallelApprovers = [...m.steps.values()].some((s) => run(s.text, deal) === true);
            expect(parallelApprovers, label).toBe(expected.parallel && m.tier.parallel !== true);
            checked++;
          }
    expect(checked).toBeGreaterThan(150);
  });

  it('refuses two tiers that share one approval process', () => {
    const tiers = loadConfig(REAL).approvalTiers.map((t) =>
      t.name === 'VP_Sales' ? { ...t, approvalProcess: 'Deal_Desk_Manager_Approval' } : t,
    );
    expect(() => dealDeskFormulas(tiers)).toThrow(/Approval_Tier\.VP_Sales and Approval_Tier\.Manager/);
  });
});

describe('config drift check: the Lead and Contact lifecycle rules (Lifecycle_Field_Policy__mdt)', () => {
  const TUNED = fixture('lifecycle-drift');
  const rule = (root: string, object: string, name: string): string =>
    readFileSync(
      join(root, 'main/default/objects', object, 'validationRules', `${name}.validationRule-meta.xml`),
      'utf8',
    );

  it('the shipped tree has one generated rule per policy, gating the move into the stage and naming every field', () => {
    const mql = decodeXml(rule(REAL, 'Lead', 'Lifecycle_MQL_Required_Fields'));
    expect(mql).toContain('ISPICKVAL(Lifecycle_Stage__c, "MQL")');
    expect(mql).toContain('(ISNEW() || ISCHANGED(Lifecycle_Stage__c))');
    expect(mql).toContain('NOT($Permission.RevOps_Bypass_Validation)');
    expect(mql).toContain(
      'MQL requires: Email (Email), Last Name (LastName), Company (Company), Country (Country)',
    );
    const sql = decodeXml(rule(REAL, 'Contact', 'Lifecycle_SQL_Required_Fields'));
    expect(sql).toContain('ISPICKVAL(LeadSource, "")'); // a picklist is blank through ISPICKVAL
    expect(sql).toContain('ISBLANK(MailingCountry)');
  });

  it("a converted lead's contact, inserted at its lead's stage with a field blanked since, is not refused; a contact moved into the stage is", () => {
    // "Require Validation for Converted Leads" runs the Contact rules on the conversion's insert: the contact carries
    // the mapped Lifecycle_Stage__c, and a lead may lose a field after it entered its stage (allowed) or predate the rules
    const contact = {
      Id: 'C1',
      LastName: 'Ode',
      Email: 'ben@globex.com',
      MailingCountry: 'US',
      LeadSource: 'Web',
      Title: null,
    };
    const sql = { ...contact, Lifecycle_Stage__c: 'SQL' };
    const converted = evaluateValidationRule(
      'Contact',
      'Lifecycle_SQL_Required_Fields',
      { record: sql, prior: sql, isNew: true, permissions: [] },
      REAL,
    );
    expect(converted.fires).toBe(false);
    const accepted = evaluateValidationRule(
      'Contact',
      'Lifecycle_SQL_Required_Fields',
      { record: sql, prior: { ...contact, Lifecycle_Stage__c: 'MQL' }, isNew: false, permissions: [] },
      REAL,
    );
    expect(accepted.fires).toBe(true);
    expect(accepted.errorMessage).toContain('Title (Title)');
    const lead = { Id: 'L1', LastName: 'Lee', Company: 'Acme', Email: 'ann@acme.com', Country: null };
    const imported = { ...lead, Lifecycle_Stage__c: 'MQL' };
    expect(
      evaluateValidationRule(
        'Lead',
        'Lifecycle_MQL_Required_Fields',
        { record: imported, prior: imported, isNew: true, permissions: [] },
        REAL,
      ).fires,
    ).toBe(true); // a lead inserted at a stage still enters it
  });

  it('fails on a tree whose policies were tuned without regenerating: a new field, a switched-off policy, an orphan rule', () => {
    const problems = checkConfigDrift({ root: TUNED, repoDir: REPO });
    const about = (path: string) => problems.filter((p) => p.file.endsWith(path));
    const mql = about('Lead/validationRules/Lifecycle_MQL_Required_Fields.validationRule-meta.xml');
    expect(mql).toHaveLength(1);
    expect(mql[0].message).toContain('Lifecycle_Field_Policy.Lead_MQL');
    expect(mql[0].message).toContain('Industry');
    const sql = about('Contact/validationRules/Lifecycle_SQL_Required_Fields.validationRule-meta.xml');
    expect(sql).toHaveLength(1);
    expect(sql[0].message).toContain('<active>false</active>');
    const orphan = about('Lead/validationRules/Lifecycle_Customer_Required_Fields.validationRule-meta.xml');
    expect(orphan).toHaveLength(1);
    expect(orphan[0].message).toContain('delete the file');
    expect(problems).toHaveLength(3);
  });

  it('regenerates the tuned rules (Industry through ISPICKVAL, the switched-off one inactive) and leaves the orphan to a person', () => {
    const root = copyOf(TUNED);
    const { written, unfixed } = writeConfig(root);
    expect(written.map((f) => f.split('/').slice(-3).join('/')).sort()).toEqual([
      'Contact/validationRules/Lifecycle_SQL_Required_Fields.validationRule-meta.xml',
      'Lead/validationRules/Lifecycle_MQL_Required_Fields.validationRule-meta.xml',
    ]);
    expect(unfixed).toHaveLength(1);
    expect(unfixed[0]).toContain('Lifecycle_Customer_Required_Fields');
    expect(decodeXml(rule(root, 'Lead', 'Lifecycle_MQL_Required_Fields'))).toContain(
      'ISPICKVAL(Industry, "")',
    );
    expect(rule(root, 'Contact', 'Lifecycle_SQL_Required_Fields')).toContain('<active>false</active>');
  });
});
