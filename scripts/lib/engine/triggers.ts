// The Lead and Contact triggers of the org, in the order their Trigger_Action__mdt records run them:
// before: Score (10) → Lifecycle (20) → Route (30, Lead insert) → SLA start (40); after: route log (10),
// lifecycle log (20), SLA log (30), capacity (40, Lead update). A refused save throws SaveError and keeps
// nothing, as the org rolls back the DML.
import { addBusinessHours } from '../rules/calendar.ts';
import type { AccountCandidate } from '../rules/match.ts';
import {
  EXCLUDED_OWNER,
  ownerUnassigned,
  releaseCapacity,
  route,
  type RoutedObject,
} from '../rules/routing.ts';
import { score } from '../rules/scoring.ts';
import {
  LIFECYCLE_STAGES,
  stageHold,
  transition,
  type LifecycleEvent,
  type LifecycleStage,
} from '../rules/lifecycle.ts';
import { evaluateSla } from '../rules/sla.ts';
import { roundHalfUp } from '../rules/types.ts';
import { requestEnrichment } from './enrichment.ts';
import { handoffPolicy, MQL_HANDOFF, personHandoffs } from './handoffs.ts';
import {
  isConversionContact,
  SaveError,
  traced,
  type EngineRecord,
  type EngineState,
  type RepRow,
  type SlaEventRow,
} from './state.ts';

export type PersonObject = 'Lead' | 'Contact';

const order = (s: string) => LIFECYCLE_STAGES.indexOf(s as LifecycleStage);

/** Engagement events of a record (Lead__c or Contact__c), as ScoringSelector.eventsFor reads them. */
export function eventsOf(state: EngineState, id: string) {
  return state.events
    .filter((e) => e.leadId === id || e.contactId === id)
    .map((e) => ({ signal: e.signal, occurredAt: e.occurredAt, points: e.points ?? null }));
}

/** TA_Lead_Score / TA_Contact_Score: scores from the rules; events only on update (a new record has none). */
function applyScores(state: EngineState, obj: PersonObject, rec: EngineRecord, isInsert: boolean): void {
  const { scoringRules, scoringSettings } = state.config;
  const r = score({
    object: obj,
    record: rec,
    events: isInsert ? [] : eventsOf(state, rec.Id),
    rules: scoringRules,
    settings: scoringSettings,
    now: state.now,
    recycledAt: (rec.Recycled_Date__c as string | null | undefined) ?? null,
  });
  rec.Engagement_Since_Recycle__c = r.engagementSinceRecycle ?? null;
  rec.Fit_Score__c = r.fit;
  rec.Engagement_Score__c = r.engagement;
  rec.Negative_Score__c = r.negative;
  rec.Total_Score__c = roundHalfUp(r.fit + r.engagement - r.negative, 1);
  rec.Scored_At__c = state.now;
}

/** What else happened in the transaction of a save, as the Apex actions hand it over. */
export interface SaveContext {
  reroute?: boolean; // a returning lead/contact queued by TA_EngagementEvent_Reroute: TA_Lead_RouteAtMql or TA_Contact_Route routes it
  excludeOwner?: string | null; // a lead the SLA monitor reassigns: TA_Lead_RouteAtMql routes it with this owner excluded
  advocacy?: string | null; // an advocacy signal just logged (TA_EngagementEvent_Rescore)
  opportunityCreated?: boolean; // the contact of a lead converted with an opportunity (TA_Lead_Convert)
  engineMove?: boolean; // the engine set the stage (MeetingService's Meeting_Advances_To__c): held, not refused
}

/** The lifecycle event a save stands for (LifecycleService.eventFor). */
function lifecycleEvent(
  obj: PersonObject,
  rec: EngineRecord,
  old: EngineRecord | null,
  current: string,
  requested: string,
  ctx: SaveContext,
  now: string,
): LifecycleEvent {
  const event: LifecycleEvent = { type: 'Rescore', at: now };
  const converting = obj === 'Lead' && rec.IsConverted === true && old?.IsConverted !== true;
  // converted without an opportunity: the stage stays (MQL, SQL, ...); the contact keeps it too
  if (converting && !rec.ConvertedOpportunityId) return event;
  const nps = obj === 'Contact' ? ((rec.NPS_Score__c as number | null | undefined) ?? null) : null;
  const npsAnswered = nps !== null && (old === null || old.NPS_Score__c !== nps);
  if (converting || (obj === 'Contact' && ctx.opportunityCreated)) {
    event.type = 'OpportunityCreated';
  } else if (requested !== current) {
    const delta = order(requested) - order(current);
    if (delta < 0 && requested === 'Lead') {
      event.type = 'Recycle';
      event.reasonCode = (rec.Recycle_Reason__c as string | null) ?? null;
    } else if (current === 'MQL' && requested === 'SQL') event.type = 'SalesAccept';
    else if (requested === 'Customer') event.type = 'ClosedWon';
    else {
      event.type = 'SetStage';
      event.toStage = requested as LifecycleStage;
    }
  } else if (npsAnswered || ctx.advocacy) {
    event.type = 'Advocacy';
    event.nps = npsAnswered ? nps : null;
    event.signal = ctx.advocacy ?? null;
  }
  return event;
}

/** TA_*_Lifecycle (LifecycleService.applyStageChanges): returns the history row to log, or null. */
function applyLifecycle(
  state: EngineState,
  obj: PersonObject,
  rec: EngineRecord,
  old: EngineRecord | null,
  ctx: SaveContext,
) {
  let current = (old?.Lifecycle_Stage__c as string | null) ?? null;
  let requested = rec.Lifecycle_Stage__c as string | null;
  if (!requested) {
    requested = current ?? 'Lead';
    rec.Lifecycle_Stage__c = requested;
  }
  if (current === null) {
    // entering MQL directly is guarded unless the record was qualified before (MQL_Date__c mapped on conversion)
    current = requested === 'MQL' && !rec.MQL_Date__c ? 'Lead' : requested;
    rec.Lifecycle_Stage_Entered_At__c ??= state.now;
  }
  const event = lifecycleEvent(obj, rec, old, current, requested, ctx, state.now);
  const r = transition({
    record: {
      stage: current as LifecycleStage,
      fit: Number(rec.Fit_Score__c ?? 0),
      engagement: Number(rec.Engagement_Score__c ?? 0),
      negative: Number(rec.Negative_Score__c ?? 0),
      recycledAt: (rec.Recycled_Date__c as string | null | undefined) ?? null,
      engagementSinceRecycle: Number(rec.Engagement_Since_Recycle__c ?? 0),
    },
    event,
    settings: state.config.scoringSettings,
  });
  if (r.outcome === 'rejected') {
    if (event.type !== 'OpportunityCreated') throw new SaveError(rec.Id, 'Lifecycle_Stage__c', r.message);
    return null;
  }
  // the engine's own move into a stage whose required fields are blank waits (the record keeps its stage)
  const hold = stageHold({
    object: obj,
    eventType: event.type,
    result: r,
    record: rec,
    policies: state.config.lifecycleFieldPolicies ?? [],
    byEngine: ctx.engineMove === true,
  });
  if (hold) {
    rec.Lifecycle_Stage__c = r.from;
    rec.Lifecycle_Hold_Reason__c = hold;
    return null;
  }
  if (rec.Lifecycle_Hold_Reason__c) rec.Lifecycle_Hold_Reason__c = null;
  rec.Lifecycle_Stage__c = r.to;
  if (r.outcome !== 'moved') return null;
  Object.assign(rec, r.fields);
  if (r.isRecycle) rec.Engagement_Since_Recycle__c = 0; // nothing has happened since the recycle yet
  const h = r.history[0];
  return {
    recordId: rec.Id,
    fromStage: h.fromStage,
    toStage: h.toStage,
    at: h.transitionedAt,
    reasonCode: h.reasonCode,
    isRecycle: h.isRecycle,
  };
}

/**
 * TA_Lead_Route (RoutingTriggerService.assignOwners): owner, matched account, rule; rep counters and pointers.
 * `accounts` narrows the account candidates (the org reads them by domain/name key); default: every account.
 * `object` Contact is TA_Contact_Route (RecordRoutingService: owner, Routed_At__c, Routing_Rule__c), Account
 * TA_Account_Route (owner only); `countCapacity` false leaves the reps'
 * open-lead counts to the capacity step (routing at MQL, where the count moves from the old holder).
 */
export function applyRouting(
  state: EngineState,
  rec: EngineRecord,
  accounts?: AccountCandidate[],
  object: RoutedObject = 'Lead',
  countCapacity = true,
  excludeOwner: string | null = null,
) {
  accounts ??= [...state.records.Account.values()].map((a) => ({
    id: a.Id,
    name: String(a.Name ?? ''),
    website: (a.Website as string | null) ?? null,
    ownerId: String(a.OwnerId ?? ''),
    isSystemOfRecord: a.Is_System_Of_Record__c === true,
    territory: (a.Territory__c as string | null) ?? null,
  }));
  const result = route({
    leads: [excludeOwner ? { ...rec, [EXCLUDED_OWNER]: excludeOwner } : rec],
    rules: state.config.routingRules,
    reps: state.reps.map((r) => ({
      userId: r.userId,
      name: r.userId,
      pool: r.pool,
      capacity: r.capacity,
      openLeads: r.openLeads,
      weight: r.weight,
      // RoutingSelector: Active__c and User.IsActive
      active: r.active && (state.users.get(r.userId)?.active ?? true),
      outOfOfficeUntil: r.outOfOfficeUntil,
      languages: r.languages,
      productLines: r.productLines,
    })),
    accounts,
    pointers: state.pointers,
    now: state.now,
    inactiveUsers: [...state.users.values()].filter((u) => !u.active).map((u) => u.id),
    object,
  });
  const a = result.assignments[0];
  state.pointers = result.pointers;
  if (countCapacity)
    for (const rep of state.reps) rep.openLeads = result.openLeads[rep.userId] ?? rep.openLeads;
  if (object !== 'Lead') {
    rec.OwnerId = a.ownerId;
    if (object === 'Contact') {
      // RecordRoutingService.setOwners: when it was routed, and by which rule (null: no rule placed it)
      rec.Routed_At__c = state.now;
      rec.Routing_Rule__c = a.rule;
    }
    return { ownerId: a.ownerId, rule: a.rule, method: a.method, fallbackUsed: a.fallbackUsed };
  }
  // the org stamps the chosen rep's rows only (RoutingTriggerService.writeDecisions)
  rec.OwnerId = a.ownerType === 'Queue' ? `queue:${a.ownerId}` : a.ownerId;
  rec.Matched_Account__c = a.matchedAccountId;
  rec.Routed_At__c = state.now;
  rec.Routing_Rule__c = a.rule;
  return { ownerId: rec.OwnerId, rule: a.rule, method: a.method, fallbackUsed: a.fallbackUsed };
}

/**
 * TA_*_SlaStart (SlaService.startClocks): a converting lead's clock closes (its contact carries it on); a record
 * inserted with due times already set keeps them (open unless Met, no new Started event); a record that just
 * became MQL starts its clock.
 */
function applySlaStart(
  state: EngineState,
  obj: PersonObject,
  rec: EngineRecord,
  old: EngineRecord | null,
): SlaEventRow | null {
  if (obj === 'Lead' && rec.IsConverted === true && old?.IsConverted !== true) {
    rec.SLA_Clock__c = null;
    return null;
  }
  if (old === null && rec.SLA_Contact_Due__c) {
    rec.SLA_Clock__c = rec.SLA_Status__c === 'Met' ? null : 'Open';
    return null;
  }
  const mqlAt = rec.MQL_Date__c as string | null;
  const became = rec.Lifecycle_Stage__c === 'MQL' && !!mqlAt && (old === null || old.MQL_Date__c !== mqlAt);
  const found = became ? handoffPolicy(state.config, MQL_HANDOFF) : null; // SlaService.HANDOFF's policy
  if (!found || !mqlAt) return null;
  const { policy, calendar: cal } = found;
  rec.SLA_Contact_Due__c = addBusinessHours(cal, mqlAt, policy.contactWithinHours);
  rec.SLA_Qualify_Due__c = addBusinessHours(cal, mqlAt, policy.qualifyWithinHours);
  // the first check of the SLA alarm: the untouched clock's warning instant (SlaService.firstCheck)
  rec.SLA_Next_Check__c = evaluateSla({
    policy,
    calendar: cal,
    lead: { startedAt: mqlAt, ownerId: String(rec.OwnerId ?? '') },
    touches: [],
    now: mqlAt,
  }).nextCheckAt;
  rec.SLA_Status__c = 'On Track';
  rec.SLA_Clock__c = 'Open';
  rec.First_Touch_At__c = null;
  if (obj === 'Lead') rec.SLA_Reassigned_At__c = null; // a new clock may be reassigned once again
  rec.Speed_To_Lead_Minutes__c = null;
  const dueAt = rec.SLA_Contact_Due__c as string | null; // Due_At__c: the contact deadline (SlaService.startClocks)
  return {
    recordId: rec.Id,
    type: 'Started',
    policy: policy.name,
    at: mqlAt,
    escalatedTo: null,
    dueAt,
    breachedAt: null,
    metAt: null,
  };
}

/** TA_Lead_Capacity: a lead that leaves its rep (owner change, conversion, closed, recycled) frees capacity. */
export function applyCapacity(state: EngineState, rec: EngineRecord, old: EngineRecord): void {
  const { deltas } = releaseCapacity({ changes: [{ before: old, after: rec }] });
  for (const rep of state.reps) {
    const d = deltas[rep.userId];
    if (d) rep.openLeads = Math.max(0, rep.openLeads + d);
  }
}

/**
 * Saves a Lead or Contact through its triggers. `changes` are the fields the user (or the automation) sets;
 * `isInsert` inserts. What other actions of the transaction handed over comes in `ctx`.
 */
export function savePerson(
  state: EngineState,
  obj: PersonObject,
  id: string,
  changes: Record<string, unknown>,
  isInsert: boolean,
  ctx: SaveContext = {},
): EngineRecord {
  const store = state.records[obj];
  const old = isInsert ? null : (store.get(id) ?? null);
  if (!isInsert && !old) throw new SaveError(id, null, `${obj} ${id} does not exist`);
  if (old && obj === 'Lead' && old.IsConverted === true) {
    throw new SaveError(id, null, 'CANNOT_UPDATE_CONVERTED_LEAD: cannot reference converted lead');
  }
  const run = traced(state, `${obj} ${isInsert ? 'insert' : 'update'}`); // a refused save ran its queries too
  const rec = { ...(old ?? {}), ...changes, Id: id } as EngineRecord;
  applyScores(state, obj, rec, isInsert);
  const moved = applyLifecycle(state, obj, rec, old, ctx);
  // TA_Lead_Route at insert; TA_Lead_RouteAtMql when a lead becomes an MQL later while its owner counts as
  // unassigned, or returns queued by the re-engagement re-route; TA_Contact_Route at a contact's insert (not the
  // contact a conversion creates), or when it returns queued by the re-engagement re-route
  const routeAtMql =
    obj === 'Lead' &&
    old !== null &&
    (ctx.reroute === true || !!ctx.excludeOwner || becameMqlUnassigned(state, rec, old));
  const routeContact =
    obj === 'Contact' &&
    (isInsert ? !isConversionContact(rec) : ctx.reroute === true) &&
    hasRules(state, 'Contact');
  const decision =
    obj === 'Lead' && (isInsert || routeAtMql)
      ? applyRouting(state, rec, undefined, 'Lead', isInsert, ctx.excludeOwner ?? null)
      : routeContact
        ? applyRouting(state, rec, undefined, 'Contact')
        : null;
  const started = applySlaStart(state, obj, rec, old);
  if (run) {
    const mql = rec.Lifecycle_Stage__c === 'MQL' && !!rec.MQL_Date__c && rec.MQL_Date__c !== old?.MQL_Date__c;
    const rerouted = routeAtMql || (routeContact && !isInsert);
    const converted = obj === 'Lead' && rec.IsConverted === true && old?.IsConverted !== true;
    run.when = [
      ...(mql ? ['mql'] : []),
      ...(rerouted ? ['routed'] : []),
      ...(converted ? ['converted'] : []),
    ];
  }
  state.validate(obj, rec, old);
  store.set(id, rec);
  if (decision) state.decisions.push({ leadId: id, ...decision, at: state.now });
  if (moved) state.transitions.push(moved);
  if (started) state.slaEvents.push(started);
  // a lead routed at MQL moves its count from the old holder to the new one here (TA_Lead_Capacity)
  if (obj === 'Lead' && old) applyCapacity(state, rec, old);
  personHandoffs(state, obj === 'Lead', rec, old); // TA_Lead_Handoff / TA_Contact_Handoff (after save)
  if (isInsert && obj === 'Lead') requestEnrichment(state, [id], 'insert'); // TA_Lead_Enrich
  return rec;
}

/** TA_Account_Route and TA_Account_RouteLog: a new account goes through the Account rules, when there are any. */
export function routeAccount(state: EngineState, rec: EngineRecord): void {
  if (!hasRules(state, 'Account')) return;
  const decision = applyRouting(state, rec, [], 'Account');
  state.decisions.push({ leadId: rec.Id, ...decision, at: state.now });
}

/** An active routing rule of the object exists (RecordRoutingService routes nothing otherwise). */
export function hasRules(state: EngineState, object: RoutedObject): boolean {
  return state.config.routingRules.some((r) => r.active !== false && (r.object || 'Lead') === object);
}

/**
 * Whether a record's owner counts as unassigned under a policy (RoutingReroute.ownerUnassigned): a queue, an
 * inactive user, a user in Reroute_Owners__c, or one whose latest Out_Of_Office_Until__c is beyond
 * Reroute_Away_Days__c.
 */
export function ownerIsUnassigned(state: EngineState, ownerId: string, handoff: string): boolean {
  const policy = state.config.slaPolicies.find((p) => p.handoff === handoff && p.active !== false) ?? null;
  const isQueue = ownerId.startsWith('queue:');
  let away: string | null = null;
  for (const r of state.reps)
    if (r.userId === ownerId && r.outOfOfficeUntil && (away === null || r.outOfOfficeUntil > away))
      away = r.outOfOfficeUntil;
  return ownerUnassigned({
    owner: {
      id: ownerId,
      isQueue,
      active: isQueue || (state.users.get(ownerId)?.active ?? false),
      outOfOfficeUntil: away,
    },
    policy,
    now: state.now,
  }).unassigned;
}

/**
 * TA_Lead_RouteAtMql (RoutingTriggerService.routeNewMqls): an unconverted lead that just became an MQL (stage MQL,
 * MQL_Date__c new or changed) while its owner counts as unassigned under the MQL to SQL policy is routed now.
 */
export function becameMqlUnassigned(state: EngineState, rec: EngineRecord, old: EngineRecord): boolean {
  return (
    rec.IsConverted !== true &&
    rec.Lifecycle_Stage__c === 'MQL' &&
    !!rec.MQL_Date__c &&
    rec.MQL_Date__c !== old.MQL_Date__c &&
    !!old.OwnerId &&
    ownerIsUnassigned(state, String(old.OwnerId), 'MQL to SQL')
  );
}
