import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemo, demoLeadCount } from '../../../scripts/lib/snapshot/generator.ts';
import { buildDemoSnapshot } from '../../../scripts/lib/snapshot/demo.ts';
import { SCHEMA } from '../../../scripts/lib/snapshot/schema.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { openDb } from '../../../scripts/lib/reports/db.ts';
import { simulateRouting } from '../../../scripts/lib/reports/routesim.ts';
import { evaluateSla, slaLeadOf } from '../../../scripts/lib/rules/sla.ts';
import { evaluateDealDesk } from '../../../scripts/lib/rules/dealdesk.ts';
import { query, tmpDir, removeTmpDirs } from './helpers.ts';

afterAll(removeTmpDirs);

const digest = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('demo org generator', () => {
  it('gives the same org for the same seed and a different org for another seed', () => {
    const a = generateDemo({ leads: 800, seed: 7, dir: tmpDir('demo-a') });
    const b = generateDemo({ leads: 800, seed: 7, dir: tmpDir('demo-b') });
    const c = generateDemo({ leads: 800, seed: 8, dir: tmpDir('demo-c') });
    for (const object of ['Lead', 'Opportunity', 'OpportunityHistory', 'Engagement_Event__c']) {
      const fa = a.files.find((f) => f.object === object)!.files[0];
      expect(digest(fa), object).toBe(digest(b.files.find((f) => f.object === object)!.files[0]));
    }
    expect(digest(a.files.find((f) => f.object === 'Lead')!.files[0])).not.toBe(
      digest(c.files.find((f) => f.object === 'Lead')!.files[0]),
    );
  });

  it('writes exports the way Salesforce does: API-name headers and no formula fields', () => {
    const out = generateDemo({ leads: 200, seed: 1, dir: tmpDir('demo-h') });
    const header = readFileSync(out.files.find((f) => f.object === 'Lead')!.files[0], 'utf8').split('\n')[0];
    expect(header).toContain('"Lifecycle_Stage__c"');
    expect(header).toContain('"Fit_Score__c"');
    expect(header).not.toContain('"Total_Score__c"');
  });

  it('rejects a size that is neither small, large nor a lead count', () => {
    expect(demoLeadCount('small')).toBe(5000);
    expect(demoLeadCount('large')).toBe(1_000_000);
    expect(demoLeadCount('250000')).toBe(250_000);
    expect(() => demoLeadCount('huge')).toThrow(/--size must be small, large or a whole number/);
  });
});

describe('demo snapshot', () => {
  let file: string;
  beforeAll(async () => {
    file = join(tmpDir('demo-snap'), 'demo.duckdb');
    await buildDemoSnapshot({ out: file, size: 3000, seed: 42 });
  });

  it('holds one table per contract object with the contract columns and a provenance row for each', async () => {
    const tables = (await query(file, `SELECT table_name FROM information_schema.tables`)).map(
      (r) => r.table_name,
    );
    for (const object of Object.keys(SCHEMA)) expect(tables).toContain(object);
    const cols = (await query(
      file,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'Lead'`,
    )) as Array<{ column_name: string; data_type: string }>;
    const type = Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]));
    expect(type).toMatchObject({
      Id: 'VARCHAR',
      CreatedDate: 'TIMESTAMP',
      Fit_Score__c: 'DOUBLE',
      IsConverted: 'BOOLEAN',
      Total_Score__c: 'DOUBLE',
    });
    const prov = await query(file, `SELECT * FROM _provenance WHERE object = 'Lead'`);
    expect(prov).toHaveLength(1);
    expect(prov[0]).toMatchObject({ source: 'demo', row_count: 3000 });
  });

  it('loads chunked CSVs (loading while generating) into exactly the same tables as one file per object', async () => {
    const chunked = join(tmpDir('demo-chunked'), 'demo.duckdb');
    await buildDemoSnapshot({ out: chunked, size: 3000, seed: 42, chunkRows: 700 });
    const summary = (f: string) =>
      query(
        f,
        `SELECT (SELECT count(*) FROM "Lead") AS leads, (SELECT count(*) FROM "Engagement_Event__c") AS events,
        (SELECT sum(Amount) FROM "Opportunity") AS amount, (SELECT count(DISTINCT Id) FROM "Task") AS tasks`,
      );
    expect((await summary(chunked))[0]).toEqual((await summary(file))[0]);
    expect((await query(chunked, `SELECT count(*) AS n FROM "Engagement_Event__c"`))[0].n).toBeGreaterThan(
      1400,
    ); // > 2 chunks
  });

  it('recomputes the Total_Score__c formula that exports omit', async () => {
    const [r] = await query(
      file,
      `SELECT count(*) AS bad FROM "Lead" WHERE Total_Score__c IS DISTINCT FROM coalesce(Fit_Score__c,0)+coalesce(Engagement_Score__c,0)-coalesce(Negative_Score__c,0)`,
    );
    expect(r.bad).toBe(0);
  });

  it('has a believable B2B funnel: MQL 10-30% of leads, about half of MQLs reach SQL, win rate 15-35%', async () => {
    const [f] = await query(
      file,
      `SELECT count(*) AS leads, count(MQL_Date__c) AS mql, count(SQL_Date__c) AS sqls, sum(IsConverted::INT) AS conv FROM "Lead"`,
    );
    const mqlRate = Number(f.mql) / Number(f.leads);
    expect(mqlRate).toBeGreaterThan(0.1);
    expect(mqlRate).toBeLessThan(0.3);
    expect(Number(f.sqls) / Number(f.mql)).toBeGreaterThan(0.25);
    expect(Number(f.sqls) / Number(f.mql)).toBeLessThan(0.7);
    const [w] = await query(
      file,
      `SELECT sum(IsWon::INT) AS won, sum(IsClosed::INT) AS closed FROM "Opportunity"`,
    );
    expect(Number(w.won) / Number(w.closed)).toBeGreaterThan(0.15);
    expect(Number(w.won) / Number(w.closed)).toBeLessThan(0.35);
  });

  it('orders every MQL before its SQL and links converted leads to a real opportunity', async () => {
    const [r] = await query(
      file,
      `SELECT count(*) FILTER (WHERE SQL_Date__c < MQL_Date__c) AS backwards,
      count(*) FILTER (WHERE IsConverted AND ConvertedOpportunityId NOT IN (SELECT Id FROM "Opportunity")) AS dangling FROM "Lead"`,
    );
    expect(r).toEqual({ backwards: 0, dangling: 0 });
  });

  it('records what the SLA rule says: due times and status agree with evaluateSla at the snapshot moment', async () => {
    const config = loadConfig('force-app');
    const policy = config.slaPolicies.find((p) => p.handoff === 'MQL to SQL')!;
    const calendar = config.businessCalendars.find((c) => c.name === policy.businessCalendar)!;
    const ms = (c: string) => `CASE WHEN ${c} IS NULL THEN NULL ELSE epoch_ms(${c}) END AS ${c}`;
    const rows = await query(
      file,
      `SELECT l.Id, l.OwnerId, l.Lifecycle_Stage__c, l.SLA_Status__c, u.ManagerId, ${[
        'l.MQL_Date__c',
        'l.SQL_Date__c',
        'l.Recycled_Date__c',
        'l.First_Touch_At__c',
        'l.Lifecycle_Stage_Entered_At__c',
        'l.SLA_Contact_Due__c',
        'l.SLA_Qualify_Due__c',
      ]
        .map((c) => ms(c).replace(' AS l.', ' AS '))
        .join(', ')} FROM "Lead" l LEFT JOIN "User" u ON u.Id = l.OwnerId WHERE l.MQL_Date__c IS NOT NULL`,
    );
    expect(rows.length).toBeGreaterThan(100);
    const iso = (v: unknown) => (v === null ? null : new Date(Number(v)).toISOString());
    const now = '2026-10-01T00:00:00.000Z';
    const statuses = new Set<string>();
    for (const r of rows) {
      const rec = Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, k.endsWith('__c') && typeof v === 'number' ? iso(v) : v]),
      );
      const lead = slaLeadOf(rec, 'Lead', (r.ManagerId as string | null) ?? null, now)!;
      const sla = evaluateSla({ policy, calendar, lead, touches: [], now });
      expect(r.SLA_Contact_Due__c, String(r.Id)).toBe(Date.parse(sla.contactDue));
      expect(r.SLA_Qualify_Due__c, String(r.Id)).toBe(Date.parse(sla.qualifyDue));
      expect(r.SLA_Status__c, String(r.Id)).toBe(sla.status);
      statuses.add(sla.status);
    }
    expect([...statuses].sort()).toEqual(expect.arrayContaining(['Breached', 'Met']));
  });

  it('gives every opportunity a stage history that starts at Qualified and ends at its current stage', async () => {
    const rows = await query(
      file,
      `SELECT o.Id, o.StageName,
      (SELECT StageName FROM "OpportunityHistory" h WHERE h.OpportunityId = o.Id ORDER BY CreatedDate, Id LIMIT 1) AS first,
      (SELECT StageName FROM "OpportunityHistory" h WHERE h.OpportunityId = o.Id ORDER BY CreatedDate DESC, Id DESC LIMIT 1) AS last
      FROM "Opportunity" o`,
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      expect(r.first).toBe('Qualified');
      expect(r.last).toBe(r.StageName);
    }
  });

  it("writes each history row's forecast category as Salesforce stores it: the API value of the stage's", async () => {
    const rows = await query(
      file,
      `SELECT StageName, ForecastCategory, count(*) AS n FROM "OpportunityHistory" GROUP BY ALL`,
    );
    // the stage policies name ForecastCategoryName's labels; OpportunityHistory.ForecastCategory holds Pipeline,
    // BestCase, MostLikely, Forecast (Commit), Closed, Omitted
    const label = new Map(loadConfig('force-app').stagePolicies.map((p) => [p.stage, p.forecastCategory]));
    const api: Record<string, string> = {
      Commit: 'Forecast',
      'Best Case': 'BestCase',
      'Most Likely': 'MostLikely',
    };
    expect(rows.map((r) => label.get(String(r.StageName)))).toEqual(
      expect.arrayContaining(['Commit', 'Best Case']),
    );
    for (const r of rows) {
      const want = label.get(String(r.StageName))!;
      expect(r.ForecastCategory, String(r.StageName)).toBe(api[want] ?? want);
    }
  });

  it('plants stale deals, close-date pushes and discounts that need approval', async () => {
    const [r] = await query(
      file,
      `SELECT count(*) FILTER (WHERE Close_Date_Push_Count__c > 0) AS pushed,
      count(*) FILTER (WHERE Discount_Percent__c >= 20) AS big_discount,
      count(*) FILTER (WHERE NOT IsClosed AND Stage_Entered_At__c < TIMESTAMP '2026-10-01' - INTERVAL 60 DAY) AS stale FROM "Opportunity"`,
    );
    expect(Number(r.pushed)).toBeGreaterThan(0);
    expect(Number(r.big_discount)).toBeGreaterThan(0);
    expect(Number(r.stale)).toBeGreaterThan(0);
  });

  it('gives a deal that never reached pricing the tier the deal desk gives every new deal from the install on', async () => {
    const rows = await query(
      file,
      `SELECT Segment__c, Approval_Tier__c, Approval_Status__c, count(*) AS n FROM "Opportunity"
       WHERE Discount_Percent__c IS NULL AND Contract_Term_Months__c IS NULL
         AND CreatedDate >= (SELECT min(CreatedDate) FROM "SLA_Event__c")
       GROUP BY ALL`,
    );
    expect(rows.reduce((n, r) => n + Number(r.n), 0)).toBeGreaterThan(10);
    const tiers = loadConfig('force-app').approvalTiers;
    for (const r of rows) {
      // DealDeskService.applyToOpportunities at the insert: blank discount and term, the segment
      const desk = evaluateDealDesk({
        discountPercent: null,
        termMonths: null,
        nonStandardTerms: [],
        segment: r.Segment__c as string,
        tiers,
      });
      expect([r.Approval_Tier__c, r.Approval_Status__c], String(r.Segment__c)).toEqual([
        desk.tier,
        desk.approvers.length ? 'Pending' : 'Not Required',
      ]);
    }
  });

  it("dates a deal's and an account's LastActivityDate by their activities, as Salesforce does", async () => {
    // Salesforce: the latest of a closed task's due date and a past event's date, on the record; an account's
    // includes its deals' and those of the leads converted into it (a conversion moves them to the contact)
    const [r] = await query(
      file,
      `WITH acts AS (
         SELECT coalesce(WhatId, WhoId) AS rid, ActivityDate::DATE AS d FROM "Task" WHERE Status = 'Completed'
         UNION ALL SELECT coalesce(WhatId, WhoId), StartDateTime::DATE FROM "Event"),
       latest AS (SELECT rid, max(d) AS d FROM acts GROUP BY 1),
       deals AS (SELECT o.Id, o.AccountId, o.LastActivityDate::DATE AS have, l.d AS want
                 FROM "Opportunity" o LEFT JOIN latest l ON l.rid = o.Id),
       byAccount AS (
         SELECT AccountId, want FROM deals
         UNION ALL SELECT le.ConvertedAccountId, l.d FROM "Lead" le JOIN latest l ON l.rid = le.Id
         WHERE le.ConvertedAccountId IS NOT NULL)
       SELECT count(*) AS deals, count(want) AS with_activity,
              count(*) FILTER (WHERE have IS DISTINCT FROM want) AS deals_off,
              (SELECT count(*) FROM "Account" a JOIN (SELECT AccountId, max(want) AS want FROM byAccount GROUP BY 1) x
                 ON x.AccountId = a.Id WHERE a.LastActivityDate::DATE IS DISTINCT FROM x.want) AS accounts_off
       FROM deals`,
    );
    expect(Number(r.with_activity)).toBeGreaterThan(20);
    expect(Number(r.deals)).toBeGreaterThan(Number(r.with_activity)); // some deals have none: blank
    expect([Number(r.deals_off), Number(r.accounts_off)]).toEqual([0, 0]);
  });

  it('records planted duplicates with truth: each duplicate points at an entity that exists', async () => {
    const rows = await query(
      file,
      `SELECT t.Id, t.entity_id, t.variant, l.Email AS dup_email, coalesce(o.Email, c.Email) AS orig_email
      FROM _dedup_truth t JOIN "Lead" l ON l.Id = t.Id
      LEFT JOIN "Lead" o ON o.Id = t.entity_id LEFT JOIN "Contact" c ON c.Id = t.entity_id
      WHERE t.variant <> 'original'`,
    );
    expect(rows.length).toBeGreaterThan(50);
    for (const r of rows) expect(r.orig_email, `entity ${r.entity_id}`).not.toBeNull();
    const freeMail = rows.filter((r) => String(r.variant).includes('free_mail'));
    expect(freeMail.length).toBeGreaterThan(0);
    for (const r of freeMail) expect(r.dup_email).not.toBe(r.orig_email);
  });

  it("gives distinct people distinct e-mail addresses: only a planted duplicate shares its original's", async () => {
    const [r] = await query(
      file,
      `WITH e AS (SELECT lower(l.Email) AS email, coalesce(t.entity_id, l.Id) AS person
        FROM "Lead" l LEFT JOIN _dedup_truth t ON t.Id = l.Id)
      SELECT count(*) AS shared FROM (SELECT email FROM e GROUP BY email HAVING count(DISTINCT person) > 1)`,
    );
    expect(r.shared).toBe(0);
  });

  it('never gives two different companies the same account name and website', async () => {
    const [r] = await query(
      file,
      `WITH a AS (SELECT lower(a.Name) AS name,
          regexp_replace(lower(a.Website), '^(https?://)?(www[.])?|/$', '', 'g') AS site,
          coalesce(t.entity_id, a.Id) AS company
        FROM "Account" a LEFT JOIN _dedup_truth t ON t.Id = a.Id)
      SELECT count(*) AS shared FROM (SELECT name, site FROM a GROUP BY ALL HAVING count(DISTINCT company) > 1)`,
    );
    expect(r.shared).toBe(0);
  });

  it('staffs every pool the shipped routing rules target, so replaying them rarely falls back', async () => {
    const rules = loadConfig('force-app').routingRules;
    const pools = (await query(file, `SELECT DISTINCT Pool__c AS pool FROM "Rep_Availability__c"`)).map(
      (r) => r.pool,
    );
    for (const rule of rules.filter((r) => r.targetPool)) expect(pools, rule.name).toContain(rule.targetPool);
    const db = await openDb(file, { readOnly: true });
    try {
      const sim = await simulateRouting(db, rules);
      expect(sim.leads).toBeGreaterThan(300);
      expect(sim.fallbackRate).toBeLessThan(0.05);
    } finally {
      db.close();
    }
  });
});
