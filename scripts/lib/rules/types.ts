// Shared building blocks of the pure rules: record values, the condition operators used by scoring rules and
// routing criteria, rounding and time helpers. No I/O; every function is deterministic.
import { SfError } from '@salesforce/core/sfError';

/** A field value as it appears in a record (Lead/Contact/Opportunity): JSON scalars only. */
export type FieldValue = string | number | boolean | null;
/** A record as a map of field API name → value (e.g. { Email: 'a@b.com', NumberOfEmployees: 250 }). */
export type SRecord = Record<string, FieldValue | undefined>;

/** Operator__c values shared by Scoring_Rule__mdt and Routing_Rule__mdt criteria. */
export const OPERATORS = [
  'equals',
  'not equals',
  'in',
  'contains',
  'starts with',
  'ends with',
  'greater than',
  'less than',
  'between',
  'is blank',
  'is not blank',
  'email domain in',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Error thrown for bad rule input; the message names what was wrong and how to fix it. */
export class RuleInputError extends SfError {
  constructor(message: string) {
    super(message, 'RuleInputError');
  }
}

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** Parses an ISO-8601 datetime ("2026-03-08T14:00:00Z") to epoch ms; throws a clear error when invalid. */
export function parseInstant(value: string, what: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new RuleInputError(
      `${what}: "${String(value)}" is not an ISO-8601 datetime (e.g. 2026-03-08T14:00:00Z)`,
    );
  }
  return ms;
}

/** Formats epoch ms as ISO-8601 UTC without milliseconds ("2026-03-08T14:00:00Z"). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Rounds to `digits` decimals, half away from zero (Apex: Decimal.setScale(n, RoundingMode.HALF_UP)).
 * A tiny epsilon absorbs binary noise such as 1.25000000000001 vs 1.2499999999999.
 */
export function roundHalfUp(value: number, digits = 1): number {
  const f = 10 ** digits;
  const r = Math.round(Math.abs(value) * f + 1e-7) / f;
  return value < 0 ? -r : r === 0 ? 0 : r;
}

/** Splits a ';' (or newline) separated config list, trimming blanks away. */
export function splitList(value: string | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return String(value)
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Compares Ids (or any strings) by UTF-16 code units, like RuleKit.compareIds (case matters: Ids differ in case). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isBlank(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function asNumber(value: FieldValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

function asText(value: FieldValue | undefined): string {
  return isBlank(value) ? '' : String(value).trim().toLowerCase();
}

/** The domain part of an e-mail address, lower-cased; '' when the value is not an address. */
export function domainOfEmail(email: FieldValue | undefined): string {
  const s = asText(email);
  const at = s.lastIndexOf('@');
  return at > 0 && at < s.length - 1 ? s.slice(at + 1) : '';
}

function sameValue(field: FieldValue | undefined, expected: string): boolean {
  const n = asNumber(field);
  const e = asNumber(expected);
  if (n !== null && e !== null) return n === e;
  return asText(field) === expected.trim().toLowerCase();
}

/**
 * Evaluates one condition `<field value> <operator> <config value>` the way Scoring_Rule__mdt and routing
 * criteria define it. Text comparisons ignore case and surrounding spaces; list values are ';'-separated;
 * `between` is inclusive at both ends; numeric operators are false for non-numeric field values.
 */
export function evaluateCondition(
  field: FieldValue | undefined,
  operator: Operator,
  value: string | null,
): boolean {
  const list = splitList(value);
  const text = asText(field);
  switch (operator) {
    case 'equals':
      return !isBlank(field) && sameValue(field, value ?? '');
    case 'not equals':
      return isBlank(field) || !sameValue(field, value ?? '');
    case 'in':
      return !isBlank(field) && list.some((v) => sameValue(field, v));
    case 'contains':
      return text !== '' && list.some((v) => text.includes(v.toLowerCase()));
    case 'starts with':
      return text !== '' && list.some((v) => text.startsWith(v.toLowerCase()));
    case 'ends with':
      return text !== '' && list.some((v) => text.endsWith(v.toLowerCase()));
    case 'greater than':
    case 'less than': {
      const n = asNumber(field);
      const e = asNumber(value);
      if (n === null || e === null) return false;
      return operator === 'greater than' ? n > e : n < e;
    }
    case 'between': {
      const n = asNumber(field);
      const lo = asNumber(list[0]);
      const hi = asNumber(list[1]);
      if (n === null || lo === null || hi === null) return false;
      return n >= lo && n <= hi;
    }
    case 'is blank':
      return isBlank(field);
    case 'is not blank':
      return !isBlank(field);
    case 'email domain in': {
      const d = domainOfEmail(field);
      return d !== '' && list.some((v) => v.toLowerCase() === d);
    }
    default:
      throw new RuleInputError(
        `operator "${String(operator)}" is unknown; use one of: ${OPERATORS.join(', ')}`,
      );
  }
}

/** A parsed routing criterion: `<Field> <operator> <value>`. */
export interface Criterion {
  field: string;
  operator: Operator;
  value: string;
}

/**
 * Parses Routing_Rule__mdt.Criteria__c: conditions `<Field API name> <operator> <value>` joined by ' AND '
 * (e.g. "Country in US;CA AND NumberOfEmployees greater than 500"). Blank criteria match every record.
 */
export function parseCriteria(criteria: string | null | undefined): Criterion[] {
  if (isBlank(criteria ?? null)) return [];
  const byLength = [...OPERATORS].sort((a, b) => b.length - a.length);
  return String(criteria)
    .split(/\s+AND\s+/)
    .map((part) => {
      const m = /^\s*(\S+)\s+(.*)$/.exec(part);
      const rest = m ? m[2] : '';
      const op = byLength.find((o) => rest.toLowerCase() === o || rest.toLowerCase().startsWith(`${o} `));
      if (!m || !op) {
        throw new RuleInputError(
          `criteria "${part.trim()}" is not "<Field> <operator> <value>"; operators: ${OPERATORS.join(', ')}`,
        );
      }
      return { field: m[1], operator: op, value: rest.slice(op.length).trim() };
    });
}

export function matchesCriteria(record: SRecord, criteria: Criterion[]): boolean {
  return criteria.every((c) => evaluateCondition(record[c.field], c.operator, c.value));
}
