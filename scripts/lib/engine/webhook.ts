// Engagement in, in the engine model: a provider's webhook body arrives (EngagementResource.cls after its signature
// check): its events are parsed, mapped to signals, matched to a Lead or Contact and saved as engagement events,
// which rescore their person through the usual path (Engine.engagement). Unknown people become Subscriber leads
// only when the mapping says Create_Lead__c; an event id seen before is a duplicate and is not saved again. Before
// matching, an event with both an e-mail and a person id teaches the record with that e-mail its id (linkTarget), and
// an Identify_Only__c mapping does only that (outcome identified, no event saved).
import {
  linkTarget,
  mapEvent,
  parsePayload,
  pickPerson,
  sortMappings,
  type PersonCandidate,
} from '../rules/engagement.ts';
import type { Engine } from './engine.ts';

export interface WebhookResult {
  received: number;
  ignored: number;
  saved: number;
  identified: number;
  duplicates: number;
  unmapped: number;
  unmatched: number;
  leadsCreated: number;
}

const savedKeys = new WeakMap<Engine, Set<string>>();

/** Receives one webhook body for `provider`; throws EngagementError for a body the endpoint refuses. */
export function receiveWebhook(engine: Engine, provider: string, body: string): WebhookResult {
  const parsed = parsePayload(provider, body);
  const mappings = sortMappings(engine.state.config.engagementMappings ?? []);
  const seen = savedKeys.get(engine) ?? new Set<string>();
  savedKeys.set(engine, seen);
  const result: WebhookResult = {
    received: parsed.events.length,
    ignored: parsed.ignored,
    saved: 0,
    identified: 0,
    duplicates: 0,
    unmapped: 0,
    unmatched: 0,
    leadsCreated: 0,
  };
  const candidates = (obj: 'Lead' | 'Contact'): PersonCandidate[] =>
    [...engine.state.records[obj].values()].map((r) => ({
      id: r.Id,
      email: typeof r.Email === 'string' ? r.Email : null,
      personKey: typeof r.Provider_Person_Id__c === 'string' ? r.Provider_Person_Id__c : null,
      isConverted: r.IsConverted === true,
    }));
  // people as they were before the request (EngagementIdentity reads once); leads created now are added below
  const contacts = candidates('Contact');
  const leads = candidates('Lead');
  // EngagementService.learnIds: one update of every record that learns its person id, before the matching
  const learnt = new Map<string, string>();
  for (const e of parsed.events) {
    if (!mapEvent(e, mappings)) continue;
    const target = linkTarget(e.email, e.personKey, contacts, leads);
    if (target === null || e.personKey === null) continue;
    learnt.set(target, e.personKey);
    for (const c of [...contacts, ...leads]) if (c.id === target) c.personKey = e.personKey;
  }
  for (const [id, key] of learnt)
    engine.update(engine.state.records.Lead.has(id) ? 'Lead' : 'Contact', id, { Provider_Person_Id__c: key });
  const created = new Map<string, string>();
  for (const e of parsed.events) {
    const mapping = mapEvent(e, mappings);
    if (seen.has(e.key)) {
      result.duplicates++;
      continue;
    }
    if (!mapping) {
      result.unmapped++;
      continue;
    }
    if (mapping.identifyOnly) {
      if (pickPerson(e.email, null, contacts, leads) === null) result.unmatched++;
      else result.identified++;
      continue;
    }
    let person =
      pickPerson(e.email, e.personKey, contacts, leads) ?? (e.email ? (created.get(e.email) ?? null) : null);
    if (person === null && mapping.createLead && e.email) {
      const at = e.email.indexOf('@');
      person = engine.insertLead({
        LastName: (at > 0 ? e.email.slice(0, at) : e.email).slice(0, 80),
        Company: (at > 0 ? e.email.slice(at + 1) : e.email).slice(0, 255),
        Email: e.email,
        Provider_Person_Id__c: e.personKey,
        Lifecycle_Stage__c: 'Subscriber',
      }).Id;
      created.set(e.email, person);
      result.leadsCreated++;
    }
    if (person === null) {
      result.unmatched++;
      continue;
    }
    seen.add(e.key);
    engine.engagement(person, mapping.signal, e.occurredAt, 1, mapping.pointsOverride ?? null);
    result.saved++;
  }
  return result;
}
