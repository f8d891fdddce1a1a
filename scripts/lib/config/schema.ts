// One table per custom metadata type: its fields, the checks that mirror the type's own validation rules
// (objects/<Type>__mdt/validationRules), and the mapping to the rule-domain types. zod runs the table.
import { z } from 'zod';
import { OPERATORS, parseCriteria } from '../rules/types.ts';
import { WEEKDAYS } from '../rules/calendar.ts';
import { MATCH_KEYS, MERGE_CRITERIA } from '../rules/match.ts';
import { RECYCLE_REASONS } from '../rules/lifecycle.ts';
import type { RawRecord, RawValue } from './types.ts';

/**
 * Field kinds. text/picklist/number/percent/checkbox are the Salesforce types; list is a Text field holding a
 * ';'-separated list (split in the domain type), json a LongTextArea holding a JSON object.
 */
type Kind = 'text' | 'picklist' | 'number' | 'percent' | 'checkbox' | 'list' | 'json';
type Value = string | number | boolean | string[] | Record<string, number> | null;
export type Row = Record<string, Value>;

export interface FieldSpec {
  api: string; // field API name
  key: string; // property of the domain type
  kind: Kind;
  required?: boolean; // Required on the field (blank is an error)
  options?: readonly string[]; // picklist values, or allowed list items
  default?: boolean; // checkbox default
  message?: string; // message for a value of the wrong type (defaults to "<api> must be a number" etc.)
}

export interface Check {
  field: string;
  message: string;
}

export interface TypeDef {
  type: string; // record prefix, e.g. "Scoring_Rule"
  fields: FieldSpec[];
  /** Mirrors the type's validation rules: each returns the problems of one row (already typed). */
  checks: (row: Row) => Check[];
}

const LIST_SPLIT = /[;\n]/;
const show = (v: RawValue | undefined): string =>
  v === null || v === undefined || v === '' ? 'blank' : `'${String(v)}'`;
const isBlank = (v: Value | undefined): boolean =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const num = (row: Row, api: string): number | null =>
  typeof row[api] === 'number' ? (row[api] as number) : null;
const str = (row: Row, api: string): string => (typeof row[api] === 'string' ? (row[api] as string) : '');
const bool = (row: Row, api: string): boolean => row[api] === true;
const check = (cond: boolean, field: string, message: string): Check[] => (cond ? [{ field, message }] : []);

function typeMessage(f: FieldSpec): string {
  if (f.message) return f.message;
  switch (f.kind) {
    case 'number':
    case 'percent':
      return `${f.api} must be a number`;
    case 'checkbox':
      return `${f.api} must be true or false`;
    case 'picklist':
      return `${f.api} must be one of: ${(f.options ?? []).join(', ')}`;
    case 'list':
      return `${f.api} must list values separated by ";" from: ${(f.options ?? []).join(', ')}`;
    case 'json':
      return `${f.api} must be a JSON object of numbers, e.g. {"email":0.5}`;
    default:
      return `${f.api} must be text`;
  }
}

/** zod schema of one field: raw stored value -> typed value, or an issue naming the field and the bad value. */
function fieldSchema(f: FieldSpec) {
  return z
    .custom<RawValue | undefined>(
      (v) => v === undefined || v === null || ['string', 'number', 'boolean'].includes(typeof v),
    )
    .transform((v, ctx): Value => {
      const fail = (message: string): never => {
        ctx.addIssue({ code: 'custom', message, path: [] });
        return z.NEVER;
      };
      const blank = v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
      if (f.kind === 'checkbox') {
        if (blank) return f.default ?? false;
        if (typeof v === 'boolean') return v;
        if (v === 'true' || v === 'false') return v === 'true';
        return fail(typeMessage(f));
      }
      if (blank) return f.required ? fail(`${f.api} is required`) : f.kind === 'list' ? [] : null;
      switch (f.kind) {
        case 'number':
        case 'percent': {
          const n = typeof v === 'number' ? v : Number(String(v).trim());
          return typeof v === 'boolean' || !Number.isFinite(n) ? fail(typeMessage(f)) : n;
        }
        case 'picklist':
          return f.options?.includes(String(v)) ? String(v) : fail(typeMessage(f));
        case 'list': {
          const items = String(v)
            .split(LIST_SPLIT)
            .map((s) => s.trim())
            .filter((s) => s !== '');
          return f.options && items.some((i) => !f.options?.includes(i)) ? fail(typeMessage(f)) : items;
        }
        case 'json': {
          try {
            const parsed: unknown = JSON.parse(String(v));
            const ok =
              parsed !== null &&
              typeof parsed === 'object' &&
              !Array.isArray(parsed) &&
              Object.values(parsed as object).every((x) => typeof x === 'number' && Number.isFinite(x));
            return ok ? (parsed as Record<string, number>) : fail(typeMessage(f));
          } catch {
            return fail(typeMessage(f));
          }
        }
        default:
          return String(v);
      }
    });
}

/** Build the zod schema of a type: every field, then the checks that mirror its validation rules. */
export function schemaOf(def: TypeDef) {
  const shape = Object.fromEntries(def.fields.map((f) => [f.api, fieldSchema(f)]));
  return z.object(shape).superRefine((row, ctx) => {
    for (const c of def.checks(row as Row))
      ctx.addIssue({ code: 'custom', message: c.message, path: [c.field] });
  });
}

/** Typed row -> domain object (name = DeveloperName). */
export function toDomain(def: TypeDef, row: Row, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name };
  for (const f of def.fields) out[f.key] = row[f.api];
  return out;
}

/** Domain object -> raw record values (the inverse of toDomain), for writing md-meta.xml. */
export function toValues(def: TypeDef, domain: Record<string, unknown>): Record<string, RawValue> {
  const values: Record<string, RawValue> = {};
  for (const f of def.fields) {
    const v = domain[f.key];
    if (v === undefined || v === null) values[f.api] = f.kind === 'checkbox' ? (f.default ?? false) : null;
    else if (Array.isArray(v)) values[f.api] = v.length ? v.join(';') : null;
    else if (typeof v === 'object') values[f.api] = JSON.stringify(v);
    else values[f.api] = v as RawValue;
  }
  return values;
}

/** The problems of one record, each message starting with "<Type>.<Name>: ". */
export function validateRecord(
  def: TypeDef,
  record: RawRecord,
): { row?: Row; issues: { field?: string; message: string }[] } {
  const known = new Set(def.fields.map((f) => f.api));
  const unknown = Object.keys(record.values).filter((k) => !known.has(k));
  const prefix = `${record.type}.${record.name}`;
  const issues: { field?: string; message: string }[] = unknown.map((k) => ({
    field: k,
    message: `${prefix}: ${k} is not a field of ${def.type}__mdt (fields: ${[...known].join(', ')})`,
  }));
  const result = schemaOf(def).safeParse(record.values);
  if (!result.success) {
    for (const i of result.error.issues) {
      const field = typeof i.path[0] === 'string' ? i.path[0] : undefined;
      const got = field && field !== 'Holidays__c' ? ` (got ${show(record.values[field])})` : '';
      issues.push({ field, message: `${prefix}: ${i.message}${got}` });
    }
    return { issues };
  }
  return { row: result.data as Row, issues };
}

// ------------------------------------------------------------------------------------------ the types
const API_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/;
const NUM = '-?[0-9]+(\\.[0-9]+)?';
const NUMBER = new RegExp(`^${NUM}$`);
const BETWEEN = new RegExp(`^${NUM};${NUM}$`);
const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const minutes = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
export const STAGES = [
  'Qualified',
  'Discovery',
  'Demo/Evaluation',
  'Proposal',
  'Negotiation',
  'Closed Won',
  'Closed Lost',
] as const;
export const TIERS = ['Standard', 'Manager', 'VP Sales', 'Deal Desk', 'Finance and Legal'] as const;
export const APPROVERS = ['Manager', 'VP_Sales', 'Deal_Desk', 'Finance', 'Legal'] as const;
const FORECAST = ['Pipeline', 'Best Case', 'Commit', 'Closed', 'Omitted'];

/** Messages used both for a value of the wrong type and by the check that mirrors the validation rule. */
const MSG = {
  model: 'Model__c is required: choose Fit, Engagement or Negative',
  points: 'Points__c must be a number between -100 and 100',
  fitThreshold: 'MQL_Fit_Threshold__c must be between 0 and Score_Cap__c',
  engagementThreshold: 'MQL_Engagement_Threshold__c must be between 0 and Score_Cap__c',
  scoreCap: 'Score_Cap__c must be a number between 1 and 1000',
  priority: 'Priority__c must be a whole number of 1 or more (lower is tried first)',
  method: 'Method__c is required: Account-Based, Territory, Skill or Round-Robin',
  contactHours: 'Contact_Within_Hours__c must be a number of business hours greater than 0',
  qualifyHours: 'Qualify_Within_Hours__c must be at least Contact_Within_Hours__c',
  warning: 'Warning_Percent__c must be between 1 and 99',
  escalation: 'Escalate_To__c is required, and Escalation_Queue__c must be set when escalating to a Queue',
  order: 'Order__c must be a whole number of 1 or more',
  probability: 'Probability__c must be between 0 and 100',
};

export const SCORING_RULE: TypeDef = {
  type: 'Scoring_Rule',
  fields: [
    {
      api: 'Model__c',
      key: 'model',
      kind: 'picklist',
      options: ['Fit', 'Engagement', 'Negative'],
      message: MSG.model,
    },
    {
      api: 'Object__c',
      key: 'object',
      kind: 'picklist',
      options: ['Lead', 'Contact', 'Any'],
      required: true,
      message: 'Object__c must be Lead, Contact or Any',
    },
    { api: 'Field__c', key: 'field', kind: 'text' },
    { api: 'Signal__c', key: 'signal', kind: 'text' },
    { api: 'Operator__c', key: 'operator', kind: 'picklist', options: OPERATORS },
    { api: 'Value__c', key: 'value', kind: 'text' },
    {
      api: 'Points__c',
      key: 'points',
      kind: 'number',
      message: MSG.points,
    },
    { api: 'Half_Life_Days__c', key: 'halfLifeDays', kind: 'number' },
    { api: 'Max_Points__c', key: 'maxPoints', kind: 'number' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
    { api: 'Description__c', key: 'description', kind: 'text' },
  ],
  checks: (r) => {
    const model = str(r, 'Model__c');
    const op = str(r, 'Operator__c');
    const points = num(r, 'Points__c');
    const max = num(r, 'Max_Points__c');
    const half = num(r, 'Half_Life_Days__c');
    const value = str(r, 'Value__c');
    return [
      ...check(points === null || points < -100 || points > 100, 'Points__c', MSG.points),
      ...check(model === '', 'Model__c', MSG.model),
      ...check(
        model === 'Engagement' && (isBlank(r.Signal__c) || !isBlank(r.Field__c)),
        'Signal__c',
        'Engagement rules need Signal__c (an Engagement_Event__c signal) and no Field__c',
      ),
      ...check(
        model !== 'Engagement' && model !== '' && (isBlank(r.Field__c) || op === '' || !isBlank(r.Signal__c)),
        'Field__c',
        'Fit and Negative rules need Field__c and Operator__c, and no Signal__c',
      ),
      ...check(
        !isBlank(r.Field__c) && !API_NAME.test(str(r, 'Field__c')),
        'Field__c',
        'Field__c must be a field API name such as NumberOfEmployees or Tech_Stack__c',
      ),
      ...check(
        op !== '' && op !== 'is blank' && op !== 'is not blank' && value === '',
        'Value__c',
        'Value__c is required for this operator (only "is blank" and "is not blank" need no value)',
      ),
      ...check(
        (op === 'greater than' || op === 'less than') && !NUMBER.test(value),
        'Value__c',
        'Value__c must be a number for "greater than" and "less than"',
      ),
      ...check(
        op === 'between' && !BETWEEN.test(value),
        'Value__c',
        'Value__c must be "min;max" (two numbers separated by ";") for "between"',
      ),
      ...check(
        half !== null && (model !== 'Engagement' || half <= 0),
        'Half_Life_Days__c',
        'Half_Life_Days__c is for Engagement rules only and must be greater than 0',
      ),
      ...check(
        max !== null && (max <= 0 || max > 100 || Math.abs(points ?? 0) > max),
        'Max_Points__c',
        "Max_Points__c must be between 0 and 100 and at least the rule's own Points__c",
      ),
    ];
  },
};

export const SCORING_SETTING: TypeDef = {
  type: 'Scoring_Setting',
  fields: [
    {
      api: 'MQL_Fit_Threshold__c',
      key: 'mqlFitThreshold',
      kind: 'number',
      message: MSG.fitThreshold,
    },
    {
      api: 'MQL_Engagement_Threshold__c',
      key: 'mqlEngagementThreshold',
      kind: 'number',
      message: MSG.engagementThreshold,
    },
    {
      api: 'Score_Cap__c',
      key: 'scoreCap',
      kind: 'number',
      message: MSG.scoreCap,
    },
    { api: 'Burst_Window_Seconds__c', key: 'burstWindowSeconds', kind: 'number' },
    { api: 'Burst_Max_Events__c', key: 'burstMaxEvents', kind: 'number' },
    { api: 'MQL_Max_Negative__c', key: 'mqlMaxNegative', kind: 'number' },
  ],
  checks: (r) => {
    const cap = num(r, 'Score_Cap__c');
    const fit = num(r, 'MQL_Fit_Threshold__c');
    const eng = num(r, 'MQL_Engagement_Threshold__c');
    const win = num(r, 'Burst_Window_Seconds__c');
    const max = num(r, 'Burst_Max_Events__c');
    const maxNegative = num(r, 'MQL_Max_Negative__c');
    return [
      ...check(cap === null || cap < 1 || cap > 1000, 'Score_Cap__c', MSG.scoreCap),
      ...check(
        fit === null || fit < 0 || (cap !== null && fit > cap),
        'MQL_Fit_Threshold__c',
        MSG.fitThreshold,
      ),
      ...check(
        eng === null || eng < 0 || (cap !== null && eng > cap),
        'MQL_Engagement_Threshold__c',
        MSG.engagementThreshold,
      ),
      ...check(
        win === null || max === null || win <= 0 || max < 1,
        'Burst_Max_Events__c',
        'Burst_Window_Seconds__c must be greater than 0 and Burst_Max_Events__c at least 1',
      ),
      ...check(
        maxNegative !== null && (maxNegative <= 0 || (cap !== null && maxNegative > cap)),
        'MQL_Max_Negative__c',
        'MQL_Max_Negative__c must be greater than 0 and at most Score_Cap__c (or blank for no negative gate)',
      ),
    ];
  },
};

export const ROUTING_RULE: TypeDef = {
  type: 'Routing_Rule',
  fields: [
    {
      api: 'Priority__c',
      key: 'priority',
      kind: 'number',
      message: MSG.priority,
    },
    {
      api: 'Method__c',
      key: 'method',
      kind: 'picklist',
      options: ['Account-Based', 'Territory', 'Skill', 'Round-Robin'],
      message: MSG.method,
    },
    { api: 'Criteria__c', key: 'criteria', kind: 'text' },
    { api: 'Target_Pool__c', key: 'targetPool', kind: 'text' },
    { api: 'Target_Queue__c', key: 'targetQueue', kind: 'text' },
    { api: 'Target_User__c', key: 'targetUser', kind: 'text' },
    {
      api: 'Fallback_Owner__c',
      key: 'fallbackOwner',
      kind: 'text',
      required: true,
      message:
        'Fallback_Owner__c is required (a queue DeveloperName such as Lead_Fallback), so no lead is ever left unassigned',
    },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
  ],
  checks: (r) => {
    const method = str(r, 'Method__c');
    const priority = num(r, 'Priority__c');
    const noTarget = isBlank(r.Target_Pool__c) && isBlank(r.Target_Queue__c) && isBlank(r.Target_User__c);
    let criteriaProblem: string | null = null;
    try {
      parseCriteria(str(r, 'Criteria__c') || null);
    } catch (err) {
      criteriaProblem = (err as Error).message;
    }
    return [
      ...check(priority === null || priority < 1, 'Priority__c', MSG.priority),
      ...check(method === '', 'Method__c', MSG.method),
      ...check(
        method !== 'Account-Based' && method !== '' && noTarget,
        'Target_Pool__c',
        'Territory, Skill and Round-Robin rules need a target: Target_Pool__c, Target_Queue__c or Target_User__c',
      ),
      ...check(
        (method === 'Round-Robin' || method === 'Skill') && isBlank(r.Target_Pool__c),
        'Target_Pool__c',
        'Round-Robin and Skill rules choose among reps: set Target_Pool__c to a Rep_Availability__c pool',
      ),
      ...check(
        ['Territory', 'Skill', 'Account-Based'].includes(method) && isBlank(r.Criteria__c),
        'Criteria__c',
        'Account-Based, Territory and Skill rules need Criteria__c (e.g. "Country in US;CA")',
      ),
      ...check(criteriaProblem !== null, 'Criteria__c', `Criteria__c: ${criteriaProblem}`),
    ];
  },
};

export const SLA_POLICY: TypeDef = {
  type: 'SLA_Policy',
  fields: [
    { api: 'Handoff__c', key: 'handoff', kind: 'text', required: true },
    { api: 'Business_Calendar__c', key: 'businessCalendar', kind: 'text', required: true },
    {
      api: 'Contact_Within_Hours__c',
      key: 'contactWithinHours',
      kind: 'number',
      message: MSG.contactHours,
    },
    {
      api: 'Qualify_Within_Hours__c',
      key: 'qualifyWithinHours',
      kind: 'number',
      message: MSG.qualifyHours,
    },
    {
      api: 'Warning_Percent__c',
      key: 'warningPercent',
      kind: 'number',
      message: MSG.warning,
    },
    {
      api: 'Escalate_To__c',
      key: 'escalateTo',
      kind: 'picklist',
      options: ['Manager', 'Queue'],
      message: MSG.escalation,
    },
    { api: 'Escalation_Queue__c', key: 'escalationQueue', kind: 'text' },
    { api: 'Auto_Recycle_Reason__c', key: 'autoRecycleReason', kind: 'text' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
  ],
  checks: (r) => {
    const contact = num(r, 'Contact_Within_Hours__c');
    const qualify = num(r, 'Qualify_Within_Hours__c');
    const warn = num(r, 'Warning_Percent__c');
    const esc = str(r, 'Escalate_To__c');
    const recycle = str(r, 'Auto_Recycle_Reason__c');
    return [
      ...check(contact === null || contact <= 0, 'Contact_Within_Hours__c', MSG.contactHours),
      ...check(
        qualify === null || (contact !== null && qualify < contact),
        'Qualify_Within_Hours__c',
        MSG.qualifyHours,
      ),
      ...check(warn === null || warn < 1 || warn > 99, 'Warning_Percent__c', MSG.warning),
      ...check(
        esc === '' || (esc === 'Queue' && isBlank(r.Escalation_Queue__c)),
        'Escalation_Queue__c',
        MSG.escalation,
      ),
      ...check(
        recycle !== '' && !(RECYCLE_REASONS as readonly string[]).includes(recycle),
        'Auto_Recycle_Reason__c',
        `Auto_Recycle_Reason__c must be a Recycle_Reason__c value: ${RECYCLE_REASONS.join(', ')}`,
      ),
    ];
  },
};

export const BUSINESS_CALENDAR: TypeDef = {
  type: 'Business_Calendar',
  fields: [
    { api: 'Time_Zone__c', key: 'timeZone', kind: 'text', required: true },
    {
      api: 'Workdays__c',
      key: 'workdays',
      kind: 'list',
      required: true,
      options: WEEKDAYS,
      message:
        'Workdays__c must list days as Mon;Tue;Wed;Thu;Fri (three-letter English names separated by ";")',
    },
    { api: 'Day_Start__c', key: 'dayStart', kind: 'text', required: true },
    { api: 'Day_End__c', key: 'dayEnd', kind: 'text', required: true },
    { api: 'Holidays__c', key: 'holidays', kind: 'list' },
  ],
  checks: (r) => {
    const tz = str(r, 'Time_Zone__c');
    const start = str(r, 'Day_Start__c');
    const end = str(r, 'Day_End__c');
    let knownZone = true;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      knownZone = false;
    }
    const holidays = (r.Holidays__c as string[] | null) ?? [];
    const badDay = holidays.find(
      (d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)),
    );
    return [
      ...check(
        !/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/.test(tz) || !knownZone,
        'Time_Zone__c',
        'Time_Zone__c must be an IANA time zone such as America/New_York or Europe/Berlin (or UTC)',
      ),
      ...check(
        !HHMM.test(start) || !HHMM.test(end),
        'Day_Start__c',
        'Day_Start__c and Day_End__c must be times in 24-hour HH:MM form, e.g. 09:00 and 17:00',
      ),
      ...check(
        HHMM.test(start) && HHMM.test(end) && minutes(end) <= minutes(start),
        'Day_End__c',
        'Day_End__c must be later than Day_Start__c',
      ),
      ...check(
        badDay !== undefined,
        'Holidays__c',
        `Holidays__c must hold ISO dates (YYYY-MM-DD) separated by ";" or new lines; '${badDay}' is not one`,
      ),
    ];
  },
};

export const STAGE_POLICY: TypeDef = {
  type: 'Stage_Policy',
  fields: [
    { api: 'Stage__c', key: 'stage', kind: 'text', required: true },
    {
      api: 'Order__c',
      key: 'order',
      kind: 'number',
      message: MSG.order,
    },
    { api: 'Required_Fields__c', key: 'requiredFields', kind: 'text' },
    { api: 'Stale_Multiplier__c', key: 'staleMultiplier', kind: 'number' },
    {
      api: 'Probability__c',
      key: 'probability',
      kind: 'number',
      message: MSG.probability,
    },
    { api: 'Forecast_Category__c', key: 'forecastCategory', kind: 'text' },
    { api: 'Is_Closed__c', key: 'isClosed', kind: 'checkbox' },
    { api: 'Is_Won__c', key: 'isWon', kind: 'checkbox' },
  ],
  checks: (r) => {
    const order = num(r, 'Order__c');
    const p = num(r, 'Probability__c');
    const stale = num(r, 'Stale_Multiplier__c');
    const req = str(r, 'Required_Fields__c');
    return [
      ...check(
        !(STAGES as readonly string[]).includes(str(r, 'Stage__c')),
        'Stage__c',
        `Stage__c must be one of the opportunity stages: ${STAGES.join(', ')}`,
      ),
      ...check(order === null || order < 1, 'Order__c', MSG.order),
      ...check(p === null || p < 0 || p > 100, 'Probability__c', MSG.probability),
      ...check(
        !bool(r, 'Is_Closed__c') && (stale === null || stale < 1),
        'Stale_Multiplier__c',
        'Open stages need Stale_Multiplier__c of 1 or more (e.g. 2 = stale after twice the average days in stage)',
      ),
      ...check(
        bool(r, 'Is_Won__c') && !bool(r, 'Is_Closed__c'),
        'Is_Closed__c',
        'A won stage must also be closed: check Is_Closed__c',
      ),
      ...check(
        !FORECAST.includes(str(r, 'Forecast_Category__c')),
        'Forecast_Category__c',
        'Forecast_Category__c must be Pipeline, Best Case, Commit, Closed or Omitted',
      ),
      ...check(
        req !== '' && !req.split(';').every((f) => API_NAME.test(f)),
        'Required_Fields__c',
        'Required_Fields__c must be field API names separated by ";" (e.g. Pain_Points__c;Timeline__c)',
      ),
    ];
  },
};

export const APPROVAL_TIER: TypeDef = {
  type: 'Approval_Tier',
  fields: [
    {
      api: 'Order__c',
      key: 'order',
      kind: 'number',
      message: MSG.order,
    },
    { api: 'Tier__c', key: 'tier', kind: 'text', required: true },
    { api: 'Min_Discount__c', key: 'minDiscount', kind: 'percent' },
    { api: 'Max_Discount__c', key: 'maxDiscount', kind: 'percent' },
    { api: 'Triggers_On_Non_Standard_Terms__c', key: 'triggersOnNonStandardTerms', kind: 'checkbox' },
    { api: 'Min_Term_Months__c', key: 'minTermMonths', kind: 'number' },
    { api: 'Segment__c', key: 'segment', kind: 'text' },
    { api: 'Approvers__c', key: 'approvers', kind: 'text' },
    { api: 'Parallel__c', key: 'parallel', kind: 'checkbox' },
    { api: 'Approval_Process__c', key: 'approvalProcess', kind: 'text' },
  ],
  checks: (r) => {
    const tier = str(r, 'Tier__c');
    const order = num(r, 'Order__c');
    const min = num(r, 'Min_Discount__c');
    const max = num(r, 'Max_Discount__c');
    const term = num(r, 'Min_Term_Months__c');
    const approvers = str(r, 'Approvers__c');
    const std = tier === 'Standard';
    return [
      ...check(
        !(TIERS as readonly string[]).includes(tier),
        'Tier__c',
        `Tier__c must be one of: ${TIERS.join(', ')}`,
      ),
      ...check(order === null || order < 1, 'Order__c', MSG.order),
      ...check(
        (min !== null && (min < 0 || min > 100)) ||
          (max !== null && (max <= 0 || max > 100)) ||
          (min !== null && max !== null && min >= max),
        'Min_Discount__c',
        'Min_Discount__c and Max_Discount__c must be between 0% and 100%, with Min below Max',
      ),
      ...check(
        !std &&
          min === null &&
          !bool(r, 'Triggers_On_Non_Standard_Terms__c') &&
          term === null &&
          isBlank(r.Segment__c),
        'Min_Discount__c',
        'Set at least one condition: Min_Discount__c, Triggers_On_Non_Standard_Terms__c, Min_Term_Months__c or Segment__c',
      ),
      ...check(
        !std && !approvers.split(';').every((a) => (APPROVERS as readonly string[]).includes(a)),
        'Approvers__c',
        'Approvers__c must list approvers separated by ";" from: Manager, VP_Sales, Deal_Desk, Finance, Legal',
      ),
      ...check(
        !std && isBlank(r.Approval_Process__c),
        'Approval_Process__c',
        'Approval_Process__c is required for every tier above Standard (the Opportunity approval process DeveloperName)',
      ),
      ...check(
        std && (!isBlank(r.Approvers__c) || !isBlank(r.Approval_Process__c)),
        'Approvers__c',
        'The Standard tier is auto-approved: leave Approvers__c and Approval_Process__c blank',
      ),
      ...check(
        bool(r, 'Parallel__c') && !approvers.includes(';'),
        'Parallel__c',
        'A Parallel tier needs at least two approvers in Approvers__c (e.g. Finance;Legal)',
      ),
      ...check(term !== null && term < 1, 'Min_Term_Months__c', 'Min_Term_Months__c must be at least 1'),
    ];
  },
};

export const DEDUP_RULE: TypeDef = {
  type: 'Dedup_Rule',
  fields: [
    {
      api: 'Object__c',
      key: 'object',
      kind: 'picklist',
      options: ['Lead', 'Contact', 'Account'],
      required: true,
      message: 'Object__c must be Lead, Contact or Account',
    },
    {
      api: 'Match_Keys__c',
      key: 'matchKeys',
      kind: 'list',
      required: true,
      options: MATCH_KEYS,
      message:
        'Match_Keys__c must list keys separated by ";" from: email, email_domain, phone, company, name, website',
    },
    { api: 'Match_Threshold__c', key: 'matchThreshold', kind: 'number' },
    { api: 'Review_Threshold__c', key: 'reviewThreshold', kind: 'number' },
    { api: 'System_Of_Record_Field__c', key: 'systemOfRecordField', kind: 'text' },
    {
      api: 'Merge_Priority__c',
      key: 'mergePriority',
      kind: 'list',
      required: true,
      options: MERGE_CRITERIA,
      message:
        'Merge_Priority__c must list criteria separated by ";" from: system_of_record, most_recent_activity, oldest_created',
    },
    { api: 'Field_Weights__c', key: 'fieldWeights', kind: 'json' },
    { api: 'Active__c', key: 'active', kind: 'checkbox', default: true },
  ],
  checks: (r) => {
    const match = num(r, 'Match_Threshold__c');
    const review = num(r, 'Review_Threshold__c');
    const weights = (r.Field_Weights__c as Record<string, number> | null) ?? {};
    const badWeight = Object.keys(weights).find((k) => !(MATCH_KEYS as readonly string[]).includes(k));
    return [
      ...check(
        match === null || review === null || match <= 0 || match > 1 || review <= 0 || review > match,
        'Match_Threshold__c',
        'Match_Threshold__c must be above 0 and at most 1, and Review_Threshold__c above 0 and at most Match_Threshold__c',
      ),
      ...check(
        ((r.Merge_Priority__c as string[] | null) ?? []).includes('system_of_record') &&
          isBlank(r.System_Of_Record_Field__c),
        'System_Of_Record_Field__c',
        'Merge_Priority__c uses system_of_record, so System_Of_Record_Field__c must name the checkbox that marks it',
      ),
      ...check(
        badWeight !== undefined,
        'Field_Weights__c',
        `Field_Weights__c keys must be match keys (${MATCH_KEYS.join(', ')}); '${badWeight}' is not one`,
      ),
    ];
  },
};

export const TYPE_DEFS: TypeDef[] = [
  SCORING_RULE,
  SCORING_SETTING,
  ROUTING_RULE,
  SLA_POLICY,
  BUSINESS_CALENDAR,
  STAGE_POLICY,
  APPROVAL_TIER,
  DEDUP_RULE,
];
export const TYPE_DEF_BY_NAME = new Map(TYPE_DEFS.map((d) => [d.type, d]));
