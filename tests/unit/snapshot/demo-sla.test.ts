// The demo's SLA_Event__c history and SLA_Status__c are the ones the org writes, checked from the demo's CSVs against
// the rules: SlaService.recordFirstTouch logs Met at a touch inside the contact window; SlaMonitorJob, run by the
// SLA alarm one second after each deadline (SLA_Next_Check__c) and at the warning instants, logs Breached there,
// Warning at Warning_Percent__c of the qualify window for a touched lead not yet qualified, and recycles an MQL
// whose qualify window passed, with the qualify due on qualify breaches and recycles; the status at the snapshot
// is evaluateSla's and agrees with the last status event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { shippedConfig } from '../../../scripts/lib/snapshot/demo/index.ts';
import { addBusinessMs } from '../../../scripts/lib/rules/calendar.ts';
import { evaluateSla, slaLeadOf } from '../../../scripts/lib/rules/sla.ts';
import { tmpDir, removeTmpDirs } from './helpers.ts';
import { configWith, demoRows, queryDemo } from './demoConfig.ts';

afterAll(removeTmpDirs);

type Row = Record<string, string | null>;

const config = shippedConfig();
const policy = config.slaPolicies.find((p) => p.handoff === 'MQL to SQL' && p.active !== false)!;
const calendar = config.businessCalendars.find((c) => c.name === policy.businessCalendar)!;
/** SlaAlarmJob fires at SLA_Next_Check__c: one second after a deadline. */
const ALARM_MS = 1000;

let demo: ReturnType<typeof generateDemo>;
let leads: Map<string, Row>;
let events: Row[];

const ms = (v: string | null | undefined): number | null => (v ? Date.parse(v) : null);
const eventsOf = (type: string) => events.filter((e) => e.Event_Type__c === type);

const rows = async (sql: string) => (await queryDemo(demo, sql)) as Row[];

beforeAll(async () => {
  demo = generateDemo({ leads: 3000, seed: 3, dir: tmpDir('demo-sla') });
  leads = new Map((await rows('SELECT * FROM $Lead WHERE MQL_Date__c IS NOT NULL')).map((l) => [l.Id!, l]));
  events = await rows('SELECT * FROM $SLA_Event__c ORDER BY Id');
});

/** MQLs whose clock started after the engine's install (the SLA objects hold nothing before). */
function clocks(): Row[] {
  return [...leads.values()].filter((l) => ms(l.MQL_Date__c)! >= demo.installedAt);
}

describe('demo SLA history, as the org logs it', () => {
  it('logs Met at every first touch inside the contact window (SlaService.recordFirstTouch)', () => {
    const metAt = new Set(
      eventsOf('Met').map((e) => `${e.Lead__c}|${e.Occurred_At__c}|${e.Met_At__c}|${e.Due_At__c}`),
    );
    const inTime = clocks().filter(
      (l) => l.First_Touch_At__c && ms(l.First_Touch_At__c)! <= ms(l.SLA_Contact_Due__c)!,
    );
    expect(inTime.length).toBeGreaterThan(50);
    const missing = inTime.filter(
      (l) => !metAt.has(`${l.Id}|${l.First_Touch_At__c}|${l.First_Touch_At__c}|${l.SLA_Contact_Due__c}`),
    );
    expect(missing.map((l) => l.Id)).toEqual([]);
  });

  it('writes the qualify due on qualify breaches and recycles, the contact due on contact breaches', () => {
    const wrong: string[] = [];
    let qualifyRows = 0;
    for (const e of events) {
      if (!['Breached', 'Escalated', 'Recycled'].includes(e.Event_Type__c!)) continue;
      const l = leads.get(e.Lead__c!)!;
      if (e.Occurred_At__c! < l.MQL_Date__c!) continue; // an earlier clock of a lead that became an MQL again
      // a contact breach is logged by the contact deadline's alarm (or a late touch), before the qualify due
      const qualify = e.Event_Type__c === 'Recycled' || ms(e.Occurred_At__c)! > ms(l.SLA_Qualify_Due__c)!;
      if (qualify) qualifyRows++;
      const want = qualify ? l.SLA_Qualify_Due__c : l.SLA_Contact_Due__c;
      if (e.Due_At__c !== want) wrong.push(`${e.Event_Type__c} ${e.Lead__c}`);
    }
    expect(qualifyRows).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });

  it('logs a breach when the alarm finds it, at most a second after the deadline, and recycles there', () => {
    const late: string[] = [];
    const breaches = events.filter((e) => e.Event_Type__c === 'Breached' || e.Event_Type__c === 'Recycled');
    expect(breaches.length).toBeGreaterThan(20);
    for (const e of breaches) {
      const after = ms(e.Occurred_At__c)! - ms(e.Due_At__c)!;
      if (!(after > 0 && after <= ALARM_MS)) late.push(`${e.Event_Type__c} ${e.Lead__c} +${after / 1000}s`);
      if (e.Event_Type__c === 'Breached' && e.Breached_At__c !== e.Occurred_At__c)
        late.push(`at ${e.Lead__c}`);
    }
    expect(late).toEqual([]);
    // the monitor's recycle is the lead's recycle
    for (const e of eventsOf('Recycled'))
      if (e.Occurred_At__c! >= leads.get(e.Lead__c!)!.MQL_Date__c!)
        expect(leads.get(e.Lead__c!)!.Recycled_Date__c, e.Lead__c!).toBe(e.Occurred_At__c);
  });

  it('warns at Warning_Percent__c of the qualify window for a lead touched in time but not yet qualified', () => {
    const warned = new Set(eventsOf('Warning').map((e) => `${e.Lead__c}|${ms(e.Occurred_At__c)}`));
    const qualifyMs = Math.round(policy.qualifyWithinHours * 3_600_000);
    let expected = 0;
    const missing: string[] = [];
    for (const l of clocks()) {
      const touch = ms(l.First_Touch_At__c);
      if (touch === null || touch > ms(l.SLA_Contact_Due__c)!) continue;
      const warnAt = addBusinessMs(
        calendar,
        ms(l.MQL_Date__c)!,
        Math.ceil((qualifyMs * policy.warningPercent) / 100),
      );
      // qualified (SQL or recycled) by then, or the snapshot comes first: no warning due
      const decided = [l.SQL_Date__c, l.Recycled_Date__c].map(ms).filter((t) => t !== null && t <= warnAt);
      if (decided.length || warnAt > demo.asOf) continue;
      expected++;
      if (!warned.has(`${l.Id}|${warnAt}`)) missing.push(String(l.Id));
    }
    expect(expected).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it("stores evaluateSla's status at the snapshot, the status the clock's last status event logged", () => {
    const now = new Date(demo.asOf).toISOString();
    // the status each lead's last status event stored (a Met at the first touch leaves the status as it was)
    const logged = new Map<string, string>();
    const statusOf: Record<string, string> = { Warning: 'At Risk', Breached: 'Breached', Met: 'Met' };
    for (const e of events) {
      const touchMet = e.Event_Type__c === 'Met' && e.Met_At__c === e.Occurred_At__c;
      // the lead's current clock: from its (last) MQL on (a recycled lead may be an MQL again: a new clock)
      const current = ms(e.Occurred_At__c)! >= ms(leads.get(e.Lead__c!)?.MQL_Date__c)!;
      if (statusOf[e.Event_Type__c!] && !touchMet && current)
        logged.set(e.Lead__c!, statusOf[e.Event_Type__c!]);
    }
    const all = clocks();
    expect(all.filter((l) => l.Lifecycle_Stage__c === 'MQL').length).toBeGreaterThan(0); // open clocks too
    const unlike: string[] = [];
    for (const l of all) {
      const lead = slaLeadOf(l as Record<string, unknown>, 'Lead', null, now)!;
      expect(l.SLA_Status__c, String(l.Id)).toBe(
        evaluateSla({ policy, calendar, lead, touches: [], now }).status,
      );
      // a return to On Track is stored without an event
      if (l.SLA_Status__c !== 'On Track' && logged.get(l.Id!) !== l.SLA_Status__c)
        unlike.push(`${l.Id} ${l.SLA_Status__c} / ${logged.get(l.Id!)}`);
    }
    expect(unlike).toEqual([]);
  });

  it("gives the monitor's tasks the check's day in the policy's calendar, where it is not the UTC day", async () => {
    // a calendar whose business hours run over midnight UTC (9:00-17:00 in Honolulu is 19:00-03:00 UTC)
    const tasks = await demoRows(
      configWith({ 'Business_Calendar.US_Business_Hours': { Time_Zone__c: 'Pacific/Honolulu' } }),
      `SELECT Id, Subject, ActivityDate, CreatedDate FROM $Task
       WHERE Subject LIKE 'SLA breached:%' OR Subject LIKE 'SLA: lead reassigned%'`,
    );
    const hawaiiDay = (at: string) => new Date(Date.parse(at) - 10 * 3_600_000).toISOString().slice(0, 10);
    const otherDay = tasks.filter(
      (t) => hawaiiDay(String(t.CreatedDate)) !== String(t.CreatedDate).slice(0, 10),
    );
    expect(otherDay.length).toBeGreaterThan(0);
    expect(tasks.filter((t) => t.ActivityDate !== hawaiiDay(String(t.CreatedDate))).map((t) => t.Id)).toEqual(
      [],
    );
  });
});
