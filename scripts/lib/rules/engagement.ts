// Engagement in: the twin of EngagementAdapters.cls (provider payload → normalised events) and of
// EngagementService.cls mapEvent / pickPerson / linkTarget (event → signal by Engagement_Mapping__mdt; event → Lead
// or Contact; which record learns a provider person id). Held to one behaviour by the `engagement` golden vectors. Pure: no I/O.
import { formatInstant } from './types.ts';

export const PROVIDERS = ['hubspot', 'segment', 'marketo', 'activecampaign', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** One normalised event. `key` is Engagement_Event__c.Event_Id__c ("provider:eventId"). */
export interface InboundEvent {
  provider: Provider;
  eventId: string;
  key: string;
  name: string;
  /** ISO-8601 UTC without milliseconds. */
  occurredAt: string;
  email: string | null;
  personId: string | null;
  /** "provider:personId" (Person_Key__c, Provider_Person_Id__c), null without a person id. */
  personKey: string | null;
  url: string | null;
  properties: Record<string, string>;
}

export interface Parsed {
  events: InboundEvent[];
  /** Calls the provider sent that are not engagement (Segment identify, page, ...). */
  ignored: number;
}

/** A refused body: the HTTP status and code the Apex endpoint answers with. */
export class EngagementError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngagementError';
  }
}

const malformed = (message: string) => new EngagementError(400, 'MALFORMED_BODY', message);

export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

/** Parses one request body (EngagementAdapters.parse). */
export function parsePayload(provider: string, body: string): Parsed {
  if (!isProvider(provider)) {
    throw new EngagementError(
      404,
      'UNKNOWN_PROVIDER',
      `Unknown provider "${provider}": use one of ${PROVIDERS.join(', ')}.`,
    );
  }
  if (body.trim() === '') throw malformed('The request body is empty.');
  if (provider === 'activecampaign') return { events: [activeCampaign(formFields(body))], ignored: 0 };
  let tree: unknown;
  try {
    tree = JSON.parse(body);
  } catch (e) {
    throw malformed(`The body is not JSON: ${(e as Error).message}`);
  }
  const parsed: Parsed = { events: [], ignored: 0 };
  items(provider, tree).forEach((item, i) => {
    if (!isObject(item)) throw malformed(`Event ${i} is not a JSON object.`);
    if (provider === 'segment' && item.type !== 'track') {
      parsed.ignored++;
      return;
    }
    parsed.events.push(parseItem(provider, item, i));
  });
  return parsed;
}

/** Normalises one already-parsed item (a JSONL line of an export, or one element of a webhook batch). */
export function parseItem(
  provider: Exclude<Provider, 'activecampaign'>,
  m: Record<string, unknown>,
  i: number,
): InboundEvent {
  const props: Record<string, string> = {};
  let e: Omit<InboundEvent, 'key' | 'personKey' | 'properties'>;
  if (provider === 'hubspot') {
    const name = required(m, 'subscriptionType', i);
    const eventId = `${required(m, 'eventId', i)}-${required(m, 'objectId', i)}-${required(m, 'occurredAt', i)}`;
    const propertyName = text(m.propertyName);
    e = {
      provider,
      eventId,
      name,
      occurredAt: epochMs(m.occurredAt, i),
      email: propertyName === 'email' ? text(m.propertyValue) : null,
      personId: text(m.objectId),
      url: propertyName === 'hs_analytics_last_url' ? text(m.propertyValue) : null,
    };
    addScalars(props, m);
  } else if (provider === 'segment') {
    const context = obj(m.context);
    const p = obj(m.properties);
    e = {
      provider,
      eventId: required(m, 'messageId', i),
      name: required(m, 'event', i),
      occurredAt: instant(required(m, 'timestamp', i), i, 'timestamp'),
      email: text(obj(context.traits).email) ?? text(obj(m.traits).email) ?? text(p.email),
      personId: text(m.userId) ?? text(m.anonymousId),
      url: text(obj(context.page).url) ?? text(p.url),
    };
    addScalars(props, p);
  } else {
    const marketo = provider === 'marketo';
    e = {
      provider,
      eventId: required(m, marketo ? 'eventId' : 'id', i),
      name: required(m, marketo ? 'activity' : 'event', i),
      occurredAt: instant(required(m, 'occurredAt', i), i, 'occurredAt'),
      email: text(m.email),
      personId: text(m[marketo ? 'leadId' : 'personId']),
      url: text(m.url),
    };
    addScalars(props, m);
    addScalars(props, obj(m.properties));
  }
  return finish(e, props);
}

function items(provider: Provider, tree: unknown): unknown[] {
  if (provider === 'hubspot') {
    if (!Array.isArray(tree))
      throw malformed('HubSpot sends a JSON array of events; the body is not an array.');
    return tree;
  }
  if (Array.isArray(tree)) return tree;
  if (isObject(tree)) {
    const nested = provider === 'segment' ? tree.batch : provider === 'generic' ? tree.events : null;
    return Array.isArray(nested) ? nested : [tree];
  }
  throw malformed('The body must be a JSON object or array.');
}

function activeCampaign(f: Record<string, string>): InboundEvent {
  for (const k of ['type', 'date_time', 'contact[id]']) {
    if (!f[k] || f[k].trim() === '') throw malformed(`The ActiveCampaign form has no "${k}" field.`);
  }
  const at = f.date_time;
  const name = f.type;
  const personId = f['contact[id]'];
  let eventId = `${name}-${personId}-${at}`;
  for (const k of ['campaign[id]', 'link[id]']) if (f[k] && f[k].trim() !== '') eventId += `-${f[k]}`;
  return finish(
    {
      provider: 'activecampaign',
      eventId,
      name,
      occurredAt: instant(
        at.length > 10 && at[10] === ' ' ? `${at.slice(0, 10)}T${at.slice(11)}` : at,
        0,
        'date_time',
      ),
      email: f['contact[email]'] ?? null,
      personId,
      url: f['link[url]'] ?? null,
    },
    { ...f },
  );
}

function finish(
  e: Omit<InboundEvent, 'key' | 'personKey' | 'properties'>,
  properties: Record<string, string>,
): InboundEvent {
  const email = e.email == null || e.email.trim() === '' ? null : e.email.trim().toLowerCase();
  const url = e.url == null || e.url.trim() === '' ? null : e.url.trim();
  const personId = e.personId == null || e.personId.trim() === '' ? null : e.personId.trim();
  if (url !== null && !('url' in properties)) properties.url = url;
  return {
    ...e,
    email,
    url,
    personId,
    key: `${e.provider}:${e.eventId}`,
    personKey: personId === null ? null : `${e.provider}:${personId}`,
    properties,
  };
}

/** Parses an application/x-www-form-urlencoded body; a key given twice keeps its last value. */
export function formFields(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of body.split('&')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    const v = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      fields[decode(k)] = decode(v);
    } catch {
      throw malformed(`The form body is not URL-encoded: "${pair.slice(0, 40)}".`);
    }
  }
  return fields;
}

const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));

function addScalars(target: Record<string, string>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    if (v !== null && v !== undefined && typeof v !== 'object') target[k] = String(v);
  }
}

function required(m: Record<string, unknown>, field: string, i: number): string {
  const v = text(m[field]);
  if (v === null) throw malformed(`Event ${i} has no "${field}".`);
  return v;
}

function text(v: unknown): string | null {
  if (v === null || v === undefined || typeof v === 'object') return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

function epochMs(v: unknown, i: number): string {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw malformed(`Event ${i}: "occurredAt" must be epoch milliseconds, got ${JSON.stringify(v)}.`);
  }
  return formatInstant(v);
}

// RuleKit.parseInstant's pattern: date, T, hours and minutes, optional seconds and fraction, optional zone.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function instant(v: string, i: number, field: string): string {
  const m = ISO_INSTANT.exec(v.trim());
  if (!m) throw malformed(`Event ${i}: "${field}" is not an ISO-8601 datetime: "${v}".`);
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  if (m[7]) ms += Number(m[7].padEnd(3, '0'));
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(-2))) * 60_000;
    ms += zone.startsWith('+') ? -offset : offset;
  }
  return formatInstant(ms);
}

/** Engagement_Mapping__mdt as the rules read it. */
export interface EngagementMapping {
  name: string;
  provider: string;
  event: string;
  filter: string | null;
  signal: string;
  createLead: boolean;
  /** Points_Override__c: the events score these points instead of their rule's (null: the rule's). */
  pointsOverride?: number | null;
  /**
   * Identify_Only__c: the event only teaches the record with its e-mail its person id (linkTarget); no event is
   * saved and nothing scores (HubSpot_Identify: the contact's email property).
   */
  identifyOnly?: boolean;
  order: number | null;
  active: boolean;
}

/** Active mappings in Order__c order, then name (RevOpsConfig.engagementMappings). */
export function sortMappings(mappings: EngagementMapping[]): EngagementMapping[] {
  return mappings
    .filter((m) => m.active)
    .sort((a, b) =>
      a.order !== b.order
        ? a.order === null
          ? 1
          : b.order === null
            ? -1
            : a.order - b.order
        : a.name < b.name
          ? -1
          : a.name > b.name
            ? 1
            : 0,
    );
}

/** The first mapping (of `sorted`, see sortMappings) that matches the event, or null (EngagementService.mapEvent). */
export function mapEvent(
  e: Pick<InboundEvent, 'provider' | 'name' | 'properties'>,
  sorted: EngagementMapping[],
): EngagementMapping | null {
  const props = new Map<string, string>();
  for (const [k, v] of Object.entries(e.properties)) props.set(k.toLowerCase(), v.toLowerCase());
  const name = e.name.toLowerCase();
  for (const m of sorted) {
    if (m.provider.toLowerCase() !== e.provider) continue;
    if (m.event !== '*' && m.event.toLowerCase() !== name) continue;
    if (filtersHold(m.filter, props)) return m;
  }
  return null;
}

function filtersHold(filter: string | null, props: Map<string, string>): boolean {
  if (!filter || filter.trim() === '') return true;
  for (const condition of filter.split(';')) {
    const eq = condition.indexOf('=');
    if (eq <= 0) return false;
    const contains = condition[eq - 1] === '*';
    const key = condition
      .slice(0, contains ? eq - 1 : eq)
      .trim()
      .toLowerCase();
    const want = condition
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    const have = props.get(key);
    if (have === undefined || (contains ? !have.includes(want) : have !== want)) return false;
  }
  return true;
}

export interface PersonCandidate {
  id: string;
  email: string | null;
  personKey: string | null;
  isConverted?: boolean;
}

/**
 * The person an event belongs to (EngagementService.pickPerson): a Contact with the e-mail, else an unconverted
 * Lead with it, else a converted Lead with it (its events go to its contact), else a Contact, else a Lead whose
 * Provider_Person_Id__c is the person key; candidates oldest first. Null: nobody.
 */
export function pickPerson(
  email: string | null,
  personKey: string | null,
  contacts: PersonCandidate[],
  leads: PersonCandidate[],
): string | null {
  const lower = (s: string | null) => (s == null ? null : s.toLowerCase());
  if (email !== null) {
    const c = contacts.find((x) => lower(x.email) === email);
    if (c) return c.id;
    const open = leads.find((x) => lower(x.email) === email && !x.isConverted);
    if (open) return open.id;
    const converted = leads.find((x) => lower(x.email) === email);
    if (converted) return converted.id;
  }
  if (personKey !== null) {
    const key = personKey.toLowerCase();
    const c = contacts.find((x) => lower(x.personKey) === key);
    if (c) return c.id;
    const l = leads.find((x) => lower(x.personKey) === key);
    if (l) return l.id;
  }
  return null;
}

/**
 * The record that learns an event's person id (EngagementService.linkTarget): when the event carries both an e-mail
 * and a person key, the Contact, else the unconverted Lead, that pickPerson finds by the e-mail alone, provided it has
 * no Provider_Person_Id__c and no candidate holds the key yet (an id is never moved or overwritten). Null: nothing to
 * write (no e-mail or key, nobody with the e-mail, only a converted lead, an id already set, the key taken).
 */
export function linkTarget(
  email: string | null,
  personKey: string | null,
  contacts: PersonCandidate[],
  leads: PersonCandidate[],
): string | null {
  if (email === null || personKey === null) return null;
  if (pickPerson(null, personKey, contacts, leads) !== null) return null;
  const person = pickPerson(email, null, contacts, leads);
  const blank = (k: string | null) => k === null || k.trim() === '';
  const contact = contacts.find((c) => c.id === person);
  if (contact) return blank(contact.personKey) ? contact.id : null;
  const lead = leads.find((l) => l.id === person);
  return lead && blank(lead.personKey) && !lead.isConverted ? lead.id : null;
}
