import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listFiles, readXml, xmlText } from './files.ts';
import { SObjectTypes } from './sobjectTypes.ts';
import {
  standardObjects,
  type SchemaField,
  type SchemaObject,
  type StandardFieldType,
} from '../../scripts/lib/schema/standardSchema.ts';

export type { SchemaField, SchemaObject } from '../../scripts/lib/schema/standardSchema.ts';

/** A field defined in force-app (objects/<Object>/fields/<Field>.field-meta.xml). */
export interface SourceField extends SchemaField {
  /** the Salesforce type as written in <type> (Text, Number, Lookup ...) */
  sfType: string;
  file: string;
  formula?: string;
  treatBlanksAs?: 'BlankAsZero' | 'BlankAsBlank';
  /** <relationshipName>: the child relationship on the parent (used as Name__r in subqueries) */
  childRelationshipName?: string;
  /** picklist values defined inline (<valueSetDefinition>), undefined for global/standard value sets */
  picklistValues?: string[];
  /** <required>true</required>: universally required */
  required?: boolean;
  /** a roll-up summary's <summarizedField> (Child__c.Field__c), absent for COUNT */
  summarizedField?: string;
}

export interface ValidationRuleSource {
  name: string;
  object: string;
  file: string;
  active: boolean;
  formula: string;
  errorMessage: string;
  errorDisplayField?: string;
}

export interface ProjectSchema {
  /** standard objects merged with every object folder under the root, keyed by lower-case API name */
  objects: Map<string, SchemaObject>;
  /** the project's own fields by object (lower-case) */
  sourceFields: Map<string, SourceField[]>;
  validationRules: ValidationRuleSource[];
  /** object folder path by object API name (lower-case) */
  objectDirs: Map<string, string>;
  /** custom permission API names defined under the root */
  customPermissions: string[];
  /** apex-ls's complete standard schema (merged into `objects` on first use by getObject) */
  sobjectTypes?: SObjectTypes;
  merged: Set<string>;
}

/** Custom objects, metadata types, events, big objects ... (everything a project defines itself). */
export function isCustomName(name: string): boolean {
  return /__(c|mdt|e|b|x|kav)$/i.test(name);
}

/**
 * An object of the schema by API name (case-insensitive): the tree's own definition, the hand-written
 * standard schema, and apex-ls's standard SObject library for anything those do not list.
 */
export function getObject(schema: ProjectSchema, name: string): SchemaObject | undefined {
  const key = name.toLowerCase();
  let obj = schema.objects.get(key);
  if (obj?.custom || isCustomName(name)) return obj;
  if (!schema.merged.has(key)) {
    schema.merged.add(key);
    const std = schema.sobjectTypes?.get(name);
    if (std) {
      if (!obj) {
        obj = { ...std, fields: new Map(std.fields), children: new Map(std.children) };
        schema.objects.set(key, obj);
      } else {
        for (const [k, f] of std.fields) if (!obj.fields.has(k)) obj.fields.set(k, f);
        for (const [k, c] of std.children) if (!obj.children.has(k)) obj.children.set(k, c);
      }
    }
  }
  return obj;
}

const SF_TYPE_TO_SCHEMA: Record<string, StandardFieldType> = {
  Number: 'number',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'checkbox',
  Date: 'date',
  DateTime: 'datetime',
  Time: 'time',
  Picklist: 'picklist',
  MultiselectPicklist: 'multipicklist',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Lookup: 'reference',
  MasterDetail: 'reference',
  MetadataRelationship: 'reference',
  Location: 'address',
  Address: 'address',
};

/** The component fields of a compound custom field (Location__c -> Location__Latitude__s ...). */
const COMPOUND_PARTS: Record<string, [string, StandardFieldType][]> = {
  Location: [
    ['Latitude', 'number'],
    ['Longitude', 'number'],
  ],
  Address: [
    ['Street', 'textarea'],
    ['City', 'text'],
    ['PostalCode', 'text'],
    ['StateCode', 'picklist'],
    ['CountryCode', 'picklist'],
    ['Latitude', 'number'],
    ['Longitude', 'number'],
    ['GeocodeAccuracy', 'picklist'],
  ],
};

function customObjectBase(name: string, meta: Record<string, unknown>): SchemaObject {
  const fields = new Map<string, SchemaField>();
  const add = (
    n: string,
    type: StandardFieldType,
    referenceTo?: string[],
    relationshipName?: string,
  ): void => {
    fields.set(n.toLowerCase(), { name: n, type, referenceTo, relationshipName });
  };
  add('Id', 'id');
  if (name.endsWith('__mdt')) {
    for (const f of [
      'DeveloperName',
      'MasterLabel',
      'Label',
      'Language',
      'NamespacePrefix',
      'QualifiedApiName',
    ])
      add(f, 'text');
    add('SystemModstamp', 'datetime');
    return { name, custom: true, fields, children: new Map() };
  }
  add('Name', 'text');
  add('IsDeleted', 'checkbox');
  add('CreatedDate', 'datetime');
  add('CreatedById', 'reference', ['User'], 'CreatedBy');
  add('LastModifiedDate', 'datetime');
  add('LastModifiedById', 'reference', ['User'], 'LastModifiedBy');
  add('SystemModstamp', 'datetime');
  if (meta.customSettingsType !== undefined) {
    add('SetupOwnerId', 'reference', ['User', 'Profile', 'Organization'], 'SetupOwner');
  } else {
    add('LastViewedDate', 'datetime');
    add('LastReferencedDate', 'datetime');
    if (xmlText(meta, 'enableActivities') === 'true') add('LastActivityDate', 'date');
    if (xmlText(meta, 'sharingModel') !== 'ControlledByParent')
      add('OwnerId', 'reference', ['User', 'Group'], 'Owner');
  }
  return { name, custom: true, fields, children: new Map() };
}

function inlinePicklistValues(xml: Record<string, unknown>): string[] | undefined {
  const valueSet = xml.valueSet as Record<string, unknown> | undefined;
  const def = valueSet?.valueSetDefinition as Record<string, unknown> | undefined;
  const values = def?.value;
  if (!Array.isArray(values)) return undefined;
  return values.map((v) => String((v as Record<string, unknown>).fullName ?? ''));
}

/** Read one field-meta.xml into a SourceField (type undefined when the file has no <type>). */
export function readSourceField(file: string): SourceField & { hasType: boolean } {
  const xml = readXml(file);
  const name = basename(file).replace(/\.field-meta\.xml$/, '');
  const sfType = xmlText(xml, 'type') ?? '';
  const refTo = xml.referenceTo;
  const referenceTo = Array.isArray(refTo)
    ? refTo.map(String)
    : typeof refTo === 'string'
      ? [refTo]
      : undefined;
  const rel = xmlText(xml, 'relationshipName');
  const blanks = xmlText(xml, 'formulaTreatBlanksAs');
  return {
    name,
    sfType,
    hasType: sfType !== '',
    // a roll-up summary is a number (COUNT, SUM) until loadProjectSchema types MIN/MAX/SUM like their field
    type: sfType === 'Summary' ? 'number' : (SF_TYPE_TO_SCHEMA[sfType] ?? 'text'),
    summarizedField: sfType === 'Summary' ? xmlText(xml, 'summarizedField') : undefined,
    referenceTo,
    // the parent path from this object is the field name with __r; <relationshipName> names the child list
    relationshipName: SF_TYPE_TO_SCHEMA[sfType] === 'reference' ? name.replace(/__c$/i, '__r') : undefined,
    childRelationshipName: rel,
    picklistValues: inlinePicklistValues(xml),
    required: xmlText(xml, 'required') === 'true',
    file,
    formula: xmlText(xml, 'formula'),
    treatBlanksAs: blanks === 'BlankAsZero' || blanks === 'BlankAsBlank' ? blanks : undefined,
  };
}

/** Every `objects/<Name>` folder under root. */
export function findObjectDirs(root: string): Map<string, string> {
  const dirs = new Map<string, string>();
  const visit = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.startsWith('.') || e === 'node_modules') continue;
      const p = join(d, e);
      if (e === 'objects') {
        for (const o of readdirSync(p, { withFileTypes: true })) {
          if (o.isDirectory()) dirs.set(o.name.toLowerCase(), join(p, o.name));
        }
      } else visit(p);
    }
  };
  visit(root);
  return dirs;
}

/**
 * Load the schema the checks resolve names against: everything under `root`, the standard objects of
 * standardSchema.ts, and (through getObject) apex-ls's standard SObject library from `repoDir`.
 */
export function loadProjectSchema(root: string, repoDir: string = process.cwd()): ProjectSchema {
  const objects = standardObjects();
  const sourceFields = new Map<string, SourceField[]>();
  const validationRules: ValidationRuleSource[] = [];
  const objectDirs = findObjectDirs(root);
  const lookups: SourceField[] = [];
  const lookupOwner = new Map<SourceField, string>();

  for (const [key, dir] of objectDirs) {
    const objectName = basename(dir);
    const metaFile = join(dir, `${objectName}.object-meta.xml`);
    let obj = objects.get(key);
    if (!obj) {
      obj = isCustomName(objectName)
        ? customObjectBase(objectName, existsSync(metaFile) ? readXml(metaFile) : {})
        : { name: objectName, custom: false, fields: new Map(), children: new Map() };
      objects.set(key, obj);
    }
    const fields: SourceField[] = [];
    for (const file of listFiles(join(dir, 'fields')).filter((f) => f.endsWith('.field-meta.xml'))) {
      const field = readSourceField(file);
      fields.push(field);
      // a standard field customised in source (no <type>) keeps its standard type
      if (field.hasType || !obj.fields.has(field.name.toLowerCase()))
        obj.fields.set(field.name.toLowerCase(), field);
      for (const [part, type] of COMPOUND_PARTS[field.sfType] ?? []) {
        const partName = `${field.name.replace(/__c$/i, '')}__${part}__s`;
        obj.fields.set(partName.toLowerCase(), { name: partName, type });
      }
      if (field.type === 'reference' && field.referenceTo && field.childRelationshipName) {
        lookups.push(field);
        lookupOwner.set(field, objectName);
      }
    }
    sourceFields.set(key, fields);
    for (const file of listFiles(join(dir, 'validationRules')).filter((f) =>
      f.endsWith('.validationRule-meta.xml'),
    )) {
      const xml = readXml(file);
      validationRules.push({
        name: basename(file).replace(/\.validationRule-meta\.xml$/, ''),
        object: objectName,
        file,
        active: xmlText(xml, 'active') !== 'false',
        formula: xmlText(xml, 'errorConditionFormula') ?? '',
        errorMessage: xmlText(xml, 'errorMessage') ?? '',
        errorDisplayField: xmlText(xml, 'errorDisplayField'),
      });
    }
  }
  // custom fields defined on Activity are fields of Event and Task (the platform shares them)
  for (const field of sourceFields.get('activity') ?? []) {
    for (const key of ['event', 'task']) objects.get(key)?.fields.set(field.name.toLowerCase(), field);
  }
  // MIN/MAX/SUM roll-ups are typed like the field they summarize (a date, a currency ...)
  for (const fields of sourceFields.values()) {
    for (const f of fields.filter((x) => x.summarizedField)) {
      const [child, name] = (f.summarizedField ?? '').split('.');
      const summarized = objects.get(child?.toLowerCase() ?? '')?.fields.get(name?.toLowerCase() ?? '');
      if (summarized && ['number', 'currency', 'percent', 'date', 'datetime'].includes(summarized.type))
        f.type = summarized.type;
    }
  }
  // child relationships of our lookups (Lead -> Engagement_Events__r -> Engagement_Event__c)
  for (const field of lookups) {
    for (const target of field.referenceTo ?? []) {
      objects
        .get(target.toLowerCase())
        ?.children.set(`${field.childRelationshipName}__r`.toLowerCase(), lookupOwner.get(field) ?? '');
    }
  }
  const customPermissions = listFiles(root)
    .filter((f) => f.endsWith('.customPermission-meta.xml'))
    .map((f) => basename(f).replace(/\.customPermission-meta\.xml$/, ''));
  return {
    objects,
    sourceFields,
    validationRules,
    objectDirs,
    customPermissions,
    sobjectTypes: SObjectTypes.forRepo(repoDir),
    merged: new Set(),
  };
}

/**
 * Walk `path` (e.g. ["Owner","Name"]) from an object through relationship names to a field.
 * `field` is undefined when the path cannot be checked (polymorphic, or a target outside the schema).
 */
export function resolvePath(
  schema: ProjectSchema,
  objectName: string,
  path: string[],
): { error?: string; field?: SchemaField } {
  let current: SchemaObject[] = [getObject(schema, objectName)].filter((o): o is SchemaObject => !!o);
  if (current.length === 0) return {}; // unknown object is reported once where it is named
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i].toLowerCase();
    const rel = current.flatMap((o) =>
      [...o.fields.values()].filter((f) => f.relationshipName?.toLowerCase() === seg),
    );
    if (rel.length === 0) {
      return {
        error: `Unknown relationship '${path[i]}' on ${current.map((o) => o.name).join('/')} (in ${path.join('.')}).`,
      };
    }
    const targets = [...new Set(rel.flatMap((f) => f.referenceTo ?? []))];
    if (targets.includes('*')) return {}; // polymorphic to anything (What, TargetObject)
    const next = targets.map((t) => getObject(schema, t)).filter((o): o is SchemaObject => !!o);
    if (next.length < targets.length) return {}; // a target outside our schema: nothing to check against
    // a polymorphic relationship (Owner -> User|Group, SetupOwner -> User|Profile|Organization) also
    // offers the fields of the Name object (Type, Name, Alias ...), whatever the record's type
    const nameObject = targets.length > 1 ? getObject(schema, 'Name') : undefined;
    current = nameObject && !targets.includes('Name') ? [...next, nameObject] : next;
  }
  const last = path[path.length - 1].toLowerCase();
  const field = current.map((o) => o.fields.get(last)).find((f) => f !== undefined);
  if (field) return { field };
  const within = path.length > 1 ? ` (in ${path.join('.')})` : '';
  return {
    error: `No field '${path[path.length - 1]}' on ${current.map((o) => o.name).join('/')}${within}.`,
  };
}

/** resolvePath's error message, or null when the path resolves (or cannot be checked). */
export function resolveFieldPath(schema: ProjectSchema, objectName: string, path: string[]): string | null {
  return resolvePath(schema, objectName, path).error ?? null;
}
