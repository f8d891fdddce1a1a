// What the config records point at outside themselves: the fields of Lead, Contact, Opportunity and Account
// (scoring rule fields, routing criteria, stage policy required fields, dedup system-of-record fields) and the
// queues that take leads (routing fallback owners). Read from source (objects/<Object>/fields in the package
// folders plus the standard fields of scripts/lib/schema/standardSchema.ts) or from an org (describe, Group).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { standardObjects } from '../schema/standardSchema.ts';

/** The objects config records reference. */
export const REFERENCED_OBJECTS = ['Lead', 'Contact', 'Opportunity', 'Account'] as const;

export interface SchemaField {
  name: string; // API name as the schema spells it
  relationshipName?: string; // parent path name (Account, Matched_Account__r)
  referenceTo?: string[];
}

/** Field names by object, for the set-level checks. */
export interface ObjectSchema {
  /** Where the fields came from, for messages: "force-app objects/Lead/fields and the standard Lead fields". */
  describe(object: string): string;
  /** The object's fields by lower-case name, or undefined when the schema does not have the object. */
  fields(object: string): Map<string, SchemaField> | undefined;
}

/** Queues that can own leads (Queue sObject Lead), by DeveloperName. */
export interface LeadQueues {
  names: Set<string>;
  /** for messages: "force-app queues/" or "the org" */
  source: string;
}

/** Every `<dir>` folder named `name` under root (node_modules and dot folders skipped). */
function foldersNamed(root: string, name: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.name === name) out.push(p);
      else walk(p);
    }
  };
  walk(resolve(root));
  return out;
}

const tag = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`, 'g'))].map((m) => m[1]);

/**
 * The schema in source: the standard fields of standardSchema.ts plus every objects/<Object>/fields/*.field-meta.xml
 * under the package folders. A lookup field X__c gives the relationship X__r to its <referenceTo>.
 */
export function schemaFromSource(roots: string[]): ObjectSchema {
  const standard = standardObjects();
  const objectDirs = new Map<string, string[]>();
  for (const root of roots)
    for (const objects of foldersNamed(root, 'objects'))
      for (const o of readdirSync(objects, { withFileTypes: true }))
        if (o.isDirectory())
          objectDirs.set(o.name.toLowerCase(), [
            ...(objectDirs.get(o.name.toLowerCase()) ?? []),
            join(objects, o.name),
          ]);
  const cache = new Map<string, Map<string, SchemaField> | undefined>();
  return {
    describe(object) {
      const dirs = objectDirs.get(object.toLowerCase()) ?? [];
      const custom = dirs.length
        ? dirs.map((d) => join(relative('.', d) || d, 'fields')).join(', ')
        : `no objects/${object}/ folder under ${roots.join(', ')}`;
      return standard.has(object.toLowerCase())
        ? `${custom} and the standard ${object} fields of scripts/lib/schema/standardSchema.ts`
        : custom;
    },
    fields(object) {
      const key = object.toLowerCase();
      if (cache.has(key)) return cache.get(key);
      const std = standard.get(key);
      const dirs = objectDirs.get(key) ?? [];
      let fields: Map<string, SchemaField> | undefined;
      if (std || dirs.length) {
        fields = new Map();
        for (const f of std?.fields.values() ?? [])
          fields.set(f.name.toLowerCase(), {
            name: f.name,
            relationshipName: f.relationshipName,
            referenceTo: f.referenceTo,
          });
        for (const dir of dirs.map((d) => join(d, 'fields')).filter((d) => existsSync(d))) {
          for (const file of readdirSync(dir).filter((f) => f.endsWith('.field-meta.xml'))) {
            const name = basename(file, '.field-meta.xml');
            const xml = readFileSync(join(dir, file), 'utf8');
            const refs = tag(xml, 'referenceTo');
            fields.set(name.toLowerCase(), {
              name,
              ...(refs.length ? { referenceTo: refs, relationshipName: name.replace(/__c$/i, '__r') } : {}),
            });
          }
        }
      }
      cache.set(key, fields);
      return fields;
    },
  };
}

/** The field list of an org's describe (GET /sobjects/<Object>/describe). */
export interface DescribedField {
  name: string;
  relationshipName?: string | null;
  referenceTo?: string[] | null;
}

/** The schema an org describes: objects that are missing from `describes` are unknown to the org. */
export function schemaFromDescribe(
  describes: Record<string, DescribedField[]>,
  orgLabel: string,
): ObjectSchema {
  const byKey = new Map(
    Object.entries(describes).map(([object, fields]) => [
      object.toLowerCase(),
      new Map(
        fields.map((f) => [
          f.name.toLowerCase(),
          {
            name: f.name,
            relationshipName: f.relationshipName ?? undefined,
            referenceTo: f.referenceTo ?? undefined,
          },
        ]),
      ),
    ]),
  );
  return {
    describe: (object) => `the describe of ${object} in ${orgLabel}`,
    fields: (object) => byKey.get(object.toLowerCase()),
  };
}

/** Queues in source that take leads: queues/<Name>.queue-meta.xml with <sobjectType>Lead</sobjectType>. */
export function leadQueuesFromSource(roots: string[]): LeadQueues {
  const names = new Set<string>();
  for (const root of roots)
    for (const dir of foldersNamed(root, 'queues'))
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.queue-meta.xml')))
        if (tag(readFileSync(join(dir, file), 'utf8'), 'sobjectType').includes('Lead'))
          names.add(basename(file, '.queue-meta.xml'));
  return { names, source: `${roots.join(', ')} queues/` };
}

/** What contextFromOrg reads from an org (the command passes the org's REST calls). */
export interface OrgReader {
  /** GET /sobjects/<object>/describe fields, or null when the org has no such object (404) */
  describe(object: string): Promise<DescribedField[] | null>;
  query(soql: string): Promise<Record<string, unknown>[]>;
}

/**
 * The org's side of the set-level checks: the describe of each referenced object and the queues that take leads
 * (Group Type Queue joined with QueueSobject SobjectType Lead). `label` names the org in messages (never a token).
 */
export async function contextFromOrg(
  org: OrgReader,
  label: string,
): Promise<{ schema: ObjectSchema; leadQueues: LeadQueues }> {
  const describes: Record<string, DescribedField[]> = {};
  for (const object of REFERENCED_OBJECTS) {
    const fields = await org.describe(object);
    if (fields) describes[object] = fields;
  }
  const queues = await org.query("SELECT Id, DeveloperName FROM Group WHERE Type = 'Queue'");
  const forLeads = new Set(
    (await org.query("SELECT QueueId FROM QueueSobject WHERE SobjectType = 'Lead'")).map((r) =>
      String(r.QueueId).slice(0, 15),
    ),
  );
  return {
    schema: schemaFromDescribe(describes, label),
    leadQueues: {
      names: new Set(
        queues.filter((q) => forLeads.has(String(q.Id).slice(0, 15))).map((q) => String(q.DeveloperName)),
      ),
      source: label,
    },
  };
}
