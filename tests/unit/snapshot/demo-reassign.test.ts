// The demo routes an MQL again where the engine does (demo/reassign.ts): SlaMonitorJob's reassignment of a lead
// still uncontacted Reassign_After_Hours__c business hours past its contact deadline (SLA_Event__c Reassigned, a
// second Routing_Decision__c to another rep, the new owner's MQL task and touch, the old owner's task), and
// TA_Lead_RouteAtMql at an MQL whose owner counts as unassigned (Reroute_Away_Days__c, Reroute_Owners__c).
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDemo } from '../../../scripts/lib/snapshot/demo/index.ts';
import type { DemoState } from '../../../scripts/lib/snapshot/demo/state.ts';
import { evaluateSla } from '../../../scripts/lib/rules/sla.ts';
import { ownerUnassigned } from '../../../scripts/lib/rules/reroute.ts';
import { literal } from '../../../scripts/lib/snapshot/schema.ts';
import { removeTmpDirs, tmpDir } from './helpers.ts';
import { configWith, type Config } from './demoConfig.ts';

afterAll(removeTmpDirs);

type Row = Record<string, string | null>;
const HOUR = 3_600_000;
const t = (v: string | null | undefined) => (v ? Date.parse(v) : NaN);
const iso = (ms: number) => new Date(ms).toISOString();

/** A demo (10,000 leads) and its rows by object (every value as text). */
async function demo(config: Config | undefined) {
  const { output, state } = makeDemo({ leads: 10_000, seed: 7, dir: tmpDir('demo-reassign'), config });
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const rows = async (object: string): Promise<Row[]> => {
    const file = output.files.find((f) => f.object === object)!.files[0];
    const sql = `SELECT * FROM read_csv(${literal(file)}, header = true, all_varchar = true)`;
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Row[];
  };
  const out = {
    state,
    sla: await rows('SLA_Event__c'),
    decisions: await rows('Routing_Decision__c'),
    tasks: await rows('Task'),
    moves: await rows('Lifecycle_Transition__c'),
  };
  conn.closeSync();
  db.closeSync();
  const byLead = <T extends Row>(list: T[], key: string) => {
    const m = new Map<string, T[]>();
    for (const r of list) m.set(r[key]!, [...(m.get(r[key]!) ?? []), r]);
    return (id: string) => m.get(id) ?? [];
  };
  return {
    ...out,
    clocks: out.sla.filter((e) => e.Event_Type__c === 'Started'),
    decisionsOf: byLead(out.decisions, 'Lead__c'),
    tasksOf: byLead(out.tasks, 'WhoId'),
    movesOf: byLead(out.moves, 'Lead__c'),
    eventsOf: byLead(out.sla, 'Lead__c'),
  };
}
type Demo = Awaited<ReturnType<typeof demo>>;

/** The owner a lead had just before `at`: its latest routing decision before then. */
function ownerBefore(d: Demo, leadId: string, at: number): string | null {
  let best: Row | null = null;
  for (const r of d.decisionsOf(leadId))
    if (t(r.Decided_At__c) < at && (!best || t(r.Decided_At__c) > t(best.Decided_At__c))) best = r;
  return best?.Chosen_Owner_Id__c ?? null;
}

/**
 * The clocks the monitor reassigns, read from the demo's rows with the rule: for each clock (Started at the MQL),
 * the first check past its reassign due (the alarm a second after it, or an hourly run before that) where
 * evaluateSla, given the lead's first touch and its move off MQL as the demo's rows show them, says reassign.
 */
function expectedReassignments(d: Demo, s: DemoState) {
  const { policy, calendar } = s.rules.sla!;
  const found: { leadId: string; mql: number; at: number; due: number }[] = [];
  for (const c of d.clocks) {
    const leadId = c.Lead__c!;
    const mql = t(c.Occurred_At__c);
    const lead = { startedAt: iso(mql), ownerId: 'x', stage: 'MQL' };
    const due = evaluateSla({ policy, calendar, lead, touches: [], now: iso(mql) }).reassignDue;
    if (due === null) continue;
    const d0 = t(due);
    const at = Math.min(Math.floor(d0 / HOUR) * HOUR + HOUR, d0 + 1000);
    if (at > s.asOf) continue;
    const touch = d
      .tasksOf(leadId)
      .filter((k) => k.Subject === 'First touch' && t(k.CreatedDate) >= mql && t(k.CreatedDate) <= at);
    const left = d
      .movesOf(leadId)
      .some(
        (m) => m.From_Stage__c === 'MQL' && t(m.Transitioned_At__c) > mql && t(m.Transitioned_At__c) <= at,
      );
    const r = evaluateSla({
      policy,
      calendar,
      lead: {
        ...lead,
        firstTouchAt: touch.length ? touch[0].CreatedDate : null,
        stage: left ? 'Lead' : 'MQL',
      },
      touches: [],
      now: iso(at),
    });
    if (r.reassign) found.push({ leadId, mql, at, due: d0 });
  }
  return found;
}

/** Clocks whose MQL (an update, after the lead was routed) found its owner unassigned under the demo's policy. */
function expectedReroutes(d: Demo, s: DemoState) {
  const found: { leadId: string; mql: number; from: string }[] = [];
  for (const c of d.clocks) {
    const leadId = c.Lead__c!;
    const mql = t(c.Occurred_At__c);
    const from = ownerBefore(d, leadId, mql);
    if (from === null) continue; // an MQL at the insert: the insert routes it
    const rep = s.repById.get(from);
    const pto = rep?.pto.find(([a, b]) => mql >= a && mql < b);
    const u = ownerUnassigned({
      owner: {
        id: from,
        isQueue: from.startsWith('00G'),
        active: rep?.active ?? true,
        outOfOfficeUntil: pto ? iso(pto[1]) : null,
      },
      policy: s.rules.sla!.policy,
      now: iso(mql),
    });
    if (u.unassigned) found.push({ leadId, mql, from });
  }
  return found;
}

const reassignedTask = 'SLA: lead reassigned to another rep (not contacted in time)';

/**
 * Checks that the demo reassigned exactly the clocks the rule says (expectedReassignments), each to another rep with
 * its Reassigned event, Routing_Decision__c, tasks and the new owner's touch; returns how many.
 */
function checkReassigned(d: Demo): number {
  const expected = expectedReassignments(d, d.state);
  const events = d.sla.filter((e) => e.Event_Type__c === 'Reassigned');
  expect(events.map((e) => `${e.Lead__c} ${e.Occurred_At__c}`).sort()).toEqual(
    expected.map((x) => `${x.leadId} ${iso(x.at)}`).sort(),
  );
  for (const x of expected) {
    const event = events.find((e) => e.Lead__c === x.leadId && t(e.Occurred_At__c) === x.at)!;
    expect(t(event.Due_At__c)).toBe(x.due);
    const tasks = d.tasksOf(x.leadId);
    // the owner it leaves: its last decision's (none for a lead routed before the install: the one told so)
    const from =
      ownerBefore(d, x.leadId, x.at) ??
      tasks.find((k) => k.Subject === reassignedTask && t(k.CreatedDate) === x.at)?.OwnerId ??
      '';
    const decision = d.decisionsOf(x.leadId).find((r) => t(r.Decided_At__c) === x.at);
    expect(decision, `${x.leadId}: routed again at ${iso(x.at)}`).toBeDefined();
    const to = decision!.Chosen_Owner_Id__c!;
    expect(to).not.toBe(from);
    expect(to, `${x.leadId}: to a rep`).toMatch(/^005/);
    expect(event.Escalated_To__c).toBe(to.startsWith('005') ? to : null);
    const mqlTasks = tasks.filter((k) => k.Subject!.startsWith('Contact new MQL '));
    // the old owner's task says so; its open MQL task is deleted, the new owner's is given at the reassignment
    if (from.startsWith('005'))
      expect(
        tasks.some((k) => k.Subject === reassignedTask && k.OwnerId === from && t(k.CreatedDate) === x.at),
      ).toBe(true);
    expect(mqlTasks.filter((k) => t(k.CreatedDate) === x.mql && k.OwnerId === from)).toEqual([]);
    if (to.startsWith('005'))
      expect(mqlTasks.filter((k) => t(k.CreatedDate) === x.at).map((k) => k.OwnerId)).toEqual([to]);
    // the touch after it (up to the lead's next MQL) is the new owner's
    const next = Math.min(
      ...d
        .eventsOf(x.leadId)
        .map((e) =>
          e.Event_Type__c === 'Started' && t(e.Occurred_At__c) > x.mql ? t(e.Occurred_At__c) : Infinity,
        ),
    );
    for (const k of tasks)
      if (k.Subject === 'First touch' && t(k.CreatedDate) > x.at && t(k.CreatedDate) < next)
        expect(k.OwnerId).toBe(to);
  }
  return expected.length;
}

describe('demo SLA reassignment', () => {
  it('reassigns every MQL the monitor finds uncontacted past Reassign_After_Hours__c, to another rep', async () => {
    const d = await demo(undefined);
    expect(checkReassigned(d)).toBeGreaterThan(20);
    expect(d.tasks.filter((k) => k.Subject === reassignedTask).length).toBeGreaterThan(20);
  });

  it('follows Reassign_After_Hours__c: none when blank, at its own hours when changed', async () => {
    const off = await demo(configWith({ 'SLA_Policy.MQL_To_SQL': { Reassign_After_Hours__c: '' } }));
    expect(off.state.rules.sla!.policy.reassignAfterHours ?? null).toBeNull();
    expect(off.clocks.length).toBeGreaterThan(300);
    expect(off.sla.filter((e) => e.Event_Type__c === 'Reassigned')).toEqual([]);
    expect(off.tasks.filter((k) => k.Subject === reassignedTask)).toEqual([]);
    const later = await demo(configWith({ 'SLA_Policy.MQL_To_SQL': { Reassign_After_Hours__c: '12' } }));
    expect(later.state.rules.sla!.policy.reassignAfterHours).toBe(12);
    expect(checkReassigned(later)).toBeGreaterThan(10);
  });
});

describe('demo routing again at MQL', () => {
  /** The clocks routed again at their MQL (a decision at that instant), against those the rule says. */
  function check(d: Demo) {
    const expected = expectedReroutes(d, d.state);
    const routed = d.clocks.filter(
      (c) =>
        ownerBefore(d, c.Lead__c!, t(c.Occurred_At__c)) !== null &&
        d.decisionsOf(c.Lead__c!).some((r) => r.Decided_At__c === c.Occurred_At__c),
    );
    expect(routed.map((c) => `${c.Lead__c} ${c.Occurred_At__c}`).sort()).toEqual(
      expected.map((x) => `${x.leadId} ${iso(x.mql)}`).sort(),
    );
    return expected;
  }

  it('routes an MQL again when its owner is away more than Reroute_Away_Days__c, or listed', async () => {
    const first = await demo(undefined);
    const shipped = check(first);
    expect(shipped.length).toBeGreaterThan(3);
    // away no longer counts: fewer, and exactly those the rule says
    const patient = check(
      await demo(configWith({ 'SLA_Policy.MQL_To_SQL': { Reroute_Away_Days__c: '1000' } })),
    );
    expect(patient.length).toBeLessThan(shipped.length);
    // a listed owner: every MQL of that rep's leads is routed again
    const owners = new Map<string, number>();
    for (const c of first.clocks) {
      const o = ownerBefore(first, c.Lead__c!, t(c.Occurred_At__c));
      if (o && first.state.repById.has(o)) owners.set(o, (owners.get(o) ?? 0) + 1);
    }
    const rep = [...owners].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    const listed = check(await demo(configWith({ 'SLA_Policy.MQL_To_SQL': { Reroute_Owners__c: rep } })));
    expect(listed.filter((x) => x.from === rep).length).toBeGreaterThan(3);
  });
});
