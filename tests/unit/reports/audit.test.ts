import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import { auditDoc, checkEmail, runAudit, type AuditResult } from '../../../scripts/lib/reports/audit.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import type { DedupRule } from '../../../scripts/lib/rules/match.ts';
import type { StagePolicy } from '../../../scripts/lib/rules/hygiene.ts';
import type { Db } from '../../../scripts/lib/reports/db.ts';

const RULE: DedupRule = {
  name: 'Lead_Test',
  object: 'Lead',
  matchKeys: ['email', 'name', 'phone'],
  matchThreshold: 0.75,
  reviewThreshold: 0.55,
  mergePriority: ['oldest_created'],
};
const POLICIES: StagePolicy[] = [
  { stage: 'Discovery', order: 2, requiredFields: 'Pain_Points__c;Timeline__c' },
  { stage: 'Closed Won', order: 7, requiredFields: 'Signed_Contract__c', isClosed: true, isWon: true },
];

const contact = (Id: string, Email: string, created: string): FixtureRow => ({
  Id,
  Email,
  FirstName: 'C',
  LastName: Id,
  CreatedDate: `${created} 00:00:00`,
  Lifecycle_Stage__c: 'Customer',
  Lifecycle_Stage_Entered_At__c: '2026-06-29 00:00:00',
});
const lead = (Id: string, stage: string, entered: string, extra: FixtureRow = {}): FixtureRow => ({
  Id,
  Lifecycle_Stage__c: stage,
  Lifecycle_Stage_Entered_At__c: `${entered} 00:00:00`,
  CreatedDate: '2026-01-01 00:00:00',
  Status: 'Open',
  OwnerId: '005A',
  ...extra,
});
const CONTACTS = [
  contact('C1', 'info@acme.com', '2024-01-01'),
  contact('C2', 'bad-email', '2024-01-01'),
  contact('C3', 'x@mailinator.com', '2024-02-01'),
  contact('C4', 'joe@gmail.com', '2023-01-01'),
  contact('C5', 'not an email', '2020-01-01'),
  contact('C6', 'ann@corp.com', '2026-01-01'),
];
const dupe = { FirstName: 'Ann', LastName: 'Lee', Email: 'ann@lee.io', Phone: '+1 415 555 0100' };

let db: Db;
let prev: Db;
let r: AuditResult;
let alone: AuditResult;
beforeAll(async () => {
  ({ db } = await fixtureSnapshot({
    Lead: [
      lead('L1', 'MQL', '2026-06-20', { CreatedDate: '2026-06-30 00:00:00' }),
      lead('L2', 'SQL', '2026-04-01'),
      lead('L3', 'SQL', '2026-06-25', { IsConverted: true }),
      lead('L4', 'SQL', '2026-06-25', dupe),
      lead('L5', 'SQL', '2026-06-25', dupe),
    ],
    Contact: CONTACTS,
    Task: [{ Id: 'T1', WhoId: 'C2', CreatedDate: '2026-01-01 00:00:00' }],
    Engagement_Event__c: [
      {
        Id: 'E1',
        Contact__c: 'C4',
        Record_Id__c: 'C4',
        Signal__c: 'Webinar',
        Occurred_At__c: '2025-01-01 00:00:00',
      },
    ],
    Opportunity: [
      {
        Id: 'O1',
        StageName: 'Discovery',
        IsClosed: false,
        Pain_Points__c: 'slow',
        Timeline__c: null,
        CreatedDate: '2026-01-01 00:00:00',
      },
      {
        Id: 'O2',
        StageName: 'Discovery',
        IsClosed: false,
        Pain_Points__c: '  ',
        CreatedDate: '2026-01-01 00:00:00',
      },
      { Id: 'O3', StageName: 'Closed Won', IsClosed: true, CreatedDate: '2026-01-01 00:00:00' },
    ],
    Account: [
      { Id: 'A1', Name: 'Acme', Industry: 'Software' },
      { Id: 'A2', Name: 'Beta', Industry: 'Retail' },
      { Id: 'A3', Name: 'Gamma', Industry: null },
    ],
  }));
  ({ db: prev } = await fixtureSnapshot({
    Lead: [
      lead('L1', 'MQL', '2026-03-20', { CreatedDate: '2026-03-30 00:00:00' }),
      lead('L2', 'SQL', '2026-03-01'),
    ],
    Contact: CONTACTS.map((c) => ({ ...c, Lifecycle_Stage_Entered_At__c: '2026-03-01 00:00:00' })),
  }));
  r = await runAudit(db, { dedupRules: [RULE], stagePolicies: POLICIES, previous: prev, sampleSize: 2 });
  alone = await runAudit(db, { dedupRules: [RULE], stagePolicies: POLICIES, sampleSize: 2 });
});
afterAll(() => {
  db.close();
  prev.close();
});

describe('quarterly audit', () => {
  it('lists contacts idle 12+ months (tasks, events and engagement count as activity) and checks their emails offline', () => {
    expect(r.archive.staleContacts).toBe(4);
    expect(r.archive.sample.map((c) => c.id).sort()).toEqual(['C1', 'C3', 'C4', 'C5']);
    expect(r.deliverability.verdicts).toEqual({
      'invalid syntax': 1,
      disposable: 1,
      'role account': 1,
      'free-mail': 1,
      ok: 0,
    });
    expect(r.deliverability.mx).toEqual({ checked: false });
    // the previous snapshot has neither C2's task nor C4's engagement: 5 were idle then
    expect(r.archive.previousStaleContacts).toBe(5);
  });

  it('classifies addresses: syntax, disposable, role, free-mail', () => {
    expect(checkEmail('a@b')).toBe('invalid syntax');
    expect(checkEmail('Sales@Acme.com')).toBe('role account');
    expect(checkEmail('jo@yopmail.com')).toBe('disposable');
    expect(checkEmail('jo.doe@acme.co.uk')).toBe('ok');
    // the lists come from maintained packages (disposable-email-domains, email-providers), not a hand list
    expect(checkEmail('jo@0-mail.com')).toBe('disposable');
    expect(checkEmail('jo@rocketmail.com')).toBe('free-mail');
  });

  it('says the MX check did not run, in grey and in words, rather than 0 undeliverable', () => {
    const kpis = auditDoc(r).sections[0].blocks.find((b) => b.kind === 'kpis')!;
    if (kpis.kind !== 'kpis') throw new Error('no kpis');
    const mx = kpis.items.find((k) => k.label.includes('without MX'))!;
    expect(mx).toMatchObject({ value: 'not checked', status: 'skipped' });
    expect(renderTerminal(auditDoc(r))).toMatch(
      /Stale emails at a domain without MX\s+not checked\s+\[not checked\]/,
    );
  });

  it('looks up MX records when asked (injected resolver): addresses at a domain without MX are undeliverable', async () => {
    const asked: string[] = [];
    const resolver = async (d: string) => {
      asked.push(d);
      if (d === 'mailinator.com') throw Object.assign(new Error('queryMx ENOTFOUND'), { code: 'ENOTFOUND' });
      if (d === 'gmail.com') throw Object.assign(new Error('queryMx ETIMEOUT'), { code: 'ETIMEOUT' });
      return [{ exchange: `mx.${d}`, priority: 10 }];
    };
    const checked = await runAudit(db, {
      dedupRules: [RULE],
      stagePolicies: POLICIES,
      checkMx: { resolver },
    });
    // the stale addresses with a valid syntax: info@acme.com, x@mailinator.com, joe@gmail.com (one lookup each)
    expect(asked.sort()).toEqual(['acme.com', 'gmail.com', 'mailinator.com']);
    expect(checked.deliverability.mx).toEqual({
      checked: true,
      undeliverable: 1,
      domains: 3,
      noMx: ['mailinator.com'],
      unknown: ['gmail.com'],
    });
    const kpis = auditDoc(checked).sections[0].blocks.find((b) => b.kind === 'kpis')!;
    if (kpis.kind !== 'kpis') throw new Error('no kpis');
    expect(kpis.items.find((k) => k.label.includes('without MX'))).toMatchObject({
      value: '1',
      status: 'bad',
    });
  });

  it('counts lifecycle stages (converted leads excluded) and flags a stage that grew faster than the funnel', () => {
    const sql = r.lifecycle.find((s) => s.stage === 'SQL')!;
    expect(r.lifecycle.map((s) => [s.stage, s.count, s.previous])).toEqual([
      ['MQL', 1, 1],
      ['SQL', 3, 1],
      ['Customer', 6, 6],
    ]);
    expect(sql).toMatchObject({ change: 2, bottleneck: true, medianDaysInStage: 5 });
    expect(r.lifecycle.filter((s) => s.bottleneck).map((s) => s.stage)).toEqual(['SQL']);
    // without a previous snapshot a stage is a bottleneck only when its median record sat > 30 days
    expect(alone.lifecycle.filter((s) => s.bottleneck)).toEqual([]);
  });

  it('counts open deals missing each field their stage requires (blank text counts as missing)', () => {
    expect(r.missingFields).toEqual([
      { stage: 'Discovery', field: 'Pain_Points__c', openDeals: 2, missing: 1, previousMissing: 0 },
      { stage: 'Discovery', field: 'Timeline__c', openDeals: 2, missing: 2, previousMissing: 0 },
    ]);
  });

  it('counts an unchecked required checkbox as missing, as the stage validation rule refuses it', async () => {
    const deal = (Id: string, Signed_Contract__c: boolean | null): FixtureRow => ({
      Id,
      StageName: 'Negotiation',
      IsClosed: false,
      Signed_Contract__c,
      CreatedDate: '2026-01-01 00:00:00',
    });
    const { db: boxes } = await fixtureSnapshot({
      Opportunity: [deal('O1', false), deal('O2', true), deal('O3', null)],
    });
    try {
      const res = await runAudit(boxes, {
        dedupRules: [],
        stagePolicies: [{ stage: 'Negotiation', order: 5, requiredFields: 'Signed_Contract__c' }],
        sampleSize: 2,
      });
      expect(res.missingFields).toMatchObject([
        { stage: 'Negotiation', field: 'Signed_Contract__c', openDeals: 3, missing: 2 },
      ]);
    } finally {
      boxes.close();
    }
  });

  it('shows field labels and marks a field missing on every open deal of its stage red, in words too', () => {
    const table = auditDoc(r)
      .sections.find((s) => s.title.startsWith('Required fields missing'))!
      .blocks.find((b) => b.kind === 'table')!;
    if (table.kind !== 'table') throw new Error('no table');
    // labels from force-app's field-meta.xml, not API names
    expect(table.rows.map((row) => row[1])).toEqual(['Pain Points', 'Timeline']);
    // Timeline missing on 2 of 2 open Discovery deals: off target; Pain Points on 1 of 2: watch
    expect(table.rowStatus).toEqual(['warn', 'bad']);
    expect(renderTerminal(auditDoc(r))).toMatch(
      /Required fields missing \(open deals\)\s+3\s+\[off target\]/,
    );
  });

  it('reports duplicate clusters with the change since the previous snapshot, and a stable enrichment sample', () => {
    expect(r.duplicates).toHaveLength(1);
    expect(r.duplicates[0]).toMatchObject({
      object: 'Lead',
      clusters: 1,
      duplicateRecords: 1,
      previousDuplicateRecords: 0,
    });
    expect(r.duplicates[0].top[0].memberIds.sort()).toEqual(['L4', 'L5']);
    expect(r.enrichmentSample).toHaveLength(2);
    expect(alone.enrichmentSample).toEqual(r.enrichmentSample);
    expect(renderHtml([auditDoc(r)])).toContain('Enrichment accuracy sample');
  });
});
