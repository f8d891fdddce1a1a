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
