// One table per custom metadata type: its fields, the checks that mirror the type's own validation rules
// (objects/<Type>__mdt/validationRules), and the mapping to the rule-domain types. zod runs the table.
//
// Layout: fields.ts is the kit (field kinds, the zod schema of a field and of a type, row helpers, record <-> row
// <-> domain conversions); every other file holds the tables of one group of types and lists them in its
// <GROUP>_TYPES array, which TYPE_DEFS below concatenates in this order.
//
// To add a custom metadata type <Type>__mdt: in the group file it belongs to (or a new <group>.ts shaped like
// dedup.ts), write `export const <TYPE>: TypeDef = { type: '<Type>', fields: [...], checks: (r) => [...] }` (one
// FieldSpec per field: API name, domain key, kind; one check per validation rule of objects/<Type>__mdt) and append
// it to that file's <GROUP>_TYPES. That is the whole schema step; only a new group file also needs its two lines
// here (the export * and the spread into TYPE_DEFS). The loader (../load.ts) then finds, validates and types the
// records of every type listed; to hand the records to the rules, add a field to RevOpsConfig (../types.ts) and
// fill it in load.ts's parseConfig with domain<YourType>('<Type>').
import { DEDUP_TYPES } from './dedup.ts';
import { DIGEST_TYPES } from './digest.ts';
import { ENGAGEMENT_TYPES } from './engagement.ts';
import { ENRICHMENT_TYPES } from './enrichment.ts';
import type { TypeDef } from './fields.ts';
import { HANDOFF_TYPES } from './handoff.ts';
import { LIFECYCLE_TYPES } from './lifecycle.ts';
import { PIPELINE_TYPES } from './pipeline.ts';
import { ROUTING_TYPES } from './routing.ts';
import { SCHEDULING_TYPES } from './scheduling.ts';
import { SCORING_TYPES } from './scoring.ts';

export {
  schemaOf,
  toDomain,
  toValues,
  validateRecord,
  type Check,
  type FieldSpec,
  type Kind,
  type Row,
  type TypeDef,
  type Value,
} from './fields.ts';
export * from './scoring.ts';
export * from './routing.ts';
export * from './handoff.ts';
export * from './pipeline.ts';
export * from './dedup.ts';
export * from './engagement.ts';
export * from './enrichment.ts';
export * from './digest.ts';
export * from './lifecycle.ts';
export * from './scheduling.ts';

export const TYPE_DEFS: TypeDef[] = [
  ...SCORING_TYPES,
  ...ROUTING_TYPES,
  ...HANDOFF_TYPES,
  ...PIPELINE_TYPES,
  ...DEDUP_TYPES,
  ...ENGAGEMENT_TYPES,
  ...ENRICHMENT_TYPES,
  ...LIFECYCLE_TYPES,
  ...DIGEST_TYPES,
  ...SCHEDULING_TYPES,
];
export const TYPE_DEF_BY_NAME = new Map(TYPE_DEFS.map((d) => [d.type, d]));
