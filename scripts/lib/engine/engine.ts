// The engine model: the org's triggers and jobs applied in the order the org runs them, over records held in
// memory. Each method is one thing that happens in an org (a lead is inserted, a rep logs a call, the nightly
// decay job runs, a deal closes); the state after it is what the org would hold. Scenarios drive it
// (scenario.ts), and so can route simulation and the demo generator.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type RevOpsConfig } from '../config/index.ts';
import { APPROVAL_TIER_LENGTH, canCloseWon, evaluateDealDesk } from '../rules/dealdesk.ts';
import { ADVOCACY_SIGNALS } from '../rules/lifecycle.ts';
import { formatInstant, parseInstant } from '../rules/types.ts';
import { runDecayJob, runSlaAlarm, runSlaMonitor } from './jobs.ts';
import {
  SaveError,
  newState,
  nextId,
  traced,
  type EngagementRow,
  type EngineRecord,
  type EngineState,
  type RepRow,
  type Validator,
} from './state.ts';
import { domainOf, requestEnrichment } from './enrichment.ts';
import { dealHandoffs, reengagements } from './handoffs.ts';
import { rerouteReengaged } from './reroute.ts';
import { insertMeeting, insertTasks, personObject, updateMeeting } from './meetings.ts';
import { routeAccount, savePerson, type PersonObject } from './triggers.ts';

export interface EngineOptions {
  /** force-app root: config records and conversion mappings come from it. */
  root?: string;
  config?: RevOpsConfig;
  now: string;
  /** The org's validation rules (tests/scenarios/validation.ts evaluates the tree's own); none by default. */
  validate?: Validator;
}

export class Engine {
  readonly state: EngineState;
  private readonly root: string;

  constructor(opts: EngineOptions) {
    this.root = opts.root ?? 'force-app';
    this.state = newState(
      opts.config ?? loadConfig(this.root),
      formatInstant(parseInstant(opts.now, 'now')),
      this.root,
      opts.validate,
    );
  }

  /** Time passes: every later step happens at this instant. Time never runs backwards. */
  setNow(at: string): void {
    const ms = parseInstant(at, 'at');
    if (ms < parseInstant(this.state.now, 'now')) {
      throw new Error(`time runs forwards only: ${at} is before ${this.state.now}`);
    }
    this.state.now = formatInstant(ms);
  }

  addUser(id: string, opts: { active?: boolean; managerId?: string | null } = {}): void {
    this.state.users.set(id, { id, active: opts.active ?? true, managerId: opts.managerId ?? null });
  }

  updateUser(id: string, changes: { active?: boolean; managerId?: string | null }): void {
    const u = this.state.users.get(id);
    if (!u) throw new Error(`no user ${id}`);
    Object.assign(u, changes);
  }

  /** A Rep_Availability__c row, refused like the org refuses it (its validation rules). */
  addRep(row: Partial<RepRow> & { userId: string; pool: string }): void {
    const rep: RepRow = {
      capacity: null,
      openLeads: 0,
      weight: 1,
      active: true,
      outOfOfficeUntil: null,
      languages: [],
      productLines: [],
      ...row,
    };
    this.state.validate(
      'Rep_Availability__c',
      {
        Id: `rep:${rep.userId}:${rep.pool}`,
        User__c: rep.userId,
        Pool__c: rep.pool,
        Capacity__c: rep.capacity,
        Open_Leads__c: rep.openLeads,
        Weight__c: rep.weight,
        Active__c: rep.active,
        Out_Of_Office_Until__c: rep.outOfOfficeUntil,
      },
      null,
    );
    this.state.reps.push(rep);
  }

  updateRep(userId: string, pool: string, changes: Partial<RepRow>): void {
    const rep = this.state.reps.find((r) => r.userId === userId && r.pool === pool);
    if (!rep) throw new Error(`no Rep_Availability__c for ${userId} in pool ${pool}`);
    Object.assign(rep, changes);
  }

  insertAccount(fields: Record<string, unknown>): EngineRecord {
    const rec = { ...fields, Id: nextId(this.state, 'A') } as EngineRecord;
    traced(this.state, 'Account insert');
    routeAccount(this.state, rec); // TA_Account_Route, TA_Account_RouteLog (only with an Account rule)
    this.state.records.Account.set(rec.Id, rec);
    if (domainOf(rec.Website)) requestEnrichment(this.state, [rec.Id], 'insert'); // TA_Account_Enrich
    return rec;
  }

  insertLead(fields: Record<string, unknown>): EngineRecord {
    return savePerson(this.state, 'Lead', nextId(this.state, 'L'), fields, true);
  }

  insertContact(fields: Record<string, unknown>): EngineRecord {
    return savePerson(this.state, 'Contact', nextId(this.state, 'C'), fields, true);
  }

  update(obj: PersonObject, id: string, fields: Record<string, unknown>): EngineRecord {
    return savePerson(this.state, obj, id, fields, false);
  }

  /** Sales accepts an MQL: the rep moves it to SQL. */
  accept(obj: PersonObject, id: string): EngineRecord {
    return this.update(obj, id, { Lifecycle_Stage__c: 'SQL' });
  }

  /** Sales rejects: the record is recycled to Lead with a reason code. */
  reject(obj: PersonObject, id: string, reasonCode: string): EngineRecord {
    return this.update(obj, id, { Lifecycle_Stage__c: 'Lead', Recycle_Reason__c: reasonCode });
  }

  /**
   * An Engagement_Event__c is inserted (TA_EngagementEvent_Rescore): its Lead/Contact is touched, so the
   * before-update actions rescore it; an advocacy signal on a Customer makes it an Evangelist.
   */
  engagement(
    personId: string,
    signal: string,
    occurredAt?: string,
    count = 1,
    points: number | null = null,
  ): void {
    const lead = this.state.records.Lead.get(personId);
    if (!lead && !this.state.records.Contact.has(personId)) throw new Error(`no Lead or Contact ${personId}`);
    // TA_EngagementEvent_LinkConverted: an event for a converted lead belongs to its contact
    const contactId = lead ? (lead.IsConverted === true ? String(lead.ConvertedContactId) : null) : personId;
    const inserted: EngagementRow[] = [];
    for (let i = 0; i < count; i++) {
      inserted.push({
        id: nextId(this.state, 'E'),
        // a new row cannot look up a converted lead: it names the contact only (Record_Id__c keeps the lead)
        leadId: lead && lead.IsConverted !== true ? personId : null,
        contactId,
        signal,
        occurredAt: occurredAt ?? this.state.now,
        points,
      });
    }
    this.state.events.push(...inserted);
    traced(this.state, 'Engagement_Event__c insert', count);
    // TA_EngagementEvent_Rescore touches the person (never a converted lead)
    const advocacy = ADVOCACY_SIGNALS.includes(signal) ? signal : null;
    if (contactId) savePerson(this.state, 'Contact', contactId, {}, false, { advocacy });
    else savePerson(this.state, 'Lead', personId, {}, false, { advocacy });
    // TA_EngagementEvent_Reroute, then TA_EngagementEvent_Reengage (the alert reaches the new owner)
    rerouteReengaged(this.state, inserted);
    reengagements(this.state, inserted);
  }

  /** A task is logged on a Lead/Contact (TA_Task_FirstTouch): the owner's first touch stops the contact clock. */
  logTask(personId: string, ownerId?: string): void {
    const obj = personObject(this.state, personId);
    const by = ownerId ?? String(this.state.records[obj].get(personId)?.OwnerId);
    insertTasks(this.state, [
      { whoId: personId, whatId: null, ownerId: by, subject: 'Call', priority: 'Normal' },
    ]);
  }

  /**
   * A meeting (Event) is booked with a Lead/Contact by `ownerId` (default: the record's owner), starting a day later
   * (TA_Event_MeetingBooked): the owner's meeting is a first touch like a task; then an MQL moves to the MQL to SQL
   * policy's Meeting_Advances_To__c (a logged lifecycle move), and the owner is told when someone else booked it.
   * Returns the Event's id.
   */
  bookMeeting(personId: string, ownerId?: string): string {
    const obj = personObject(this.state, personId);
    const by = ownerId ?? String(this.state.records[obj].get(personId)?.OwnerId);
    const start = parseInstant(this.state.now, 'now') + 86_400_000;
    return insertMeeting(this.state, {
      whoId: personId,
      ownerId: by,
      createdBy: by,
      subject: 'Meeting',
      start: formatInstant(start),
      end: formatInstant(start + 30 * 60_000),
      bookingId: null,
      provider: null,
      status: null,
      deliveries: [],
      noShow: false,
    }).id;
  }

  /** The rep ticks No_Show__c on a meeting (TA_Event_NoShow): the follow-up call and re-engagement e-mail tasks. */
  markNoShow(meetingId: string): void {
    updateMeeting(this.state, meetingId, { noShow: true });
  }

  runDecayJob(): void {
    runDecayJob(this.state);
  }

  runSlaMonitor(): void {
    runSlaMonitor(this.state);
  }

  /** The SLA alarm fires (SlaAlarmJob): the monitor over the clocks due now only. */
  runSlaAlarm(): void {
    runSlaAlarm(this.state);
  }

  /**
   * Converts a lead (Database.LeadConvert), in the platform's order: the opportunity (when asked for) and the
   * contact are inserted with the LeadConvertSettings mappings, then the lead is updated (IsConverted), whose
   * triggers apply the lifecycle (OpportunityCreated only with an opportunity), release the rep's capacity and
   * (TA_Lead_Convert) link the lead's engagement events to the contact and rescore it.
   */
  convert(
    leadId: string,
    opts: {
      accountId?: string;
      createOpportunity?: boolean;
      opportunityFields?: Record<string, unknown>;
    } = {},
  ): { contactId: string; accountId: string; opportunityId: string | null } {
    const lead = this.state.records.Lead.get(leadId);
    if (!lead) throw new Error(`no Lead ${leadId}`);
    if (lead.IsConverted === true) throw new SaveError(leadId, null, 'this lead was already converted');
    const mappings = convertMappings(this.root);
    const mapped = (object: 'Contact' | 'Opportunity') =>
      Object.fromEntries((mappings[object] ?? []).map(([from, to]) => [to, lead[from] ?? null]));
    const accountId =
      opts.accountId ??
      this.insertAccount({ Name: lead.Company, OwnerId: lead.OwnerId, Website: lead.Website }).Id;
    const opportunityId =
      opts.createOpportunity === false
        ? null
        : this.insertOpportunity({
            Name: `${String(lead.Company)} -`,
            AccountId: accountId,
            StageName: 'Qualified',
            CloseDate: formatInstant(parseInstant(this.state.now, 'now') + 90 * 86_400_000).slice(0, 10),
            LeadSource: lead.LeadSource ?? null,
            OwnerId: lead.OwnerId,
            ...mapped('Opportunity'),
            ...opts.opportunityFields,
          }).Id;
    const contactId = nextId(this.state, 'C');
    const standard: Record<string, unknown> = {};
    for (const [from, to] of STANDARD_CONTACT_MAPPING) standard[to] = lead[from] ?? null;
    savePerson(
      this.state,
      'Contact',
      contactId,
      { ...standard, ...mapped('Contact'), AccountId: accountId, OwnerId: lead.OwnerId },
      true,
    );
    savePerson(
      this.state,
      'Lead',
      leadId,
      {
        IsConverted: true,
        Status: 'Qualified',
        ConvertedContactId: contactId,
        ConvertedAccountId: accountId,
        ConvertedOpportunityId: opportunityId,
      },
      false,
    );
    // the platform makes the contact the opportunity's (primary) contact role
    if (opportunityId) this.state.contactRoles.push({ opportunityId, contactId });
    for (const e of this.state.events)
      if (e.leadId === leadId && e.contactId === null) e.contactId = contactId;
    savePerson(this.state, 'Contact', contactId, {}, false, { opportunityCreated: opportunityId !== null });
    return { contactId, accountId, opportunityId };
  }

  insertOpportunity(fields: Record<string, unknown>): EngineRecord {
    return this.saveOpportunity(nextId(this.state, 'O'), fields, true);
  }

  updateOpportunity(id: string, fields: Record<string, unknown>): EngineRecord {
    return this.saveOpportunity(id, fields, false);
  }

  addContactRole(opportunityId: string, contactId: string): void {
    this.state.contactRoles.push({ opportunityId, contactId });
  }

  /**
   * An approval process ends (its final field update): Approval_Status__c becomes Approved or Rejected, and the
   * Opportunity triggers run again as for any update.
   */
  decideApproval(id: string, status: 'Approved' | 'Rejected'): EngineRecord {
    return this.saveOpportunity(id, { Approval_Status__c: status }, false);
  }

  /**
   * Opportunity trigger: hygiene (10), deal desk (20), close-won gate (40), then the validation rules, then the
   * close-won lifecycle action (after update).
   */
  private saveOpportunity(id: string, changes: Record<string, unknown>, isInsert: boolean): EngineRecord {
    const store = this.state.records.Opportunity;
    const old = isInsert ? null : (store.get(id) ?? null);
    if (!isInsert && !old) throw new SaveError(id, null, `Opportunity ${id} does not exist`);
    traced(this.state, `Opportunity ${isInsert ? 'insert' : 'update'}`);
    const rec = { ...(old ?? {}), ...changes, Id: id } as EngineRecord;
    if (!old) rec.Stage_Entered_At__c ??= this.state.now;
    else if (rec.StageName !== old.StageName) {
      rec.Previous_Stage__c = old.StageName;
      rec.Stage_Entered_At__c = this.state.now;
    }
    const fields = ['Discount_Percent__c', 'Contract_Term_Months__c', 'Non_Standard_Terms__c', 'Segment__c'];
    const terms = {
      discountPercent: (rec.Discount_Percent__c as number | null) ?? null,
      termMonths: (rec.Contract_Term_Months__c as number | null) ?? null,
      nonStandardTerms: String(rec.Non_Standard_Terms__c ?? '')
        .split(';')
        .filter(Boolean),
      segment: (rec.Segment__c as string | null) ?? null,
      tiers: this.state.config.approvalTiers,
    };
    if (!old || fields.some((f) => rec[f] !== old[f])) {
      const r = evaluateDealDesk(terms);
      rec.Approval_Tier__c = r.tier.slice(0, APPROVAL_TIER_LENGTH);
      rec.Approval_Status__c = r.approvers.length ? 'Pending' : 'Not Required';
    }
    const gate = canCloseWon({
      stage: String(rec.StageName ?? ''),
      previousStage: old ? String(old.StageName ?? '') : null,
      stagePolicies: this.state.config.stagePolicies,
      ...terms,
      approvalStatus: (rec.Approval_Status__c as string | null) ?? null,
      approvalTier: (rec.Approval_Tier__c as string | null) ?? null,
    });
    if (!gate.allowed) throw new SaveError(id, gate.errorField, gate.error ?? 'close won refused');
    rec.IsWon = rec.StageName === 'Closed Won';
    rec.IsClosed = rec.StageName === 'Closed Won' || rec.StageName === 'Closed Lost';
    this.state.validate('Opportunity', rec, old);
    store.set(id, rec);
    if (old && rec.IsWon && old.IsWon !== true) {
      for (const role of this.state.contactRoles.filter((r) => r.opportunityId === id)) {
        savePerson(this.state, 'Contact', role.contactId, { Lifecycle_Stage__c: 'Customer' }, false);
      }
    }
    // TA_Opportunity_CsHandoff, TA_Opportunity_StageTask (after update)
    if (old) dealHandoffs(this.state, rec, old);
    return rec;
  }

  get(id: string): EngineRecord | undefined {
    for (const store of Object.values(this.state.records)) {
      const r = store.get(id);
      if (r) return r;
    }
    return undefined;
  }
}

/** Standard Lead fields the platform itself carries to the Contact on conversion. */
const STANDARD_CONTACT_MAPPING: [string, string][] = [
  ['FirstName', 'FirstName'],
  ['LastName', 'LastName'],
  ['Title', 'Title'],
  ['Email', 'Email'],
  ['Phone', 'Phone'],
  ['Country', 'MailingCountry'],
  ['HasOptedOutOfEmail', 'HasOptedOutOfEmail'],
  ['LeadSource', 'LeadSource'],
];

const MAPPING_CACHE = new Map<string, Record<string, [string, string][]>>();
/** LeadConvertSettings: Lead field → output field, per output object (Contact, Opportunity, Account). */
export function convertMappings(root: string): Record<string, [string, string][]> {
  let m = MAPPING_CACHE.get(root);
  if (!m) {
    m = {};
    const dir = join(root, 'main/default/LeadConvertSettings');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.xml'))) {
      const xml = readFileSync(join(dir, f), 'utf8');
      for (const block of xml.split('<objectMapping>').slice(1)) {
        const out = /<outputObject>([^<]+)<\/outputObject>/.exec(block)?.[1];
        if (!out) continue;
        const pairs = [
          ...block.matchAll(/<inputField>([^<]+)<\/inputField>\s*<outputField>([^<]+)<\/outputField>/g),
        ];
        (m[out] ??= []).push(...pairs.map((p): [string, string] => [p[1], p[2]]));
      }
    }
    MAPPING_CACHE.set(root, m);
  }
  return m;
}
