// Custom metadata records (issue 14): a record naming an Apex class (Trigger_Action__mdt.Apex_Class__c and any other
// *Class__c / *Class_Name__c field) names a class the tree has, and every record passes the active validation rules
// of its own type, evaluated with the formula engine (Salesforce runs them when the records are deployed).
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { evaluateValidationRule, formulaReferences, parseFormula } from '../formula/index.ts';
import { decodeXml, lineAt, listFiles } from './files.ts';
import { filesIn, problemOf } from './metaXml.ts';
import { readSourceField, type ProjectSchema, type SourceField } from './schema.ts';
import type { Problem } from './types.ts';

interface CmdtRecord {
  file: string;
  content: string;
  type: string;
  name: string;
  label: string;
  /** raw values by field API name, with the line of each <field> */
  values: Map<string, { field: string; raw: string | null; line: number }>;
}

function readRecord(file: string): CmdtRecord | undefined {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [type, ...rest] = basename(file)
    .replace(/\.md-meta\.xml$/, '')
    .split('.');
  const values = new Map<string, { field: string; raw: string | null; line: number }>();
  for (const m of content.matchAll(
    /<values>\s*<field>([^<]+)<\/field>\s*<value([^>]*?)(?:\/>|>([\s\S]*?)<\/value>)/g,
  )) {
    const field = m[1].trim();
    const raw = /xsi:nil="true"/.test(m[2]) || m[3] === undefined ? null : decodeXml(m[3].trim());
    values.set(field.toLowerCase(), { field, raw, line: lineAt(content, m.index + m[0].indexOf('<field>')) });
  }
  const label = decodeXml(/<label>([\s\S]*?)<\/label>/.exec(content)?.[1] ?? '');
  return { file, content, type: `${type}__mdt`, name: rest.join('.'), label, values };
}

function records(files: string[]): CmdtRecord[] {
  return filesIn(files, 'customMetadata', '.md-meta.xml')
    .map(readRecord)
    .filter((r): r is CmdtRecord => r !== undefined);
}

/** A field holding an Apex class name: Apex_Class__c, Apex_Class_Name__c, Handler_Class__c, Class_Name__c ... */
const CLASS_FIELD = /(?:^|_)Class(?:_?Name)?__c$/i;

/** Records whose Apex class field names a class the tree does not define. */
export function checkRecordApexClasses(files: string[]): Problem[] {
  const sources = new Map(
    files.filter((f) => f.endsWith('.cls')).map((f) => [basename(f, '.cls').toLowerCase(), f]),
  );
  const out: Problem[] = [];
  for (const r of records(files)) {
    for (const { field, raw, line } of r.values.values()) {
      if (!CLASS_FIELD.test(field) || !raw) continue;
      const [outer, inner] = raw.split('.');
      if (inner !== undefined) {
        // Outer.Inner: check the inner class when the outer one is ours; otherwise a namespace we cannot see
        const file = sources.get(outer.toLowerCase());
        if (!file || new RegExp(`\\bclass\\s+${inner}\\b`, 'i').test(readFileSync(file, 'utf8'))) continue;
      } else if (sources.has(raw.toLowerCase())) continue;
      out.push(
        problemOf(
          'deploy',
          r.file,
          line,
          `${r.type} record ${r.name} names Apex class ${raw} in ${field}, which the tree does not define (no classes/${outer}.cls${inner ? ` with an inner class ${inner}` : ''}): the org accepts the record, but the code that instantiates it fails at run time. Fix the name or add the class.`,
        ),
      );
    }
  }
  return out;
}

const NUMBER = new Set(['Number', 'Percent', 'Currency']);

/** A record's values as the formula engine reads them (typed by the type's fields), with the system fields. */
function recordValues(r: CmdtRecord, fields: Map<string, SourceField>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    DeveloperName: r.name,
    QualifiedApiName: r.name,
    MasterLabel: r.label,
    Label: r.label,
    NamespacePrefix: null,
  };
  for (const { field, raw } of r.values.values()) {
    const type = fields.get(field.toLowerCase())?.sfType;
    out[field] =
      raw === null
        ? null
        : type && NUMBER.has(type)
          ? Number(raw)
          : type === 'Checkbox'
            ? raw === 'true'
            : raw;
  }
  for (const f of fields.values()) if (!(f.name in out)) out[f.name] = f.sfType === 'Checkbox' ? false : null;
  return out;
}

/** The fields of each custom metadata type of the tree, read once per type (undefined: no such type). */
function fieldIndex(schema: ProjectSchema): (type: string) => Map<string, SourceField> | undefined {
  const typeFields = new Map<string, Map<string, SourceField>>();
  return (type: string): Map<string, SourceField> | undefined => {
    const dir = schema.objectDirs.get(type.toLowerCase());
    if (!dir) return undefined;
    if (!typeFields.has(type)) {
      typeFields.set(
        type,
        new Map(
          listFiles(join(dir, 'fields'))
            .filter((f) => f.endsWith('.field-meta.xml'))
            .map((f) => {
              const field = readSourceField(f);
              return [field.name.toLowerCase(), field];
            }),
        ),
      );
    }
    return typeFields.get(type);
  };
}

/**
 * Metadata relationships (Type__r.Field): an object or field by name, or another record of the tree, set on each
 * record; returns, per record, the relationships that point outside the tree.
 */
function resolveRelationships(
  typed: Map<CmdtRecord, Record<string, unknown>>,
  fieldsOf: (type: string) => Map<string, SourceField> | undefined,
  globals: Record<string, Record<string, Record<string, unknown>>>,
): Map<CmdtRecord, string[]> {
  const unresolved = new Map<CmdtRecord, string[]>();
  for (const [r, record] of typed) {
    for (const f of fieldsOf(r.type)?.values() ?? []) {
      if (f.sfType !== 'MetadataRelationship') continue;
      const raw = record[f.name];
      const rel = f.name.replace(/__c$/i, '__r');
      const target = (f.referenceTo ?? [])[0] ?? '';
      if (typeof raw !== 'string' || !raw) record[rel] = null;
      else if (/^(EntityDefinition|FieldDefinition)$/i.test(target)) {
        const name = raw.split('.').pop() ?? raw;
        const developerName = name.replace(/^[A-Za-z0-9]+__(?=\w+__\w+$)/, '').replace(/__\w+$/, '');
        record[rel] = { QualifiedApiName: name, DeveloperName: developerName, MasterLabel: developerName };
      } else if (globals[target]?.[raw]) record[rel] = globals[target][raw];
      else unresolved.set(r, [...(unresolved.get(r) ?? []), rel]);
    }
  }
  return unresolved;
}

/** What one active rule says of one record: a warning when it cannot be evaluated offline, an error when it fires. */
function ruleProblem(
  root: string,
  r: CmdtRecord,
  record: Record<string, unknown>,
  rule: ProjectSchema['validationRules'][number],
  unresolved: string[],
  globals: Record<string, Record<string, Record<string, unknown>>>,
): Problem | undefined {
  const blind = unresolved.find((rel) => new RegExp(`\\b${rel}\\.`, 'i').test(rule.formula));
  if (blind) {
    return problemOf(
      'formula',
      r.file,
      1,
      `${r.type} record ${r.name}: validation rule ${rule.name} reads ${blind}, which points outside the tree; not evaluated offline.`,
      'warning',
    );
  }
  let fires: boolean;
  let message: string;
  try {
    const result = evaluateValidationRule(
      rule.object,
      rule.name,
      { record, isNew: true, globals: { $CustomMetadata: globals } },
      root,
    );
    fires = result.fires;
    message = result.errorMessage;
  } catch (e) {
    return problemOf(
      'formula',
      r.file,
      1,
      `${r.type} record ${r.name}: validation rule ${rule.name} could not be evaluated offline (${(e as Error).message}); check the record by hand.`,
      'warning',
    );
  }
  if (!fires) return undefined;
  return problemOf(
    'formula',
    r.file,
    lineOfRule(r, rule.formula, rule.errorDisplayField),
    `${r.type} record ${r.name} violates its type's active validation rule ${rule.name} ("${message}"), so the deploy fails. Fix the record's values (or the rule in ${basename(dirname(dirname(rule.file)))}/validationRules/${basename(rule.file)}).`,
  );
}

/**
 * Every record passes the active validation rules of its type. `$CustomMetadata.Type__mdt.Record.Field__c` reads
 * the tree's records. A rule the engine cannot evaluate is a warning naming the rule.
 */
export function checkRecordValidationRules(root: string, files: string[], schema: ProjectSchema): Problem[] {
  const all = records(files);
  const fieldsOf = fieldIndex(schema);
  const globals: Record<string, Record<string, Record<string, unknown>>> = {};
  const typed = new Map<CmdtRecord, Record<string, unknown>>();
  for (const r of all) {
    const fields = fieldsOf(r.type);
    if (!fields) continue; // checkCustomMetadataRecords reports a record of an undefined type
    const values = recordValues(r, fields);
    typed.set(r, values);
    (globals[r.type] ??= {})[r.name] = values;
  }
  const unresolved = resolveRelationships(typed, fieldsOf, globals);
  const out: Problem[] = [];
  for (const [r, record] of typed) {
    const rules = schema.validationRules.filter(
      (v) => v.active && v.object.toLowerCase() === r.type.toLowerCase(),
    );
    for (const rule of rules) {
      const problem = ruleProblem(root, r, record, rule, unresolved.get(r) ?? [], globals);
      if (problem) out.push(problem);
    }
  }
  return out;
}

/** The line of the value the rule is about: its error field, else the first field of the formula the record sets. */
function lineOfRule(r: CmdtRecord, formula: string, displayField?: string): number {
  const candidates = [displayField ?? ''];
  try {
    candidates.push(...formulaReferences(parseFormula(formula)).identifiers);
  } catch {
    // the formula check reports formulas that do not parse
  }
  for (const c of candidates) {
    const hit = r.values.get(c.toLowerCase());
    if (hit) return hit.line;
  }
  return lineAt(r.content, Math.max(0, r.content.indexOf('<label>')));
}
