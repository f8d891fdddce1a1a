// SLA compliance by rep and by team: of the leads whose SLA clock started (MQL_Date__c), how many were
// contacted within the policy's contact window and qualified (SQL or recycled) within its qualify window, both
// counted in business hours on the policy's calendar; breaches and escalations (SLA_Event__c). The windows come
// from SLA_Policy__mdt and Business_Calendar__mdt, never from constants here.
import { prepareCalendar, type BusinessCalendar } from '../../rules/calendar.ts';
import type { SlaPolicy } from '../../rules/sla.ts';
import { lit, type Db } from '../db.ts';
import {
  absentObjects,
  beforeInstall,
  missingColumns,
  ms,
  unavailable,
  users,
  type Maybe,
} from './common.ts';

export interface SlaRow {
  /** The rep's name, or the team's ("team of <manager>"). */
  name: string;
  /** Leads whose clock started. */
  leads: number;
  contactedInTime: number;
  /** Contact window over: touched late, or never touched. */
  contactBreached: number;
  /** Contact window still open and no touch yet (not counted in the rate). */
  contactPending: number;
  /** contactedInTime / (contactedInTime + contactBreached). */
  contactRate: number | null;
  qualifiedInTime: number;
  qualifyBreached: number;
  qualifyPending: number;
  qualifyRate: number | null;
  /** Windows breached (contact + qualify). */
  breaches: number;
  /** SLA_Event__c rows of type Escalated on the rep's leads (null without SLA_Event__c). */
  escalations: number | null;
}

export interface SlaReport {
  policy: { name: string; contactWithinHours: number; qualifyWithinHours: number; calendar: string };
  asOf: string;
  /** First instant of the period judged (null: all history). */
  since: string | null;
  total: SlaRow;
  byRep: SlaRow[];
  byTeam: SlaRow[];
}

const LEAD_COLUMNS = ['Id', 'OwnerId', 'MQL_Date__c', 'First_Touch_At__c', 'SQL_Date__c', 'Recycled_Date__c'];

const emptyRow = (name: string): SlaRow => ({
  name,
  leads: 0,
  contactedInTime: 0,
  contactBreached: 0,
  contactPending: 0,
  contactRate: null,
  qualifiedInTime: 0,
  qualifyBreached: 0,
  qualifyPending: 0,
  qualifyRate: null,
  breaches: 0,
  escalations: null,
});

type Outcome = 'in time' | 'breached' | 'pending';

/** Done at `doneMs` (or not yet: NaN) against a window due at `dueMs`, seen at `asOfMs`. */
export function windowOutcome(doneMs: number, dueMs: number, asOfMs: number): Outcome {
  if (!Number.isNaN(doneMs)) return doneMs <= dueMs ? 'in time' : 'breached';
  return asOfMs > dueMs ? 'breached' : 'pending';
}

function add(row: SlaRow, contact: Outcome, qualify: Outcome, escalations: number | null): void {
  row.leads += 1;
  if (contact === 'in time') row.contactedInTime += 1;
  else if (contact === 'breached') row.contactBreached += 1;
  else row.contactPending += 1;
  if (qualify === 'in time') row.qualifiedInTime += 1;
  else if (qualify === 'breached') row.qualifyBreached += 1;
  else row.qualifyPending += 1;
  row.breaches = row.contactBreached + row.qualifyBreached;
  if (escalations !== null) row.escalations = (row.escalations ?? 0) + escalations;
}

function rates(row: SlaRow): SlaRow {
  const r = (a: number, b: number) => (a + b ? a / (a + b) : null);
  return {
    ...row,
    contactRate: r(row.contactedInTime, row.contactBreached),
    qualifyRate: r(row.qualifiedInTime, row.qualifyBreached),
  };
}

/** The policy the report judges by: the active MQL-to-SQL one (else the first active). */
export function slaPolicyOf(policies: SlaPolicy[]): SlaPolicy | null {
  const active = policies.filter((p) => p.active !== false);
  return active.find((p) => /mql/i.test(p.handoff)) ?? active[0] ?? null;
}

export async function slaCompliance(
  db: Db,
  config: { slaPolicies: SlaPolicy[]; businessCalendars: (BusinessCalendar & { name: string })[] },
  asOf: string,
  /** Only clocks started at or after this instant (the reporting period); all when absent. */
  since?: string,
): Promise<Maybe<SlaReport>> {
  const policy = slaPolicyOf(config.slaPolicies);
  if (!policy) return unavailable('no active SLA_Policy__mdt record in the config');
  const cal = config.businessCalendars.find((c) => c.name === policy.businessCalendar);
  if (!cal)
    return unavailable(
      `SLA_Policy.${policy.name} names Business_Calendar__c "${policy.businessCalendar}", which the config does not have`,
    );
  const absent = await absentObjects(db, ['Lead']);
  if (absent) return absent;
  const missing = await missingColumns(db, 'Lead', LEAD_COLUMNS);
  if (missing.length) return beforeInstall('Lead', missing);
  const prepared = prepareCalendar(cal);
  const hour = 3_600_000;
  const hasEvents =
    (await missingColumns(db, 'SLA_Event__c', ['Record_Id__c', 'Event_Type__c'])).length === 0;
  const esc = hasEvents
    ? `LEFT JOIN (SELECT "Record_Id__c" AS rid, count(*) AS n FROM "SLA_Event__c" WHERE "Event_Type__c" = 'Escalated' GROUP BY 1) e ON e.rid = l."Id"`
    : '';
  // instants as epoch milliseconds (no text to parse per lead)
  const leads = await db.all<{
    owner: string | null;
    start: number;
    touch: number | null;
    qualified: number | null;
    esc: number | null;
  }>(`SELECT l."OwnerId" AS owner, epoch_ms(l."MQL_Date__c")::DOUBLE AS start,
             epoch_ms(l."First_Touch_At__c")::DOUBLE AS touch,
             epoch_ms(least(l."SQL_Date__c", l."Recycled_Date__c"))::DOUBLE AS qualified,
             ${hasEvents ? 'coalesce(e.n, 0)' : 'NULL'} AS esc
      FROM "Lead" l ${esc}
      WHERE l."MQL_Date__c" IS NOT NULL AND l."MQL_Date__c" <= CAST(${lit(asOf)} AS TIMESTAMP)
        ${since ? `AND l."MQL_Date__c" >= CAST(${lit(since)} AS TIMESTAMP)` : ''}
      ORDER BY l."Id"`);
  const people = await users(db);
  const asOfMs = ms(asOf);
  const total = emptyRow('all reps');
  const byRep = new Map<string, SlaRow>();
  const byTeam = new Map<string, SlaRow>();
  for (const l of leads) {
    const start = l.start;
    // a touch before the clock started counts as contact at the start; a qualification before it (an SQL date
    // from an earlier cycle) does not count
    const touch = l.touch === null ? NaN : Math.max(l.touch, start);
    const qual = l.qualified !== null && l.qualified >= start ? l.qualified : NaN;
    const contact = windowOutcome(touch, prepared.addMs(start, policy.contactWithinHours * hour), asOfMs);
    const qualify = windowOutcome(qual, prepared.addMs(start, policy.qualifyWithinHours * hour), asOfMs);
    const owner = l.owner ?? '(no owner)';
    const user = people.get(owner);
    const rep = user?.name ?? owner;
    const team = user?.managerId
      ? `team of ${people.get(user.managerId)?.name ?? user.managerId}`
      : '(no manager)';
    if (!byRep.has(owner)) byRep.set(owner, emptyRow(rep));
    if (!byTeam.has(team)) byTeam.set(team, emptyRow(team));
    add(total, contact, qualify, l.esc);
    add(byRep.get(owner)!, contact, qualify, l.esc);
    add(byTeam.get(team)!, contact, qualify, l.esc);
  }
  // worst compliance first, then most leads, then name: the reps to talk to head the list
  const order = (a: SlaRow, b: SlaRow) =>
    (a.contactRate ?? 2) - (b.contactRate ?? 2) || b.leads - a.leads || a.name.localeCompare(b.name);
  return {
    available: true,
    policy: {
      name: policy.name,
      contactWithinHours: policy.contactWithinHours,
      qualifyWithinHours: policy.qualifyWithinHours,
      calendar: policy.businessCalendar,
    },
    asOf,
    since: since ?? null,
    total: rates(total),
    byRep: [...byRep.values()].map(rates).sort(order),
    byTeam: [...byTeam.values()].map(rates).sort(order),
  };
}
