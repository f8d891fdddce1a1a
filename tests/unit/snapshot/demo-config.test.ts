import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { removeTmpDirs } from './helpers.ts';
import { configWith, demoRows, type Config } from './demoConfig.ts';

afterAll(removeTmpDirs);

const configWithFitThreshold = (threshold: number) =>
  configWith({ 'Scoring_Setting.Default': { MQL_Fit_Threshold__c: String(threshold) } });

/** Leads of a generated demo: how many became MQLs, and the lowest fit among them. */
async function mqls(config: Config): Promise<{ mql: number; minFit: number }> {
  const [row] = await demoRows(
    config,
    `SELECT count(MQL_Date__c) AS mql, min(Fit_Score__c::DOUBLE) FILTER (WHERE MQL_Date__c IS NOT NULL) AS min_fit
     FROM $Lead`,
  );
  return { mql: Number(row.mql), minFit: Number(row.min_fit) };
}

/** Closed deals of a generated demo, per closed stage: how many, and how many lack each of `fields`. */
async function closedDeals(config: Config, fields: string[]) {
  const lacking = fields.map((f) => `count(*) FILTER (WHERE ${f} IS NULL) AS "${f}"`).join(', ');
  return demoRows(
    config,
    `SELECT StageName, count(*) AS deals, ${lacking} FROM $Opportunity WHERE IsClosed = 'true' GROUP BY 1 ORDER BY 1`,
  );
}

describe('demo org made by the config', () => {
  it('makes fewer MQLs, all above the new bar, when the shipped MQL fit threshold is raised in a copy of the config', async () => {
    const shipped = await mqls(loadConfig('force-app'));
    const stricter = await mqls(configWithFitThreshold(60));
    expect(shipped.mql).toBeGreaterThan(100);
    expect(shipped.minFit).toBeGreaterThanOrEqual(40);
    expect(stricter.mql).toBeLessThan(shipped.mql);
    expect(stricter.mql).toBeGreaterThan(0);
    expect(stricter.minFit).toBeGreaterThanOrEqual(60);
  });

  it('makes more MQLs when the threshold is lowered', async () => {
    const shipped = await mqls(loadConfig('force-app'));
    const looser = await mqls(configWithFitThreshold(25));
    expect(looser.mql).toBeGreaterThan(shipped.mql);
  });

  it('closes every deal with the fields its closed stage requires, and follows a changed Required_Fields__c', async () => {
    const fields = [
      'Loss_Reason__c',
      'Competitor__c',
      'Payment_Terms__c',
      'Pain_Points__c',
      'Signed_Contract__c',
    ];
    const [unsigned] = await demoRows(
      loadConfig('force-app'),
      `SELECT count(*) AS n FROM $Opportunity WHERE StageName = 'Closed Won' AND Signed_Contract__c <> 'true'`,
    );
    expect(Number(unsigned.n)).toBe(0); // a required checkbox is checked
    const shipped = await closedDeals(loadConfig('force-app'), fields);
    const lost = shipped.find((r) => r.StageName === 'Closed Lost')!;
    const won = shipped.find((r) => r.StageName === 'Closed Won')!;
    expect(Number(lost.deals)).toBeGreaterThan(10);
    expect(Number(won.deals)).toBeGreaterThan(5);
    // Stage_Policy Closed_Lost requires Loss_Reason__c;Competitor__c, Closed_Won ...;Payment_Terms__c
    expect([lost.Loss_Reason__c, lost.Competitor__c, won.Payment_Terms__c].map(Number)).toEqual([0, 0, 0]);
    expect(Number(lost.Pain_Points__c)).toBeGreaterThan(0); // a Discovery field: lost before Discovery, or left blank
    expect(Number(lost.Signed_Contract__c)).toBe(Number(lost.deals)); // a Closed Won field

    const stricter = await closedDeals(
      configWith({
        // a text field and a checkbox more (any field a closed stage's policy names)
        'Stage_Policy.Closed_Lost': {
          Required_Fields__c: 'Loss_Reason__c;Competitor__c;Pain_Points__c;Signed_Contract__c',
        },
      }),
      fields,
    );
    const lostNow = stricter.find((r) => r.StageName === 'Closed Lost')!;
    expect(Number(lostNow.deals)).toBe(Number(lost.deals));
    expect(Number(lostNow.Pain_Points__c)).toBe(0);
    expect(Number(lostNow.Signed_Contract__c)).toBe(0);
  });

  it("escalates breached clocks as the SLA policy's Escalate_To__c says", async () => {
    const escalations = (config: Config) =>
      demoRows(
        config,
        `SELECT count(*) AS n, count(*) FILTER (WHERE Escalated_To__c IS NULL) AS blank,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM $Lead l JOIN $User u ON u.Id = coalesce(
               -- the owner then: its last routing, the one a later SLA reassignment took it from, or the lead's
               (SELECT arg_max(d.Chosen_Owner_Id__c, d.Decided_At__c) FROM $Routing_Decision__c d
                WHERE d.Lead__c = e.Lead__c AND d.Decided_At__c <= e.Occurred_At__c),
               (SELECT arg_min(t.OwnerId, t.CreatedDate) FROM $Task t WHERE t.WhoId = e.Lead__c
                AND t.Subject LIKE 'SLA: lead reassigned%' AND t.CreatedDate > e.Occurred_At__c),
               l.OwnerId)
             WHERE l.Id = e.Lead__c AND u.ManagerId = e.Escalated_To__c)) AS to_manager,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM $Task t WHERE t.WhoId = e.Lead__c
             AND t.OwnerId = e.Escalated_To__c AND t.CreatedDate = e.Occurred_At__c AND t.Status = 'Not Started'
             AND t.Subject LIKE 'SLA breached: % window missed')) AS tasked
         FROM $SLA_Event__c e WHERE Event_Type__c = 'Escalated'`,
      );
    const [manager] = await escalations(loadConfig('force-app')); // shipped: the owner's manager
    expect(Number(manager.n)).toBeGreaterThan(10);
    expect(Number(manager.to_manager)).toBe(Number(manager.n));
    expect(Number(manager.tasked)).toBe(Number(manager.n)); // each with the manager's open task, as the org makes
    // to a queue: Escalated_To__c is a User lookup, left blank (SlaMonitorJob names the queue in Detail__c)
    const [queue] = await escalations(
      configWith({ 'SLA_Policy.MQL_To_SQL': { Escalate_To__c: 'Queue', Escalation_Queue__c: 'VP_Sales' } }),
    );
    expect(Number(queue.n)).toBe(Number(manager.n));
    expect(Number(queue.blank)).toBe(Number(queue.n));
  });

  it('holds product demos in the Demo/Evaluation stage wherever the stage policies put it', async () => {
    // each demo meeting is created the moment its deal enters Demo/Evaluation
    const demos = (config: Config) =>
      demoRows(
        config,
        `SELECT count(*) AS n, count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM $OpportunityHistory h WHERE h.OpportunityId = e.WhatId
             AND h.StageName = 'Demo/Evaluation' AND h.CreatedDate = e.CreatedDate)) AS in_stage
         FROM $Event e WHERE Subject = 'Product demo'`,
      );
    const [shipped] = await demos(loadConfig('force-app'));
    expect(Number(shipped.n)).toBeGreaterThan(10);
    expect(Number(shipped.in_stage)).toBe(Number(shipped.n));
    // Demo/Evaluation before Discovery: the demos move with it
    const swapped = await demos(
      configWith({
        'Stage_Policy.Discovery': { Order__c: '3' },
        'Stage_Policy.Demo_Evaluation': { Order__c: '2' },
      }),
    );
    expect(Number(swapped[0].n)).toBeGreaterThan(10);
    expect(Number(swapped[0].in_stage)).toBe(Number(swapped[0].n));
  });

  it("enriches with the config's Enrichment_Mapping__mdt records", async () => {
    const providers = (config: Config) =>
      demoRows(
        config,
        `SELECT count(*) AS n, count(*) FILTER (WHERE Enrichment_Sources__c LIKE '%"clearbit"%') AS clearbit
         FROM $Lead WHERE Enrichment_Sources__c IS NOT NULL`,
      );
    const [shipped] = await providers(loadConfig('force-app'));
    expect(Number(shipped.clearbit)).toBeGreaterThan(10);
    const off = { Active__c: 'false' };
    const [withoutClearbit] = await providers(
      configWith({
        'Enrichment_Mapping.Clearbit_Lead_Employees': off,
        'Enrichment_Mapping.Clearbit_Lead_Industry': off,
        'Enrichment_Mapping.Clearbit_Lead_Revenue': off,
      }),
    );
    expect(Number(withoutClearbit.n)).toBeGreaterThan(10);
    expect(Number(withoutClearbit.clearbit)).toBe(0);
  });

  it('holds the MQL move, and refuses the SQL one, when the lifecycle field policy finds a field missing', async () => {
    const withoutWebsite = (config: Config) =>
      demoRows(
        config,
        `SELECT count(MQL_Date__c) AS mql, count(MQL_Date__c) FILTER (WHERE Website IS NULL) AS mql_no_website,
           count(SQL_Date__c) AS sql, count(SQL_Date__c) FILTER (WHERE Website IS NULL) AS sql_no_website
         FROM $Lead`,
      );
    const [shipped] = await withoutWebsite(loadConfig('force-app'));
    // the shipped Lead_MQL and Lead_SQL policies do not ask for a Website
    expect(Number(shipped.mql_no_website)).toBeGreaterThan(10);
    expect(Number(shipped.sql_no_website)).toBeGreaterThan(10);
    const [mqlPolicy] = await withoutWebsite(
      configWith({
        'Lifecycle_Field_Policy.Lead_MQL': { Required_Fields__c: 'Email;LastName;Company;Country;Website' },
      }),
    );
    expect(Number(mqlPolicy.mql_no_website)).toBe(0);
    expect(Number(mqlPolicy.mql)).toBeLessThan(Number(shipped.mql));
    expect(Number(mqlPolicy.mql)).toBeGreaterThan(10);
    const [sqlPolicy] = await withoutWebsite(
      configWith({
        'Lifecycle_Field_Policy.Lead_SQL': {
          Required_Fields__c: 'Email;LastName;Company;Country;Title;LeadSource;Website',
        },
      }),
    );
    expect(Number(sqlPolicy.sql_no_website)).toBe(0);
    expect(Number(sqlPolicy.sql)).toBeGreaterThan(10);
  });
});
