// The demo generator's one state object: the options and clock, the rules prepared from the config, the random
// stream, Id sequences, one CSV writer per object, and everything the steps share (users and pools, accounts,
// people buffers for planted duplicates, campaigns, the routing desk). Every step takes it as its first argument.
import type { Address } from './addresses.ts';
import { join } from 'node:path';
import type { RevOpsConfig } from '../../config/index.ts';
import { CsvWriter, type CsvChunking, type CsvColumn, type CsvValue } from '../csv.ts';
import { IdSequence, KEY_PREFIX } from '../ids.ts';
import { Random, Weighted } from '../random.ts';
import { DEDUP_TRUTH_FIELDS, DEDUP_TRUTH_TABLE, SCHEMA } from '../schema.ts';
import { COUNTRIES, type Country } from './places.ts';
import { prepareRules, type DemoRules } from './rules.ts';
import { newDesk, type RoutingDesk } from './routing.ts';
import type { Segment } from './sales.ts';

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type Rec = Record<string, CsvValue>;

export interface DemoOptions {
  leads: number;
  seed: number;
  /** Folder the CSV files go to (must exist). */
  dir: string;
  /** The moment the snapshot is "taken" (epoch ms). Default 2026-10-01T00:00:00Z, so output is reproducible. */
  asOf?: number;
  /** Split each object's CSV every `rows` rows and report each finished file (lets loading overlap generation). */
  chunking?: { rows: number; onFile(object: string, file: string): void };
  /** Quote every text value as a Data Export does (default); false quotes only where CSV needs it (faster). */
  quoteAllText?: boolean;
  /** The rules the history is made with (default: the shipped records, `loadConfig` of this project's force-app). */
  config?: RevOpsConfig;
}

export interface DemoFile {
  object: string;
  /** The object's CSV files (one unless chunked). */
  files: string[];
  rows: number;
  bytes: number;
}

export interface DemoOutput {
  asOf: number;
  /** When the engine was installed (180 days before asOf): the history objects (transitions, routing decisions, SLA events) start here. */
  installedAt: number;
  files: DemoFile[];
  /** Planted duplicate ground truth (not a Salesforce object). */
  truth: DemoFile;
}

/** Date fields (no time part) among the TIMESTAMP columns. */
const DATE_FIELDS = new Set([
  'CloseDate',
  'ActivityDate',
  'ConvertedDate',
  'StartDate',
  'EndDate',
  'LastActivityDate',
  'FirstRespondedDate',
]);

export class ObjectWriter {
  readonly columns: string[];
  readonly csv: CsvWriter;
  constructor(
    dir: string,
    readonly object: string,
    fields: ReadonlyArray<readonly [string, string]>,
    omit: ReadonlySet<string> = new Set(),
    chunking?: CsvChunking,
    quoteAllText = true,
  ) {
    const kept = fields.filter(([n]) => !omit.has(n));
    this.columns = kept.map(([n]) => n);
    const types = kept.map(([n, t]) => (DATE_FIELDS.has(n) ? 'DATE' : t) as CsvColumn);
    this.csv = new CsvWriter(join(dir, `${object}.csv`), this.columns, types, chunking, quoteAllText);
  }
  write(rec: Rec): void {
    this.csv.write(rec);
  }
  close(): DemoFile {
    this.csv.close();
    return { object: this.object, files: this.csv.files, rows: this.csv.rows, bytes: this.csv.bytes };
  }
}

export interface RepUser {
  id: string;
  name: string;
  managerId: string;
  pool: string;
  /** Two PTO windows per year: [start, end) epoch ms, whole UTC days. */
  pto: Array<[number, number]>;
  active: boolean;
  assignments: number;
  lastAssigned: number | null;
}

/** The PTO window ([start, end), whole UTC days) the rep is in at `t`, if any. */
export function ptoAt(rep: RepUser, t: number): [number, number] | undefined {
  return rep.pto.find(([from, to]) => t >= from && t < to);
}

/** Whether an owner Id is a queue's: the demo's queues are Groups (funnel.ts queueId), Ids starting 00G. */
export const isQueueId = (id: string): boolean => id.startsWith('00G');

export interface AccountRow {
  id: string;
  name: string;
  /** Company name without legal suffix, and the domain (unique). */
  base: string;
  domain: string;
  country: Country;
  state: string | null;
  industry: string;
  employees: number;
  revenue: number;
  segment: Segment;
  territory: string;
  ownerId: string;
  createdDate: number;
  isSystemOfRecord: boolean;
  customer: boolean;
  lastActivity: number | null;
  phone: string;
  phoneDigits: string;
  /** Billing address (addresses.ts); a duplicate may write it abbreviated. */
  address: Address;
  /** A duplicate entered without the website (its name, address and phone still tell). */
  noWebsite?: boolean;
  /** Lead-to-account match keys of its leads' Company (name or base) and Website, made once (FirmKeys). */
  keys?: FirmKeys;
}

/**
 * What lead-to-account matching computes from the texts a firm's leads repeat: normalizeCompany of the name with
 * its suffix and of the base name, websiteDomain of `www.<domain>`. Kept on the firm when first needed
 * (rules/match.ts functions of those texts alone), so a fresh lead's keys are not computed again.
 */
export interface FirmKeys {
  name: string | null;
  base: string | null;
  website: string | null;
}

export interface Person {
  id: string;
  entity: string;
  object: 'Lead' | 'Contact';
  first: string;
  last: string;
  email: string;
  phoneDigits: string;
  phoneFormat: number;
  country: Country;
  company: string;
  companyBase: string;
  domain: string;
  title: string;
  industry: string;
  employees: number;
  /** The company's address when the record carries one (Lead Street..., Contact Mailing...), else null. */
  address?: Address | null;
}

export interface Prospect {
  base: string;
  core: string;
  country: Country;
  employees: number;
  /** Derived once (pure functions of the above): the name with the country's first suffix, the domain, the address. */
  suffixed: string;
  domain: string;
  address: Address | null;
  keys?: FirmKeys;
}

export interface DemoState {
  readonly rules: DemoRules;
  /** The reps' and the world's draws (a recycled lead's later hand-offs draw from its own: requalify.ts). */
  rnd: Random;
  readonly asOf: number;
  readonly installedAt: number;
  /** Two years before asOf: the first lead arrives here. */
  readonly start: number;
  readonly nLeads: number;
  /** The seed of `rnd` (a recycled lead's own stream mixes it in: requalify.ts). */
  readonly seed: number;
  /** The playing lead's engagement events, held until its conversion is known (events.ts). */
  readonly heldEvents: Rec[];
  /**
   * The latest activity on each deal and lead so far (by WhatId, else WhoId): a completed task's ActivityDate or a
   * past event's start (what Salesforce's LastActivityDate is made of). opportunities.ts takes a deal's when it writes
   * the deal; funnel.ts finish a lead's, which a conversion moves to its account.
   */
  readonly activityOn: Map<string, number>;
  readonly countries: Weighted<Country>;
  readonly ids: Record<string, IdSequence>;
  readonly writers: Record<string, ObjectWriter>;
  readonly truth: ObjectWriter;
  readonly truthWritten: Set<string>;
  integrationUser: string;
  vpSales: string;
  /** Reps by pool (SDR pools the routing rules target, AE pools by segment). */
  readonly pools: Map<string, RepUser[]>;
  readonly repById: Map<string, RepUser>;
  /** Rep_Availability__c rows, written at the end when their counters are final. */
  readonly repRows: Rec[];
  readonly desk: RoutingDesk;
  readonly accounts: AccountRow[];
  baseAccounts: AccountRow[];
  accountByDomain: Map<string, AccountRow>;
  /** Accounts created when a lead from a prospect company (no account yet) converts, by company name. */
  readonly convertedAccounts: Map<string, AccountRow>;
  readonly usedBases: Set<string>;
  /** Every address given out so far (lower case): distinct people never share an e-mail address. */
  readonly usedEmails: Set<string>;
  readonly contactBuffer: Person[];
  readonly leadBuffer: Person[];
  readonly prospects: Prospect[];
  readonly campaigns: Array<{ id: string; start: number; type: string }>;
}

export function createState(opts: DemoOptions, config: RevOpsConfig): DemoState {
  const asOf = opts.asOf ?? Date.UTC(2026, 9, 1);
  const writers: Record<string, ObjectWriter> = {};
  for (const [object, schema] of Object.entries(SCHEMA)) {
    const chunking = opts.chunking && {
      rows: opts.chunking.rows,
      onFile: (file: string) => opts.chunking!.onFile(object, file),
    };
    writers[object] = new ObjectWriter(
      opts.dir,
      object,
      schema.fields,
      new Set(Object.keys(schema.derived ?? {})),
      chunking,
      opts.quoteAllText,
    );
  }
  return {
    rules: prepareRules(config),
    rnd: new Random(opts.seed),
    asOf,
    installedAt: asOf - 180 * DAY,
    start: asOf - 730 * DAY,
    nLeads: opts.leads,
    seed: opts.seed,
    heldEvents: [],
    activityOn: new Map(),
    countries: new Weighted(COUNTRIES.map((c) => [c, c.weight] as const)),
    ids: {},
    writers,
    truth: new ObjectWriter(opts.dir, DEDUP_TRUTH_TABLE, DEDUP_TRUTH_FIELDS),
    truthWritten: new Set(),
    integrationUser: '',
    vpSales: '',
    pools: new Map(),
    repById: new Map(),
    repRows: [],
    desk: newDesk(),
    accounts: [],
    baseAccounts: [],
    accountByDomain: new Map(),
    convertedAccounts: new Map(),
    usedBases: new Set(),
    usedEmails: new Set(),
    contactBuffer: [],
    leadBuffer: [],
    prospects: [],
    campaigns: [],
  };
}

export function newId(s: DemoState, object: string): string {
  return (s.ids[object] ??= new IdSequence(KEY_PREFIX[object])).next();
}

export function write(s: DemoState, object: string, rec: Rec): void {
  s.writers[object].write(rec);
}

/** An activity dated `at` on the record `recordId` (a task's WhatId, else its WhoId: DemoState.activityOn). */
export function noteActivity(s: DemoState, recordId: string, at: number): void {
  const was = s.activityOn.get(recordId);
  if (was === undefined || at > was) s.activityOn.set(recordId, at);
}

/** Planted-duplicate ground truth: one row per record that is an original or a duplicate. */
export function plantTruth(s: DemoState, id: string, entity: string, object: string, variant: string): void {
  if (s.truthWritten.has(id)) return;
  s.truthWritten.add(id);
  s.truth.write({ Id: id, entity_id: entity, object, variant });
}

/** Closes every writer: the files and row counts of the output. */
export function closeAll(s: DemoState): DemoOutput {
  const files = Object.values(s.writers).map((w) => w.close());
  return { asOf: s.asOf, installedAt: s.installedAt, files, truth: s.truth.close() };
}
