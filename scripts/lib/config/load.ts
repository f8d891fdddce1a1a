// Load and validate the RevOps custom metadata records into one typed RevOpsConfig.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { RoutingRule } from '../rules/routing.ts';
import type { SlaPolicy } from '../rules/sla.ts';
import type { DedupRule } from '../rules/match.ts';
import type { ScoringRule, ScoringSettings } from '../rules/scoring.ts';
import { readRecordFile, recordFileName, recordToXml } from './xml.ts';
import {
  STAGES,
  TYPE_DEFS,
  TYPE_DEF_BY_NAME,
  toDomain,
  toValues,
  validateRecord,
  type Row,
} from './schema.ts';
import {
  ConfigError,
  type ApprovalTierConfig,
  type BusinessCalendarConfig,
  type ConfigIssue,
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
 * Throws ConfigError listing every problem: "<Type>.<Record>: <Field> must ... (got '...')".
 */
export function parseConfig(records: RawRecord[]): RevOpsConfig {
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

  const scoringRules = domain<ScoringRule>('Scoring_Rule').sort((a, b) => a.name.localeCompare(b.name));
  const settings = domain<ScoringSettings & { name: string }>('Scoring_Setting');
  const routingRules = domain<RoutingRule>('Routing_Rule').sort(
    (a, b) => a.priority - b.priority || a.name.localeCompare(b.name),
  );
  const slaPolicies = domain<SlaPolicy>('SLA_Policy');
  const businessCalendars = domain<BusinessCalendarConfig>('Business_Calendar');
  const stagePolicies = domain<StagePolicyConfig>('Stage_Policy').sort((a, b) => a.order - b.order);
  const approvalTiers = domain<ApprovalTierConfig>('Approval_Tier').sort((a, b) => a.order - b.order);
  const dedupRules = domain<DedupRule>('Dedup_Rule').sort((a, b) => a.name.localeCompare(b.name));

  // Set-level checks: what no single record's validation rule can see. A record that is itself invalid was
  // reported above, so it still counts as present here (no second, misleading message).
  const set = (record: string, message: string) => issues.push({ record, message: `${record}: ${message}` });
  const present = (type: string) => records.filter((r) => r.type === type).map((r) => r.name);
  const def = settings.find((s) => s.name === 'Default');
  if (!present('Scoring_Setting').includes('Default')) {
    set(
      'Scoring_Setting',
      'the Default record is missing (Scoring_Setting.Default.md-meta.xml holds the MQL thresholds)',
    );
  }
  const calendars = present('Business_Calendar');
  for (const p of slaPolicies.filter((x) => !calendars.includes(x.businessCalendar))) {
    set(
      `SLA_Policy.${p.name}`,
      `Business_Calendar__c '${p.businessCalendar}' is not a Business_Calendar record (have: ${calendars.join(', ') || 'none'})`,
    );
  }
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
        set(
          `${type}.${t.name}`,
          `${what} ${String(k)} is also used by ${type}.${first}; each must be unique`,
        );
      else seen.set(k, t.name);
    }
  };
  unique(stagePolicies, (s) => s.stage, 'Stage__c', 'Stage_Policy');
  unique(stagePolicies, (s) => s.order, 'Order__c', 'Stage_Policy');
  unique(approvalTiers, (t) => t.order, 'Order__c', 'Approval_Tier');
  unique(
    routingRules.filter((r) => r.active !== false),
    (r) => r.priority,
    'Priority__c',
    'Routing_Rule',
  );
  const invalidStagePolicy = issues.some((i) => i.record.startsWith('Stage_Policy.'));
  const missingStages = invalidStagePolicy
    ? []
    : STAGES.filter((s) => !stagePolicies.some((p) => p.stage === s));
  if (missingStages.length) {
    set(
      'Stage_Policy',
      `no policy for stage(s) ${missingStages.join(', ')}: every opportunity stage needs a Stage_Policy record`,
    );
  }

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
  };
}

function stripName<T extends { name: string }>(o: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = o;
  return rest;
}

/** Read every config record under `root` (default force-app) and validate it. */
export function loadConfig(root = 'force-app'): RevOpsConfig {
  const records: RawRecord[] = [];
  const issues: ConfigIssue[] = [];
  for (const file of findRecordFiles(root)) {
    try {
      records.push(readRecordFile(file));
    } catch (err) {
      issues.push({ record: file, message: (err as Error).message, file });
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return parseConfig(records);
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
