// The demo routes each lead when it arrives (its own Routed_At__c), as the org's trigger routes each web-to-lead
// insert: capacity, PTO and the accounts that exist are those of that instant, not of the first lead of its day.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDemo } from '../../../scripts/lib/snapshot/demo/index.ts';
import { removeTmpDirs, tmpDir } from './helpers.ts';
import { configWith, demoRows } from './demoConfig.ts';

afterAll(removeTmpDirs);

/** The rows of a demo CSV without quoted commas (Lead's Id, OwnerId, Routed_At__c, Routing_Rule__c are plain). */
function rows(file: string, columns: string[]): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const names = head.split(',').map((h) => h.replaceAll('"', ''));
  const at = columns.map((c) => names.indexOf(c));
  return lines.map((line) => {
    const cells = line
      .match(/("([^"]|"")*"|[^,]*)(,|$)/g)!
      .map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    return Object.fromEntries(columns.map((c, i) => [c, cells[at[i]]]));
  });
}

describe('demo routing over time', () => {
  it('never gives a lead to a rep who is out of office when that lead is routed', () => {
    const { output, state } = makeDemo({
      leads: 3000,
      seed: 5,
      dir: tmpDir('demo-routing'),
      quoteAllText: false,
    });
    const file = output.files.find((f) => f.object === 'Lead')!.files[0];
    const leads = rows(file, ['Id', 'OwnerId', 'Routed_At__c', 'Routing_Rule__c']);
    const toReps = leads.filter((l) => state.repById.has(l.OwnerId));
    expect(toReps.length).toBeGreaterThan(1000);
    const away = toReps.filter((l) => {
      const at = Date.parse(l.Routed_At__c);
      return state.repById.get(l.OwnerId)!.pto.some(([from, to]) => at >= from && at < to);
    });
    expect(away.map((l) => `${l.Id} ${l.Routing_Rule__c} ${l.Routed_At__c}`)).toEqual([]);
  });

  it('routes each lead at its insert, and counts on a rep row only the leads the rep won from its pool', async () => {
    // TA_Lead_Route routes before insert: the first decision and Routed_At__c (unless routed again) are the insert's
    const [lead] = await demoRows(
      undefined,
      `WITH first AS (SELECT Record_Id__c, min(Decided_At__c) AS at, count(*) AS n FROM $Routing_Decision__c GROUP BY 1)
       SELECT count(*) AS routed, count(*) FILTER (WHERE f.at <> l.CreatedDate) AS late,
              count(*) FILTER (WHERE f.n = 1 AND l.Routed_At__c <> l.CreatedDate) AS late_field
       FROM $Lead l JOIN first f ON f.Record_Id__c = l.Id
       -- a lead inserted before the install has no insert decision (one routed again after it has that one)
       WHERE l.CreatedDate >= (SELECT min(Decided_At__c) FROM $Routing_Decision__c)`,
    );
    expect(Number(lead.routed)).toBeGreaterThan(200);
    expect([Number(lead.late), Number(lead.late_field)]).toEqual([0, 0]);
    // Assignment_Count__c / Last_Assigned_At__c (RoutingTriggerService.writeState): the decisions that gave a rep a
    // lead from the pool of its row, not those that gave an account owner its account's lead
    const reps = await demoRows(
      undefined,
      `WITH won AS (SELECT Chosen_Owner_Id__c AS user_id, json_extract_string(Trace__c, '$.pool') AS pool,
                           count(*) AS n, max(Decided_At__c) AS last_at
                    FROM $Routing_Decision__c GROUP BY ALL)
       SELECT r.User__c, r.Pool__c, r.Assignment_Count__c, r.Last_Assigned_At__c, coalesce(w.n, 0) AS won, w.last_at,
              (SELECT count(*) FROM $Routing_Decision__c d WHERE d.Chosen_Owner_Id__c = r.User__c) AS decisions
       FROM $Rep_Availability__c r LEFT JOIN won w ON w.user_id = r.User__c AND w.pool = r.Pool__c`,
    );
    expect(reps.some((r) => Number(r.decisions) > Number(r.won))).toBe(true); // account owners' leads are not counted
    for (const r of reps) {
      expect(
        [Number(r.Assignment_Count__c ?? 0), r.Last_Assigned_At__c ?? null],
        `${r.User__c} ${r.Pool__c}`,
      ).toEqual([Number(r.won), r.last_at ?? null]);
    }
  });

  it("staffs a skill rule's own pool with the languages its criteria ask for, however the criteria are written", async () => {
    const config = configWith({
      'Routing_Rule.Skill_German': {
        Target_Pool__c: 'German_Desk',
        Criteria__c: 'Preferred_Language__c  in  German;Deutsch',
      },
    });
    const [german] = await demoRows(
      config,
      `SELECT count(*) AS leads, count(*) FILTER (WHERE Routing_Rule__c = 'Skill_German' AND OwnerId LIKE '005%') AS by_skill
       FROM $Lead WHERE Preferred_Language__c = 'German' AND Routed_At__c IS NOT NULL AND Matched_Account__c IS NULL`,
    );
    expect(Number(german.leads)).toBeGreaterThan(5);
    // the new pool's reps speak German, so the rule gives each lead a rep (not its queue: none did when the criteria
    // were not read)
    expect(Number(german.by_skill)).toBe(Number(german.leads));
  });
});
