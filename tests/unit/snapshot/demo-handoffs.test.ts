// The demo's hand-off tasks are the engine's (engine/handoffs.ts, as HandoffTriggerService gives them from the SLA
// policies): the MQL alert's task, the SQL follow-up, the "Stage <stage>" task, the customer-success hand-off and the
// Re-engagement task of a lead that comes back.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { removeTmpDirs } from './helpers.ts';
import { configWith, demoRows, type Config } from './demoConfig.ts';

afterAll(removeTmpDirs);

/** The day of an instant in a time zone (YYYY-MM-DD). */
const dayIn = (at: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(at),
  );

/**
 * MQLs after the install (each clock's Started event: a recycled lead may be an MQL again) with the MQL task each
 * got at that instant, if any; the lead's touch is the last clock's.
 */
const mqlTasks = (config: Config | undefined) =>
  demoRows(
    config,
    `SELECT l.Id, l.OwnerId, l.FirstName, l.LastName, l.Company, e.Occurred_At__c AS mql_at,
            e.Due_At__c AS contact_due, e.Occurred_At__c = l.MQL_Date__c AS last_clock, l.First_Touch_At__c,
            t.OwnerId AS task_owner, t.Subject, t.ActivityDate, t.Status, t.CreatedDate AS task_at,
            t.CompletedDateTime
     FROM $Lead l JOIN $SLA_Event__c e ON e.Lead__c = l.Id AND e.Event_Type__c = 'Started'
     LEFT JOIN $Task t ON t.WhoId = l.Id AND t.Subject LIKE 'Contact new MQL %' AND t.CreatedDate = e.Occurred_At__c
     WHERE l.OwnerId LIKE '005%'
       -- a lead the SLA monitor reassigned has the new owner's task (tests/unit/snapshot/demo-reassign.test.ts)
       AND NOT EXISTS (SELECT 1 FROM $SLA_Event__c r WHERE r.Lead__c = l.Id AND r.Event_Type__c = 'Reassigned')`,
  );

/** Deals that entered `stage` after they were created (its first history row), with the stage task each got, if any. */
const stageTasks = (config: Config | undefined, stage: string) =>
  demoRows(
    config,
    `WITH entered AS (
       SELECT OpportunityId, min(CreatedDate) AS at FROM $OpportunityHistory WHERE StageName = '${stage}' GROUP BY 1)
     SELECT o.Id, o.Name, o.OwnerId, e.at AS entered, t.Subject, t.OwnerId AS task_owner, t.CreatedDate AS task_at
     FROM $Opportunity o JOIN entered e ON e.OpportunityId = o.Id AND e.at > o.CreatedDate
     LEFT JOIN $Task t ON t.WhatId = o.Id AND t.Subject LIKE '${stage} follow-up: %'
     WHERE e.at >= (SELECT min(CreatedDate) FROM $SLA_Event__c)`,
  );

describe('demo hand-off tasks', () => {
  it("gives each MQL's owner the engine's MQL task: named, due at the contact deadline, done at the first touch", async () => {
    const rows = await mqlTasks(undefined);
    expect(rows.length).toBeGreaterThan(20);
    const zone = loadConfig('force-app').businessCalendars[0].timeZone;
    for (const r of rows) {
      expect(r.task_owner, `${r.Id} at ${r.mql_at}`).toBe(r.OwnerId);
      expect(String(r.Subject)).toMatch(
        new RegExp(`^Contact new MQL ${r.FirstName} ${r.LastName} \\(.*\\) by \\w{3} \\d+ \\w{3} \\d{4} `),
      );
      expect(r.ActivityDate).toBe(dayIn(String(r.contact_due), zone));
      // the rep's first touch completes it; untouched, it is still open
      if (r.last_clock) {
        expect(r.Status).toBe(r.First_Touch_At__c ? 'Completed' : 'Not Started');
        if (r.First_Touch_At__c) expect(r.CompletedDateTime).toBe(r.First_Touch_At__c);
      }
    }
  });

  it('gives the SQL follow-up, the Proposal task and the customer-success hand-off the shipped policies ask for', async () => {
    const [sql] = await demoRows(
      undefined,
      `SELECT count(*) AS sqls, count(t.Id) AS tasks, count(*) FILTER (WHERE t.OwnerId = l.OwnerId) AS owner
       FROM $Lead l LEFT JOIN $Task t ON t.WhoId = l.Id AND t.Subject LIKE 'Follow up on SQL %'
       WHERE l.SQL_Date__c >= (SELECT min(CreatedDate) FROM $SLA_Event__c)`,
    );
    expect(Number(sql.sqls)).toBeGreaterThan(5);
    expect(Number(sql.tasks)).toBe(Number(sql.sqls));
    expect(Number(sql.owner)).toBe(Number(sql.sqls));

    const proposals = await stageTasks(undefined, 'Proposal');
    expect(proposals.length).toBeGreaterThan(3);
    for (const p of proposals) {
      expect(String(p.Subject), String(p.Id)).toMatch(new RegExp(`^Proposal follow-up: ${p.Name} by `));
      expect(p.task_owner).toBe(p.OwnerId);
      expect(p.task_at).toBe(p.entered);
    }

    const [won] = await demoRows(
      undefined,
      `SELECT count(*) AS won, count(t.Id) AS tasks, count(*) FILTER (WHERE t.OwnerId = a.OwnerId) AS account_owner
       FROM $Opportunity o JOIN $Account a ON a.Id = o.AccountId
       LEFT JOIN $Task t ON t.WhatId = o.Id AND t.Subject LIKE 'Customer-success hand-off: %'
       WHERE o.IsWon = 'true' AND o.CloseDate >= (SELECT min(CreatedDate) FROM $SLA_Event__c)`,
    );
    expect(Number(won.won)).toBeGreaterThan(0);
    expect(Number(won.tasks)).toBe(Number(won.won));
    expect(Number(won.account_owner)).toBe(Number(won.won));
  });

  it('follows the policies: no MQL task without Create_Task__c, and the stage task moves with the policy', async () => {
    const config = configWith({
      'SLA_Policy.MQL_To_SQL': { Create_Task__c: 'false' },
      'SLA_Policy.Stage_Proposal': { Handoff__c: 'Stage Negotiation' },
    });
    const mqls = await mqlTasks(config);
    expect(mqls.length).toBeGreaterThan(20);
    expect(mqls.filter((r) => r.Subject !== null)).toEqual([]);
    expect((await stageTasks(config, 'Proposal')).filter((p) => p.Subject !== null)).toEqual([]);
    const negotiations = await stageTasks(config, 'Negotiation');
    expect(negotiations.length).toBeGreaterThan(0);
    expect(negotiations.filter((p) => p.Subject === null)).toEqual([]);
  });

  it('gives a Re-engagement task for each high-intent signal of a recycled lead, and only for the policy signals', async () => {
    /** Events of the lead after its recycle (before any conversion), and the Re-engagement tasks at their instants. */
    const returns = (config: Config | undefined) =>
      demoRows(
        config,
        `SELECT e.Signal__c, e.Occurred_At__c, t.Subject, t.OwnerId = l.OwnerId AS to_owner
         FROM $Engagement_Event__c e JOIN $Lead l ON l.Id = e.Lead__c
         LEFT JOIN $Task t ON t.WhoId = l.Id AND t.CreatedDate = e.Occurred_At__c AND t.Subject LIKE 'Re-engaged: %'
         WHERE l.Recycled_Date__c <= e.Occurred_At__c
           -- still recycled after the event's rescore: not an MQL again by then (MQL_Date__c is the last MQL)
           AND (l.MQL_Date__c <= l.Recycled_Date__c OR e.Occurred_At__c < l.MQL_Date__c)
           AND (l.ConvertedDate IS NULL OR e.Occurred_At__c < l.ConvertedDate)
           AND e.Occurred_At__c >= (SELECT min(CreatedDate) FROM $SLA_Event__c)`,
      );
    const shipped = await returns(undefined);
    const highIntent = ['Pricing Page', 'Demo Request', 'Product Usage'];
    const back = shipped.filter((e) => highIntent.includes(String(e.Signal__c)));
    expect(back.length).toBeGreaterThan(3);
    for (const e of back) {
      expect(String(e.Subject), `${e.Signal__c} at ${e.Occurred_At__c}`).toContain(
        `, ${e.Signal__c}; follow up by `,
      );
      expect(e.to_owner).toBe(true);
    }
    expect(shipped.filter((e) => !highIntent.includes(String(e.Signal__c)) && e.Subject !== null)).toEqual(
      [],
    );

    const opens = await returns(configWith({ 'SLA_Policy.Re_Engagement': { Signals__c: 'Email Open' } }));
    expect(opens.filter((e) => e.Signal__c === 'Email Open' && e.Subject === null)).toEqual([]);
    expect(opens.filter((e) => e.Signal__c !== 'Email Open' && e.Subject !== null)).toEqual([]);
    expect(opens.filter((e) => e.Signal__c === 'Email Open').length).toBeGreaterThan(0);
  });

  it('gives a Re-engagement task for a high-intent signal after Dormant_Days__c without engagement', async () => {
    /** High-intent events of leads never recycled, after the install, each with the gap since the lead's previous one. */
    const returns = (config: Config) =>
      demoRows(
        config,
        `WITH e AS (
           SELECT e.Record_Id__c, e.Signal__c, e.Occurred_At__c::TIMESTAMP AS at,
                  lag(e.Occurred_At__c::TIMESTAMP) OVER (PARTITION BY e.Record_Id__c ORDER BY e.Occurred_At__c) AS prev
           FROM $Engagement_Event__c e)
         SELECT e.Record_Id__c, e.Signal__c, date_diff('second', e.prev, e.at) / 86400.0 AS gap_days, t.Subject
         FROM e JOIN $Lead l ON l.Id = e.Record_Id__c
         LEFT JOIN $Task t ON t.WhoId = l.Id AND t.CreatedDate::TIMESTAMP = e.at AND t.Subject LIKE 'Re-engaged: %'
         WHERE e.Signal__c IN ('Pricing Page', 'Demo Request', 'Product Usage') AND e.prev IS NOT NULL
           AND l.Recycled_Date__c IS NULL AND (l.ConvertedDate IS NULL OR e.at < l.ConvertedDate::TIMESTAMP)
           AND e.at >= (SELECT min(CreatedDate::TIMESTAMP) FROM $SLA_Event__c)`,
      );
    const dormant = await returns(configWith({ 'SLA_Policy.Re_Engagement': { Dormant_Days__c: '10' } }));
    const back = dormant.filter((e) => Number(e.gap_days) >= 10);
    expect(back.length).toBeGreaterThan(3);
    expect(back.filter((e) => e.Subject === null)).toEqual([]);
    // a shorter gap is no return for a lead never recycled
    expect(dormant.filter((e) => Number(e.gap_days) < 10 && e.Subject !== null)).toEqual([]);
  });
});
