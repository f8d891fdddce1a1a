// Load and validate the RevOps custom metadata records into one typed RevOpsConfig.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RoutingRule } from '../rules/routing.ts';
import type { SlaPolicy } from '../rules/sla.ts';
import type { DedupRule } from '../rules/match.ts';
import type { EngagementMapping } from '../rules/engagement.ts';
import type { LifecycleFieldPolicy } from '../rules/lifecycle.ts';
import type { ScoringRule, ScoringSettings } from '../rules/scoring.ts';
import { readRecordFile, recordFileName, recordNameOf, recordToXml } from './xml.ts';
import { leadQueuesFromSource, schemaFromSource } from './orgSchema.ts';
import { validateSet, type SetContext } from './validateSet.ts';
import {
  TYPE_DEFS,
  TYPE_DEF_BY_NAME,
  toDomain,
  toValues,
  validateRecord,
  type Row,
  type TypeDef,
} from './schema/index.ts';
import {
  ConfigError,
  type ApprovalTierConfig,
  type BusinessCalendarConfig,
  type ConfigIssue,
  type EnrichmentMappingConfig,
  type EnrichmentProviderConfig,
  type RawRecord,
  type RawValue,
  type RevOpsConfig,
  type StagePolicyConfig,
} from './types.ts';

/** The config record types this loader owns (other types in customMetadata/, e.g. Trigger_Action, are skipped). */
export const CONFIG_TYPES = TYPE_DEFS.map((d) => d.type);

/** Every config record file under <root>/main/default/customMetadata (or <root>/**\/customMetadata). */
export function findRecordFiles(root = 'force-app'): string[] {
  const dirs: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.name === 'customMetadata') dirs.push(p);
      else walk(p);
    }
  };
  const abs = resolve(root);
  if (!existsSync(abs))
    throw new ConfigError([
      { record: root, message: `${root}: no such folder (pass the SFDX package folder, e.g. force-app)` },
    ]);
  walk(abs);
  return dirs
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.md-meta.xml'))
        .map((f) => join(d, f)),
    )
    .filter((f) => CONFIG_TYPES.some((t) => basename(f).startsWith(`${t}.`)))
    .sort();
}

/**
 * Validate records (from source files or an org query) and map them into the rule-domain types.
 * Throws ConfigError listing every problem: "<Type>.<Record>: <Field> must ... (got '...')", then the set-level
 * ones (validateSet.ts). Field and queue references are checked when `context` carries a schema and queues
 * (loadConfig passes the source's; config push the org's).
 */
export function parseConfig(records: RawRecord[], context: SetContext = {}): RevOpsConfig {
  const issues: ConfigIssue[] = [];
  const rows = new Map<string, { record: RawRecord; row: Row }[]>();
  for (const record of records) {
    const def = TYPE_DEF_BY_NAME.get(record.type);
    if (!def) continue;
    const { row, issues: found } = validateRecord(def, record);
    for (const i of found)
      issues.push({
        record: `${record.type}.${record.name}`,
        field: i.field,
        message: i.message,
        file: record.file,
      });
    if (row) rows.set(record.type, [...(rows.get(record.type) ?? []), { record, row }]);
  }
  const domain = <T>(type: string): T[] => {
    const def = TYPE_DEF_BY_NAME.get(type);
    if (!def) return [];
    return (rows.get(type) ?? []).map(({ record, row }) => toDomain(def, row, record.name) as T);
  };

  // by DeveloperName (a record always has one; the Lifecycle_Field_Policy type leaves it optional)
  const byName = (a: { name?: string }, b: { name?: string }) => (a.name ?? '').localeCompare(b.name ?? '');
  const scoringRules = domain<ScoringRule>('Scoring_Rule').sort(byName);
  const settings = domain<ScoringSettings & { name: string }>('Scoring_Setting');
  const routingRules = domain<RoutingRule>('Routing_Rule').sort(
    (a, b) => a.priority - b.priority || a.name.localeCompare(b.name),
  );
  const slaPolicies = domain<SlaPolicy>('SLA_Policy');
  const businessCalendars = domain<BusinessCalendarConfig>('Business_Calendar');
  const stagePolicies = domain<StagePolicyConfig>('Stage_Policy').sort((a, b) => a.order - b.order);
  const approvalTiers = domain<ApprovalTierConfig>('Approval_Tier').sort((a, b) => a.order - b.order);
  const dedupRules = domain<DedupRule>('Dedup_Rule').sort(byName);
  const engagementMappings = domain<EngagementMapping>('Engagement_Mapping').sort(byName);
  const lifecycleFieldPolicies = domain<LifecycleFieldPolicy>('Lifecycle_Field_Policy').sort(byName);
  const enrichmentProviders = domain<EnrichmentProviderConfig>('Enrichment_Provider').sort(byName);
  const enrichmentMappings = domain<EnrichmentMappingConfig>('Enrichment_Mapping').sort(byName);

  const def = settings.find((s) => s.name === 'Default');
  const invalidTypes = new Set(issues.map((i) => i.record.split('.')[0]));
  issues.push(
    ...validateSet(
      records,
      {
        scoringRules,
        routingRules,
        slaPolicies,
        businessCalendars,
        stagePolicies,
        approvalTiers,
        dedupRules,
        lifecycleFieldPolicies,
      },
      invalidTypes,
      context,
    ),
  );

  if (issues.length) throw new ConfigError(issues);
  return {
    scoringRules,
    scoringSettings: stripName(def as ScoringSettings & { name: string }), // present: checked above
    routingRules,
    slaPolicies,
    businessCalendars,
    stagePolicies,
    approvalTiers,
    dedupRules,
    engagementMappings,
    lifecycleFieldPolicies,
    enrichmentProviders,
    enrichmentMappings,
  };
}

function stripName<T extends { name: string }>(o: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = o;
  return rest;
}

/** The package folders of the SFDX project in `projectDir` (sfdx-project.json), else ['force-app']. */
export function packageDirectories(projectDir = '.'): string[] {
  const file = join(projectDir, 'sfdx-project.json');
  if (!existsSync(file)) return ['force-app'];
  let project: { packageDirectories?: { path?: string }[] };
  try {
    project = JSON.parse(readFileSync(file, 'utf8')) as typeof project;
  } catch (err) {
    throw new ConfigError([
      { record: file, message: `${file} is not valid JSON (${(err as Error).message})`, file },
    ]);
  }
  const dirs = (project.packageDirectories ?? []).map((d) => d.path).filter((p): p is string => !!p);
  return dirs.length ? dirs.map((d) => join(projectDir, d)) : ['force-app'];
}

/** Every record file of one or more package folders, read; unreadable files (malformed XML ...) are issues. */
export function readRecords(roots: string | string[] = 'force-app'): {
  records: RawRecord[];
  files: string[];
} {
  const files = (Array.isArray(roots) ? roots : [roots]).flatMap((root) => findRecordFiles(root));
  const records: RawRecord[] = [];
  const issues: ConfigIssue[] = [];
  for (const file of files) {
    try {
      records.push(readRecordFile(file));
    } catch (err) {
      let record = file;
      try {
        const { type, name } = recordNameOf(file);
        record = `${type}.${name}`;
      } catch {
        // a badly named file: the message says so, the file names it
      }
      issues.push({ record, message: (err as Error).message, file });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return { records, files };
}

/** The context of records in source: the fields and Lead queues of the same package folders. */
export function sourceContext(roots: string | string[]): SetContext {
  const list = Array.isArray(roots) ? roots : [roots];
  return { schema: schemaFromSource(list), leadQueues: leadQueuesFromSource(list) };
}

/**
 * The `Default` record of a one-record setting type (Lead_Digest_Setting, Scheduling_Setting) from a force-app folder,
 * validated as the loader validates it, in its domain shape; `missing` when the tree has no such record. A record that
 * fails its type's checks throws, naming the file.
 */
export function readDefaultRecord<T>(root: string, def: TypeDef, missing: T): T {
  const file = join(root, 'main', 'default', 'customMetadata', `${def.type}.Default.md-meta.xml`);
  let record;
  try {
    record = readRecordFile(file);
  } catch {
    return missing;
  }
  const { row, issues } = validateRecord(def, record);
  if (!row) throw new Error(`${file}: ${issues.map((i) => i.message).join('; ')}`);
  return toDomain(def, row, record.name) as unknown as T;
}

/**
 * Read every config record under `root` (default force-app; or several package folders) and validate it, set-level
 * checks included: referenced fields against objects/<Object>/fields of the same folders plus the standard schema,
 * fallback queues against their queues/ folders.
 */
export function loadConfig(root: string | string[] = 'force-app'): RevOpsConfig {
  return parseConfig(readRecords(root).records, sourceContext(root));
}

/** The SOQL that reads each config type from an org (custom metadata queries need no data access). */
export function configQueries(): { type: string; soql: string }[] {
  return TYPE_DEFS.map((d) => ({
    type: d.type,
    soql: `SELECT DeveloperName, MasterLabel, ${d.fields.map((f) => f.api).join(', ')} FROM ${d.type}__mdt ORDER BY DeveloperName`,
  }));
}

/** One row of a configQueries() result as a RawRecord for parseConfig (org records validate like source files). */
export function recordFromQueryRow(type: string, row: Record<string, unknown>): RawRecord {
  const def = TYPE_DEF_BY_NAME.get(type);
  if (!def) throw new Error(`unknown config type ${type}; use one of ${CONFIG_TYPES.join(', ')}`);
  const name = String(row.DeveloperName ?? '');
  const values: Record<string, RawValue> = {};
  for (const f of def.fields) {
    const v = row[f.api];
    values[f.api] =
      v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : (v as RawValue);
  }
  return {
    type,
    name,
    label: String(row.MasterLabel ?? name),
    values,
    file: `${type}__mdt record ${name} (org)`,
  };
}

export type ConfigTypeName =
  | 'Scoring_Rule'
  | 'Scoring_Setting'
  | 'Routing_Rule'
  | 'SLA_Policy'
  | 'Business_Calendar'
  | 'Stage_Policy'
  | 'Approval_Tier'
  | 'Dedup_Rule';

/**
 * A domain object (as in RevOpsConfig) back to a record: `{ file, xml }` ready to write into customMetadata/.
 * The record is validated first, so an invalid profile is never written.
 */
export function serializeRecord(
  type: ConfigTypeName,
  name: string,
  domain: object,
  label = name.replace(/_/g, ' '),
): { file: string; xml: string } {
  const def = TYPE_DEF_BY_NAME.get(type);
  if (!def) throw new Error(`unknown config type ${type}; use one of ${CONFIG_TYPES.join(', ')}`);
  if (!/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/.test(name) || name.length > 40) {
    throw new ConfigError([
      {
        record: `${type}.${name}`,
        message: `${type}.${name}: DeveloperName must start with a letter, use letters, digits and single underscores, and be at most 40 characters`,
      },
    ]);
  }
  const record: RawRecord = { type, name, label, values: toValues(def, domain as Record<string, unknown>) };
  const { issues } = validateRecord(def, record);
  if (issues.length)
    throw new ConfigError(
      issues.map((i) => ({ record: `${type}.${name}`, field: i.field, message: i.message })),
    );
  return { file: recordFileName(record), xml: recordToXml(record) };
}
