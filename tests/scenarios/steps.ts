// How each scenario step is applied to the engine model (runScenario in scenario.ts runs them in order and
// checks their expectations). A step reads and writes the run's context: the engine, the scenario's record refs
// and what the step itself answered (a scheduling webhook's outcome, a booking's rep, the lead digest's sends).
import type { Engine } from '../../scripts/lib/engine/engine.ts';
import { receiveWebhook } from '../../scripts/lib/engine/webhook.ts';
import { enrich } from '../../scripts/lib/engine/enrichment.ts';
import { runLeadDigest } from '../../scripts/lib/engine/digest.ts';
import { SCHEDULING_PROVIDERS, receiveScheduling } from '../../scripts/lib/engine/scheduling.ts';
import { routeBooking, type BookingAnswer } from '../../scripts/lib/engine/booking.ts';
import type { PersonObject } from '../../scripts/lib/engine/triggers.ts';
import type { ScenarioStep } from './scenario.ts';

/** One scenario run: the engine, the scenario's refs, and what the current step answered. */
export interface RunContext {
  engine: Engine;
  /** Scenario ref → engine id. */
  refs: Map<string, string>;
  /** The scheduling webhook's answer of the current step. */
  outcome: string | null;
  /** The routeBooking step's answer. */
  booking: BookingAnswer | null;
  /** state.enrichmentRequests' length when the current step began: the step's own requests follow it. */
  enrichmentFrom: number;
  /** What a step found itself (the lead digest's sends). */
  stepProblems: string[];
  /** The engine id of a scenario ref; throws on an unknown one. */
  id: (ref: string) => string;
  /** "@alias" → user id, "@queue:Name" → queue id, "#ref" → record id; anything else as given. */
  resolve: (v: unknown) => unknown;
  /** Every field value resolved. */
  resolveAll: (f: Record<string, unknown>) => Record<string, unknown>;
  /** Whether a person ref is a Lead or a Contact. */
  objOf: (ref: string) => PersonObject;
}

/** A user's id: it looks like Salesforce's (prefix 005, the key prefix of User) and sorts as the aliases do. */
export function userId(alias: string): string {
  return `005${alias}`;
}

/** A fresh run context over the engine, with no refs yet. */
export function newRunContext(engine: Engine): RunContext {
  const refs = new Map<string, string>();
  const ctx: RunContext = {
    engine,
    refs,
    outcome: null,
    booking: null,
    enrichmentFrom: 0,
    stepProblems: [],
    id: (ref) => {
      const v = refs.get(ref);
      if (!v) throw new Error(`unknown record ref ${ref}`);
      return v;
    },
    resolve: (v) => {
      if (typeof v !== 'string') return v;
      if (v.startsWith('@queue:')) return `queue:${v.slice(7)}`;
      if (v.startsWith('@')) return userId(v.slice(1));
      if (v.startsWith('#')) {
        const id = refs.get(v.slice(1));
        if (!id) throw new Error(`unknown record ref ${v}`);
        return id;
      }
      return v;
    },
    resolveAll: (f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, ctx.resolve(v)])),
    objOf: (ref) => (engine.state.records.Lead.has(ctx.id(ref)) ? 'Lead' : 'Contact'),
  };
  return ctx;
}

type StepOf<K extends ScenarioStep['do']> = Extract<ScenarioStep, { do: K }>;

/** Applies one step to the engine model; a refused save throws (SaveError, EngagementError) as the org would. */
export function applyStep(ctx: RunContext, step: ScenarioStep): void {
  switch (step.do) {
    case 'insertLead':
    case 'insertContact':
    case 'update':
    case 'engagement':
    case 'task':
    case 'accept':
    case 'reject':
    case 'enrich':
      return applyPersonStep(ctx, step);
    case 'webhook':
    case 'meeting':
    case 'routeBooking':
    case 'noShow':
      return applyMeetingStep(ctx, step);
    case 'decayJob':
    case 'slaMonitor':
    case 'slaAlarm':
    case 'leadDigest':
      return applyJobStep(ctx, step);
    case 'convert':
    case 'insertOpportunity':
    case 'updateOpportunity':
    case 'approval':
      return applyDealStep(ctx, step);
    case 'updateRep':
    case 'deactivateUser':
      return applyTeamStep(ctx, step);
  }
}

/** Leads and contacts: saves, engagement, touches, acceptance, enrichment. */
function applyPersonStep(
  ctx: RunContext,
  step: StepOf<
    'insertLead' | 'insertContact' | 'update' | 'engagement' | 'task' | 'accept' | 'reject' | 'enrich'
  >,
): void {
  const { engine, refs, id, objOf, resolveAll } = ctx;
  switch (step.do) {
    case 'insertLead':
      refs.set(step.ref, engine.insertLead(resolveAll(step.fields)).Id);
      return;
    case 'insertContact':
      refs.set(step.ref, engine.insertContact(resolveAll(step.fields)).Id);
      return;
    case 'update':
      engine.update(objOf(step.ref), id(step.ref), resolveAll(step.fields));
      return;
    case 'engagement':
      engine.engagement(id(step.ref), step.signal, step.occurredAt, step.count);
      return;
    case 'task':
      engine.logTask(id(step.ref), step.by ? userId(step.by.replace(/^@/, '')) : undefined);
      return;
    case 'accept':
      engine.accept(objOf(step.ref), id(step.ref));
      return;
    case 'reject':
      engine.reject(objOf(step.ref), id(step.ref), step.reasonCode);
      return;
    case 'enrich':
      enrich(engine, objOf(step.ref), id(step.ref), step.answers);
      return;
  }
}

/** Meetings and scheduling: provider webhooks, booked meetings, booking routing, no-shows. */
function applyMeetingStep(
  ctx: RunContext,
  step: StepOf<'webhook' | 'meeting' | 'routeBooking' | 'noShow'>,
): void {
  const { engine, refs, id } = ctx;
  switch (step.do) {
    case 'webhook': {
      const body = typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      if (!(SCHEDULING_PROVIDERS as readonly string[]).includes(step.provider)) {
        receiveWebhook(engine, step.provider, body);
        return;
      }
      const r = receiveScheduling(engine.state, step.provider, body, SITE_GUEST);
      ctx.outcome = r.outcome;
      if (step.meetingRef && r.meetingId) refs.set(step.meetingRef, r.meetingId);
      if (step.personRef && r.personId) refs.set(step.personRef, r.personId);
      return;
    }
    case 'meeting': {
      const m = engine.bookMeeting(id(step.ref), step.by ? userId(step.by.replace(/^@/, '')) : undefined);
      if (step.meetingRef) refs.set(step.meetingRef, m);
      return;
    }
    case 'routeBooking':
      ctx.booking = routeBooking(engine.state, step.fields);
      return;
    case 'noShow':
      engine.markNoShow(id(step.meetingRef));
      return;
  }
}

/** The scheduled jobs: score decay, SLA monitor and alarm, the lead digest (its sends checked here). */
function applyJobStep(
  ctx: RunContext,
  step: StepOf<'decayJob' | 'slaMonitor' | 'slaAlarm' | 'leadDigest'>,
): void {
  const { engine, id } = ctx;
  switch (step.do) {
    case 'decayJob':
      engine.runDecayJob();
      return;
    case 'slaMonitor':
      engine.runSlaMonitor();
      return;
    case 'slaAlarm':
      engine.runSlaAlarm();
      return;
    case 'leadDigest': {
      const byAlias = (pairs: [string, string[]][]) =>
        JSON.stringify(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      const got = byAlias(
        runLeadDigest(engine.state).map((d): [string, string[]] => [d.repId, d.leads.map((l) => l.personId)]),
      );
      const want = byAlias(
        Object.entries(step.sends).map(([alias, people]): [string, string[]] => [
          userId(alias),
          people.map(id),
        ]),
      );
      if (got !== want) ctx.stepProblems.push(`lead digests: expected ${want}, got ${got}`);
      return;
    }
  }
}

/** Deals: conversion, opportunities and their approvals. */
function applyDealStep(
  ctx: RunContext,
  step: StepOf<'convert' | 'insertOpportunity' | 'updateOpportunity' | 'approval'>,
): void {
  const { engine, refs, id, resolveAll } = ctx;
  switch (step.do) {
    case 'convert': {
      const r = engine.convert(id(step.ref), {
        accountId: id(step.accountRef),
        createOpportunity: step.opportunityRef !== null,
      });
      refs.set(step.contactRef, r.contactId);
      if (step.opportunityRef && r.opportunityId) refs.set(step.opportunityRef, r.opportunityId);
      return;
    }
    case 'insertOpportunity': {
      const o = engine.insertOpportunity({ ...resolveAll(step.fields), AccountId: id(step.accountRef) });
      refs.set(step.ref, o.Id);
      if (step.contactRef) engine.addContactRole(o.Id, id(step.contactRef));
      return;
    }
    case 'updateOpportunity':
      engine.updateOpportunity(id(step.ref), resolveAll(step.fields));
      return;
    case 'approval':
      engine.decideApproval(id(step.ref), step.status);
      return;
  }
}

/** The sales team: a rep's availability row, a user who leaves. */
function applyTeamStep(ctx: RunContext, step: StepOf<'updateRep' | 'deactivateUser'>): void {
  const { engine } = ctx;
  switch (step.do) {
    case 'updateRep': {
      const f = step.fields;
      const rows = engine.state.reps.filter((r) => r.userId === userId(step.user));
      if (!rows.length) throw new Error(`no rep ${step.user}`);
      for (const r of rows) {
        if (f.Capacity__c !== undefined) r.capacity = f.Capacity__c;
        if (f.Out_Of_Office_Until__c !== undefined) r.outOfOfficeUntil = f.Out_Of_Office_Until__c;
        if (f.Active__c !== undefined) r.active = f.Active__c;
        if (f.Open_Leads__c !== undefined) r.openLeads = f.Open_Leads__c;
      }
      return;
    }
    case 'deactivateUser':
      engine.updateUser(userId(step.user), { active: false });
      return;
  }
}

/** The Site guest user a scheduling tool's webhook runs as (it saves the Event, so it is not the owner). */
const SITE_GUEST = '005~site-guest';
