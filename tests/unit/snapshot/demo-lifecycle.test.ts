// The demo's Lifecycle_Transition__c rows are the ones the org's lifecycle trigger writes: one per move the rules
// make (rules/lifecycle.ts transition), with the rule's reason, code and recycle flag, and the contact's move at a
// conversion (TA_Lead_Convert). Each row is checked against the rule replayed from the demo's own records: the
// event its move stands for, and for a move to MQL the scores the scoring rules give the lead at that instant.
import { afterAll, describe, expect, it } from 'vitest';
import { shippedConfig } from '../../../scripts/lib/snapshot/demo/index.ts';
import {
  transition,
  type LifecycleEvent,
  type LifecycleStage,
} from '../../../scripts/lib/rules/lifecycle.ts';
import { score } from '../../../scripts/lib/rules/scoring.ts';
import { removeTmpDirs } from './helpers.ts';
import { demoRows, leadAt } from './demoConfig.ts';

afterAll(removeTmpDirs);

type Row = Record<string, string | null>;
const rows = async (sql: string) => (await demoRows(undefined, sql)) as Row[];

/** The lifecycle event a row's move stands for (LifecycleService.eventFor of the save that made it), or null. */
function eventOf(row: Row): LifecycleEvent | null {
  const at = row.Transitioned_At__c!;
  switch (row.To_Stage__c) {
    case 'MQL':
      return { type: 'Rescore', at };
    case 'SQL':
      return { type: 'SalesAccept', at };
    case 'Lead':
      return { type: 'Recycle', at, reasonCode: row.Reason_Code__c };
    case 'Opportunity':
      return { type: 'OpportunityCreated', at };
    case 'Customer':
      return { type: 'ClosedWon', at };
    default:
      return null; // no event of the demo moves a record there
  }
}

describe('demo Lifecycle_Transition__c rows are the lifecycle trigger’s', () => {
  it('writes a row only for a move: every row has a From stage other than its To stage', async () => {
    const [r] = await rows(`SELECT count(*) AS n,
        count(*) FILTER (WHERE From_Stage__c IS NULL OR From_Stage__c = To_Stage__c) AS unmoved
      FROM $Lifecycle_Transition__c`);
    expect(Number(r.n)).toBeGreaterThan(100);
    // a lead's insert below the MQL thresholds moves nothing, so it has no row ('Lead created' rows before)
    expect(Number(r.unmoved)).toBe(0);
  });

  it('gives each row the reason, code and recycle flag rules/lifecycle.ts transition() gives its move', async () => {
    const config = shippedConfig();
    const leads = new Map((await rows('SELECT * FROM $Lead')).map((l) => [l.Id!, l]));
    const events = new Map<string, { signal: string; occurredAt: string }[]>();
    for (const e of await rows(
      'SELECT Record_Id__c, Signal__c, Occurred_At__c FROM $Engagement_Event__c ORDER BY Occurred_At__c',
    )) {
      const list = events.get(e.Record_Id__c!) ?? [];
      list.push({ signal: e.Signal__c!, occurredAt: e.Occurred_At__c! });
      events.set(e.Record_Id__c!, list);
    }
    const all = await rows('SELECT * FROM $Lifecycle_Transition__c ORDER BY Transitioned_At__c');
    /** The record's last recycle before `at` (its Recycled_Date__c then), or null. */
    const recycledBefore = (id: string, at: string) =>
      all
        .filter((t) => t.Record_Id__c === id && t.Is_Recycle__c === 'true' && t.Transitioned_At__c! < at)
        .at(-1)?.Transitioned_At__c ?? null;
    /** The lead's scores at `at`, as the scoring action gives them to the save (its events up to then). */
    const scoresAt = (leadId: string, at: string) => {
      const lead = leads.get(leadId)!;
      const all = events.get(leadId) ?? [];
      const upTo = all.filter((e) => e.occurredAt <= at);
      const record = leadAt(
        lead,
        all.map((e) => e.signal),
        upTo.map((e) => e.signal),
      );
      return score({
        object: 'Lead',
        record,
        events: upTo,
        rules: config.scoringRules,
        settings: config.scoringSettings,
        now: at,
        recycledAt: recycledBefore(leadId, at),
      });
    };
    const wrong = all.filter((row) => {
      const event = eventOf(row);
      if (!event) return true;
      // only the MQL guard reads the scores
      const s = event.type === 'Rescore' ? scoresAt(row.Record_Id__c!, event.at) : null;
      const r = transition({
        record: {
          stage: (row.From_Stage__c ?? 'Lead') as LifecycleStage,
          fit: s?.fit ?? 0,
          engagement: s?.engagement ?? 0,
          negative: s?.negative ?? 0,
          // a recycled lead is an MQL again on its engagement since the recycle only
          recycledAt: s ? recycledBefore(row.Record_Id__c!, event.at) : null,
          engagementSinceRecycle: s?.engagementSinceRecycle ?? null,
        },
        event,
        settings: config.scoringSettings,
      });
      const h = r.history[0];
      return (
        r.outcome !== 'moved' ||
        h.toStage !== row.To_Stage__c ||
        h.reason !== row.Reason__c ||
        h.reasonCode !== row.Reason_Code__c ||
        String(h.isRecycle) !== row.Is_Recycle__c
      );
    });
    expect(all.filter((r) => r.To_Stage__c === 'MQL').length).toBeGreaterThan(20);
    // each record's rows chain: a move starts at the stage the record's previous move ended in
    const last = new Map<string, string>();
    const unchained: string[] = [];
    for (const row of all) {
      const before = last.get(row.Record_Id__c! + row.Object_Type__c!);
      if (before !== undefined && before !== row.From_Stage__c)
        unchained.push(`${row.Record_Id__c} ${before}/${row.From_Stage__c}`);
      last.set(row.Record_Id__c! + row.Object_Type__c!, row.To_Stage__c!);
    }
    expect(unchained).toEqual([]);
    expect({ wrong: wrong.length, first: wrong.slice(0, 3) }).toEqual({ wrong: 0, first: [] });
  });

  it('gives every lead converted after the install its own and its contact’s SQL → Opportunity row', async () => {
    // the conversion's instant is its new contact's CreatedDate (Lead.ConvertedDate is a day); the engine was
    // installed before its first routing decision
    const converted = await rows(`SELECT l.Id,
        count(t.Id) FILTER (WHERE t.Lead__c = l.Id) AS lead_rows,
        count(t.Id) FILTER (WHERE t.Contact__c = c.Id) AS contact_rows
      FROM $Lead l JOIN $Contact c ON c.Id = l.ConvertedContactId
      LEFT JOIN $Lifecycle_Transition__c t
        ON (t.Lead__c = l.Id OR t.Contact__c = c.Id)
          AND t.From_Stage__c = 'SQL' AND t.To_Stage__c = 'Opportunity'
          AND t.Transitioned_At__c = c.CreatedDate
      WHERE l.IsConverted = 'true'
        AND c.CreatedDate::TIMESTAMP >= (SELECT min(Decided_At__c::TIMESTAMP) FROM $Routing_Decision__c)
      GROUP BY 1`);
    expect(converted.length).toBeGreaterThan(10);
    const without = (rows: 'lead_rows' | 'contact_rows') =>
      converted.filter((c) => Number(c[rows]) !== 1).length;
    expect(without('lead_rows')).toBe(0);
    // TA_Lead_Convert's update of the new contact applies OpportunityCreated (LeadConversionService.afterConvert)
    expect(without('contact_rows')).toBe(0);
  });
});
