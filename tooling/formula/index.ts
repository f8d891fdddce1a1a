import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { listFiles, readXml, xmlText } from '../verify/files.ts';
import { findObjectDirs, loadProjectSchema, readSourceField, resolvePath } from '../verify/schema.ts';
import { standardObjects } from '../../scripts/lib/schema/standardSchema.ts';
import {
  evaluateFormula,
  formulaTypeOf,
  type BlankHandling,
  type FieldType,
  type FormulaContext,
} from './evaluate.ts';
import { FormulaError, formulaReferences, parseFormula } from './parse.ts';

export { FormulaError, checkFormula, formulaReferences, parseFormula, preprocessFormula } from './parse.ts';
export type { FormulaAst, FormulaReferences } from './parse.ts';
export { evaluateFormula, evaluateFormulaLiteral, toLiteral } from './evaluate.ts';
export type { BlankHandling, FieldType, FormulaContext, FormulaValue } from './evaluate.ts';

// evaluateValidationRule reads the same source many times in a test run: keep what it read per process
const cache = new Map<string, unknown>();
function cached<T>(key: string, load: () => T): T {
  if (!cache.has(key)) cache.set(key, load());
  return cache.get(key) as T;
}

/**
 * Field types of one object folder (objects/<Name>): every fields/*.field-meta.xml, plus the standard fields
 * when <Name> is a standard object. Formula fields are typed by their return type.
 */
export function loadFieldTypes(objectDir: string): Record<string, FieldType> {
  const types: Record<string, FieldType> = {};
  const std = standardObjects().get(basename(objectDir).toLowerCase());
  for (const f of std?.fields.values() ?? []) types[f.name] = formulaTypeOf(f.type);
  for (const file of listFiles(join(objectDir, 'fields')).filter((f) => f.endsWith('.field-meta.xml'))) {
    const field = readSourceField(file);
    if (field.hasType || !types[field.name]) types[field.name] = formulaTypeOf(field.type);
  }
  return types;
}

/** Formula fields of one object folder: name -> formula and blank handling (Salesforce default BlankAsZero). */
export function loadFormulaFields(
  objectDir: string,
): Record<string, { formula: string; treatBlanksAs: BlankHandling }> {
  const out: Record<string, { formula: string; treatBlanksAs: BlankHandling }> = {};
  for (const file of listFiles(join(objectDir, 'fields')).filter((f) => f.endsWith('.field-meta.xml'))) {
    const field = readSourceField(file);
    if (field.formula)
      out[field.name] = { formula: field.formula, treatBlanksAs: field.treatBlanksAs ?? 'BlankAsZero' };
  }
  return out;
}

/** Types of the cross-object paths ($User.X, Account.Segment__c, Lead__r.Status) a formula uses. */
export function pathFieldTypes(
  formula: string,
  objectName: string,
  root = 'force-app',
): Record<string, FieldType> {
  const ids = formulaReferences(parseFormula(formula)).identifiers.filter((i) => i.includes('.'));
  if (ids.length === 0) return {};
  const schema = cached(`schema:${resolve(root)}`, () => loadProjectSchema(resolve(root)));
  const out: Record<string, FieldType> = {};
  for (const id of ids) {
    const path = id.split('.');
    const from = /^\$User$/i.test(path[0]) ? 'User' : path[0].startsWith('$') ? undefined : objectName;
    if (!from) continue;
    const { field } = resolvePath(schema, from, from === 'User' ? path.slice(1) : path);
    if (field) out[id] = formulaTypeOf(field.type);
  }
  return out;
}

export interface ValidationRuleResult {
  /** true when the error condition is met, i.e. Salesforce would block the save */
  fires: boolean;
  errorMessage: string;
  /** the field the error shows on; undefined = top of page */
  errorDisplayField?: string;
  /** false when the rule is shipped inactive (it is still evaluated, so tests can check it) */
  active: boolean;
  formula: string;
}

/**
 * Evaluate one validation rule from source against a record. Field types come from the object's field-meta
 * files (ctx.fieldTypes overrides); formula fields the record lacks are computed from their source formula.
 */
export function evaluateValidationRule(
  objectName: string,
  ruleName: string,
  ctx: FormulaContext,
  root = 'force-app',
): ValidationRuleResult {
  const objectDir = cached(`dirs:${resolve(root)}`, () => findObjectDirs(resolve(root))).get(
    objectName.toLowerCase(),
  );
  if (!objectDir) {
    throw new FormulaError(`No object folder objects/${objectName} under ${root}.`, 'reference');
  }
  const file = join(objectDir, 'validationRules', `${ruleName}.validationRule-meta.xml`);
  if (!existsSync(file)) {
    throw new FormulaError(`No validation rule ${objectName}.${ruleName} (looked for ${file}).`, 'reference');
  }
  const xml = readXml(file);
  const formula = xmlText(xml, 'errorConditionFormula') ?? '';
  const value = evaluateFormula(formula, {
    ...ctx,
    fieldTypes: {
      ...cached(`types:${objectDir}`, () => loadFieldTypes(objectDir)),
      ...pathFieldTypes(formula, objectName, root),
      ...ctx.fieldTypes,
    },
    formulas: { ...cached(`formulas:${objectDir}`, () => loadFormulaFields(objectDir)), ...ctx.formulas },
  });
  return {
    fires: value === true,
    errorMessage: xmlText(xml, 'errorMessage') ?? '',
    errorDisplayField: xmlText(xml, 'errorDisplayField'),
    active: xmlText(xml, 'active') !== 'false',
    formula,
  };
}
