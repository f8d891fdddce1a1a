// Set-level checks: what no single record's validation rule can see. Each problem names the record, the field and
// the fix. Used by parseConfig (so loadConfig, config check, config init and config push all refuse the same sets).
import type { RoutingRule } from '../rules/routing.ts';
import { DEFAULT_FALLBACK_QUEUE } from '../rules/routing.ts';
import type { ScoringRule } from '../rules/scoring.ts';
import type { DedupRule } from '../rules/match.ts';
import type { LifecycleFieldPolicy } from '../rules/lifecycle.ts';
import type { SlaPolicy } from '../rules/sla.ts';
import { parseCriteria } from '../rules/types.ts';
import { STAGES } from './schema/index.ts';
import type { LeadQueues, ObjectSchema } from './orgSchema.ts';
import type {
  ApprovalTierConfig,
  BusinessCalendarConfig,
  ConfigIssue,
  RawRecord,
  StagePolicyConfig,
} from './types.ts';

/** What the records point at outside themselves; a check whose context is missing does not run. */
export interface SetContext {
  /** fields of Lead, Contact, Opportunity, Account: scoring, routing, stage policy and dedup fields must exist */
  schema?: ObjectSchema;
  /** queues that take leads: every active routing rule's fallback owner and Lead_Fallback must be one */
  leadQueues?: LeadQueues;
}

/** The valid records of a set, as parseConfig typed them. */
export interface TypedSet {
  scoringRules: ScoringRule[];
  routingRules: RoutingRule[];
  slaPolicies: SlaPolicy[];
  businessCalendars: BusinessCalendarConfig[];
  stagePolicies: StagePolicyConfig[];
  approvalTiers: ApprovalTierConfig[];
  dedupRules: DedupRule[];
  lifecycleFieldPolicies?: LifecycleFieldPolicy[];
}

const pct = (n: number): string => `${n}%`;

/**
 * Every set-level problem of `records` (all of them, as read) given their typed valid subset. `invalidTypes` are
 * the types with a record that failed its own checks: checks that need the whole type skip them, so one bad record
 * is reported once, not again as a misleading gap.
 */
export function validateSet(
  records: RawRecord[],
  typed: TypedSet,
  invalidTypes: Set<string>,
  context: SetContext = {},
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const fileOf = new Map(records.map((r) => [`${r.type}.${r.name}`, r.file]));
  const add = (record: string, message: string, field?: string): void => {
    issues.push({
      record,
      ...(field ? { field } : {}),
      message: `${record}: ${message}`,
      ...(fileOf.get(record) ? { file: fileOf.get(record) } : {}),
    });
  };

  duplicateNames(records, add);
  requiredRecords(records, typed, invalidTypes, add);
  if (!invalidTypes.has('Approval_Tier')) tierCoverage(typed.approvalTiers, add);
  if (context.leadQueues) routingFallback(typed.routingRules, context.leadQueues, add);
  if (context.schema) fieldsExist(typed, context.schema, add);
  return issues;
}

type Add = (record: string, message: string, field?: string) => void;

/** A DeveloperName is unique per type, ignoring case, across every package folder (the org keeps one). */
function duplicateNames(records: RawRecord[], add: Add): void {
  const first = new Map<string, RawRecord>();
  for (const r of records) {
    const key = `${r.type}.${r.name.toLowerCase()}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, r);
      continue;
    }
    const how = seen.name === r.name ? 'the same DeveloperName' : 'a DeveloperName that differs only in case';
    add(
      `${r.type}.${r.name}`,
      `${how} as ${r.type}.${seen.name}${seen.file ? ` (${seen.file})` : ''}; the org keeps one record per DeveloperName, ignoring case, so one would silently replace the other. Rename or delete one of the files${r.file ? ` (this one: ${r.file})` : ''}.`,
    );
  }
}

function requiredRecords(records: RawRecord[], typed: TypedSet, invalidTypes: Set<string>, add: Add): void {
  const present = (type: string) => records.filter((r) => r.type === type).map((r) => r.name);
  if (!present('Scoring_Setting').includes('Default'))
    add(
      'Scoring_Setting',
      'the Default record is missing (Scoring_Setting.Default.md-meta.xml holds the MQL thresholds)',
    );
  const calendars = present('Business_Calendar');
  for (const p of typed.slaPolicies.filter((x) => !calendars.includes(x.businessCalendar)))
    add(
      `SLA_Policy.${p.name}`,
      `Business_Calendar__c '${p.businessCalendar}' is not a Business_Calendar record (have: ${calendars.join(', ') || 'none'})`,
    );
  const unique = <T extends { name: string }>(
    list: T[],
    key: (t: T) => unknown,
    what: string,
    type: string,
  ) => {
    const seen = new Map<unknown, string>();
    for (const t of list) {
      const k = key(t);
      const first = seen.get(k);
      if (first !== undefined)
        add(
          `${type}.${t.name}`,
          `${what} ${String(k)} is also used by ${type}.${first}; each must be unique`,
        );
      else seen.set(k, t.name);
    }
  };
  unique(typed.stagePolicies, (s) => s.stage, 'Stage__c', 'Stage_Policy');
  unique(typed.stagePolicies, (s) => s.order, 'Order__c', 'Stage_Policy');
  unique(typed.approvalTiers, (t) => t.order, 'Order__c', 'Approval_Tier');
  unique(
    (typed.lifecycleFieldPolicies ?? []) as (LifecycleFieldPolicy & { name: string })[],
    (p) => `${p.object} ${p.stage}`,
    'Object__c and Stage__c',
    'Lifecycle_Field_Policy',
  );
  // priorities order the rules of one object (Object__c: Lead, Contact, Account)
  for (const object of ['Lead', 'Contact', 'Account'])
    unique(
      typed.routingRules.filter((r) => r.active !== false && (r.object || 'Lead') === object),
      (r) => r.priority,
      'Priority__c',
      'Routing_Rule',
    );
  const missing = invalidTypes.has('Stage_Policy')
    ? []
    : STAGES.filter((s) => !typed.stagePolicies.some((p) => p.stage === s));
  if (missing.length)
    add(
      'Stage_Policy',
      `no policy for stage(s) ${missing.join(', ')}: every opportunity stage needs a Stage_Policy record`,
    );
}

/**
 * The discount bands of the escalation tiers (not Parallel__c; Min_Discount__c set) are [Min, Max) and must cover
 * 0 % to 100 % once: a gap leaves a discount with no tier (the deal-desk rule throws, in TypeScript and Apex), an
 * overlap lets Order__c silently pick one. Blank Max_Discount__c = no upper bound (the top tier; it covers 100 %).
 */
function tierCoverage(tiers: ApprovalTierConfig[], add: Add): void {
  const bands = tiers
    .filter((t) => !t.parallel && t.minDiscount !== null && t.minDiscount !== undefined)
    .map((t) => ({ t, min: t.minDiscount as number, max: t.maxDiscount ?? Infinity }))
    .sort((a, b) => a.min - b.min || a.max - b.max || a.t.order - b.t.order);
  const rec = (t: ApprovalTierConfig) => `Approval_Tier.${t.name}`;
  if (!bands.length) {
    add(
      'Approval_Tier',
      'no escalation tier has a discount band (Min_Discount__c), so no discount has an approval tier: give the Standard tier Min_Discount__c 0',
      'Min_Discount__c',
    );
    return;
  }
  let covered = 0; // [0, covered) has exactly one band so far
  let last: (typeof bands)[number] | null = null;
  for (const b of bands) {
    if (b.min > covered) {
      const sample = Math.round(((covered + b.min) / 2) * 100) / 100;
      if (last)
        add(
          rec(last.t),
          `discounts from ${pct(covered)} up to ${pct(b.min)} match no approval tier: ${rec(last.t)} ends at Max_Discount__c ${pct(covered)} and ${rec(b.t)} starts at Min_Discount__c ${pct(b.min)}, so a ${pct(sample)} discount has no tier and the deal-desk rule throws. Set ${rec(last.t)}.Max_Discount__c to ${b.min} (or ${rec(b.t)}.Min_Discount__c to ${covered}).`,
          'Max_Discount__c',
        );
      else
        add(
          rec(b.t),
          `discounts from 0% up to ${pct(b.min)} match no approval tier: the lowest band starts at Min_Discount__c ${pct(b.min)}. Set ${rec(b.t)}.Min_Discount__c to 0 (or add a Standard tier from 0 to ${b.min}).`,
          'Min_Discount__c',
        );
    } else if (b.min < covered && last) {
      const end = Math.min(covered, b.max);
      add(
        rec(b.t),
        `its band [${pct(b.min)}, ${b.max === Infinity ? '100%]' : `${pct(b.max)})`} overlaps ${rec(last.t)} [${pct(last.min)}, ${last.max === Infinity ? '100%]' : `${pct(last.max)})`}: discounts from ${pct(b.min)} up to ${end === Infinity ? '100%' : pct(end)} match both and Order__c silently picks one. Set ${rec(b.t)}.Min_Discount__c to ${covered === Infinity ? 'a value below the other band' : covered} (or ${rec(last.t)}.Max_Discount__c to ${b.min}).`,
        'Min_Discount__c',
      );
    }
    if (b.max > covered) {
      covered = b.max;
      last = b;
    }
  }
  if (covered !== Infinity && last)
    add(
      rec(last.t),
      covered < 100
        ? `discounts from ${pct(covered)} to 100% match no approval tier: the highest band ends at Max_Discount__c ${pct(covered)}. Leave ${rec(last.t)}.Max_Discount__c blank (no upper bound) or add a tier from ${covered}.`
        : `a 100% discount matches no approval tier: bands are [Min, Max), so Max_Discount__c 100 leaves out 100% itself. Leave ${rec(last.t)}.Max_Discount__c blank (no upper bound).`,
      'Max_Discount__c',
    );
}

/** Leads a rule cannot place go to its Fallback_Owner__c, and leads no rule takes go to Lead_Fallback: both must be queues that take leads. */
function routingFallback(rules: RoutingRule[], queues: LeadQueues, add: Add): void {
  const have = [...queues.names].sort().join(', ') || 'none';
  if (!queues.names.has(DEFAULT_FALLBACK_QUEUE))
    add(
      'Routing_Rule',
      `the ${DEFAULT_FALLBACK_QUEUE} queue, where leads that no rule places go, is not a Lead queue in ${queues.source} (Lead queues: ${have}): those leads would have no owner. Add queues/${DEFAULT_FALLBACK_QUEUE}.queue-meta.xml with <queueSobject><sobjectType>Lead</sobjectType></queueSobject> (or create it in Setup > Queues).`,
    );
  for (const r of rules.filter((x) => x.active !== false && x.fallbackOwner)) {
    if (queues.names.has(r.fallbackOwner as string)) continue;
    add(
      `Routing_Rule.${r.name}`,
      `Fallback_Owner__c '${r.fallbackOwner}' is not a Lead queue in ${queues.source} (Lead queues: ${have}), so leads this rule cannot place have no fallback owner. Set Fallback_Owner__c to one of them (e.g. ${DEFAULT_FALLBACK_QUEUE}) or add that queue for Lead.`,
      'Fallback_Owner__c',
    );
  }
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** Why `path` (Field or Relationship.Field) is not a field of `object`, or null when it is (with the exact case). */
function fieldProblem(schema: ObjectSchema, object: string, path: string): string | null {
  const fields = schema.fields(object);
  if (!fields) return `${object} is not an object in ${schema.describe(object)}`;
  const [head, ...rest] = path.split('.');
  if (rest.length) {
    const rel = [...fields.values()].find((f) => f.relationshipName?.toLowerCase() === head.toLowerCase());
    if (!rel?.referenceTo?.length)
      return `${object} has no relationship ${head} (checked ${schema.describe(object)})`;
    const problems = rel.referenceTo.map((target) => fieldProblem(schema, target, rest.join('.')));
    return problems.every((p) => p !== null) ? problems[0] : null;
  }
  const field = fields.get(head.toLowerCase());
  if (field && field.name !== head)
    return `${object}.${head} is spelled ${field.name} in the schema: Apex would match it, the offline rules (case-sensitive) would not; write ${field.name}`;
  if (field) return null;
  const near = [...fields.values()]
    .map((f) => ({ f, d: distance(f.name.toLowerCase(), head.toLowerCase()) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return `${object} has no field ${head}${near ? ` (did you mean ${near.f.name}?)` : ''} (checked ${schema.describe(object)})`;
}

function fieldsExist(typed: TypedSet, schema: ObjectSchema, add: Add): void {
  for (const r of typed.scoringRules.filter((x) => x.field)) {
    const objects = !r.object || r.object === 'Any' ? ['Lead', 'Contact'] : [r.object];
    for (const object of objects) {
      const problem = fieldProblem(schema, object, r.field as string);
      if (problem)
        add(
          `Scoring_Rule.${r.name}`,
          `Field__c '${r.field}': ${problem}. The rule would never fire on ${object}${r.object === 'Any' || !r.object ? ' (Object__c Any scores Leads and Contacts, so the field must exist on both; or set Object__c to the one that has it)' : ''}. Fix Field__c, or add the field to ${object}.`,
          'Field__c',
        );
    }
  }
  for (const r of typed.routingRules) {
    let criteria: { field: string }[] = [];
    try {
      criteria = parseCriteria(r.criteria);
    } catch {
      continue; // reported by the record's own check
    }
    const object = r.object || 'Lead';
    for (const c of criteria) {
      const problem = fieldProblem(schema, object, c.field);
      if (problem)
        add(
          `Routing_Rule.${r.name}`,
          `Criteria__c names ${c.field}: ${problem}. The criterion would never match a ${object.toLowerCase()}. Fix Criteria__c, or add the field to ${object}.`,
          'Criteria__c',
        );
    }
  }
  for (const p of typed.stagePolicies) {
    for (const f of (p.requiredFields ?? '').split(';').filter((x) => x.trim() !== '')) {
      const problem = fieldProblem(schema, 'Opportunity', f.trim());
      if (problem)
        add(
          `Stage_Policy.${p.name}`,
          `Required_Fields__c names ${f.trim()}: ${problem}. The ${p.stage} stage gate would check a field no deal has. Fix Required_Fields__c, or add the field to Opportunity.`,
          'Required_Fields__c',
        );
    }
  }
  for (const p of typed.lifecycleFieldPolicies ?? []) {
    for (const f of (p.requiredFields ?? '').split(';').filter((x) => x.trim() !== '')) {
      const problem = fieldProblem(schema, p.object, f.trim());
      if (problem)
        add(
          `Lifecycle_Field_Policy.${p.name}`,
          `Required_Fields__c names ${f.trim()}: ${problem}. The ${p.object} ${p.stage} gate would check a field no ${p.object.toLowerCase()} has. Fix Required_Fields__c, or add the field to ${p.object}.`,
          'Required_Fields__c',
        );
    }
  }
  for (const d of typed.dedupRules.filter((x) => x.systemOfRecordField)) {
    const problem = fieldProblem(schema, d.object, d.systemOfRecordField as string);
    if (problem)
      add(
        `Dedup_Rule.${d.name}`,
        `System_Of_Record_Field__c '${d.systemOfRecordField}': ${problem}. Fix it, or add the checkbox to ${d.object}.`,
        'System_Of_Record_Field__c',
      );
  }
}
