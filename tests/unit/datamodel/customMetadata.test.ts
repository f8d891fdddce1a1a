import { describe, expect, it } from 'vitest';
import { evaluateValidationRule } from '../../../tooling/formula/index.ts';
import { findRecordFiles, loadConfig, readRecordFile } from '../../../scripts/lib/config/index.ts';
import { score } from '../../../scripts/lib/rules/scoring.ts';
import { fieldNames, listFiles, readMeta, ROOT, validationRuleNames } from './helpers.ts';

const records = findRecordFiles(ROOT).map(readRecordFile);
const config = loadConfig(ROOT);
const CONFIG_TYPES = [
  'Scoring_Rule',
  'Scoring_Setting',
  'Routing_Rule',
  'SLA_Policy',
  'Business_Calendar',
  'Stage_Policy',
  'Approval_Tier',
  'Dedup_Rule',
  'Engagement_Mapping',
  'Enrichment_Provider',
  'Enrichment_Mapping',
  'Lifecycle_Field_Policy',
  'Lead_Digest_Setting',
  'Scheduling_Setting',
];

describe('custom metadata types', () => {
  for (const type of CONFIG_TYPES) {
    it(`${type}__mdt has fields and validation rules of its own, so admins cannot save an invalid record`, () => {
      expect(fieldNames(`${type}__mdt`).length).toBeGreaterThan(3);
      expect(validationRuleNames(`${type}__mdt`).length).toBeGreaterThan(2);
    });
  }

  it('every record sets only fields its type defines', () => {
    for (const r of records) {
      const fields = fieldNames(`${r.type}__mdt`);
      for (const f of Object.keys(r.values)) expect(fields, `${r.type}.${r.name}.${f}`).toContain(f);
    }
  });
});

describe('shipped default records pass their type validation rules', () => {
  for (const r of records) {
    it(`${r.type}.${r.name}`, () => {
      for (const rule of validationRuleNames(`${r.type}__mdt`)) {
        const result = evaluateValidationRule(`${r.type}__mdt`, rule, { record: r.values }, ROOT);
        expect(result.fires, `${rule}: ${result.errorMessage}`).toBe(false);
      }
    });
  }
});

describe('the shipped B2B SaaS profile is complete', () => {
  it('has a stage policy for every OpportunityStage value, in the value set order, with its probability and closed/won flags', () => {
    const vs = readMeta<{
      StandardValueSet: {
        standardValue: { fullName: string; probability: string; closed: string; won: string }[];
      };
    }>('standardValueSets/OpportunityStage.standardValueSet-meta.xml').StandardValueSet.standardValue;
    expect(config.stagePolicies.map((p) => p.stage)).toEqual(vs.map((v) => v.fullName));
    for (const v of vs) {
      const p = config.stagePolicies.find((s) => s.stage === v.fullName);
      expect(p?.probability, v.fullName).toBe(Number(v.probability));
      expect(p?.isClosed, v.fullName).toBe(v.closed === 'true');
      expect(p?.isWon, v.fullName).toBe(v.won === 'true');
    }
  });

  it('every stage requires only fields that exist on Opportunity', () => {
    const oppFields = new Set([...fieldNames('Opportunity'), 'LeadSource', 'Amount']);
    for (const p of config.stagePolicies)
      for (const f of (p.requiredFields ?? '').split(';')) expect(oppFields, `${p.stage}: ${f}`).toContain(f);
  });

  it('every approval tier above Standard has approvers and an approval process that is shipped', () => {
    const processes = listFiles('approvalProcesses', '.approvalProcess-meta.xml').map((f) => f.split('.')[1]);
    expect(config.approvalTiers.map((t) => t.tier)).toEqual([
      'Standard',
      'Manager',
      'VP Sales',
      'Deal Desk',
      'Finance and Legal',
    ]);
    for (const t of config.approvalTiers.filter((x) => x.tier !== 'Standard')) {
      expect(t.approvers, t.tier).toBeTruthy();
      expect(processes, t.tier).toContain(t.approvalProcess);
    }
  });

  it('ships the MQL thresholds: fit 40 and engagement 30 on 100-point scales', () => {
    expect(config.scoringSettings).toMatchObject({
      mqlFitThreshold: 40,
      mqlEngagementThreshold: 30,
      scoreCap: 100,
    });
  });

  it('scores every dimension of the B2B SaaS model', () => {
    const fitFields = new Set(config.scoringRules.filter((r) => r.model === 'Fit').map((r) => r.field));
    for (const f of ['NumberOfEmployees', 'Industry', 'Title', 'Tech_Stack__c', 'Country'])
      expect(fitFields, f).toContain(f);
    const signals = new Set(config.scoringRules.filter((r) => r.model === 'Engagement').map((r) => r.signal));
    for (const s of ['Pricing Page', 'Demo Request', 'Case Study', 'Webinar', 'Email Click', 'Product Usage'])
      expect(signals, s).toContain(s);
    const negatives = config.scoringRules.filter((r) => r.model === 'Negative');
    expect(negatives.map((r) => r.name).sort()).toEqual([
      'Neg_Competitor_Domain',
      'Neg_Intern_Student_Title',
      'Neg_Personal_Email',
      'Neg_Student_Email',
      'Neg_Unsubscribed',
    ]);
    for (const e of config.scoringRules.filter((r) => r.model === 'Engagement'))
      expect(e.halfLifeDays, e.name).toBeGreaterThan(0);
  });

  it('matches titles as a buyer would read them: no substring false positives', () => {
    const lines = (Title: string) =>
      score({
        object: 'Lead',
        record: { Title },
        events: [],
        rules: config.scoringRules,
        settings: config.scoringSettings,
        now: '2026-03-10T15:00:00Z',
      })
        .lines.map((l) => l.rule)
        .sort();
    expect(lines('International Sales Director')).toEqual(['Fit_Title_Manager']);
    expect(lines('Marketing Coordinator')).toEqual([]);
    expect(lines('CRO')).toEqual(['Fit_Title_C_Suite']);
    expect(lines('VP Revenue Operations')).toEqual(['Fit_Title_Executive', 'Fit_Title_RevOps']);
    expect(lines('Sales Intern')).toEqual(['Neg_Intern_Student_Title']);
  });

  it('scores only signals that Engagement_Event__c.Signal__c can hold', () => {
    const picklist = readMeta<{
      CustomField: { valueSet: { valueSetDefinition: { value: { fullName: string }[] } } };
    }>(
      'objects/Engagement_Event__c/fields/Signal__c.field-meta.xml',
    ).CustomField.valueSet.valueSetDefinition.value.map((v) => v.fullName);
    for (const r of config.scoringRules.filter((x) => x.signal)) expect(picklist, r.name).toContain(r.signal);
  });

  it('routes every lead somewhere: a catch-all round-robin rule last and a fallback owner on every rule', () => {
    const leadRules = config.routingRules.filter((x) => (x.object ?? 'Lead') === 'Lead');
    const last = leadRules[leadRules.length - 1];
    expect(last.method).toBe('Round-Robin');
    expect(last.criteria ?? null).toBeNull();
    const queues = listFiles('queues', '.queue-meta.xml').map((f) => f.replace('.queue-meta.xml', ''));
    // a contact or account no rule places keeps its owner: only lead rules need a fallback queue
    for (const r of config.routingRules.filter((x) => (x.object ?? 'Lead') === 'Lead'))
      expect(queues, r.name).toContain(r.fallbackOwner);
  });

  it('ships the MQL to SQL SLA: contact within 4 business hours, qualify within 48, on a shipped calendar', () => {
    const mql = config.slaPolicies.find((p) => p.handoff === 'MQL to SQL');
    expect(mql).toMatchObject({ contactWithinHours: 4, qualifyWithinHours: 48 });
    const cal = config.businessCalendars.find((c) => c.name === mql?.businessCalendar);
    expect(cal).toMatchObject({
      timeZone: 'America/New_York',
      workdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      dayStart: '09:00',
      dayEnd: '17:00',
    });
    for (const d of cal?.holidays ?? [])
      expect(new Date(`${d}T12:00:00Z`).getUTCDay(), `${d} is a weekday`).not.toBe(0);
  });

  it('ships a policy per hand-off: MQL alert to the routed rep, SQL follow-up, won deals to the account owner or CS', () => {
    const byHandoff = new Map(config.slaPolicies.map((p) => [p.handoff, p]));
    expect([...byHandoff.keys()].sort()).toEqual([
      'Closed Won to CS',
      'MQL to SQL',
      'Re-engagement',
      'SQL to AE',
      'Stage Proposal',
    ]);
    expect(byHandoff.get('MQL to SQL')).toMatchObject({
      sendNotification: true,
      sendEmail: true,
      createTask: true,
      recipient: 'Owner',
    });
    expect(byHandoff.get('Closed Won to CS')).toMatchObject({
      recipient: 'Account Owner',
      recipientQueue: 'Customer_Success',
    });
    const queues = listFiles('queues', '.queue-meta.xml').map((f) => f.replace('.queue-meta.xml', ''));
    for (const p of config.slaPolicies.filter((x) => x.recipientQueue))
      expect(queues, p.name).toContain(p.recipientQueue);
    expect(listFiles('notificationtypes', '.notiftype-meta.xml')).toEqual([
      'RevOps_Handoff.notiftype-meta.xml',
    ]);
  });

  it('has dedup rules for Lead, Contact and Account; the account system of record wins merges', () => {
    expect(config.dedupRules.map((d) => d.object).sort()).toEqual(['Account', 'Contact', 'Lead']);
    const account = config.dedupRules.find((d) => d.object === 'Account');
    expect(account?.mergePriority[0]).toBe('system_of_record');
    expect(fieldNames('Account')).toContain(account?.systemOfRecordField);
  });

  it('reads every config record and leaves record types of other areas (Trigger_Action) out', () => {
    const all = listFiles('customMetadata', '.md-meta.xml');
    const ours = all.filter((f) => CONFIG_TYPES.some((t) => f.startsWith(`${t}.`)));
    expect(records.map((r) => `${r.type}.${r.name}.md-meta.xml`).sort()).toEqual(ours);
    expect(ours.length).toBe(123); // + Lead_Digest_Setting.Default, Routing_Rule.Contact_Named_Account, Engagement_Mapping.HubSpot_Identify, Scheduling_Setting.Default, Scoring_Rule.Fit_Revenue_Core
  });
});
