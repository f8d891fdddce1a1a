// Opportunities of the demo org: a deal created at conversion walks the open stages of the stage policies (in their
// order), with its stage history, the fields each stage requires, demos and follow-ups, close-date pushes, stalls,
// and at the end a win or a loss; once priced (sales.ts STAGE_BEHAVIOUR), a discount, a term and maybe non-standard
// terms, with the approval tier the approval tiers give. An open stage's required fields are filled most of the
// time (REQUIRED_FIELD_FILL_RATE: the gaps pipeline hygiene reports), the closing stage's always. The demo is not
// held to the stage validation rules otherwise: a few deals skip a stage, as users with the bypass permission can.
import { evaluateDealDesk } from '../../rules/dealdesk.ts';
import { isBlank } from '../../rules/types.ts';
import { columnType } from '../schema.ts';
import { hashStream } from './addresses.ts';
import { requiredFields } from './rules.ts';
import {
  COMPETITORS,
  FIELD_VALUES,
  LOSS_REASONS,
  NON_STANDARD_TERMS,
  PAYMENT_TERMS,
  PUSH_REASONS,
  REQUIRED_FIELD_FILL_RATE,
  OTHER_STAGE,
  STAGE_BEHAVIOUR,
  type StageBehaviour,
} from './sales.ts';
import { DAY, MIN, newId, noteActivity, write, type AccountRow, type DemoState, type Rec } from './state.ts';
import { task } from './history.ts';
import { handoffDeal, stageTask, wonTask } from './handoffs.ts';

export interface NewDeal {
  acc: AccountRow;
  contactId: string;
  created: number;
  ownerId: string;
  source: string;
  fit: number;
  product: string;
}

interface Deal extends NewDeal {
  id: string;
  name: string;
  amount: number;
  closeDate: number;
  speed: number;
  stale: boolean;
  stage: string;
  stageEntered: number;
  prev: string | null;
  pushes: number;
  pushReason: string | null;
  closed: boolean;
  won: boolean;
  /** Reached the priced stage: has a discount, term and approval tier. */
  priced: boolean;
  fields: Rec;
}

/** OpportunityHistory.ForecastCategory holds the API value of the stage's forecast category, not its label. */
const FORECAST_API_VALUE: Readonly<Record<string, string>> = {
  Commit: 'Forecast',
  'Best Case': 'BestCase',
  'Most Likely': 'MostLikely',
};

function history(s: DemoState, d: Deal, at: number, stage: string): void {
  const p = s.rules.stageByName.get(stage);
  write(s, 'OpportunityHistory', {
    Id: newId(s, 'OpportunityHistory'),
    OpportunityId: d.id,
    StageName: stage,
    Amount: d.amount,
    CloseDate: d.closeDate,
    Probability: p?.probability ?? null,
    ForecastCategory: p?.forecastCategory
      ? (FORECAST_API_VALUE[p.forecastCategory] ?? p.forecastCategory)
      : null,
    CreatedById: d.ownerId,
    CreatedDate: at,
  });
}

function newDeal(s: DemoState, n: NewDeal): Deal {
  const { rnd, asOf } = s;
  const seg = n.acc.segment;
  const median = seg === 'SMB' ? 15_000 : seg === 'Mid-Market' ? 60_000 : 240_000;
  const cycleDays = (seg === 'SMB' ? 35 : seg === 'Mid-Market' ? 80 : 150) * rnd.logNormal(1, 0.3);
  return {
    acc: n.acc,
    contactId: n.contactId,
    created: n.created,
    ownerId: n.ownerId,
    source: n.source,
    fit: n.fit,
    product: n.product,
    id: newId(s, 'Opportunity'),
    name: `${n.acc.base} - ${n.product}`,
    amount: Math.round(rnd.logNormal(median, 0.5) / 100) * 100,
    closeDate: n.created + Math.round(cycleDays) * DAY,
    speed: seg === 'SMB' ? 0.7 : seg === 'Mid-Market' ? 1 : 1.6,
    // A stale deal stalls after its first stage and sits open (recent deals only: old ones were cleaned up).
    stale: rnd.chance(0.1) && n.created > asOf - 240 * DAY,
    stage: s.rules.openStages[0].stage,
    stageEntered: n.created,
    prev: null,
    pushes: 0,
    pushReason: null,
    closed: false,
    won: false,
    priced: false,
    fields: {},
  };
}

/** How deals behave in open stage `i` (sales.ts STAGE_BEHAVIOUR, by the stage's name). */
function behaviour(s: DemoState, i: number): StageBehaviour {
  return STAGE_BEHAVIOUR[s.rules.openStages[i].stage] ?? OTHER_STAGE;
}

/** Where the first priced stage is among the open stages (none: past the end). */
function pricedFrom(s: DemoState): number {
  const i = s.rules.openStages.findIndex((p) => STAGE_BEHAVIOUR[p.stage]?.priced);
  return i < 0 ? Infinity : i;
}

/** Enters open stage `i` at `t`: history row, the stage's required fields, a product demo on the demo stage. */
function enterStage(s: DemoState, d: Deal, i: number, t: number): void {
  const { rnd } = s;
  d.stage = s.rules.openStages[i].stage;
  d.stageEntered = t;
  history(s, d, t, d.stage);
  for (const field of requiredFields(s.rules, d.stage)) {
    const values = FIELD_VALUES[field];
    if (values && rnd.chance(REQUIRED_FIELD_FILL_RATE)) d.fields[field] = rnd.pick(values);
  }
  const b = behaviour(s, i);
  if (b.priced) d.priced = true;
  if (b.demo) {
    const at = t + rnd.int(1, 5) * DAY;
    if (at < s.asOf) {
      noteActivity(s, d.id, at);
      write(s, 'Event', {
        Id: newId(s, 'Event'),
        WhoId: d.contactId,
        WhatId: d.id,
        OwnerId: d.ownerId,
        Subject: 'Product demo',
        Type: 'Meeting',
        StartDateTime: at,
        EndDateTime: at + 45 * MIN,
        DurationInMinutes: 45,
        CreatedDate: t,
      });
    }
  }
}

/** Follow-ups during a stage of `dur` ms, and close-date pushes while the deal is open past its close date. */
function workStage(s: DemoState, d: Deal, t: number, dur: number): void {
  const { rnd, asOf } = s;
  for (let k = 0, n = rnd.int(0, 2); k < n; k++)
    task(s, {
      whoId: d.contactId,
      whatId: d.id,
      ownerId: d.ownerId,
      at: t + rnd.next() * dur,
      kind: rnd.chance(0.5) ? 'Call' : 'Email',
      subject: `${d.stage} follow-up`,
    });
  while (t + dur > d.closeDate && d.closeDate < asOf && d.pushes < 6) {
    const pushedAt = Math.min(Math.max(t, d.closeDate), t + dur - 1000, asOf);
    d.closeDate += rnd.int(20, 60) * DAY;
    d.pushes++;
    d.pushReason = rnd.pick(PUSH_REASONS);
    history(s, d, pushedAt, d.stage);
  }
}

/**
 * The closing stage's required fields (its stage policy's) that the close left blank, filled as the rep closing the
 * deal fills them. Drawn from a hash of the deal's Id, so the rest of the demo stays as it was; a field with no
 * values in FIELD_VALUES is one the deal carries elsewhere (Amount) or one the demo has no words for.
 */
function fillClosingFields(s: DemoState, d: Deal): void {
  for (const field of requiredFields(s.rules, d.stage)) {
    // a checkbox the stage requires is checked (its validation rule reads unchecked as blank)
    if (columnType('Opportunity', field) === 'BOOLEAN') {
      d.fields[field] = true;
      continue;
    }
    const values = FIELD_VALUES[field];
    if (!values || !isBlank(d.fields[field])) continue;
    d.fields[field] = values[hashStream(`${field}:${d.id}`)(values.length)];
  }
}

/** Walks the open stages; returns the time the deal closed (or the last stage entered, if still open). */
function walkStages(s: DemoState, d: Deal): number {
  const { rnd, asOf } = s;
  const open = s.rules.openStages;
  let t = d.created;
  for (let i = 0; ;) {
    enterStage(s, d, i, t);
    const { days, advance } = behaviour(s, i);
    const dur = d.stale && i >= 1 ? asOf - t + DAY : rnd.logNormal(days * d.speed, 0.6) * DAY;
    // the stage task comes with an update (the deal was created in its first stage), done when the deal moves on
    if (t > d.created) stageTask(s, handoffDeal(d.id, d.name, d.ownerId), d.stage, t, t + dur);
    workStage(s, d, t, dur);
    if (t + dur > asOf) return t; // still open today
    t += dur;
    d.prev = d.stage;
    if (!rnd.chance(Math.min(0.95, advance + (d.fit - 50) / 400))) {
      d.stage = s.rules.lost.stage;
      d.closed = true;
      const reason = LOSS_REASONS.sample(rnd);
      d.fields.Loss_Reason__c = reason;
      if (reason === 'Competitor' || rnd.chance(0.2)) d.fields.Competitor__c = rnd.pick(COMPETITORS);
      fillClosingFields(s, d);
      return t;
    }
    if (i === open.length - 1) {
      d.stage = s.rules.won.stage;
      d.closed = d.won = true;
      // the countersigned copy on file (fillClosingFields checks it where the closing stage requires it)
      d.fields.Signed_Contract__c = rnd.chance(0.97);
      d.fields.Payment_Terms__c = PAYMENT_TERMS.sample(rnd);
      fillClosingFields(s, d);
      return t;
    }
    // occasionally the next stage is skipped, up to the priced one
    i += i < open.length - 2 && i < pricedFrom(s) && rnd.chance(0.04) ? 2 : 1;
  }
}

/** Discount, term and non-standard terms once a proposal is out; the tier is the approval tiers' (deal desk rule). */
function dealTerms(s: DemoState, d: Deal): Rec {
  const { rnd } = s;
  const seg = d.acc.segment;
  const u = rnd.next();
  const discount =
    u < 0.4
      ? 0
      : u < 0.65
        ? rnd.int(5, 9)
        : u < 0.85
          ? rnd.int(10, 19)
          : u < 0.97
            ? rnd.int(20, 39)
            : rnd.int(40, 55);
  const term = seg === 'Enterprise' ? rnd.pick([12, 12, 24, 36]) : rnd.chance(0.85) ? 12 : 24;
  const terms: string[] = [];
  if (seg !== 'SMB' && rnd.chance(seg === 'Enterprise' ? 0.2 : 0.06)) {
    terms.push(rnd.pick(NON_STANDARD_TERMS));
    if (rnd.chance(0.3)) terms.push(rnd.pick(NON_STANDARD_TERMS.filter((x) => x !== terms[0])));
  }
  const desk = evaluateDealDesk({
    discountPercent: discount,
    termMonths: term,
    nonStandardTerms: terms,
    segment: seg,
    tiers: s.rules.config.approvalTiers,
  });
  const approval =
    desk.approvers.length === 0
      ? 'Not Required'
      : d.won
        ? 'Approved'
        : d.closed
          ? rnd.pick(['Approved', 'Rejected', 'Recalled'])
          : rnd.pick(['Pending', 'Pending', 'Approved', 'Approved', 'Approved', 'Rejected']);
  return {
    Discount_Percent__c: discount,
    Contract_Term_Months__c: term,
    Non_Standard_Terms__c: terms.length ? terms.join(';') : null,
    Approval_Status__c: approval,
    Approval_Tier__c: desk.tier.slice(0, 40),
  };
}

/**
 * A deal that never reached pricing: no terms, and the tier the deal desk gave it at its insert from the engine's
 * install on (DealDeskService.applyToOpportunities evaluates every new deal: no discount, the default term, its
 * segment; Pending when that tier has approvers).
 */
function unpricedTerms(s: DemoState, d: Deal): Rec {
  const desk =
    d.created >= s.installedAt
      ? evaluateDealDesk({
          discountPercent: null,
          termMonths: null,
          nonStandardTerms: [],
          segment: d.acc.segment,
          tiers: s.rules.config.approvalTiers,
        })
      : null;
  return {
    Discount_Percent__c: null,
    Contract_Term_Months__c: null,
    Non_Standard_Terms__c: null,
    Approval_Status__c: desk ? (desk.approvers.length ? 'Pending' : 'Not Required') : null,
    Approval_Tier__c: desk ? desk.tier.slice(0, 40) : null,
  };
}

/** Creates and plays out one opportunity; returns whether and when it closed. */
export function simulateOpportunity(
  s: DemoState,
  n: NewDeal,
): { id: string; won: boolean; closed: boolean; at: number } {
  const { rnd, asOf } = s;
  const d = newDeal(s, n);
  const t = walkStages(s, d);
  if (d.closed) {
    d.stageEntered = t;
    d.closeDate = t;
    history(s, d, t, d.stage);
    const deal = handoffDeal(d.id, d.name, d.ownerId);
    stageTask(s, deal, d.stage, t, null);
    if (d.won) wonTask(s, deal, d.acc.ownerId, t);
  } else if (d.closeDate < asOf && rnd.chance(0.6)) {
    d.closeDate = asOf + rnd.int(5, 60) * DAY;
    d.pushes++;
    d.pushReason = 'Re-forecast at quarter end';
  }
  const terms: Rec = d.priced ? dealTerms(s, d) : unpricedTerms(s, d);
  // LastActivityDate: its latest closed task or past event (none: blank)
  const lastAct = s.activityOn.get(d.id) ?? null;
  s.activityOn.delete(d.id);
  const policy = s.rules.stageByName.get(d.stage)!;
  write(s, 'Opportunity', {
    ...d.fields,
    ...terms,
    Id: d.id,
    Name: d.name,
    AccountId: d.acc.id,
    OwnerId: d.ownerId,
    StageName: d.stage,
    Amount: d.amount,
    CloseDate: d.closeDate,
    Probability: policy.probability,
    ForecastCategoryName: policy.forecastCategory,
    IsClosed: d.closed,
    IsWon: d.won,
    Type: d.acc.customer ? 'Existing Business' : 'New Business',
    LeadSource: d.source,
    CreatedDate: d.created,
    // the rep's last edit: up to 20 days into the stage (a note, the next step), or the latest activity
    LastModifiedDate: Math.min(asOf, Math.max(d.stageEntered + rnd.int(0, 20) * DAY, lastAct ?? 0)),
    LastActivityDate: lastAct,
    Fit_Score_Snapshot__c: d.fit,
    Segment__c: d.acc.segment,
    Close_Date_Push_Reason__c: d.pushReason,
    Close_Date_Push_Count__c: d.pushes,
    Stage_Entered_At__c: d.stageEntered,
    Previous_Stage__c: d.prev,
  });
  if (d.won) d.acc.customer = true;
  // the account's rolls up its deals' (the demo's only activities on an account's records)
  if (lastAct !== null) d.acc.lastActivity = Math.max(d.acc.lastActivity ?? 0, lastAct);
  return { id: d.id, won: d.won, closed: d.closed, at: t };
}
