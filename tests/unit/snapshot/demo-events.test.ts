// The demo's engagement events are linked as a conversion links them in the org (LeadConversionService): the
// lead's scoring events to the converted contact at the conversion, later events to the contact alone; and the
// contact is scored with them by the Contact scoring rules.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { prepareScoring, score } from '../../../scripts/lib/rules/scoring.ts';
import { removeTmpDirs } from './helpers.ts';
import { demoRows } from './demoConfig.ts';

afterAll(removeTmpDirs);

const DAY = 86_400_000;

describe('demo engagement events of converted leads', () => {
  it("link to the converted contact: the lead's scoring events at the conversion, later ones to the contact alone", async () => {
    const rows = await demoRows(
      undefined,
      `SELECT e.Lead__c, e.Contact__c, e.Record_Id__c, e.Signal__c, e.Occurred_At__c, l.ConvertedContactId,
              c.CreatedDate AS converted_at
       FROM $Engagement_Event__c e JOIN $Lead l ON l.Id = e.Record_Id__c
       JOIN $Contact c ON c.Id = l.ConvertedContactId
       WHERE c.CreatedDate >= (SELECT min(CreatedDate) FROM $SLA_Event__c)`,
    );
    const config = loadConfig('force-app');
    const scoring = prepareScoring(config.scoringRules, config.scoringSettings, 'Lead');
    const at = (v: unknown) => Date.parse(String(v));
    const later = rows.filter((e) => at(e.Occurred_At__c) > at(e.converted_at));
    const before = rows.filter((e) => at(e.Occurred_At__c) <= at(e.converted_at));
    expect(later.length).toBeGreaterThan(5);
    expect(before.length).toBeGreaterThan(5);
    for (const e of later) {
      expect(e.Lead__c, String(e.Occurred_At__c)).toBeNull();
      expect(e.Contact__c).toBe(e.ConvertedContactId);
    }
    for (const e of before) {
      expect(e.Lead__c).toBe(e.Record_Id__c);
      const horizon = scoring.horizonMs(scoring.signalCode(String(e.Signal__c)));
      const inside = horizon !== undefined && at(e.converted_at) - at(e.Occurred_At__c) <= horizon;
      expect(e.Contact__c, `${e.Signal__c} ${e.Occurred_At__c}`).toBe(inside ? e.ConvertedContactId : null);
    }
    // the shipped half-lives keep every scored signal of the week before a conversion
    const lastWeek = before.filter((e) => at(e.converted_at) - at(e.Occurred_At__c) < 7 * DAY);
    expect(lastWeek.filter((e) => e.Contact__c !== null).length).toBeGreaterThan(0);
  });

  it("carries the lead's fields the conversion mapping copies: SLA clock, routing, enrichment, an earlier recycle", async () => {
    // LeadConvertSettings (force-app) maps these Lead fields to the same Contact fields
    const carried = [
      'SLA_Contact_Due__c',
      'SLA_Qualify_Due__c',
      'SLA_Status__c',
      'Routed_At__c',
      'Routing_Rule__c',
      'Enrichment_Sources__c',
      'MQL_Date__c',
      'First_Touch_At__c',
    ];
    const [r] = await demoRows(
      undefined,
      `SELECT count(*) AS contacts,
              count(*) FILTER (WHERE l.SLA_Status__c IS NOT NULL) AS with_clock,
              count(*) FILTER (WHERE l.Recycled_Date__c IS NOT NULL AND c.Lifecycle_Stage__c <> 'Lead') AS recycled_before,
              ${carried.map((f) => `count(*) FILTER (WHERE c.${f} IS DISTINCT FROM l.${f}) AS "${f}"`).join(', ')},
              -- a recycle before the deal stays on the contact unless a lost deal recycled it again
              count(*) FILTER (WHERE c.Lifecycle_Stage__c <> 'Lead' AND c.Recycled_Date__c IS DISTINCT FROM l.Recycled_Date__c)
                AS "Recycled_Date__c",
              count(*) FILTER (WHERE c.Lifecycle_Stage__c <> 'Lead' AND c.Recycle_Reason__c IS DISTINCT FROM l.Recycle_Reason__c)
                AS "Recycle_Reason__c"
       FROM $Contact c JOIN $Lead l ON l.ConvertedContactId = c.Id`,
    );
    expect(Number(r.contacts)).toBeGreaterThan(30);
    expect(Number(r.with_clock)).toBeGreaterThan(10);
    expect(Number(r.recycled_before)).toBeGreaterThan(0);
    const differ = Object.fromEntries(
      [...carried, 'Recycled_Date__c', 'Recycle_Reason__c'].map((f) => [f, Number(r[f])]),
    );
    expect(differ).toEqual(Object.fromEntries(Object.keys(differ).map((f) => [f, 0])));
  });

  it('scores each contact converted after the install with its events and the Contact rules, up to the snapshot', async () => {
    const config = loadConfig('force-app');
    const contacts = await demoRows(
      undefined,
      `SELECT c.*, l.Fit_Score__c AS lead_fit,
              list({'signal': e.Signal__c, 'occurredAt': e.Occurred_At__c} ORDER BY e.Occurred_At__c)
                FILTER (WHERE e.Id IS NOT NULL) AS events
       FROM $Contact c JOIN $Lead l ON l.ConvertedContactId = c.Id
       LEFT JOIN $Engagement_Event__c e ON e.Contact__c = c.Id
       WHERE c.CreatedDate >= (SELECT min(CreatedDate) FROM $SLA_Event__c)
       GROUP BY ALL`,
    );
    const scored = contacts.filter((c) => (c.events as unknown[]).length > 0);
    expect(scored.length).toBeGreaterThan(10);
    const snapshotAt = contacts.reduce(
      (m, c) => (String(c.Scored_At__c) > m ? String(c.Scored_At__c) : m),
      '',
    );
    for (const c of scored) {
      // the nightly decay job keeps a contact with events scored up to the snapshot
      expect(c.Scored_At__c, String(c.Id)).toBe(snapshotAt);
      const s = score({
        object: 'Contact',
        record: {
          ...c,
          HasOptedOutOfEmail: c.HasOptedOutOfEmail === 'true',
          Lead_Fit_Score__c: Number(c.lead_fit),
        },
        events: c.events as { signal: string; occurredAt: string }[],
        rules: config.scoringRules,
        settings: config.scoringSettings,
        now: snapshotAt,
      });
      expect([c.Fit_Score__c, c.Engagement_Score__c, c.Negative_Score__c].map(Number), String(c.Id)).toEqual([
        s.fit,
        s.engagement,
        s.negative,
      ]);
    }
  });
});
