// The shipped custom-metadata records (force-app/main/default/customMetadata), loaded by the config area,
// run through the rules as a user would see them. Guards the seam between config records and rule inputs.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { evaluateDealDesk } from '../../../scripts/lib/rules/dealdesk.ts';
import { stageSkip, staleness } from '../../../scripts/lib/rules/hygiene.ts';
import { transition } from '../../../scripts/lib/rules/lifecycle.ts';
import { route, type Rep } from '../../../scripts/lib/rules/routing.ts';
import { score } from '../../../scripts/lib/rules/scoring.ts';
import { evaluateSla } from '../../../scripts/lib/rules/sla.ts';

const config = loadConfig(join(import.meta.dirname, '..', '..', '..', 'force-app'));
const NOW = '2026-03-10T15:00:00Z';

describe('the shipped configuration', () => {
  it('makes a senior buyer at a mid-size tech company who requested a demo today an MQL', () => {
    const lead = {
      Title: 'VP Revenue',
      NumberOfEmployees: 400,
      Industry: 'Technology',
      Country: 'US',
      Email: 'vp@acme.com',
    };
    const s = score({
      object: 'Lead',
      record: lead,
      events: [{ signal: 'Demo Request', occurredAt: NOW }],
      rules: config.scoringRules,
      settings: config.scoringSettings,
      now: NOW,
    });
    expect(s.fit).toBeGreaterThanOrEqual(config.scoringSettings.mqlFitThreshold);
    expect(s.engagement).toBeGreaterThanOrEqual(config.scoringSettings.mqlEngagementThreshold);
    const t = transition({
      record: { stage: 'Lead', fit: s.fit, engagement: s.engagement },
      event: { type: 'Rescore', at: NOW },
      settings: config.scoringSettings,
    });
    expect(t.to).toBe('MQL');
  });

  it('does not make a student with a personal address and a burst of opens an MQL', () => {
    const opens = Array.from({ length: 40 }, () => ({ signal: 'Email Open', occurredAt: NOW }));
    const s = score({
      object: 'Lead',
      record: { Title: 'Student', Email: 'kid@gmail.com' },
      events: opens,
      rules: config.scoringRules,
      settings: config.scoringSettings,
      now: NOW,
    });
    expect(s.suppressedEvents).toBeGreaterThan(0);
    expect(s.total).toBeLessThan(0);
  });

  it('routes a named-account lead to the account owner and a German lead to the German pool', () => {
    const reps: Rep[] = ['DACH_SDR', 'NA_SDR', 'Global_SDR', 'EMEA_SDR', 'APAC_SDR'].map((pool, i) => ({
      userId: `u${i}`,
      name: pool,
      pool,
    }));
    const r = route({
      leads: [
        { Id: 'L1', Email: 'cto@acme.com', Country: 'US' },
        { Id: 'L2', Email: 'anna@example.de', Country: 'DE', Preferred_Language__c: 'German' },
        { Id: 'L3', Email: 'x@example.br', Country: 'BR' },
      ],
      rules: config.routingRules,
      reps: reps.map((rep) => (rep.pool === 'DACH_SDR' ? { ...rep, languages: ['German'] } : rep)),
      accounts: [{ id: 'a1', name: 'Acme', website: 'acme.com', ownerId: 'owner-acme' }],
      pointers: {},
      now: NOW,
    });
    expect(r.assignments.map((a) => [a.ownerId, a.rule])).toEqual([
      ['owner-acme', 'Named_Account'],
      ['u0', 'Skill_German'],
      ['u2', 'Round_Robin_Default'],
    ]);
  });

  it('computes SLA due times on the shipped business calendar', () => {
    const policy = config.slaPolicies[0];
    const calendar = config.businessCalendars.find((c) => c.name === policy.businessCalendar);
    expect(calendar, `SLA policy ${policy.name} names calendar ${policy.businessCalendar}`).toBeDefined();
    const r = evaluateSla({
      policy,
      calendar: calendar!,
      lead: { startedAt: '2026-03-06T20:00:00Z', ownerId: 'u1' },
      touches: [],
      now: '2026-03-06T20:30:00Z',
    });
    expect(r.contactDue).toBe('2026-03-09T15:00:00Z');
    expect(r.status).toBe('On Track');
  });

  it('puts the discount boundaries in the higher tier and 41 % with net-90 at the deal desk', () => {
    const dd = (discountPercent: number, nonStandardTerms: string[] = []) =>
      evaluateDealDesk({
        discountPercent,
        termMonths: 12,
        nonStandardTerms,
        segment: 'SMB',
        tiers: config.approvalTiers,
      }).tier;
    expect([9.99, 10, 20, 40].map((d) => dd(d))).toEqual(['Standard', 'Manager', 'VP Sales', 'Deal Desk']);
    expect(dd(41, ['Net-90'])).toBe('Deal Desk');
    expect(
      evaluateDealDesk({
        discountPercent: 0,
        termMonths: 12,
        nonStandardTerms: [],
        segment: 'Enterprise',
        tiers: config.approvalTiers,
      }).approvers,
    ).toEqual(['Finance', 'Legal']);
  });

  it('treats a contract of more than 12 months as multi-year: 13 months adds Finance and Legal, 12 does not', () => {
    const fl = config.approvalTiers.find((t) => t.tier === 'Finance and Legal');
    expect(fl?.minTermMonths).toBe(13);
    const approvers = (termMonths: number | null) =>
      evaluateDealDesk({
        discountPercent: 0,
        termMonths,
        nonStandardTerms: [],
        segment: 'SMB',
        tiers: config.approvalTiers,
      }).approvers;
    expect([null, 12, 13, 24].map(approvers)).toEqual([[], [], ['Finance', 'Legal'], ['Finance', 'Legal']]);
  });

  it('flags stage skips and stale deals with the shipped stage policies', () => {
    expect(stageSkip('Qualified', 'Proposal', config.stagePolicies).skippedStages).toEqual([
      'Discovery',
      'Demo/Evaluation',
    ]);
    const s = staleness({
      stage: 'Negotiation',
      stageEnteredAt: '2026-02-01T00:00:00Z',
      now: NOW,
      policies: config.stagePolicies,
      teamAverageDays: { Negotiation: 20 },
    });
    expect(s.stale).toBe(true);
  });
});
