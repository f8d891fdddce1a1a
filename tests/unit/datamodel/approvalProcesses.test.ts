import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { evaluateFormula, loadFieldTypes } from '../../../tooling/formula/index.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { evaluateDealDesk } from '../../../scripts/lib/rules/dealdesk.ts';
import { DEFAULT, fieldNames, listFiles, readMeta, ROOT } from './helpers.ts';

interface Approver {
  name?: string;
  type: string;
}
interface Step {
  name: string;
  assignedApprover: { approver: Approver[]; whenMultipleApprovers?: string };
  entryCriteria?: { formula: string };
  ifCriteriaNotMet?: string;
}
interface Actions {
  action: { name: string; type: string }[];
}
interface Process {
  active: string;
  approvalStep: Step[];
  entryCriteria: { formula: string };
  initialSubmissionActions: Actions;
  finalApprovalActions: Actions;
  finalRejectionActions: Actions;
  recallActions: Actions;
  recordEditability: string;
  nextAutomatedApprover?: { useApproverFieldOfRecordOwner: string; userHierarchyField: string };
}
interface FieldUpdate {
  fullName: string;
  field: string;
  literalValue?: string;
  formula?: string;
  operation: string;
}

const processes = Object.fromEntries(
  listFiles('approvalProcesses', '.approvalProcess-meta.xml').map((f) => [
    f.split('.')[1],
    readMeta<{ ApprovalProcess: Process }>(`approvalProcesses/${f}`).ApprovalProcess,
  ]),
);
const fieldUpdates = readMeta<{ Workflow: { fieldUpdates: FieldUpdate[] } }>(
  'workflows/Opportunity.workflow-meta.xml',
).Workflow.fieldUpdates;
const tiers = loadConfig(ROOT).approvalTiers;
const fieldTypes = loadFieldTypes(join(DEFAULT, 'objects', 'Opportunity'));
const formula = (text: string, record: Record<string, unknown>) =>
  evaluateFormula(text, { record, fieldTypes });

describe('deal-desk approval processes', () => {
  it('ships one active process per tier above Standard, seven steps in all', () => {
    expect(Object.keys(processes).sort()).toEqual(
      tiers
        .filter((t) => t.approvalProcess)
        .map((t) => t.approvalProcess)
        .sort(),
    );
    for (const p of Object.values(processes)) expect(p.active).toBe('true');
    expect(Object.values(processes).reduce((n, p) => n + p.approvalStep.length, 0)).toBe(7);
  });

  it('locks the deal while it is in approval and records the status and tier with field updates', () => {
    const updates = new Map(fieldUpdates.map((u) => [u.fullName, u]));
    for (const [name, p] of Object.entries(processes)) {
      expect(p.recordEditability, name).toBe('AdminOnly');
      const status = (a: Actions) =>
        a.action
          .map((x) => updates.get(x.name))
          .filter((u) => u?.field === 'Approval_Status__c')
          .map((u) => u?.literalValue);
      expect(status(p.initialSubmissionActions), name).toEqual(['Pending']);
      expect(status(p.finalApprovalActions), name).toEqual(['Approved']);
      expect(status(p.finalRejectionActions), name).toEqual(['Rejected']);
      expect(status(p.recallActions), name).toEqual(['Recalled']);
      expect(
        p.initialSubmissionActions.action.some((a) => updates.get(a.name)?.field === 'Approval_Tier__c'),
        name,
      ).toBe(true);
      for (const a of [
        ...p.initialSubmissionActions.action,
        ...p.finalApprovalActions.action,
        ...p.finalRejectionActions.action,
        ...p.recallActions.action,
      ]) {
        expect(updates.has(a.name), `${name} uses ${a.name}`).toBe(true);
      }
    }
  });

  it("routes the 10-20% tier to the owner's manager through the user hierarchy", () => {
    const p = processes.Deal_Desk_Manager_Approval;
    expect(p.approvalStep[0].assignedApprover.approver).toEqual([{ type: 'userHierarchyField' }]);
    expect(p.nextAutomatedApprover).toEqual({
      useApproverFieldOfRecordOwner: 'true',
      userHierarchyField: 'Manager',
    });
  });

  it('only uses approvers that deploy to any org: the manager hierarchy or user lookups on Opportunity filled from the shipped queues', () => {
    const userLookups = fieldNames('Opportunity').filter(
      (f) =>
        readMeta<{ CustomField: { referenceTo?: string } }>(`objects/Opportunity/fields/${f}.field-meta.xml`)
          .CustomField.referenceTo === 'User',
    );
    const queues = listFiles('queues', '.queue-meta.xml').map((f) => f.replace('.queue-meta.xml', ''));
    for (const [name, p] of Object.entries(processes)) {
      for (const a of p.approvalStep.flatMap((s) => s.assignedApprover.approver)) {
        expect(['userHierarchyField', 'relatedUserField'], name).toContain(a.type);
        if (a.type === 'relatedUserField') {
          expect(userLookups, name).toContain(a.name);
          expect(queues, `${a.name} is filled from a shipped queue`).toContain(
            (a.name ?? '').replace('_Approver__c', ''),
          );
        }
      }
    }
  });

  it('has Finance and Legal approve in parallel and unanimously', () => {
    for (const p of Object.values(processes)) {
      const step = p.approvalStep.find((s) => s.name === 'Finance_And_Legal_Approval');
      expect(step?.assignedApprover.approver.map((a) => a.name)).toEqual([
        'Finance_Approver__c',
        'Legal_Approver__c',
      ]);
      expect(step?.assignedApprover.whenMultipleApprovers).toBe('Unanimous');
    }
  });

  // The metadata API does not carry the order of approval processes, so their entry criteria must never overlap,
  // and they must send each deal where the deal-desk rule (scripts/lib/rules/dealdesk.ts) says.
  const deals: Record<string, unknown>[] = [];
  for (const Discount_Percent__c of [null, 0, 5, 10, 15, 19.99, 20, 30, 39.99, 40, 55])
    for (const Non_Standard_Terms__c of [null, 'Net-90', 'Custom SLA;Uncapped Liability'])
      for (const Contract_Term_Months__c of [null, 12, 13, 24, 36])
        for (const Segment__c of [null, 'SMB', 'Enterprise'])
          deals.push({ Discount_Percent__c, Non_Standard_Terms__c, Contract_Term_Months__c, Segment__c });

  it(`sends each of ${deals.length} sample deals to exactly the process, steps and tier the deal-desk rule picks`, () => {
    const tierUpdates = new Map(
      fieldUpdates
        .filter((u) => u.field === 'Approval_Tier__c')
        .map((u) => [u.fullName, u.formula as string]),
    );
    for (const deal of deals) {
      const expected = evaluateDealDesk({
        discountPercent: deal.Discount_Percent__c as number | null,
        termMonths: deal.Contract_Term_Months__c as number | null,
        nonStandardTerms: deal.Non_Standard_Terms__c ? String(deal.Non_Standard_Terms__c).split(';') : [],
        segment: deal.Segment__c as string | null,
        tiers,
      });
      const matching = Object.entries(processes)
        .filter(([, p]) => formula(p.entryCriteria.formula, deal) === true)
        .map(([n]) => n);
      const label = JSON.stringify(deal);
      if (expected.approvers.length === 0) {
        expect(matching, label).toEqual([]);
        continue;
      }
      expect(matching, label).toEqual([expected.approvalProcess]);
      const p = processes[matching[0]];
      const stepsRun = p.approvalStep.filter(
        (s) => !s.entryCriteria || formula(s.entryCriteria.formula, deal) === true,
      );
      const approvers = stepsRun.flatMap((s) =>
        s.assignedApprover.approver.map((a) =>
          a.type === 'userHierarchyField' ? 'Manager' : (a.name ?? '').replace('_Approver__c', ''),
        ),
      );
      expect(approvers, label).toEqual(expected.approvers);
      const tierFu = p.initialSubmissionActions.action
        .map((a) => tierUpdates.get(a.name))
        .find((f) => f) as string;
      expect(formula(tierFu, deal), label).toBe(expected.tier);
    }
  });
});
