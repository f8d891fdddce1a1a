// Duplicate and matching rules (issue 14): a duplicate rule names matching rules the tree (or Salesforce's standard
// rules) defines, and every matching rule item compares a field that exists, of a type matching rules accept, with a
// matching method that fits it. Sources: Metadata API MatchingRule (methods Exact, FirstName, LastName, CompanyName,
// Phone, City, Street, Zip, Title) and Salesforce Help "Matching Criteria in Matching Rules" / "Matching Methods Used
// with Matching Rules" (fuzzy methods are built for name, company, phone, city, street, ZIP and title fields).
import { basename } from 'node:path';
import {
  all,
  escaped,
  filesIn,
  locator,
  problemOf,
  readMeta,
  schemaField,
  sourceField,
  text,
} from './metaXml.ts';
import { getObject, type ProjectSchema } from './schema.ts';
import type { Problem } from './types.ts';

/** Salesforce's own matching rules exist in every org (Standard_Contact_Match_Rule_v1_1 ...). */
const STANDARD_RULE = /^Standard_\w+_Match_Rule_v\d+_\d+$/;

/** Field types a matching rule cannot compare (long and rich text, calculated fields, checkboxes, dates, geolocation). */
const UNSUPPORTED_TYPES: Record<string, string> = {
  LongTextArea: 'long text area',
  Html: 'rich text area',
  Checkbox: 'checkbox',
  Date: 'date',
  DateTime: 'date/time',
  Time: 'time',
  Location: 'geolocation',
  Summary: 'roll-up summary',
};

/** The fuzzy methods, each with the standard fields it is built for and the field types it reads. */
const FUZZY: Record<string, { fields: RegExp; types: string[]; hint: string }> = {
  FirstName: { fields: /^(FirstName|MiddleName)$/i, types: ['text'], hint: 'a first or middle name field' },
  LastName: { fields: /^LastName$/i, types: ['text'], hint: 'a last name field' },
  CompanyName: { fields: /^(Name|Company|CompanyName)$/i, types: ['text'], hint: 'a company name field' },
  Phone: { fields: /Phone$/i, types: ['phone'], hint: 'a phone field' },
  City: { fields: /City$/i, types: ['text'], hint: 'a city field' },
  Street: { fields: /Street$/i, types: ['text', 'textarea'], hint: 'a street field' },
  Zip: { fields: /PostalCode$/i, types: ['text'], hint: 'a postal code field' },
  Title: { fields: /^Title$/i, types: ['text'], hint: 'a title field' },
};

interface MatchingRule {
  object: string;
  name: string;
}

const err = (file: string, line: number, message: string): Problem =>
  problemOf('deploy', file, line, message);

/** Matching rule items: the field exists, its type is one matching rules compare, the method fits the field. */
export function checkMatchingRules(
  files: string[],
  schema: ProjectSchema,
): { problems: Problem[]; rules: MatchingRule[] } {
  const problems: Problem[] = [];
  const rules: MatchingRule[] = [];
  for (const file of filesIn(files, 'matchingRules', '.matchingRule-meta.xml')) {
    const meta = readMeta(file);
    if (!meta) continue;
    const object = basename(file).replace(/\.matchingRule-meta\.xml$/, '');
    const obj = getObject(schema, object === 'PersonAccount' ? 'Account' : object);
    const at = locator(meta.content);
    for (const rule of all(meta.root, 'matchingRules')) {
      const name = text(rule, 'fullName') ?? '';
      rules.push({ object, name });
      at(`<fullName>${escaped(name)}</fullName>`);
      for (const item of all(rule, 'matchingRuleItems')) {
        const fieldName = text(item, 'fieldName') ?? '';
        const method = text(item, 'matchingMethod') ?? '';
        const line = at(`<fieldName>${escaped(fieldName)}</fieldName>`);
        if (!obj) continue; // an object outside the schema: nothing to check against
        const field = schemaField(schema, obj.name, fieldName);
        if (!field) {
          problems.push(
            err(
              file,
              line,
              `Matching rule ${name} compares ${object}.${fieldName}, which does not exist${/__c$/i.test(fieldName) ? ` (no objects/${object}/fields/${fieldName}.field-meta.xml)` : ''}.`,
            ),
          );
          continue;
        }
        const src = sourceField(schema, obj.name, fieldName);
        const unsupported = src
          ? src.formula !== undefined
            ? 'formula'
            : UNSUPPORTED_TYPES[src.sfType]
          : undefined;
        if (unsupported) {
          problems.push(
            err(
              file,
              line,
              `Matching rule ${name} compares ${object}.${fieldName}, a ${unsupported} field; matching rules compare only text, text area, email, phone, URL, picklist, number and lookup fields. Match on another field (e.g. a text field holding a normalised key).`,
            ),
          );
          continue;
        }
        if (method === 'Exact' || method === '') continue;
        const fuzzy = FUZZY[method];
        if (!fuzzy) {
          problems.push(
            err(
              file,
              line,
              `Matching rule ${name}: matching method ${method} is not one of Exact, ${Object.keys(FUZZY).join(', ')}.`,
            ),
          );
          continue;
        }
        // a custom field: by its type; a standard field: the method is built for named fields (FirstName ...)
        const fits = src ? fuzzy.types.includes(field.type) : fuzzy.fields.test(fieldName);
        if (!fits) {
          problems.push(
            err(
              file,
              line,
              `Matching rule ${name}: matching method ${method} does not fit ${object}.${fieldName} (${field.type}): it compares ${fuzzy.hint}. Use <matchingMethod>Exact</matchingMethod>${field.type === 'phone' ? ' or Phone' : ''} for this field.`,
            ),
          );
        }
      }
    }
  }
  return { problems, rules };
}

/** Duplicate rules name matching rules that exist; cross-object mappings name fields that exist. */
export function checkDuplicateRules(
  files: string[],
  schema: ProjectSchema,
  rules: MatchingRule[],
): Problem[] {
  const problems: Problem[] = [];
  for (const file of filesIn(files, 'duplicateRules', '.duplicateRule-meta.xml')) {
    const meta = readMeta(file);
    if (!meta) continue;
    const ruleName = basename(file).replace(/\.duplicateRule-meta\.xml$/, '');
    const at = locator(meta.content);
    for (const mr of all(meta.root, 'duplicateRuleMatchRules')) {
      const object = text(mr, 'matchRuleSObjectType') ?? '';
      const matching = text(mr, 'matchingRule') ?? '';
      const line = at(`<matchingRule>${escaped(matching)}</matchingRule>`);
      const known = rules.filter((r) => r.object.toLowerCase() === object.toLowerCase());
      if (!STANDARD_RULE.test(matching) && !known.some((r) => r.name === matching)) {
        problems.push(
          err(
            file,
            line,
            `Duplicate rule ${ruleName} uses matching rule ${matching} on ${object}, which the tree does not define: add it to matchingRules/${object}.matchingRule-meta.xml${known.length ? ` or use one it has (${known.map((r) => r.name).join(', ')})` : ''}.`,
          ),
        );
      }
      for (const mapping of all(mr, 'objectMapping')) {
        const input = text(mapping, 'inputObject') ?? '';
        const output = text(mapping, 'outputObject') ?? '';
        for (const f of all(mapping, 'mappingFields')) {
          for (const [obj, key] of [
            [input, 'inputField'],
            [output, 'outputField'],
          ] as const) {
            const name = text(f, key) ?? '';
            const fl = at(`<${key}>${escaped(name)}</${key}>`);
            if (getObject(schema, obj) && !schemaField(schema, obj, name)) {
              problems.push(
                err(
                  file,
                  fl,
                  `Duplicate rule ${ruleName} maps ${obj}.${name}, which does not exist on ${obj}.`,
                ),
              );
            }
          }
        }
      }
    }
  }
  return problems;
}

export function checkDuplicateManagement(files: string[], schema: ProjectSchema): Problem[] {
  const { problems, rules } = checkMatchingRules(files, schema);
  return [...problems, ...checkDuplicateRules(files, schema, rules)];
}
