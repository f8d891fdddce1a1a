// The funnel over time. Leads arrive (arrivals.ts) and are routed by the routing rules as they are inserted
// (routing.ts); then each lead's engagement events are scored by the scoring rules as they happen, and the first
// time the MQL guard passes the lead becomes an MQL (again after a recycle: requalify.ts). The MQL's SLA clock runs
// on the policy's business calendar; reps touch, qualify (SQL, conversion to an account, contact and opportunity)
// or recycle, and the SLA monitor recycles what the qualify window left behind. Reps' behaviour (how fast, how
// often) is drawn; what the engine does with it is the rules' (each lifecycle stage move and its
// Lifecycle_Transition__c row: lifecycle.ts; the SLA clock's checks, its SLA_Event__c rows and the monitor's
// recycle: sla.ts; routing again at MQL and the monitor's reassignment: reassign.ts).
import { arrive, makeProspects, type LeadRun } from './arrivals.ts';
import { task } from './history.ts';
import { saveStage } from './lifecycle.ts';
import { simulateOpportunity } from './opportunities.ts';
import { reengageTasks, sqlTask } from './handoffs.ts';
import { mqlTasks, reassignUntouched, rerouteAtMql, takenAt } from './reassign.ts';
import { contactScores, holdEvent, writeLeadEvents } from './events.ts';
import { requalify } from './requalify.ts';
import { campaignAt, contactRow, makeAccount } from './people.ts';
import { candidatesJson, traceJson } from './decision.ts';
import { holdUntil, indexAccount, routeChunk, ROUTE_CHUNK, settleCapacity } from './routing.ts';
import {
  becomesMql,
  canBecomeMql,
  fieldScores,
  mayEnter,
  scoreAt,
  signalCode,
  slaDue,
  type Scores,
} from './rules.ts';
import { runClock, writeClock } from './sla.ts';
import { DEMO_REQUEST, OUTBOUND_REPLY, RECYCLE_REASONS, SIGNALS, type Signal } from './sales.ts';
import {
  DAY,
  MIN,
  newId,
  noteActivity,
  ptoAt,
  write,
  type DemoState,
  type Person,
  type Rec,
  type RepUser,
} from './state.ts';
import type { Assignment } from '../../rules/routing.ts';

/** A lead after routing, and its way through the funnel (the funnel's fields are set at arrival: one shape). */
type Run = LeadRun;

const available = (rep: RepUser, t: number): boolean => rep.active && !ptoAt(rep, t);
const later = (s: DemoState, t: number, medianMinutes: number, sigma: number): number =>
  t + Math.max(1, Math.round(s.rnd.logNormal(medianMinutes, sigma))) * MIN;

/** The Id of a queue the routing rules name (Lead_Fallback has the Id the demo org always had). */
function queueId(s: DemoState, name: string): string {
  let id = s.desk.queues.get(name);
  if (!id) {
    id = name === 'Lead_Fallback' ? '00G8a00000001LFAA0' : newId(s, 'Group');
    s.desk.queues.set(name, id);
  }
  return id;
}

/** The lead's scores at `at` as the org holds them: its events up to then, rescored by the scoring rules. */
function scoresAt(s: DemoState, r: Run, at: number): Scores {
  let count = r.eventCount;
  while (count > 0 && r.at[count - 1] > at) count--;
  return scoreAt(s.rules, r.rec, r, count, at, r.fields);
}

/** Every lead of the two years: arrivals in chunks of one day, routed on the day they are inserted, then the funnel. */
export function runLeads(s: DemoState): void {
  makeProspects(s);
  let chunk: LeadRun[] = [];
  for (let li = 0; li < s.nLeads; li++) {
    const lead = arrive(s, li);
    if (chunk.length && (lead.day !== chunk[0].day || chunk.length >= ROUTE_CHUNK)) {
      playChunk(s, chunk);
      chunk = [];
    }
    chunk.push(lead);
  }
  if (chunk.length) playChunk(s, chunk);
  settleCapacity(s, s.asOf);
}

function playChunk(s: DemoState, chunk: LeadRun[]): void {
  const order = [...chunk].sort((a, b) => a.routedAt - b.routedAt || a.index - b.index);
  // Each lead is routed on the day it is inserted (Routed_At__c: TA_Lead_Route routes before insert): the leads of
  // one UTC day in one router call at the first one's instant. PTO windows are whole UTC days, so every lead meets the
  // reps out of office on its own day; capacity given back and accounts made later that day are not seen (a call per
  // lead would see them, at a pass over every rep row per call: ~25 us with the 400 reps of 1M leads). Each arrival
  // becomes its run in place (assign).
  for (let i = 0, j = 0; i < order.length; i = j) {
    const at = order[i].routedAt;
    const day = Math.floor(at / DAY);
    while (j < order.length && Math.floor(order[j].routedAt / DAY) === day) j++;
    const insert = order.slice(i, j);
    const assignments = routeChunk(s, insert, at);
    for (let k = 0; k < insert.length; k++) assign(s, insert[k], assignments[k]);
  }
  for (const l of chunk) playLead(s, l);
}

/** Owner, matched account and rule on the lead; the rep's counters; the Routing_Decision__c row. */
function assign(s: DemoState, l: LeadRun, a: Assignment): Run {
  const ownerId = a.ownerType === 'Queue' ? queueId(s, a.ownerId) : a.ownerId;
  const owner = s.repById.get(ownerId);
  const { rec, routedAt } = l;
  rec.OwnerId = ownerId;
  rec.Matched_Account__c = a.matchedAccountId;
  rec.Routed_At__c = routedAt;
  rec.Routing_Rule__c = a.rule;
  // Assignment_Count__c and Last_Assigned_At__c count the leads a rep wins from its pool (RoutingTriggerService
  // writeState), not those an account owner or a rule's fallback owner gets
  if (owner && a.ownerType === 'User' && a.trace.pool === owner.pool && routedAt >= s.installedAt) {
    owner.assignments++;
    owner.lastAssigned = routedAt;
  }
  if (routedAt >= s.installedAt && routedAt <= s.asOf) {
    write(s, 'Routing_Decision__c', {
      Id: newId(s, 'Routing_Decision__c'),
      Lead__c: l.id,
      Record_Id__c: l.id,
      Rule_Matched__c: a.rule,
      Method__c: a.method,
      Chosen_Owner_Id__c: ownerId,
      Fallback_Used__c: a.fallbackUsed,
      Decided_At__c: routedAt,
      Candidates__c: candidatesJson(a),
      Trace__c: traceJson(a),
      CreatedDate: routedAt,
    });
  }
  // the arrival is the run (its funnel fields start as arrive set them)
  l.ownerId = ownerId;
  l.owner = owner;
  return l;
}

function playLead(s: DemoState, r: Run): void {
  engage(s, r);
  startLifecycle(s, r);
  if (r.mqlAt !== null) handOff(s, r, r.mqlAt);
  requalify(s, r, handOff);
  reengageTasks(s, r);
  writeLeadEvents(s, r);
  finish(s, r);
}

/** A lead's planned engagement events (reused from lead to lead): when (time order), and which signal. */
const planAt: number[] = [];
const planSignal: Signal[] = [];

/** When the lead's engagement events happen (time order) and which signal each is: into planAt/planSignal. */
function eventPlan(s: DemoState, r: Run): number {
  const { rnd } = s;
  const count =
    r.isDup && rnd.chance(0.6) // most duplicates are re-submissions that go nowhere
      ? 0
      : r.source === 'Outbound'
        ? rnd.chance(0.3)
          ? 1
          : 0
        : Math.min(14, Math.floor(rnd.logNormal(4, 0.9)));
  let n = 0;
  let t = r.created;
  for (let k = 0; k < count; k++) {
    t = k === 0 ? r.created + rnd.int(0, 30) * MIN : t + Math.round(rnd.logNormal(0.7, 1.2) * DAY);
    planAt[n] = t;
    planSignal[n++] = SIGNALS.sample(rnd);
  }
  // an outbound prospect who fits replies and asks for a demo
  if (
    r.source === 'Outbound' &&
    r.fields!.fit >= OUTBOUND_REPLY.minFit &&
    rnd.chance(OUTBOUND_REPLY.chance)
  ) {
    planAt[n] = Math.max(t, r.created + rnd.int(2, 20) * DAY);
    planSignal[n++] = DEMO_REQUEST;
  }
  return n;
}

/**
 * Engagement events, each rescoring the lead as TA_EngagementEvent_Rescore does: the first time the MQL guard
 * passes, the lead becomes an MQL (at insert, with no events, only if the thresholds allow it), unless the MQL
 * stage's lifecycle field policy holds it for a blank required field (becomesMql).
 */
function engage(s: DemoState, r: Run): void {
  const rules = s.rules;
  const rec = r.rec;
  r.fields = fieldScores(rules, rec, r.created) ?? scoreAt(rules, rec, r, 0, r.created, null);
  if (becomesMql(rules, rec, r.fields)) {
    r.mqlAt = r.created;
    r.mqlScores = r.fields;
  }
  for (let k = 0, n = eventPlan(s, r); k < n; k++) {
    const t = planAt[k];
    const sig = planSignal[k];
    if (t > s.asOf) break;
    holdEvent(s, {
      Id: newId(s, 'Engagement_Event__c'),
      Lead__c: r.id,
      Contact__c: null,
      Record_Id__c: r.id,
      Signal__c: sig.signal,
      Occurred_At__c: t,
      Source__c: sig.source,
      Url__c: sig.url || null,
      CreatedDate: t,
    });
    r.at.push(t);
    r.signal.push(signalCode(rules, sig.signal));
    r.eventCount++;
    r.lastEvent = t;
    if (sig.signal === 'Unsubscribe' && rec.HasOptedOutOfEmail !== true) {
      rec.HasOptedOutOfEmail = true; // the marketing tool syncs the opt-out
      r.optOut = r.eventCount - 1;
      r.fieldsBeforeOptOut = r.fields;
      r.fields = fieldScores(rules, rec, t) ?? r.fields;
    }
    if (r.mqlAt === null && canBecomeMql(rules, r.fields)) {
      const scores = scoreAt(rules, rec, r, r.eventCount, t, r.fields);
      if (becomesMql(rules, rec, scores)) {
        r.mqlAt = t;
        r.mqlScores = scores;
      }
    }
  }
}

/**
 * Created (Subscriber from the newsletter, else Lead: no Lifecycle_Transition__c row, as an insert below the MQL
 * thresholds moves nothing), outbound sequences, campaign responses.
 */
function startLifecycle(s: DemoState, r: Run): void {
  const { rnd } = s;
  r.stage = r.source === 'Newsletter' ? 'Subscriber' : 'Lead';
  if (r.source === 'Outbound') {
    for (let k = 0, n = rnd.int(1, 3); k < n; k++)
      task(s, {
        whoId: r.id,
        whatId: null,
        ownerId: r.ownerId,
        at: r.created + rnd.int(0, 20) * DAY + rnd.int(0, 480) * MIN,
        kind: 'Email',
        subject: `Outreach step ${k + 1}`,
      });
    r.status = 'Working - Contacted';
  }
  if (
    ['Webinar', 'Event', 'Content Syndication'].includes(r.source) ||
    (r.eventCount > 2 && rnd.chance(0.2))
  ) {
    const responded = rnd.chance(0.6);
    write(s, 'CampaignMember', {
      Id: newId(s, 'CampaignMember'),
      CampaignId: campaignAt(s, r.created, r.source),
      LeadId: r.id,
      Status: responded ? 'Responded' : 'Sent',
      HasResponded: responded,
      FirstRespondedDate: responded ? r.created : null,
      CreatedDate: r.created,
    });
  }
}

/**
 * The rep's first touch of a new MQL (slower and rarer when the owner is away or a queue), and follow-ups; the new
 * owner's when the SLA monitor reassigns the lead first (reassign.ts).
 */
function firstTouch(s: DemoState, r: Run, mql: number): number | null {
  const { rnd } = s;
  const draw = (from: number): number | null => {
    const away = r.owner ? !available(r.owner, from) : true;
    return rnd.chance(away ? 0.75 : 0.93) ? later(s, from, away ? 600 : 70, 1.2) : null;
  };
  const touchAt = reassignUntouched(s, r, mql, draw(mql), draw, assign);
  if (touchAt === null || touchAt > s.asOf) return null;
  r.rec.First_Touch_At__c = touchAt;
  r.rec.Speed_To_Lead_Minutes__c = Math.floor((touchAt - mql) / MIN);
  task(s, {
    whoId: r.id,
    whatId: null,
    ownerId: r.ownerId,
    at: touchAt,
    kind: rnd.chance(0.6) ? 'Call' : 'Email',
    subject: 'First touch',
  });
  for (let k = 0, n = rnd.int(0, 3); k < n; k++)
    task(s, {
      whoId: r.id,
      whatId: null,
      ownerId: r.ownerId,
      at: touchAt + rnd.int(1, 6) * DAY,
      kind: rnd.chance(0.5) ? 'Call' : 'Email',
      subject: 'Follow-up',
    });
  r.status = 'Working - Contacted';
  return touchAt;
}

/** An MQL: its SLA clock, the rep's touch, and qualification (SQL and conversion) or a recycle. */
function handOff(s: DemoState, r: Run, mql: number): void {
  const { rnd, asOf } = s;
  const sla = s.rules.sla;
  // the rescore of the save that brought the scores over the thresholds (an engagement event's, or the insert's)
  r.stage = saveStage(s, {
    leadId: r.id,
    contactId: null,
    at: mql,
    by: s.integrationUser,
    stage: r.stage,
    type: 'Rescore',
    scores: r.mqlScores!,
    sinceRecycle: r.mqlSinceRecycle,
  });
  r.stageAt = mql;
  r.rec.MQL_Date__c = mql;
  // a new clock (SlaService.startClocks): none of its touches yet (a lead's later MQL: requalify.ts)
  r.rec.First_Touch_At__c = null;
  r.rec.Speed_To_Lead_Minutes__c = null;
  const due = sla ? slaDue(sla, mql) : null;
  if (due) {
    r.rec.SLA_Contact_Due__c = due.contactDue;
    r.rec.SLA_Qualify_Due__c = due.qualifyDue;
  }
  rerouteAtMql(s, r, mql, assign); // TA_Lead_RouteAtMql, when the owner counts as unassigned
  const touch = firstTouch(s, r, mql);
  mqlTasks(s, r, mql, due?.contactDue ?? null, touch);
  const contactLate = due !== null && (touch ?? Infinity) > due.contactDue;
  // The rep's decision (drawn), unless the SLA monitor recycles the MQL first when the qualify window passes.
  const pSql = Math.min(0.75, 0.22 + r.fields!.fit / 200 - (contactLate ? 0.1 : 0));
  // a lead the SQL stage's field policy would refuse is not saved as SQL (the rep recycles it instead)
  const sql = touch !== null && rnd.chance(pSql) && mayEnter(s.rules, r.rec, 'SQL');
  const decidedAt = sql
    ? touch + Math.round(rnd.logNormal(3, 0.8) * DAY)
    : (touch ?? takenAt(r, mql)) + Math.round(rnd.logNormal(4, 0.5) * DAY);
  // the clock as the org runs it (sla.ts): the monitor's auto-recycle is at the check that finds the window passed
  const clock = due ? runClock(s, r, mql, due, touch, decidedAt, sql ? 'SQL' : 'Lead') : null;
  const autoAt = clock?.recycledAt ?? Infinity;
  if (autoAt < decidedAt && autoAt <= asOf) {
    recycle(s, r, autoAt, sla!.policy.autoRecycleReason!, s.integrationUser);
  } else if (decidedAt <= asOf) {
    if (sql) qualify(s, r, decidedAt, mql);
    else {
      const reason = touch === null ? 'Unresponsive' : RECYCLE_REASONS.sample(rnd);
      const disqualified = reason === 'Not a Fit' || reason === 'Competitor';
      recycle(s, r, decidedAt, reason, r.ownerId);
      if (disqualified) r.status = 'Closed - Not Converted';
    }
  }
  if (clock) writeClock(s, r, clock);
}

/** Back to Lead with Recycle_Reason__c `reason`, saved by `by` (the rep, or the SLA monitor's user). */
function recycle(s: DemoState, r: Run, at: number, reason: string, by: string): void {
  r.stage = saveStage(s, {
    leadId: r.id,
    contactId: null,
    at,
    by,
    stage: r.stage,
    type: 'Recycle',
    reasonCode: reason,
    scores: r.mqlScores!,
  });
  r.stageAt = at;
  r.rec.Recycled_Date__c = at;
  r.recycles.push(at, Infinity);
  r.rec.Recycle_Reason__c = reason;
  r.status = 'Nurture';
  r.lastModified = at;
  r.releaseAt = at;
}

/** Accepted by sales (SQL), a discovery call, and most of the time a conversion. */
function qualify(s: DemoState, r: Run, sqlAt: number, mql: number): void {
  const { rnd, asOf } = s;
  r.stage = saveStage(s, {
    leadId: r.id,
    contactId: null,
    at: sqlAt,
    by: r.ownerId,
    stage: r.stage,
    type: 'SalesAccept',
    scores: r.mqlScores!,
  });
  r.stageAt = sqlAt;
  r.rec.SQL_Date__c = sqlAt;
  r.lastModified = sqlAt;
  const meet = sqlAt + rnd.int(1, 4) * DAY;
  if (meet <= asOf) {
    noteActivity(s, r.id, meet);
    write(s, 'Event', {
      Id: newId(s, 'Event'),
      WhoId: r.id,
      OwnerId: r.ownerId,
      Subject: 'Discovery call',
      Type: 'Meeting',
      StartDateTime: meet,
      EndDateTime: meet + 30 * MIN,
      DurationInMinutes: 30,
      CreatedDate: sqlAt,
    });
  }
  const convertAt = sqlAt + Math.round(rnd.logNormal(2, 0.7) * DAY);
  const converts = convertAt <= asOf && rnd.chance(0.75);
  sqlTask(s, r, sqlAt, converts ? convertAt : null);
  if (converts) convert(s, r, convertAt, mql, sqlAt);
}

/** Conversion: the account (the company's, or a new one per prospect company), a contact and an opportunity. */
function convert(s: DemoState, r: Run, convertAt: number, mql: number, sqlAt: number): void {
  const p = r.p;
  let acc = r.company ?? s.convertedAccounts.get(p.companyBase);
  if (!acc) {
    acc = makeAccount(s, convertAt, { base: p.companyBase, core: 'Software' }, p.country, p.employees);
    acc.industry = p.industry;
    s.convertedAccounts.set(p.companyBase, acc);
    indexAccount(s, acc);
  }
  r.company = acc; // the account the conversion landed on
  const contactId = newId(s, 'Contact');
  const ae = acc.ownerId;
  const fit = r.fields!.fit;
  const opp = simulateOpportunity(s, {
    acc,
    contactId,
    created: convertAt,
    ownerId: ae,
    source: r.source,
    fit,
    product: r.product,
  });
  // the conversion with an opportunity (the lead's OpportunityCreated; its contact's follows in contactFunnel)
  const convertedFrom = r.stage;
  r.stage = saveStage(s, {
    leadId: r.id,
    contactId: null,
    at: convertAt,
    by: r.ownerId,
    stage: convertedFrom,
    type: 'OpportunityCreated',
    scores: r.mqlScores!,
  });
  Object.assign(r.rec, {
    IsConverted: true,
    ConvertedDate: convertAt,
    ConvertedAccountId: acc.id,
    ConvertedContactId: contactId,
    ConvertedOpportunityId: opp.id,
  });
  r.status = 'Closed - Converted';
  r.stageAt = convertAt;
  r.lastModified = convertAt;
  r.releaseAt = convertAt;
  r.convertedAt = convertAt;
  const funnel = contactFunnel(s, r, { contactId, ae, mql, sqlAt, convertAt, opp, stage: convertedFrom });
  const cp: Person = { ...p, id: contactId, entity: p.entity, object: 'Contact' };
  const contact = contactRow(s, cp, acc.id, ae, convertAt, r.source, funnel);
  if (convertAt >= s.installedAt) {
    // the engine scores the contact with the events the conversion gives it, and keeps it scored (events.ts)
    const scores = contactScores(s, r, convertAt, contact, fit);
    contact.Fit_Score__c = scores.fit;
    contact.Engagement_Score__c = scores.engagement;
    contact.Negative_Score__c = scores.negative;
    contact.Scored_At__c = scores.scoredAt;
  }
  r.contact = contact; // written by finish, with the lead's fields as the conversion left them
  if (s.contactBuffer.length < 5000) s.contactBuffer.push(cp);
}

/**
 * The contact's funnel fields: carried from the lead (inserted at the lead's stage, `stage`, by the conversion
 * mapping, then moved with the deal by TA_Lead_Convert's update in the converting user's transaction), then Customer
 * on a win (LifecycleService.markCustomers, as the AE closes it) or recycled by the AE on a loss.
 */
function contactFunnel(
  s: DemoState,
  r: Run,
  c: {
    contactId: string;
    ae: string;
    mql: number;
    sqlAt: number;
    convertAt: number;
    opp: { won: boolean; closed: boolean; at: number };
    stage: string;
  },
): Rec {
  const scores = scoresAt(s, r, c.convertAt);
  const contact = { leadId: null, contactId: c.contactId, scores };
  const stage = saveStage(s, {
    ...contact,
    at: c.convertAt,
    by: r.ownerId,
    stage: c.stage,
    type: 'OpportunityCreated',
  });
  const funnel: Rec = {
    Fit_Score__c: scores.fit,
    Engagement_Score__c: scores.engagement,
    Negative_Score__c: scores.negative,
    Scored_At__c: c.convertAt,
    MQL_Date__c: c.mql,
    SQL_Date__c: c.sqlAt,
    First_Touch_At__c: r.rec.First_Touch_At__c,
    Speed_To_Lead_Minutes__c: r.rec.Speed_To_Lead_Minutes__c,
    Product_Interest__c: r.product,
    Lifecycle_Stage__c: stage,
    Lifecycle_Stage_Entered_At__c: c.convertAt,
  };
  if (c.opp.closed && c.opp.won) {
    funnel.Lifecycle_Stage__c = saveStage(s, {
      ...contact,
      at: c.opp.at,
      by: c.ae,
      stage,
      type: 'ClosedWon',
    });
    funnel.Lifecycle_Stage_Entered_At__c = c.opp.at;
  } else if (c.opp.closed) {
    const reason = s.rnd.pick(['No Budget', 'Bad Timing', 'Competitor', 'No Authority']);
    Object.assign(funnel, {
      Lifecycle_Stage__c: saveStage(s, {
        ...contact,
        at: c.opp.at,
        by: c.ae,
        stage,
        type: 'Recycle',
        reasonCode: reason,
      }),
      Lifecycle_Stage_Entered_At__c: c.opp.at,
      Recycled_Date__c: c.opp.at,
      Recycle_Reason__c: reason,
    });
  }
  return funnel;
}

/**
 * Final scores (as the org holds them: frozen at conversion, else refreshed by the nightly decay job up to the
 * snapshot), the nurture program (open leads nobody worked for 60 days), the lead row, and the owner's capacity.
 */
function finish(s: DemoState, r: Run): void {
  const rec = r.rec;
  const scoredAt = r.convertedAt ?? (r.eventCount ? s.asOf : r.created);
  const scores = scoresAt(s, r, scoredAt);
  rec.Fit_Score__c = scores.fit;
  rec.Engagement_Score__c = scores.engagement;
  rec.Negative_Score__c = scores.negative;
  rec.Scored_At__c = scoredAt;
  const lastTouched = Math.max(r.lastModified, r.lastEvent);
  const open = r.status === 'Open - Not Contacted' || r.status === 'Working - Contacted';
  if (open && lastTouched < s.asOf - 60 * DAY) {
    r.status = 'Nurture';
    r.releaseAt = lastTouched + 60 * DAY;
  }
  rec.Lifecycle_Stage__c = r.stage;
  rec.Lifecycle_Stage_Entered_At__c = r.stageAt;
  rec.Status = r.status;
  rec.LastModifiedDate = lastTouched;
  if (r.releaseAt !== null) holdUntil(s, r.ownerId, r.releaseAt);
  write(s, 'Lead', rec);
  // a converted lead's activities move to its contact and account: they date the account's LastActivityDate
  const lastActivity = s.activityOn.get(r.id);
  s.activityOn.delete(r.id);
  const account = r.convertedAt === null ? null : r.company;
  if (account && lastActivity !== undefined)
    account.lastActivity = Math.max(account.lastActivity ?? 0, lastActivity);
  if (r.contact) {
    // the conversion mapping copies the lead's fields (its SLA clock, routing, enrichment, a recycle before the
    // deal) to the contact; what the contact's own funnel set (stage, scores, a lost deal's recycle) stands
    for (const [from, to] of s.rules.convertToContact) r.contact[to] ??= rec[from] ?? null;
    write(s, 'Contact', r.contact);
    r.contact = null;
  }
}
