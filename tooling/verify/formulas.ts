import { readFileSync } from 'node:fs';
import { evaluateFormula, formulaTypeOf, type FieldType } from '../formula/evaluate.ts';
import {
  FormulaError,
  checkFormula,
  formulaReferences,
  parseFormula,
  type FormulaAst,
} from '../formula/parse.ts';
import { decodeXml, lineAt, lineOf, listFiles, readXml, xmlText } from './files.ts';
import {
  getObject,
  loadProjectSchema,
  resolveFieldPath,
  resolvePath,
  type ProjectSchema,
  type SchemaField,
  type SchemaObject,
  type SourceField,
} from './schema.ts';
import type { CheckInput, Problem } from './types.ts';

/** Globals whose members we do not resolve (labels, settings, metadata records, org, API ...). */
const UNCHECKED_GLOBALS =
  /^\$(Setup|CustomMetadata|Label|Organization|Api|System|Profile|UserRole|RecordType|Resource|Site|Network|ObjectType|Action|Flow|UserType)\./i;

/** Standard picklists whose values live in a StandardValueSet file (when the tree has one). */
const STANDARD_VALUE_SETS: Record<string, string> = {
  'opportunity.stagename': 'OpportunityStage',
  'opportunity.type': 'OpportunityType',
  'opportunity.forecastcategoryname': 'OpportunityForecastCategory',
  'lead.status': 'LeadStatus',
  'lead.leadsource': 'LeadSource',
  'contact.leadsource': 'LeadSource',
  'opportunity.leadsource': 'LeadSource',
  'lead.industry': 'Industry',
  'account.industry': 'Industry',
  'account.type': 'AccountType',
  'task.status': 'TaskStatus',
  'task.priority': 'TaskPriority',
};

function listOfNames(xml: Record<string, unknown>, key: string): string[] {
  const v = xml[key];
  const items = Array.isArray(v) ? v : v ? [v] : [];
  return items.map((i) => String((i as Record<string, unknown>).fullName ?? '')).filter(Boolean);
}

const filesUnder = new Map<string, string[]>();

/** The picklist values of object.field when the tree defines them (inline, global or standard value set). */
export function picklistValuesOf(
  root: string,
  object: string,
  field: SchemaField | undefined,
): string[] | undefined {
  if (!field) return undefined;
  const source = field as SourceField;
  if (source.picklistValues) return source.picklistValues;
  const files = filesUnder.get(root) ?? listFiles(root);
  filesUnder.set(root, files);
  const find = (suffix: string): string | undefined => files.find((f) => f.endsWith(suffix));
  if (source.file) {
    const vsName = xmlText((readXml(source.file).valueSet as Record<string, unknown>) ?? {}, 'valueSetName');
    const gvs = vsName ? find(`/globalValueSets/${vsName}.globalValueSet-meta.xml`) : undefined;
    if (gvs) return listOfNames(readXml(gvs), 'customValue');
  }
  const svs = STANDARD_VALUE_SETS[`${object}.${field.name}`.toLowerCase()];
  const svsFile = svs ? find(`/standardValueSets/${svs}.standardValueSet-meta.xml`) : undefined;
  return svsFile ? listOfNames(readXml(svsFile), 'standardValue') : undefined;
}

/** ISPICKVAL / CASE comparisons of a picklist with a value it does not have (the branch can never match). */
function checkPicklistLiterals(
  schema: ProjectSchema,
  root: string,
  object: SchemaObject,
  tree: FormulaAst,
): string[] {
  const out: string[] = [];
  const fieldOf = (node: FormulaAst): string | undefined => {
    if (node.type === 'identifier' && !node.name.startsWith('$')) return node.name;
    if (
      node.type === 'callExpression' &&
      node.id === 'priorvalue' &&
      node.arguments[0]?.type === 'identifier'
    ) {
      return node.arguments[0].name;
    }
    return undefined;
  };
  const check = (name: string, literals: FormulaAst[]): void => {
    const path = name.split('.');
    const owner = path.length > 1 ? undefined : object.name;
    const { field } = resolvePath(schema, object.name, path);
    if (!field || field.type !== 'picklist' || !owner) return;
    const values = picklistValuesOf(root, owner, field);
    if (!values) return;
    for (const lit of literals) {
      if (
        lit.type === 'literal' &&
        lit.dataType === 'text' &&
        lit.value !== '' &&
        !values.includes(String(lit.value))
      ) {
        out.push(
          `${name} has no picklist value "${String(lit.value)}" (values: ${values.join(', ')}); this comparison never matches.`,
        );
      }
    }
  };
  const walk = (node: FormulaAst): void => {
    if (node.type !== 'callExpression') return;
    const field = node.arguments[0] ? fieldOf(node.arguments[0]) : undefined;
    if (field && node.id === 'ispickval' && node.arguments[1]) check(field, [node.arguments[1]]);
    if (field && node.id === 'case')
      check(
        field,
        node.arguments.filter((_a, i) => i % 2 === 1 && i < node.arguments.length - 1),
      );
    node.arguments.forEach(walk);
  };
  walk(tree);
  return out;
}

/** Problems with one formula of `object`: syntax, unknown functions, unknown fields/permissions, type errors. */
export function checkOneFormula(
  schema: ProjectSchema,
  object: SchemaObject,
  formula: string,
  root?: string,
): string[] {
  const basic = checkFormula(formula);
  if (basic.length) return basic;
  const problems: string[] = [];
  const tree = parseFormula(formula);
  const refs = formulaReferences(tree);
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
  if (root) problems.push(...checkPicklistLiterals(schema, root, object, tree));
  // evaluate once on a blank record typed like the object: catches type errors (picklist misuse, text vs number)
  const fieldTypes: Record<string, FieldType> = {};
  for (const id of refs.identifiers.filter((i) => !i.startsWith('$') && !i.includes('.'))) {
    const f = object.fields.get(id.toLowerCase());
    fieldTypes[id] = formulaTypeOf(f?.type);
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
      checkOneFormula(schema, object, rule.formula, input.root).map(
        (m) => `${rule.object}.${rule.name}: ${m}`,
      ),
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
        checkOneFormula(schema, object, f.formula ?? '', input.root).map((m) => `${where}: ${m}`),
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
      for (const msg of checkOneFormula(schema, object, decodeXml(f[1]), input.root)) {
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
