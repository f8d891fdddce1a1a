// The kit every custom metadata type table is built from: field kinds, the zod schema of a field and of a type,
// the row helpers the checks use, and the conversions between stored records, typed rows and domain objects.
import { z } from 'zod';
import type { RawRecord, RawValue } from '../types.ts';
/**
 * Field kinds. text/picklist/number/percent/checkbox are the Salesforce types; list is a Text field holding a
 * ';'-separated list (split in the domain type), json a LongTextArea holding a JSON object.
 */
export type Kind = 'text' | 'picklist' | 'number' | 'percent' | 'checkbox' | 'list' | 'json';
export type Value = string | number | boolean | string[] | Record<string, number> | null;
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
export const show = (v: RawValue | undefined): string =>
  v === null || v === undefined || v === '' ? 'blank' : `'${String(v)}'`;
export const isBlank = (v: Value | undefined): boolean =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
export const num = (row: Row, api: string): number | null =>
  typeof row[api] === 'number' ? (row[api] as number) : null;
export const str = (row: Row, api: string): string =>
  typeof row[api] === 'string' ? (row[api] as string) : '';
export const bool = (row: Row, api: string): boolean => row[api] === true;
export const check = (cond: boolean, field: string, message: string): Check[] =>
  cond ? [{ field, message }] : [];

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

// ------------------------------------------------------------------------------- patterns shared by the checks
export const API_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/;
const NUM = '-?[0-9]+(\\.[0-9]+)?';
export const NUMBER = new RegExp(`^${NUM}$`);
export const BETWEEN = new RegExp(`^${NUM};${NUM}$`);
export const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
export const minutes = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
