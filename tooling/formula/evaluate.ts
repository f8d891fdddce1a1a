import { parse as formulonParse } from 'formulon';
import type { FormulonLiteral } from 'formulon';
import { FormulaError, KNOWN_FUNCTIONS, parseFormula, type FormulaAst } from './parse.ts';

/** Field data types as a formula sees them (Salesforce field types folded to what matters for evaluation). */
export type FieldType =
  | 'number'
  | 'text'
  | 'checkbox'
  | 'date'
  | 'datetime'
  | 'picklist'
  | 'multipicklist'
  | 'percent'
  | 'currency';

/** Formula data type of a field, from its metadata `<type>` (lower-cased); anything else reads as text. */
const FORMULA_TYPE_OF: Partial<Record<string, FieldType>> = {
  number: 'number',
  currency: 'currency',
  percent: 'percent',
  checkbox: 'checkbox',
  date: 'date',
  datetime: 'datetime',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
};
export function formulaTypeOf(metadataType: string | undefined): FieldType {
  return (metadataType && FORMULA_TYPE_OF[metadataType]) || 'text';
}

export type BlankHandling = 'BlankAsZero' | 'BlankAsBlank';

export interface FormulaContext {
  /** field values of the record, by API name; dotted paths ("Account.Segment__c") as keys or nested objects */
  record: Record<string, unknown>;
  /** the record before the change (for ISCHANGED and PRIORVALUE); omit on insert */
  prior?: Record<string, unknown>;
  /** true while the record is being created (ISNEW() true, ISCHANGED() false, PRIORVALUE() = current value) */
  isNew?: boolean;
  /** custom permissions the running user holds ($Permission.X) */
  permissions?: string[];
  /** the running user's fields ($User.X) */
  user?: Record<string, unknown>;
  /** data types by field API name (case-insensitive); fields not listed are typed from their JS value */
  fieldTypes?: Record<string, FieldType>;
  /** any other global by its full name, e.g. "$Setup.RevOps_Settings__c.Enabled__c" */
  globals?: Record<string, unknown>;
  /** how blank number fields read: BlankAsBlank (default; validation rules) or BlankAsZero */
  treatBlanksAs?: BlankHandling;
  /** formula fields of the object: a referenced formula field missing from `record` is computed from these */
  formulas?: Record<string, { formula: string; treatBlanksAs?: BlankHandling }>;
  /** the clock for NOW() and TODAY() (default: the real clock) */
  now?: Date;
}

/** What a formula evaluates to: Date for date/datetime, string[] for multi-select picklists, null when blank. */
export type FormulaValue = boolean | number | string | Date | string[] | null;

type Literal = FormulonLiteral;

const nul = (): Literal => ({ type: 'literal', dataType: 'null', value: null, options: {} });
const bool = (v: boolean): Literal => ({ type: 'literal', dataType: 'checkbox', value: v, options: {} });
const text = (v: string): Literal => ({
  type: 'literal',
  dataType: 'text',
  value: v,
  options: { length: v.length },
});
const num = (v: number): Literal => {
  const [intPart, decPart = ''] = Math.abs(v).toString().split('.');
  const scale = /e/i.test(decPart) ? 20 : decPart.length;
  return { type: 'literal', dataType: 'number', value: v, options: { length: intPart.length, scale } };
};
const dateLit = (d: Date): Literal => ({
  type: 'literal',
  dataType: 'date',
  value: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())),
  options: {},
});
const datetimeLit = (d: Date): Literal => ({ type: 'literal', dataType: 'datetime', value: d, options: {} });

// prettier-ignore
const TEXT_FUNCTIONS = new Set([
  'begins', 'contains', 'find', 'left', 'len', 'lower', 'lpad', 'mid', 'right', 'rpad', 'substitute', 'trim', 'upper',
  'regex', 'casesafeid', 'hyperlink',
]);

function lookup(source: Record<string, unknown> | undefined, name: string): unknown {
  if (!source) return undefined;
  if (name in source) return source[name];
  const lower = name.toLowerCase();
  const key = Object.keys(source).find((k) => k.toLowerCase() === lower);
  if (key !== undefined) return source[key];
  if (name.includes('.')) {
    const [head, ...rest] = name.split('.');
    const child = lookup(source, head);
    if (child && typeof child === 'object' && !Array.isArray(child) && !(child instanceof Date)) {
      return lookup(child as Record<string, unknown>, rest.join('.'));
    }
  }
  return undefined;
}

function toDate(value: unknown, what: string): Date {
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) {
    throw new FormulaError(
      `${what}: "${String(value)}" is not a date. Use an ISO date such as 2026-03-31.`,
      'type',
    );
  }
  return d;
}

function inferType(value: unknown): FieldType | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return 'checkbox';
  if (typeof value === 'number') return 'number';
  if (value instanceof Date) return 'datetime';
  if (Array.isArray(value)) return 'multipicklist';
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return 'datetime';
  }
  return 'text';
}

/** Turn a record value into the literal a Salesforce formula sees for a field of the given type. */
export function toLiteral(
  value: unknown,
  type: FieldType | null,
  name: string,
  blanks: BlankHandling = 'BlankAsBlank',
): Literal {
  const blank = value === null || value === undefined || value === '';
  switch (type) {
    case null:
      return nul();
    case 'checkbox':
      return bool(value === true || value === 'true');
    case 'number':
    case 'currency':
    case 'percent': {
      if (blank) return blanks === 'BlankAsZero' ? num(0) : nul();
      const n = typeof value === 'number' ? value : Number(value);
      if (Number.isNaN(n)) throw new FormulaError(`${name}: "${String(value)}" is not a number.`, 'type');
      // a percent field holding 40 (40 %) reads as 0.4 in a formula
      return num(type === 'percent' ? n / 100 : n);
    }
    case 'text':
      return text(blank ? '' : String(value));
    case 'picklist':
      return { type: 'literal', dataType: 'picklist', value: blank ? '' : String(value), options: {} };
    case 'multipicklist': {
      const values = blank ? [] : Array.isArray(value) ? value.map(String) : String(value).split(';');
      return {
        type: 'literal',
        dataType: 'multipicklist',
        value: values.filter((v) => v !== ''),
        options: {},
      };
    }
    case 'date':
      return blank ? nul() : dateLit(toDate(value, name));
    case 'datetime':
      return blank ? nul() : datetimeLit(toDate(value, name));
  }
}

function sameValue(a: Literal, b: Literal): boolean {
  const norm = (l: Literal): unknown => {
    if (l.dataType === 'null') return '';
    if (l.value instanceof Date) return l.value.getTime();
    if (Array.isArray(l.value)) return [...(l.value as string[])].sort().join(';');
    return l.value;
  };
  return norm(a) === norm(b);
}

function fnName(id: string): string {
  return id.toUpperCase();
}

class Evaluator {
  private depth = 0;
  constructor(private readonly ctx: FormulaContext) {}

  private typeOf(name: string, value: unknown): FieldType | null {
    const types = this.ctx.fieldTypes;
    if (types) {
      const direct =
        types[name] ?? types[Object.keys(types).find((k) => k.toLowerCase() === name.toLowerCase()) ?? ''];
      if (direct) return direct;
    }
    return inferType(value);
  }

  private resolve(name: string, from: 'record' | 'prior'): Literal {
    const upper = name.toUpperCase();
    if (upper.startsWith('$PERMISSION.')) {
      const perm = name.slice('$Permission.'.length).toLowerCase();
      return bool((this.ctx.permissions ?? []).some((p) => p.toLowerCase() === perm));
    }
    if (upper.startsWith('$USER.')) {
      const value = lookup(this.ctx.user, name.slice('$User.'.length));
      return toLiteral(value, this.typeOf(name, value), name);
    }
    if (name.startsWith('$')) {
      const value = lookup(this.ctx.globals, name);
      if (value === undefined) {
        throw new FormulaError(
          `${name} has no value: pass it in ctx.globals (or ctx.user / ctx.permissions).`,
          'reference',
        );
      }
      return toLiteral(value, this.typeOf(name, value), name);
    }
    const source = from === 'prior' ? this.ctx.prior : this.ctx.record;
    const value = lookup(source, name);
    if (value === undefined && from === 'record') {
      const formula = lookupFormula(this.ctx.formulas, name);
      if (formula) {
        if (this.depth > 10) throw new FormulaError(`Formula field ${name} refers to itself.`, 'reference');
        const inner = new Evaluator({ ...this.ctx, treatBlanksAs: formula.treatBlanksAs ?? 'BlankAsZero' });
        inner.depth = this.depth + 1;
        return inner.evaluate(parseFormula(formula.formula));
      }
    }
    return toLiteral(value, this.typeOf(name, value), name, this.ctx.treatBlanksAs);
  }

  evaluate(node: FormulaAst): Literal {
    switch (node.type) {
      case 'literal':
        return node;
      case 'identifier':
        return this.resolve(node.name, 'record');
      case 'error':
        throw new FormulaError(node.message, 'syntax');
      case 'callExpression':
        return this.call(node.id, node.arguments);
    }
  }

  private fieldArg(id: string, args: FormulaAst[]): string {
    if (args.length !== 1 || args[0].type !== 'identifier') {
      throw new FormulaError(
        `${fnName(id)}() takes exactly one field, e.g. ${fnName(id)}(StageName).`,
        'type',
      );
    }
    return args[0].name;
  }

  private call(id: string, args: FormulaAst[]): Literal {
    if (!KNOWN_FUNCTIONS.has(id))
      throw new FormulaError(`Unknown function ${fnName(id)}(). Check spelling.`, 'function');
    switch (id) {
      case 'if':
      case 'case':
      case 'and':
      case 'or':
      case 'not':
        return this.logic(id, args);
      case 'isblank':
      case 'isnull':
      case 'blankvalue':
      case 'nullvalue':
      case 'isnumber':
      case 'text':
        return this.blanks(id, args);
      case 'ispickval':
      case 'includes':
        return this.picklists(id, args);
      case 'ischanged':
      case 'priorvalue':
      case 'isnew':
      case 'isclone':
      case 'now':
      case 'today':
        return this.recordContext(id, args);
      case 'equal':
      case 'unequal':
      case 'greaterThan':
      case 'greaterThanOrEqual':
      case 'lessThan':
      case 'lessThanOrEqual':
        return this.compare(id, args);
      default:
        return this.library(id, args);
    }
  }

  /** IF, CASE, AND, OR, NOT. */
  private logic(id: string, args: FormulaAst[]): Literal {
    const ev = (n: FormulaAst): Literal => this.evaluate(n);
    switch (id) {
      case 'if': {
        this.arity(id, args, 3, 3);
        return this.truthy(ev(args[0]), id) ? ev(args[1]) : ev(args[2]);
      }
      case 'case': {
        if (args.length < 4 || args.length % 2 !== 0) {
          throw new FormulaError(
            'CASE() needs an expression, value/result pairs and an else result.',
            'type',
          );
        }
        const subject = ev(args[0]);
        if (subject.dataType === 'multipicklist')
          throw new FormulaError('CASE() cannot test a multi-select picklist.', 'type');
        for (let i = 1; i < args.length - 1; i += 2) {
          if (sameValue(subject, ev(args[i]))) return ev(args[i + 1]);
        }
        return ev(args[args.length - 1]);
      }
      case 'and':
      case 'or': {
        this.arity(id, args, 1, Infinity);
        const values = args.map((a) => this.truthy(ev(a), id));
        return bool(id === 'and' ? values.every(Boolean) : values.some(Boolean));
      }
      case 'not':
        this.arity(id, args, 1, 1);
        return bool(!this.truthy(ev(args[0]), id));
    }
    throw new Error(`logic() does not handle ${id}`);
  }

  /** ISBLANK, ISNULL, BLANKVALUE, NULLVALUE, ISNUMBER, TEXT: tests and conversions of one value. */
  private blanks(id: string, args: FormulaAst[]): Literal {
    const ev = (n: FormulaAst): Literal => this.evaluate(n);
    switch (id) {
      case 'isblank':
      case 'isnull': {
        this.arity(id, args, 1, 1);
        const v = ev(args[0]);
        if (v.dataType === 'picklist') throw this.picklistError(id);
        if (v.dataType === 'null') return bool(true);
        if (id === 'isnull') return bool(false);
        return bool(v.value === '' || (Array.isArray(v.value) && v.value.length === 0));
      }
      case 'blankvalue':
      case 'nullvalue': {
        this.arity(id, args, 2, 2);
        const v = ev(args[0]);
        const isBlank = v.dataType === 'null' || (id === 'blankvalue' && v.value === '');
        return isBlank ? ev(args[1]) : v;
      }
      case 'isnumber': {
        this.arity(id, args, 1, 1);
        const v = ev(args[0]);
        return bool(
          v.dataType === 'text' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(String(v.value)),
        );
      }
      case 'text': {
        this.arity(id, args, 1, 1);
        const v = ev(args[0]);
        if (v.dataType === 'null') return text('');
        if (v.dataType === 'picklist' || v.dataType === 'text') return text(String(v.value));
        if (v.dataType === 'multipicklist') throw this.picklistError(id);
        return this.delegate(id, [v]);
      }
    }
    throw new Error(`blanks() does not handle ${id}`);
  }

  /** ISPICKVAL, INCLUDES. */
  private picklists(id: string, args: FormulaAst[]): Literal {
    const ev = (n: FormulaAst): Literal => this.evaluate(n);
    switch (id) {
      case 'ispickval': {
        this.arity(id, args, 2, 2);
        const p = ev(args[0]);
        const t = ev(args[1]);
        if (!['picklist', 'text', 'null'].includes(p.dataType)) {
          throw new FormulaError(`ISPICKVAL() needs a picklist field, got ${p.dataType}.`, 'type');
        }
        return bool(String(p.value ?? '') === String(t.value ?? ''));
      }
      case 'includes': {
        this.arity(id, args, 2, 2);
        const m = ev(args[0]);
        const t = ev(args[1]);
        if (!['multipicklist', 'null'].includes(m.dataType)) {
          throw new FormulaError(
            `INCLUDES() needs a multi-select picklist field, got ${m.dataType}.`,
            'type',
          );
        }
        if (t.dataType !== 'text')
          throw new FormulaError('INCLUDES() needs a text literal as its second argument.', 'type');
        return bool(((m.value as string[] | null) ?? []).includes(String(t.value)));
      }
    }
    throw new Error(`picklists() does not handle ${id}`);
  }

  /** ISCHANGED, PRIORVALUE, ISNEW, ISCLONE, NOW, TODAY: what the record and the save are, not its values. */
  private recordContext(id: string, args: FormulaAst[]): Literal {
    switch (id) {
      case 'ischanged': {
        const field = this.fieldArg(id, args);
        if (this.ctx.isNew || !this.ctx.prior) return bool(false);
        return bool(!sameValue(this.resolve(field, 'record'), this.resolve(field, 'prior')));
      }
      case 'priorvalue': {
        const field = this.fieldArg(id, args);
        return this.resolve(field, this.ctx.isNew || !this.ctx.prior ? 'record' : 'prior');
      }
      case 'isnew':
        this.arity(id, args, 0, 0);
        return bool(this.ctx.isNew === true);
      case 'isclone':
        this.arity(id, args, 0, 0);
        return bool(false);
      case 'now':
        this.arity(id, args, 0, 0);
        return datetimeLit(this.ctx.now ?? new Date());
      case 'today':
        this.arity(id, args, 0, 0);
        return dateLit(this.ctx.now ?? new Date());
    }
    throw new Error(`recordContext() does not handle ${id}`);
  }

  /** =, <>, >, >=, <, <=. */
  private compare(id: string, args: FormulaAst[]): Literal {
    const ev = (n: FormulaAst): Literal => this.evaluate(n);
    switch (id) {
      case 'equal':
      case 'unequal': {
        const [a, b] = args.map(ev);
        for (const v of [a, b]) {
          if (v.dataType === 'picklist' || v.dataType === 'multipicklist') throw this.picklistError(id);
        }
        let same: boolean;
        if (a.dataType === 'null' || b.dataType === 'null') {
          const other = a.dataType === 'null' ? b : a;
          same = other.dataType === 'null' || other.value === '';
        } else {
          this.sameType(id, a, b);
          same = sameValue(a, b);
        }
        return bool(id === 'equal' ? same : !same);
      }
      case 'greaterThan':
      case 'greaterThanOrEqual':
      case 'lessThan':
      case 'lessThanOrEqual': {
        const [a, b] = args.map(ev);
        // a comparison with a blank value is blank, which a validation rule reads as false
        if (a.dataType === 'null' || b.dataType === 'null') return bool(false);
        this.sameType(id, a, b);
        const x = a.value instanceof Date ? a.value.getTime() : (a.value as number | string);
        const y = b.value instanceof Date ? b.value.getTime() : (b.value as number | string);
        const r =
          id === 'greaterThan'
            ? x > y
            : id === 'greaterThanOrEqual'
              ? x >= y
              : id === 'lessThan'
                ? x < y
                : x <= y;
        return bool(r);
      }
    }
    throw new Error(`compare() does not handle ${id}`);
  }

  /** Every other function: the formula library (blank arguments make a blank result, except for text functions). */
  private library(id: string, args: FormulaAst[]): Literal {
    const ev = (n: FormulaAst): Literal => this.evaluate(n);
    const values = args.map(ev);
    if (values.some((v) => v.dataType === 'picklist' || v.dataType === 'multipicklist'))
      throw this.picklistError(id);
    if (id === 'add' && values.some((v) => v.dataType === 'text')) {
      // & and + on text: a blank side reads as ''
      return text(values.map((v) => (v.dataType === 'null' ? '' : String(v.value))).join(''));
    }
    if (values.some((v) => v.dataType === 'null')) {
      if (!TEXT_FUNCTIONS.has(id)) return nul();
      return this.delegate(
        id,
        values.map((v) => (v.dataType === 'null' ? text('') : v)),
      );
    }
    return this.delegate(id, values);
  }

  private delegate(id: string, values: Literal[]): Literal {
    const subs: Record<string, Literal> = {};
    values.forEach((v, i) => (subs[`__a${i}`] = v));
    const result = formulonParse(`${id}(${values.map((_, i) => `__a${i}`).join(',')})`, subs);
    if (
      result.type === 'error' &&
      (result.errorType === 'NoFunctionError' || result.errorType === 'NotImplementedError')
    ) {
      throw new FormulaError(
        `${fnName(id)}() is a Salesforce function the offline evaluator does not implement.`,
        'function',
      );
    }
    if (result.type === 'error') {
      const kind =
        result.errorType === 'ArgumentError'
          ? 'type'
          : result.errorType === 'SyntaxError'
            ? 'syntax'
            : 'function';
      throw new FormulaError(result.message, kind);
    }
    return result;
  }

  private arity(id: string, args: FormulaAst[], min: number, max: number): void {
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new FormulaError(`${fnName(id)}() takes ${expected} argument(s), got ${args.length}.`, 'type');
    }
  }

  private truthy(v: Literal, id: string): boolean {
    if (v.dataType === 'null') return false;
    if (v.dataType !== 'checkbox') {
      throw new FormulaError(
        `${fnName(id)}() needs a true/false value, got ${v.dataType} (${String(v.value)}).`,
        'type',
      );
    }
    return v.value === true;
  }

  private sameType(id: string, a: Literal, b: Literal): void {
    if (a.dataType !== b.dataType) {
      const op =
        {
          equal: '=',
          unequal: '<>',
          greaterThan: '>',
          greaterThanOrEqual: '>=',
          lessThan: '<',
          lessThanOrEqual: '<=',
        }[id] ?? id;
      throw new FormulaError(`Cannot compare ${a.dataType} with ${b.dataType} using ${op}.`, 'type');
    }
  }

  private picklistError(id: string): FormulaError {
    return new FormulaError(
      `Picklist fields are only supported in ISPICKVAL(), CASE(), TEXT() (and INCLUDES() for multi-select), not in ${fnName(id)}.`,
      'type',
    );
  }
}

function lookupFormula(
  formulas: FormulaContext['formulas'],
  name: string,
): { formula: string; treatBlanksAs?: BlankHandling } | undefined {
  if (!formulas) return undefined;
  const key = Object.keys(formulas).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : formulas[key];
}

/** Evaluate a formula and return formulon's typed literal ({ dataType, value }). Throws FormulaError. */
export function evaluateFormulaLiteral(
  formula: string,
  ctx: FormulaContext,
): { dataType: string; value: FormulaValue } {
  const lit = new Evaluator(ctx).evaluate(parseFormula(formula));
  return { dataType: lit.dataType, value: lit.value as FormulaValue };
}

/**
 * Evaluate a Salesforce formula against a record the way the platform does: ISCHANGED/PRIORVALUE/ISNEW from
 * `prior`/`isNew`, $Permission from `permissions`, blank text reads as '', blank numbers per `treatBlanksAs`,
 * percent fields as fractions (40 -> 0.4). Throws FormulaError on a syntax, reference or type error.
 */
export function evaluateFormula(formula: string, ctx: FormulaContext): FormulaValue {
  return evaluateFormulaLiteral(formula, ctx).value;
}
