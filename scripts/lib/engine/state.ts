// The engine model's state: the records an org holds (leads, contacts, accounts, opportunities, engagement
// events, tasks), the append-only history the triggers write, rep availability and round-robin state, and the
// clock. Plain data, so a scenario can be inspected after every step.
import { SfError } from '@salesforce/core/sfError';
import type { RevOpsConfig } from '../config/index.ts';
import type { PointerState } from '../rules/routing.ts';
import type { SRecord } from '../rules/types.ts';

export type ObjectName = 'Lead' | 'Contact' | 'Account' | 'Opportunity';

/** A record by field API name. `Id` is the engine's own id (L1, C1, ...). */
export type EngineRecord = SRecord & { Id: string };

export interface EngineUser {
  id: string; // the scenario alias doubles as the user id
  active: boolean; // User.IsActive
  managerId: string | null; // User.ManagerId
}

/** One Rep_Availability__c row. */
export interface RepRow {
  userId: string;
  pool: string;
  capacity: number | null;
  openLeads: number;
  weight: number;
  active: boolean;
  outOfOfficeUntil: string | null;
  languages: string[];
  productLines: string[];
}

export interface EngagementRow {
  id: string;
  leadId: string | null;
  contactId: string | null;
  signal: string;
  occurredAt: string;
  /** Points__c: an Engagement_Mapping__mdt points override (null: the rule's points). */
  points?: number | null;
}

/** A Task: logged by a rep (a touch) or created by the engine (hand-off, escalation, no-show follow-up). */
export interface TaskRow {
  id: string;
  /** WhoId: the Lead/Contact (null for a deal's task). */
  whoId: string | null;
  /** WhatId: the Opportunity of a deal's task. */
  whatId?: string | null;
  ownerId: string;
  createdAt: string;
  subject: string;
  /** ActivityDate (YYYY-MM-DD); null: none, undefined: not modelled (the running user's day). */
  due?: string | null;
  /** ReminderDateTime: a hand-off's deadline. */
  reminder?: string | null;
  priority?: string;
  /** TaskSubtype (Call, Email) when the action sets it. */
  subtype?: string | null;
}

/** A hand-off alert sent about a record (HandoffService.deliver): the bell/mobile notification or the e-mail. */
export interface NotificationRow {
  recordId: string;
  channel: 'notification' | 'email';
  /** The recipient: a user id, or `queue:Name`. */
  to: string;
  title: string;
  at: string;
}

/** An Event (a meeting) on a Lead/Contact, booked by a rep or a scheduling tool (SchedulingService). */
export interface MeetingRow {
  id: string;
  whoId: string;
  ownerId: string;
  /** CreatedById: who saved it (the rep, or the Site guest for a scheduling webhook). */
  createdBy: string;
  subject: string;
  start: string;
  end: string;
  bookingId: string | null;
  provider: string | null;
  status: string | null;
  /** Booking_Deliveries__c: the webhook deliveries applied, newest first. */
  deliveries: string[];
  noShow: boolean;
}

/** Lifecycle_Transition__c. */
export interface TransitionRow {
  recordId: string;
  fromStage: string;
  toStage: string;
  at: string;
  reasonCode: string | null;
  isRecycle: boolean;
}

/** Routing_Decision__c. */
export interface DecisionRow {
  leadId: string;
  ownerId: string;
  rule: string | null;
  method: string;
  fallbackUsed: boolean;
  at: string;
}

/** SLA_Event__c. */
export interface SlaEventRow {
  recordId: string;
  type: string; // Started, Warning, Breached, Escalated, Met, Recycled
  policy: string | null; // Policy__c: the clock's SLA policy (DeveloperName)
  at: string;
  escalatedTo: string | null;
  dueAt: string | null; // Due_At__c, Breached_At__c, Met_At__c: as the clock's start, the monitor and the first
  breachedAt: string | null; // touch write them
  metAt: string | null;
}

/**
 * A Lead/Contact/Account handed to EnrichmentService.enrichNow: at insert (TA_Lead_Enrich, TA_Account_Enrich) or
 * before a booked meeting (TA_Event_Enrich). Recorded before the provider check, as the Apex seam is.
 */
export interface EnrichmentRequestRow {
  recordId: string;
  reason: 'insert' | 'meeting';
  at: string;
}

/** Refuses a save the org's validation rules would refuse (throws SaveError); the engine runs it after the before-save actions. */
export type Validator = (object: string, record: EngineRecord, old: EngineRecord | null) => void;

export interface EngineState {
  config: RevOpsConfig;
  /** force-app root: conversion mappings are read from it. */
  root: string;
  /** The org's validation rules, when the caller models them (scenario replays do; routing replays need not). */
  validate: Validator;
  now: string;
  users: Map<string, EngineUser>;
  queues: Set<string>;
  reps: RepRow[];
  pointers: PointerState;
  records: Record<ObjectName, Map<string, EngineRecord>>;
  events: EngagementRow[];
  tasks: TaskRow[];
  notifications: NotificationRow[];
  meetings: MeetingRow[];
  transitions: TransitionRow[];
  decisions: DecisionRow[];
  slaEvents: SlaEventRow[];
  contactRoles: { opportunityId: string; contactId: string }[];
  enrichmentRequests: EnrichmentRequestRow[];
  /** Next id per prefix (L, C, A, O, E, T, EV). */
  counters: Record<string, number>;
  /** When set, each trigger path the model runs is appended (scripts/lib/engine/budget.ts counts governor use). */
  trace?: TraceEntry[];
}

/** One run of an object's trigger path ("Lead update"), as one DML statement of `records` rows fires it. */
export interface TraceEntry {
  path: string;
  records: number;
  /**
   * Conditional work the run did: 'mql' (a lead became an MQL), 'routed' (routed at MQL or re-routed), 'converted'
   * (a lead was converted); jobs mark 'reassigned' and 'visits' (engine/jobs.ts, engine/digest.ts).
   */
  when?: string[];
}

/** Records a trigger path run when the state is traced (a no-op otherwise); returns the entry to add to. */
export function traced(state: EngineState, path: string, records = 1): TraceEntry | undefined {
  const entry = { path, records };
  state.trace?.push(entry);
  return state.trace ? entry : undefined;
}

export function newState(
  config: RevOpsConfig,
  now: string,
  root = 'force-app',
  validate: Validator = () => {},
): EngineState {
  return {
    config,
    root,
    validate,
    now,
    users: new Map(),
    queues: new Set(['Lead_Fallback', 'VP_Sales', 'Deal_Desk', 'Finance', 'Legal', 'Customer_Success']),
    reps: [],
    pointers: {},
    records: { Lead: new Map(), Contact: new Map(), Account: new Map(), Opportunity: new Map() },
    events: [],
    tasks: [],
    notifications: [],
    meetings: [],
    transitions: [],
    decisions: [],
    slaEvents: [],
    contactRoles: [],
    enrichmentRequests: [],
    counters: {},
  };
}

/** A config holding only routing rules (route simulation replays routing alone). */
export function routingConfig(routingRules: RevOpsConfig['routingRules']): RevOpsConfig {
  return {
    scoringRules: [],
    scoringSettings: { mqlFitThreshold: 0, mqlEngagementThreshold: 0, scoreCap: 100 },
    routingRules,
    slaPolicies: [],
    businessCalendars: [],
    stagePolicies: [],
    approvalTiers: [],
    dedupRules: [],
  } as RevOpsConfig;
}

export function nextId(state: EngineState, prefix: string): string {
  state.counters[prefix] = (state.counters[prefix] ?? 0) + 1;
  return `${prefix}${state.counters[prefix]}`;
}

/** A save refused by the org (validation rule, addError in a trigger): nothing of the save is kept. */
export class SaveError extends SfError {
  constructor(
    readonly recordId: string | null,
    readonly field: string | null,
    message: string,
  ) {
    super(message, 'SaveError');
  }
}

/**
 * The new contact a lead conversion creates (RecordRoutingService.isConversionContact): it carries its lead's
 * routing or fit (Routed_At__c or Lead_Fit_Score__c), which only the LeadConvertSettings mapping fills on a new
 * contact. It keeps the conversion's owner and is not routed again, nor handed off
 * again (its lead's hand-off was made).
 */
export function isConversionContact(rec: EngineRecord): boolean {
  return rec.Routed_At__c != null || rec.Lead_Fit_Score__c != null;
}
