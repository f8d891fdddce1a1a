import { readFileSync } from 'node:fs';
import { evaluateFormula, type FieldType } from '../formula/evaluate.ts';
import { FormulaError, checkFormula, formulaReferences, parseFormula } from '../formula/parse.ts';
import { lineAt, lineOf, listFiles } from './files.ts';
import {
  getObject,
  loadProjectSchema,
  resolveFieldPath,
  type ProjectSchema,
  type SchemaObject,
} from './schema.ts';
import type { CheckInput, Problem } from './types.ts';

const FORMULA_TYPES: Partial<Record<string, FieldType>> = {
  number: 'number',
  currency: 'currency',
  percent: 'percent',
  checkbox: 'checkbox',
  date: 'date',
  datetime: 'datetime',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
};

/** Globals whose members we do not resolve (labels, settings, metadata records, org, API ...). */
const UNCHECKED_GLOBALS =
  /^\$(Setup|CustomMetadata|Label|Organization|Api|System|Profile|UserRole|RecordType|Resource|Site|Network|ObjectType|Action|Flow|UserType)\./i;

/** Problems with one formula of `object`: syntax, unknown functions, unknown fields/permissions, type errors. */
export function checkOneFormula(schema: ProjectSchema, object: SchemaObject, formula: string): string[] {
  const basic = checkFormula(formula);
  if (basic.length) return basic;
  const problems: string[] = [];
  const refs = formulaReferences(parseFormula(formula));
  for (const id of refs.identifiers) {
    if (id.startsWith('$')) {
      const [global, ...rest] = id.split('.');
      if (/^\$Permission$/i.test(global)) {
        const name = rest.join('.');
        if (!schema.customPermissions.some((p) => p.toLowerCase() === name.toLowerCase())) {
          problems.push(
            `$Permission.${name}: no customPermissions/${name}.customPermission-meta.xml in the tree.`,
          );
        }
      } else if (/^\$User$/i.test(global)) {
        const msg = resolveFieldPath(schema, 'User', rest);
        if (msg) problems.push(`${id}: ${msg}`);
      } else if (!UNCHECKED_GLOBALS.test(id)) {
        problems.push(`Unknown global ${global}.`);
      }
      continue;
    }
    const msg = resolveFieldPath(schema, object.name, id.split('.'));
    if (msg) problems.push(msg);
  }
  if (problems.length) return problems;
  // evaluate once on a blank record typed like the object: catches type errors (picklist misuse, text vs number)
  const fieldTypes: Record<string, FieldType> = {};
  for (const id of refs.identifiers.filter((i) => !i.startsWith('$') && !i.includes('.'))) {
    const f = object.fields.get(id.toLowerCase());
    fieldTypes[id] = (f && FORMULA_TYPES[f.type]) ?? 'text';
  }
  try {
    evaluateFormula(formula, {
      record: {},
      prior: {},
      fieldTypes,
      globals: new Proxy({}, { get: () => null, has: () => true }),
    });
  } catch (err) {
    if (err instanceof FormulaError && err.kind === 'type') problems.push(`Type error: ${err.message}`);
  }
  return problems;
}

/**
 * Every validation rule (custom objects, standard objects, custom metadata types) and every formula field
 * under root parses, calls known functions, refers to fields and custom permissions that exist, and type-checks.
 */
export function checkFormulas(
  input: CheckInput,
  schema: ProjectSchema = loadProjectSchema(input.root, input.repoDir),
): Problem[] {
  const out: Problem[] = [];
  const push = (file: string, tag: string, messages: string[]): void => {
    const content = readFileSync(file, 'utf8');
    for (const m of messages) {
      out.push({ check: 'formula', file, line: lineOf(content, `<${tag}>`), message: m, severity: 'error' });
    }
  };
  for (const rule of schema.validationRules) {
    const object = getObject(schema, rule.object);
    if (!object) continue;
    if (rule.formula.trim() === '') {
      push(rule.file, 'ValidationRule', ['Validation rule has no <errorConditionFormula>.']);
      continue;
    }
    push(
      rule.file,
      'errorConditionFormula',
      checkOneFormula(schema, object, rule.formula).map((m) => `${rule.object}.${rule.name}: ${m}`),
    );
    if (rule.errorDisplayField && !object.fields.has(rule.errorDisplayField.toLowerCase())) {
      push(rule.file, 'errorDisplayField', [
        `${rule.object}.${rule.name}: errorDisplayField ${rule.errorDisplayField} is not a field of ${rule.object}.`,
      ]);
    }
  }
  for (const [key, fields] of schema.sourceFields) {
    const object = getObject(schema, key);
    if (!object) continue;
    for (const f of fields.filter((x) => x.formula !== undefined)) {
      const where = `${object.name}.${f.name}`;
      push(
        f.file,
        'formula',
        checkOneFormula(schema, object, f.formula ?? '').map((m) => `${where}: ${m}`),
      );
    }
  }
  // formulas in workflow field updates/rules and approval-process entry criteria, on the file's object
  for (const file of listFiles(input.root)) {
    const m = /[\\/](workflows|approvalProcesses)[\\/]([A-Za-z0-9_]+)\.[^\\/]*-meta\.xml$/.exec(file);
    if (!m) continue;
    const object = getObject(schema, m[2]);
    if (!object) continue;
    const content = readFileSync(file, 'utf8');
    for (const f of content.matchAll(/<formula>([\s\S]*?)<\/formula>/g)) {
      const where = `${m[1] === 'workflows' ? 'workflow' : 'approval process'} on ${object.name}`;
      for (const msg of checkOneFormula(schema, object, decodeXml(f[1]))) {
        out.push({
          check: 'formula',
          file,
          line: lineAt(content, f.index),
          message: `${where}: ${msg}`,
          severity: 'error',
        });
      }
    }
  }
  return out;
}

/** Text content of an XML element as the parser would give it. */
export function decodeXml(text: string): string {
  return text.replace(/&(quot|amp|lt|gt|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) => {
    const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()] ?? _m;
    return String.fromCodePoint(
      e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
    );
  });
}
