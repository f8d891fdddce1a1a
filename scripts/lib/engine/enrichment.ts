// Enrichment in the engine model: the answers of the providers for one Lead or Contact arrive (what EnrichmentJob
// gets from its callouts, already normalised to Enrichment_Mapping__mdt attributes) and are applied as
// EnrichmentService.apply does: the config's Enrichment_Mapping__mdt records map each attribute to a field,
// rules/enrichment.ts decide (the twin of EnrichmentPrecedence) picks the value, Enrichment_Sources__c records the
// provider and time, and the update runs the before-update path (rescoring, the MQL move) like the job's update.
// Every provider with a mapping in the config counts as active at its Rank__c (only the answering ones have
// values); the HTTP shapes and the job's limits are the Apex tests' (EnrichmentService_Tests, EnrichmentMock).
// requestEnrichment is the hook in front of it: which records the triggers hand to EnrichmentService.enrichNow, and
// why (state.enrichmentRequests); the job's answers are a scenario's own `enrich` step.
import type { RevOpsConfig } from '../config/types.ts';
import { decide, type Candidate, type EnrichmentValue } from '../rules/enrichment.ts';
import type { Engine } from './engine.ts';
import type { EngineRecord, EngineState, EnrichmentRequestRow } from './state.ts';
import type { PersonObject } from './triggers.ts';

/** Provider -> attribute -> value, as the providers answered (e.g. {"clearbit": {"employees": 1500}}). */
export type EnrichmentAnswers = Record<string, Record<string, EnrichmentValue>>;

export interface Mapping {
  provider: string;
  attribute: string;
  field: string;
  rank: number;
}

const mappingsByConfig = new WeakMap<RevOpsConfig, Mapping[]>();

/** The config's active mappings, each with its rank (the mapping's, else its provider's). */
export function mappings(config: RevOpsConfig, object: string): Mapping[] {
  let all = mappingsByConfig.get(config);
  if (!all) {
    const providerRank = new Map((config.enrichmentProviders ?? []).map((p) => [p.provider, p.rank]));
    all = (config.enrichmentMappings ?? [])
      .filter((m) => m.active !== false)
      .map((m) => ({
        provider: m.provider,
        attribute: m.attribute,
        field: `${m.object}.${m.targetField}`,
        rank: m.rank ?? providerRank.get(m.provider) ?? 99,
      }));
    mappingsByConfig.set(config, all);
  }
  return all.filter((m) => m.field.startsWith(`${object}.`));
}

/** EnrichmentRecords.domainOf: the host of a Website without scheme, path or "www."; null when it has no dot. */
export function domainOf(website: unknown): string | null {
  if (typeof website !== 'string' || website.trim() === '') return null;
  const host = website
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#:].*$/, '')
    .replace(/^www\./, '');
  return host.includes('.') ? host : null;
}

/**
 * EnrichmentService.enrichNow for these records: recorded whether or not a provider is active (the job's answers
 * arrive as a later `enrich` step). Callers: TA_Lead_Enrich (every new lead), TA_Account_Enrich (new accounts with a
 * Website domain), TA_Event_Enrich (the Lead/Contact of a meeting that starts in the future).
 */
export function requestEnrichment(
  state: EngineState,
  recordIds: string[],
  reason: EnrichmentRequestRow['reason'],
): void {
  for (const recordId of recordIds) state.enrichmentRequests.push({ recordId, reason, at: state.now });
}

/** Enrichment_Sources__c as field -> {provider, at}; unreadable text counts as none. */
function sourcesOf(rec: EngineRecord): Record<string, { provider: string; at: string }> {
  const raw = rec.Enrichment_Sources__c;
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, { provider: string; at: string }>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Applies the providers' answers to a Lead or Contact; returns the record after the update (unchanged when every
 * field was kept). Throws for a provider with no mapping in the config for the object, naming it.
 */
export function enrich(
  engine: Engine,
  obj: PersonObject,
  id: string,
  answers: EnrichmentAnswers,
): EngineRecord {
  const rec = engine.state.records[obj].get(id);
  if (!rec) throw new Error(`enrich: no ${obj} ${id}`);
  const all = mappings(engine.state.config, obj);
  for (const provider of Object.keys(answers))
    if (!all.some((m) => m.provider === provider))
      throw new Error(
        `enrich: ${provider} has no active Enrichment_Mapping__mdt for ${obj}; use one of the mapped providers`,
      );
  // every provider with a mapping in the config counts as configured (its rank decides); only the answering ones have values
  const active = all;
  const sorField = engine.state.config.dedupRules.find((r) => r.object === obj)?.systemOfRecordField ?? null;
  const sources = sourcesOf(rec);
  const changes: Record<string, unknown> = {};
  for (const field of [...new Set(active.map((m) => m.field.slice(obj.length + 1)))].sort()) {
    const forField = active.filter((m) => m.field === `${obj}.${field}`);
    const candidates: Candidate[] = forField.map((m) => ({
      provider: m.provider,
      rank: m.rank,
      value: answers[m.provider]?.[m.attribute] ?? null,
    }));
    const source = sources[field]?.provider ?? null;
    const d = decide({
      current: (rec[field] ?? null) as EnrichmentValue,
      source,
      sourceRank: source === null ? null : (forField.find((m) => m.provider === source)?.rank ?? null),
      systemOfRecord: sorField !== null && rec[sorField] === true,
      candidates,
    });
    if (d.action === 'keep') continue;
    changes[field] = d.value;
    sources[field] = { provider: d.provider!, at: engine.state.now };
  }
  if (!Object.keys(changes).length) return rec;
  changes.Enrichment_Sources__c = JSON.stringify(sources);
  return engine.update(obj, id, changes);
}
