// Scenarios: a named sequence of steps (a lead is inserted, engages, is rejected, the nightly job runs, ...)
// with the expected state after each step. The same JSON is replayed by vitest through the engine model and
// by the Apex test class Scenarios_Tests through the org's real triggers and jobs (static resource
// RevOpsScenarios). References: "@alias" is a user, "@queue:Name" a queue, "#ref" a record of the scenario.
import { z } from 'zod';
import { NUMBER_TOLERANCE } from '../../scripts/lib/rules/vectors.ts';
import { Engine } from '../../scripts/lib/engine/engine.ts';
import { nextSlaAlarm } from '../../scripts/lib/engine/jobs.ts';
import { validate } from './validation.ts';
import { applyStep, newRunContext, userId, type RunContext } from './steps.ts';
import { setUserTimeZone } from '../../scripts/lib/engine/digest.ts';
import { SaveError, type EngineRecord, type TraceEntry } from '../../scripts/lib/engine/state.ts';
import { EngagementError } from '../../scripts/lib/rules/engagement.ts';

const Value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Fields = z.record(z.string(), Value);

const TaskExpect = z
  .object({
    owner: z.string().optional(),
    subject: z.string().optional(),
    due: z.string().nullable().optional(),
    reminder: z.string().nullable().optional(),
    priority: z.string().optional(),
    type: z.string().nullable().optional(),
  })
  .strict();
/** A Lifecycle_Transition__c: its move "From>To", and the fields the item gives. */
const TransitionExpect = z
  .object({
    move: z.string(),
    at: z.string().optional(), // Transitioned_At__c
    reasonCode: z.string().nullable().optional(), // Reason_Code__c
    recycle: z.boolean().optional(), // Is_Recycle__c
  })
  .strict();
/** A Routing_Decision__c: its rule (null: the global fallback), and the fields the item gives. */
const DecisionExpect = z
  .object({
    rule: z.string().nullable(),
    owner: z.string().optional(), // Chosen_Owner_Id__c ("@alias", "@queue:Name")
    method: z.string().optional(), // Method__c
    fallback: z.boolean().optional(), // Fallback_Used__c
    at: z.string().optional(), // Decided_At__c
  })
  .strict();
/** An SLA_Event__c: its type, and the fields the item gives (instants ISO-8601 UTC; escalatedTo "@alias"). */
const SlaEventExpect = z
  .object({
    type: z.string(),
    policy: z.string().nullable().optional(), // Policy__c (the SLA policy's DeveloperName)
    at: z.string().optional(), // Occurred_At__c
    due: z.string().nullable().optional(), // Due_At__c
    breachedAt: z.string().nullable().optional(), // Breached_At__c
    metAt: z.string().nullable().optional(), // Met_At__c
    escalatedTo: z.string().nullable().optional(), // Escalated_To__c
  })
  .strict();
const NotificationExpect = z
  .object({ channel: z.enum(['notification', 'email']), to: z.string(), title: z.string().optional() })
  .strict();

const Expect = z
  .object({
    /** Field values of records by ref (a subset; "@alias" / "@queue:X" / "#ref" resolve first). */
    records: z.record(z.string(), Fields).optional(),
    /** Open_Leads__c of each rep by user alias. */
    openLeads: z.record(z.string(), z.number()).optional(),
    /**
     * Every lifecycle move of a record so far, in order: "From>To", or an object with the move and the fields to
     * check (at, reasonCode, recycle).
     */
    transitions: z.record(z.string(), z.array(z.union([z.string(), TransitionExpect]))).optional(),
    /**
     * Every SLA_Event__c of a record so far, in order: its type, or an object with the type and the fields to check
     * (policy, at, due, breachedAt, metAt, escalatedTo).
     */
    slaEvents: z.record(z.string(), z.array(z.union([z.string(), SlaEventExpect]))).optional(),
    /**
     * Routing decisions so far for a lead, in order: the rule's name (null = global fallback), or an object with the
     * rule and the fields to check (owner, method, fallback, at).
     */
    decisions: z.record(z.string(), z.array(z.union([z.string().nullable(), DecisionExpect]))).optional(),
    /** The step is refused: the error message contains this text, and nothing of the step is saved. */
    error: z.string().optional(),
    /** When the SLA alarm is due: the earliest SLA_Next_Check__c of an open clock (null: no alarm pending). */
    nextAlarm: z.string().nullable().optional(),
    /**
     * Every Task on a record so far (WhoId of a Lead/Contact, WhatId of a deal), in creation order; each item checks
     * the keys it gives: owner, subject (the subject starts with it), due (ActivityDate), reminder
     * (ReminderDateTime), priority, type (TaskSubtype).
     */
    tasks: z.record(z.string(), z.array(TaskExpect)).optional(),
    /**
     * Every hand-off alert sent about a record so far, in order: channel "notification" (the RevOps Handoff bell
     * and mobile notification) or "email", to (a user or "@queue:Name"), title (starts with it).
     */
    notifications: z.record(z.string(), z.array(NotificationExpect)).optional(),
    /**
     * A scheduling webhook step's outcome: created, updated, duplicate, ignored, unmatched, not_found, parked,
     * unassigned.
     */
    outcome: z.string().optional(),
    /**
     * The records (refs, any order) the step handed to EnrichmentService.enrichNow: a new lead (TA_Lead_Enrich), a
     * new account with a Website (TA_Account_Enrich), the person of a meeting booked for later (TA_Event_Enrich).
     * [] when the step asked for none.
     */
    enrichmentRequested: z.array(z.string()).optional(),
    /** A routeBooking step's answer: the rep ("@alias"; null: the rules gave a queue) and the rule that matched. */
    booking: z
      .object({ rep: z.string().nullable().optional(), rule: z.string().nullable().optional() })
      .strict()
      .optional(),
  })
  .strict();

const base = { at: z.string().optional(), note: z.string().optional(), expect: Expect.optional() };
const Step = z.discriminatedUnion('do', [
  z.object({ ...base, do: z.literal('insertLead'), ref: z.string(), fields: Fields }).strict(),
  z.object({ ...base, do: z.literal('insertContact'), ref: z.string(), fields: Fields }).strict(),
  z.object({ ...base, do: z.literal('update'), ref: z.string(), fields: Fields }).strict(),
  z
    .object({
      ...base,
      do: z.literal('engagement'),
      ref: z.string(),
      signal: z.string(),
      occurredAt: z.string().optional(),
      /** Events inserted in one DML statement (a burst), default 1. */
      count: z.number().int().min(1).max(200).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      do: z.literal('webhook'),
      /**
       * EngagementResource's provider path segment (hubspot, segment, marketo, activecampaign, generic), or
       * SchedulingResource's (calendly, savvycal, chilipiper: the Apex runner signs the body and calls the REST class).
       */
      provider: z.string(),
      /** The request body: a string as sent (form posts), or JSON (serialised as the provider sends it). */
      body: z.unknown(),
      /** Scheduling: the ref the Event the booking created or changed gets. */
      meetingRef: z.string().optional(),
      /** Scheduling: the ref the Lead/Contact the meeting is on gets (e.g. the Lead a booking created). */
      personRef: z.string().optional(),
    })
    .strict(),
  z.object({ ...base, do: z.literal('task'), ref: z.string(), by: z.string().optional() }).strict(),
  z.object({ ...base, do: z.literal('accept'), ref: z.string() }).strict(),
  z.object({ ...base, do: z.literal('reject'), ref: z.string(), reasonCode: z.string() }).strict(),
  z.object({ ...base, do: z.literal('decayJob') }).strict(),
  z.object({ ...base, do: z.literal('slaMonitor') }).strict(),
  /** The SLA alarm fires: the monitor over the clocks whose SLA_Next_Check__c is due. */
  z.object({ ...base, do: z.literal('slaAlarm') }).strict(),
  /**
   * The hourly LeadDigestJob runs: the reps whose local hour is Send_Hour__c and who had no digest today get one.
   * `sends`: rep alias → the people listed, in order; a rep not named gets none.
   */
  z
    .object({ ...base, do: z.literal('leadDigest'), sends: z.record(z.string(), z.array(z.string())) })
    .strict(),
  /** A meeting (Event) is booked with the Lead/Contact, owned by `by` (default: the record's owner). */
  z
    .object({
      ...base,
      do: z.literal('meeting'),
      ref: z.string(),
      by: z.string().optional(),
      /** The ref the Event gets (for a later noShow step). */
      meetingRef: z.string().optional(),
    })
    .strict(),
  /** BookingRouter ("which rep should this booking go to"): lead routing over `fields` (Lead field names). */
  z.object({ ...base, do: z.literal('routeBooking'), fields: Fields }).strict(),
  /** The meeting's owner ticks No_Show__c on the Event (TA_Event_NoShow). */
  z.object({ ...base, do: z.literal('noShow'), meetingRef: z.string() }).strict(),
  z
    .object({
      ...base,
      do: z.literal('convert'),
      ref: z.string(),
      contactRef: z.string(),
      accountRef: z.string(),
      opportunityRef: z.string().nullable(),
    })
    .strict(),
  z
    .object({
      ...base,
      do: z.literal('insertOpportunity'),
      ref: z.string(),
      accountRef: z.string(),
      contactRef: z.string().optional(),
      fields: Fields,
    })
    .strict(),
  z.object({ ...base, do: z.literal('updateOpportunity'), ref: z.string(), fields: Fields }).strict(),
  z
    .object({ ...base, do: z.literal('approval'), ref: z.string(), status: z.enum(['Approved', 'Rejected']) })
    .strict(),
  z
    .object({
      ...base,
      do: z.literal('updateRep'),
      user: z.string(),
      fields: z
        .object({
          Capacity__c: z.number().nullable().optional(),
          Out_Of_Office_Until__c: z.string().nullable().optional(),
          Active__c: z.boolean().optional(),
          Open_Leads__c: z.number().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ ...base, do: z.literal('deactivateUser'), user: z.string() }).strict(),
  /**
   * The EnrichmentJob's answers arrive for a Lead/Contact: provider -> normalised attribute -> value (the mocked
   * provider response, as EnrichmentCall parses it); every shipped provider counts as active at its shipped rank.
   */
  z
    .object({
      ...base,
      do: z.literal('enrich'),
      ref: z.string(),
      answers: z.record(z.string(), z.record(z.string(), Value)),
    })
    .strict(),
]);

export const ScenarioSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'ids are kebab-case'),
    title: z.string(),
    /** The finding or playbook path this scenario pins. */
    covers: z.array(z.string()).min(1),
    start: z.string(),
    users: z
      .array(
        z
          .object({
            alias: z.string(),
            manager: z.string().optional(),
            active: z.boolean().optional(),
            /** User.TimeZoneSidKey (IANA), default America/New_York. */
            timeZone: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    reps: z
      .array(
        z
          .object({
            user: z.string(),
            pool: z.string(),
            capacity: z.number().nullable().optional(),
            openLeads: z.number().optional(),
            weight: z.number().optional(),
            outOfOfficeUntil: z.string().nullable().optional(),
            languages: z.array(z.string()).optional(),
            productLines: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .default([]),
    accounts: z.array(z.object({ ref: z.string(), owner: z.string(), fields: Fields }).strict()).default([]),
    steps: z.array(Step).min(1),
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioStep = Scenario['steps'][number];

export interface StepOutcome {
  index: number;
  step: ScenarioStep;
  problems: string[];
  /** The trigger paths the step ran (runScenario's `trace` option; scripts/lib/engine/budget.ts). */
  trace?: TraceEntry[];
}

/** Runs a scenario through the engine model; returns the problems per step (empty when all held). */
export function runScenario(
  input: Scenario,
  root = 'force-app',
  opts: { trace?: boolean } = {},
): { engine: Engine; steps: StepOutcome[] } {
  const scenario = ScenarioSchema.parse(input);
  const ctx = setUp(scenario, root);
  const steps = scenario.steps.map((step, index) => runStep(ctx, step, index, opts.trace === true));
  return { engine: ctx.engine, steps };
}

/** The engine with the scenario's users, reps and accounts (in Apex this runs before Test.startTest). */
function setUp(scenario: Scenario, root: string): RunContext {
  const engine = new Engine({
    root,
    now: scenario.start,
    validate: (obj, rec, old) => validate(root, obj, rec, old),
  });
  const ctx = newRunContext(engine);
  for (const u of scenario.users) {
    engine.addUser(userId(u.alias), { active: u.active, managerId: u.manager ? userId(u.manager) : null });
    if (u.timeZone) setUserTimeZone(engine.state, userId(u.alias), u.timeZone);
  }
  for (const r of scenario.reps) {
    engine.addRep({
      userId: userId(r.user),
      pool: r.pool,
      capacity: r.capacity ?? null,
      openLeads: r.openLeads ?? 0,
      weight: r.weight ?? 1,
      outOfOfficeUntil: r.outOfOfficeUntil ?? null,
      languages: r.languages ?? [],
      productLines: r.productLines ?? [],
    });
  }
  for (const a of scenario.accounts) {
    ctx.refs.set(
      a.ref,
      engine.insertAccount({ ...ctx.resolveAll(a.fields), OwnerId: ctx.resolve(a.owner) }).Id,
    );
  }
  return ctx;
}

/** One step: applied at its time, then its expectations checked. */
function runStep(ctx: RunContext, step: ScenarioStep, index: number, trace: boolean): StepOutcome {
  const { engine } = ctx;
  if (step.at) engine.setNow(step.at);
  // the setup runs before Test.startTest in Apex: only the steps are traced
  if (trace) engine.state.trace = [];
  const before = peopleOf(engine);
  let error: Error | null = null;
  ctx.outcome = null;
  ctx.booking = null;
  ctx.enrichmentFrom = engine.state.enrichmentRequests.length;
  try {
    applyStep(ctx, step);
  } catch (e) {
    if (!(e instanceof SaveError) && !(e instanceof EngagementError)) throw e;
    error = e;
  }
  const problems = checkStep(ctx, step, error, before);
  return { index, step, problems, trace: engine.state.trace };
}

/** Every Lead and Contact as JSON: a refused step must leave it as it was. */
function peopleOf(engine: Engine): string {
  return JSON.stringify([...engine.state.records.Lead.values(), ...engine.state.records.Contact.values()]);
}

/** The problems of a step: its error against the expected one, what the step found itself, its expectations. */
function checkStep(ctx: RunContext, step: ScenarioStep, error: Error | null, before: string): string[] {
  const problems: string[] = [];
  const x = step.expect;
  if (x?.error !== undefined) {
    if (!error) problems.push(`expected the step to fail with "${x.error}", it succeeded`);
    else if (!error.message.includes(x.error)) problems.push(`error "${error.message}" lacks "${x.error}"`);
    if (before !== peopleOf(ctx.engine)) problems.push('a refused step changed records');
  } else if (error) problems.push(`step failed: ${error.message}`);
  problems.push(...ctx.stepProblems.splice(0));
  if (x) problems.push(...checkExpect(ctx, x));
  return problems;
}

type StepExpect = z.infer<typeof Expect>;

/** The expected state after a step against the engine's. */
function checkExpect(ctx: RunContext, x: StepExpect): string[] {
  const { engine, id, resolve } = ctx;
  const problems: string[] = [];
  for (const [ref, fields] of Object.entries(x.records ?? {})) {
    const rec: EngineRecord | undefined = engine.get(id(ref)) ?? eventOf(engine, id(ref));
    if (!rec) {
      problems.push(`${ref}: no such record`);
      continue;
    }
    for (const [field, want] of Object.entries(fields)) {
      const expected = resolve(want);
      const actual = rec[field] ?? null;
      if (!same(expected, actual)) {
        problems.push(`${ref}.${field}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      }
    }
  }
  for (const [user, want] of Object.entries(x.openLeads ?? {})) {
    const got = engine.state.reps
      .filter((r) => r.userId === userId(user))
      .reduce((s, r) => s + r.openLeads, 0);
    if (got !== want) problems.push(`open leads of ${user}: expected ${want}, got ${got}`);
  }
  problems.push(
    ...checkHistory(ctx, HISTORY.transitions, x.transitions ?? {}),
    ...checkHistory(ctx, HISTORY.slaEvents, x.slaEvents ?? {}),
    ...checkHistory(ctx, HISTORY.decisions, x.decisions ?? {}),
  );
  if (x.nextAlarm !== undefined) {
    const got = nextSlaAlarm(engine.state);
    if (got !== x.nextAlarm)
      problems.push(`next SLA alarm: expected ${JSON.stringify(x.nextAlarm)}, got ${JSON.stringify(got)}`);
  }
  problems.push(...checkActivities(ctx, x));
  problems.push(...checkAnswers(ctx, x));
  return problems;
}

/**
 * A history object as scenarios check it: its rows of a record in the engine model, in the order logged; what names
 * a row (the item itself when a string, else its `key`); and the fields an object item may check, by the row's name
 * for them. ScenarioChecks.cls (Apex) checks the same keys against the saved rows.
 */
interface History<Row> {
  label: string;
  key: string;
  rows: (state: Engine['state'], recordId: string) => Row[];
  name: (row: Row) => string | null;
  fields: Record<string, keyof Row>;
}

const history = <Row>(h: History<Row>): History<Row> => h;

const HISTORY = {
  transitions: history({
    label: 'transitions',
    key: 'move',
    rows: (state, id) => state.transitions.filter((t) => t.recordId === id),
    name: (t) => `${t.fromStage}>${t.toStage}`,
    fields: { at: 'at', reasonCode: 'reasonCode', recycle: 'isRecycle' },
  }),
  slaEvents: history({
    label: 'SLA events',
    key: 'type',
    rows: (state, id) => state.slaEvents.filter((e) => e.recordId === id),
    name: (e) => e.type,
    fields: {
      policy: 'policy',
      at: 'at',
      due: 'dueAt',
      breachedAt: 'breachedAt',
      metAt: 'metAt',
      escalatedTo: 'escalatedTo',
    },
  }),
  decisions: history({
    label: 'routing decisions',
    key: 'rule',
    rows: (state, id) => state.decisions.filter((d) => d.leadId === id),
    name: (d) => d.rule,
    fields: { owner: 'ownerId', method: 'method', fallback: 'fallbackUsed', at: 'at' },
  }),
};

type HistoryItem = string | null | Record<string, unknown>;

/** Every row of each record named: the names in order, then the fields each object item gives. */
function checkHistory<Row>(ctx: RunContext, h: History<Row>, byRef: Record<string, HistoryItem[]>): string[] {
  const problems: string[] = [];
  for (const [ref, want] of Object.entries(byRef)) {
    const got = h.rows(ctx.engine.state, ctx.id(ref));
    const isItem = (w: HistoryItem): w is Record<string, unknown> => w !== null && typeof w === 'object';
    const names = want.map((w) => (isItem(w) ? w[h.key] : w));
    if (JSON.stringify(got.map(h.name)) !== JSON.stringify(names)) {
      problems.push(
        `${h.label} of ${ref}: expected ${JSON.stringify(names)}, got ${JSON.stringify(got.map(h.name))}`,
      );
      continue;
    }
    want.forEach((w, i) => {
      if (!isItem(w)) return;
      for (const [key, field] of Object.entries(h.fields)) {
        if (!(key in w)) continue;
        const expected = ctx.resolve(w[key] ?? null);
        const actual = got[i][field] ?? null;
        if (!same(expected, actual))
          problems.push(
            `${h.label} of ${ref}, ${i + 1} (${String(names[i])}).${key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
          );
      }
    });
  }
  return problems;
}

/**
 * What the step answered: a scheduling webhook's outcome, a routeBooking step's rep and rule, the records it asked
 * enrichment for.
 */
function checkAnswers(ctx: RunContext, x: StepExpect): string[] {
  const { outcome, booking, resolve } = ctx;
  const problems: string[] = [];
  if (x.enrichmentRequested) {
    const refOf = new Map([...ctx.refs].map(([ref, recordId]) => [recordId, ref]));
    const asked = ctx.engine.state.enrichmentRequests.slice(ctx.enrichmentFrom).map((r) => r.recordId);
    const got = [...new Set(asked.map((recordId) => refOf.get(recordId) ?? recordId))].sort();
    const want = [...new Set(x.enrichmentRequested)].sort();
    for (const ref of want) ctx.id(ref); // an unknown ref is the scenario's mistake: say so
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`enrichment requested: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  if (x.outcome !== undefined && outcome !== x.outcome)
    problems.push(`webhook outcome: expected ${JSON.stringify(x.outcome)}, got ${JSON.stringify(outcome)}`);
  if (x.booking) {
    const got = { rep: booking?.userId ?? null, rule: booking?.rule ?? null };
    for (const key of ['rep', 'rule'] as const)
      if (x.booking[key] !== undefined && resolve(x.booking[key]) !== got[key])
        problems.push(
          `booking ${key}: expected ${JSON.stringify(resolve(x.booking[key]))}, got ${JSON.stringify(got[key])}`,
        );
  }
  return problems;
}

/** A meeting as the Event record the Apex runner reads. */
function eventOf(engine: Engine, meetingId: string): EngineRecord | undefined {
  const m = engine.state.meetings.find((x) => x.id === meetingId);
  return m
    ? {
        Id: m.id,
        WhoId: m.whoId,
        OwnerId: m.ownerId,
        Subject: m.subject,
        StartDateTime: m.start,
        EndDateTime: m.end,
        Booking_Id__c: m.bookingId,
        Booking_Provider__c: m.provider,
        Booking_Status__c: m.status,
        No_Show__c: m.noShow,
      }
    : undefined;
}

/** The tasks and hand-off alerts of records: every one so far, each expected item's keys compared. */
function checkActivities(ctx: RunContext, x: StepExpect): string[] {
  const { engine, id, resolve } = ctx;
  const problems: string[] = [];
  const compare = (what: string, want: Record<string, unknown>[], got: Record<string, unknown>[]) => {
    if (want.length !== got.length) {
      problems.push(`${what}: expected ${want.length}, got ${got.length}: ${JSON.stringify(got)}`);
      return;
    }
    want.forEach((w, i) => {
      for (const [key, value] of Object.entries(w)) {
        const expected = resolve(value);
        const actual = got[i][key] ?? null;
        const ok =
          key === 'subject' || key === 'title'
            ? typeof actual === 'string' && actual.startsWith(String(expected))
            : expected === actual;
        if (!ok)
          problems.push(
            `${what} #${i + 1}.${key}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
          );
      }
    });
  };
  for (const [ref, want] of Object.entries(x.tasks ?? {})) {
    const got = engine.state.tasks
      .filter((t) => t.whoId === id(ref) || t.whatId === id(ref))
      .map((t) => ({
        owner: t.ownerId,
        subject: t.subject,
        due: t.due,
        reminder: t.reminder ?? null,
        priority: t.priority ?? null,
        type: t.subtype ?? null,
      }));
    compare(`tasks of ${ref}`, want, got);
  }
  for (const [ref, want] of Object.entries(x.notifications ?? {})) {
    const got = engine.state.notifications
      .filter((n) => n.recordId === id(ref))
      .map((n) => ({ channel: n.channel, to: n.to, title: n.title }));
    compare(`notifications of ${ref}`, want, got);
  }
  return problems;
}

function same(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(expected - actual) <= NUMBER_TOLERANCE;
  }
  return expected === actual;
}

/** Parses and checks a scenario file's content (an array of scenarios); errors name the scenario and path. */
export function parseScenarios(json: unknown, file: string): Scenario[] {
  if (!Array.isArray(json)) throw new Error(`${file}: must hold a JSON array of scenarios`);
  return json.map((s, i) => {
    const r = ScenarioSchema.safeParse(s);
    if (!r.success) {
      const where = (s as { id?: string })?.id ?? `#${i}`;
      throw new Error(
        `${file}: scenario ${where}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    }
    return r.data;
  });
}
