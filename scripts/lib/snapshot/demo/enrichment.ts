// Enrichment in the demo: for the leads and accounts created since the engine's install, EnrichmentJob's answers
// applied as EnrichmentService.apply does: the config's Enrichment_Mapping__mdt records map each provider's attribute
// to a field at a rank (the mapping's, else the provider's; engine/enrichment.ts mappings, as the engine model reads
// them), the enrichment precedence rule (rules/enrichment.ts decide, the twin of EnrichmentPrecedence) picks the
// value, and Enrichment_Sources__c records the provider and time of each field filled, in the engine's format:
// {"<Field>":{"provider":"<provider>","at":"<ISO-8601 UTC>"}} (fields in name order, as the engine model writes).
// Every provider with a mapping counts as switched on (Enrichment_Provider__mdt Active__c and budgets are not read:
// the shipped providers are off until an admin sets up their credentials, and the demo shows an org where they are
// on), as in the engine model.
// What is drawn (not rule values): the providers are asked for what a web form does not collect (the firmographic
// attributes below; the value is the record's own); a lead is looked up by its company e-mail domain; each provider
// answers a record with a chance of its own; the job runs 30 s to 5 min after the insert. Draws come from a hash of
// the record's Id: the random stream, and so the rest of the org, is untouched.
import type { RevOpsConfig } from '../../config/index.ts';
import { mappings, type Mapping } from '../../engine/enrichment.ts';
import { companyEmailDomain } from '../../rules/match.ts';
import { decide, type EnrichmentValue } from '../../rules/enrichment.ts';
import { hashStream } from './addresses.ts';
import type { AccountRow, DemoState, Rec } from './state.ts';

/** The attributes a provider fills on a new record (a form asks for name, e-mail, company, title and country). */
const FIRMOGRAPHICS = new Set(['employees', 'industry', 'revenue']);
/** Percent of lookups each provider answers (others: a typical hit rate). */
const ANSWER_PERCENT: Readonly<Record<string, number>> = { clearbit: 80, apollo: 70, zoominfo: 60 };
const DEFAULT_ANSWER_PERCENT = 65;

type EnrichedObject = 'Lead' | 'Account';

/** Per config and object, the mapped fields of the firmographic attributes with their mappings, in field name order. */
const fieldsByConfig = new WeakMap<RevOpsConfig, Map<EnrichedObject, Array<[string, Mapping[]]>>>();

function mappedFields(config: RevOpsConfig, object: EnrichedObject): Array<[string, Mapping[]]> {
  let fieldsByObject = fieldsByConfig.get(config);
  if (!fieldsByObject) fieldsByConfig.set(config, (fieldsByObject = new Map()));
  let fields = fieldsByObject.get(object);
  if (!fields) {
    const byField = new Map<string, Mapping[]>();
    for (const m of mappings(config, object)) {
      if (!FIRMOGRAPHICS.has(m.attribute)) continue;
      const field = m.field.slice(object.length + 1);
      byField.set(field, [...(byField.get(field) ?? []), m]);
    }
    fields = [...byField.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    fieldsByObject.set(object, fields);
  }
  return fields;
}

/**
 * Enrichment_Sources__c of a record created at `created` with these field values (null: not enriched: created
 * before the install, enriched after the snapshot, or no provider answered with a value). The record's values do
 * not change: a provider's answer is the value the record holds.
 */
function sourcesOf(
  s: DemoState,
  object: EnrichedObject,
  id: string,
  created: number,
  values: Readonly<Record<string, unknown>>,
): string | null {
  if (created < s.installedAt) return null;
  const draw = hashStream(`enrich:${id}`);
  const at = Math.floor(created / 1000) * 1000 + (30 + draw(270)) * 1000;
  if (at > s.asOf) return null;
  const answered = new Map<string, boolean>();
  const answers = (provider: string): boolean => {
    let yes = answered.get(provider);
    if (yes === undefined) {
      yes = draw(100) < (ANSWER_PERCENT[provider] ?? DEFAULT_ANSWER_PERCENT);
      answered.set(provider, yes);
    }
    return yes;
  };
  const sources: Record<string, { provider: string; at: string }> = {};
  let filled = false; // the time is written once the record has a field filled
  for (const [field, forField] of mappedFields(s.rules.config, object)) {
    const value = (values[field] ?? null) as EnrichmentValue;
    const d = decide({
      current: null, // not on the form: empty when the job runs
      source: null,
      sourceRank: null,
      systemOfRecord: false,
      candidates: forField.map((m) => ({
        provider: m.provider,
        rank: m.rank,
        value: answers(m.provider) ? value : null,
      })),
    });
    if (d.action === 'keep') continue;
    sources[field] = { provider: d.provider!, at: '' };
    filled = true;
  }
  if (!filled) return null;
  const atText = new Date(at).toISOString();
  for (const e of Object.values(sources)) e.at = atText;
  return JSON.stringify(sources);
}

/** A new lead's Enrichment_Sources__c: looked up by its company e-mail domain (free mail: not enriched). */
export function leadSources(s: DemoState, rec: Rec, created: number): string | null {
  if (created < s.installedAt || companyEmailDomain(rec.Email) === '') return null;
  return sourcesOf(s, 'Lead', String(rec.Id), created, rec);
}

/** An account's Enrichment_Sources__c, from its row as written (Industry, NumberOfEmployees, AnnualRevenue, ...). */
export function accountSources(s: DemoState, a: AccountRow, row: Rec): string | null {
  return sourcesOf(s, 'Account', a.id, a.createdDate, row);
}
