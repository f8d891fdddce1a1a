import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXml, deployedFiles, lineAt, lineOf, listFiles, projectApiVersion } from './files.ts';
import {
  findObjectDirs,
  getObject,
  loadProjectSchema,
  readSourceField,
  type ProjectSchema,
  type SourceField,
} from './schema.ts';
import type { CheckInput, Problem } from './types.ts';
import { checkSdrConversion } from './sdr.ts';

export { checkSdrConversion };

const problem = (file: string, line: number, message: string): Problem => ({
  check: 'deploy',
  file,
  line,
  message,
  severity: 'error',
});

/** Every .xml file parses as XML; the problem names the line of the XML error. */
export function checkXmlWellFormed(files: string[]): Problem[] {
  const out: Problem[] = [];
  for (const file of files.filter((f) => f.endsWith('.xml'))) {
    const result = XMLValidator.validate(readFileSync(file, 'utf8'));
    if (result !== true) out.push(problem(file, result.err.line, `Malformed XML: ${result.err.msg}`));
  }
  return out;
}

/** A CustomField needs <type>, except a standard field (no __c) customised in source. */
export function checkFieldTypes(files: string[]): Problem[] {
  const out: Problem[] = [];
  for (const file of files.filter((f) => f.endsWith('.field-meta.xml'))) {
    const name = basename(file).replace(/\.field-meta\.xml$/, '');
    if (!/__c$/i.test(name)) continue;
    const content = readFileSync(file, 'utf8');
    if (XMLValidator.validate(content) !== true) continue; // reported by checkXmlWellFormed
    if (!/<type>\s*\S[^<]*<\/type>/.test(content)) {
      out.push(
        problem(
          file,
          lineOf(content, '<CustomField'),
          `Custom field ${name} has no <type> (e.g. <type>Text</type>); Salesforce rejects it.`,
        ),
      );
    }
  }
  return out;
}

const decomposedFolders = new Set([
  'fields',
  'validationRules',
  'listViews',
  'recordTypes',
  'compactLayouts',
  'webLinks',
  'fieldSets',
  'businessProcesses',
]);
const listParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: () => true });

/**
 * Duplicate fullNames inside one file (two picklist values, two labels ... with the same fullName) and a
 * <fullName> that disagrees with the file name of a decomposed child (a field, a validation rule ...).
 */
export function checkFullNamesInFiles(files: string[]): Problem[] {
  const out: Problem[] = [];
  for (const file of files.filter((f) => f.endsWith('-meta.xml'))) {
    const content = readFileSync(file, 'utf8');
    if (!content.includes('<fullName>') || XMLValidator.validate(content) !== true) continue;
    const doc = listParser.parse(content) as Record<string, unknown>;
    const walk = (node: unknown, path: string): void => {
      if (!Array.isArray(node)) return;
      const names = new Map<string, number>();
      for (const item of node) {
        if (!item || typeof item !== 'object') continue;
        const rec = item as Record<string, unknown>;
        const fn = Array.isArray(rec.fullName) ? rec.fullName[0] : undefined;
        if (typeof fn === 'string' && path.includes('/')) {
          // nested list entries (picklist values, labels ...): a repeat is a duplicate
          const count = (names.get(fn) ?? 0) + 1;
          names.set(fn, count);
          if (count === 2) {
            const needle = `<fullName>${fn}</fullName>`;
            const first = content.indexOf(needle);
            const line = lineOf(content, needle, first + needle.length);
            out.push(
              problem(
                file,
                line,
                `Duplicate fullName "${fn}" in this file's <${path.split('/').slice(-1)[0]}> list (first at line ${lineOf(content, needle)}).`,
              ),
            );
          }
        }
        for (const [k, v] of Object.entries(rec)) if (k !== 'fullName') walk(v, `${path}/${k}`);
      }
    };
    for (const [rootKey, rootVal] of Object.entries(doc)) {
      if (rootKey === '?xml') continue;
      walk(rootVal, rootKey);
      // the root element's own fullName must match the file name for decomposed children
      const root = Array.isArray(rootVal) ? (rootVal[0] as Record<string, unknown> | undefined) : undefined;
      const own = root && Array.isArray(root.fullName) ? root.fullName[0] : undefined;
      const expected = basename(file).replace(/\.[A-Za-z]+-meta\.xml$/, '');
      if (typeof own === 'string' && decomposedFolders.has(basename(dirname(file))) && own !== expected) {
        out.push(
          problem(
            file,
            lineOf(content, '<fullName>'),
            `<fullName>${own}</fullName> does not match the file name ${expected}; rename one of them.`,
          ),
        );
      }
    }
  }
  return out;
}

/**
 * <apiVersion> of every component against the sourceApiVersion of the tree's own project (`expected`, from the
 * sfdx-project.json found walking up from the root). Salesforce deploys mixed API versions, so a difference is
 * no deployability error: a malformed version is (the org rejects it), a version newer than the project's is a
 * warning (an org on an older release rejects it), and any difference is a house-policy error (this project
 * keeps one API version for the whole tree).
 */
export function checkApiVersions(files: string[], expected: string | undefined): Problem[] {
  const out: Problem[] = [];
  for (const file of files.filter((f) => f.endsWith('-meta.xml'))) {
    const content = readFileSync(file, 'utf8');
    const m = /<apiVersion>\s*([^<\s]*)\s*<\/apiVersion>/.exec(content);
    if (!m) continue;
    const line = lineOf(content, '<apiVersion>');
    if (!/^\d{1,3}\.0$/.test(m[1])) {
      out.push(
        problem(file, line, `apiVersion "${m[1]}" is not an API version (e.g. ${expected ?? '66.0'}).`),
      );
    } else if (expected && m[1] !== expected) {
      if (Number(m[1]) > Number(expected)) {
        out.push({
          ...problem(
            file,
            line,
            `apiVersion ${m[1]} is newer than the project's sourceApiVersion ${expected}; an org on an older release rejects it.`,
          ),
          severity: 'warning',
        });
      }
      out.push({
        ...problem(
          file,
          line,
          `apiVersion ${m[1]}; this project keeps every component at its sourceApiVersion ${expected} (Salesforce deploys mixed versions).`,
        ),
        kind: 'policy',
      });
    }
  }
  return out;
}

const NUMBER_TYPES = new Set(['Number', 'Percent', 'Currency']);

/**
 * Custom metadata records (customMetadata/<Type>.<Record>.md-meta.xml): the type exists in the tree, every
 * field exists on it, numbers are numbers, checkboxes true/false, picklist values in the field's value set.
 */
export function checkCustomMetadataRecords(root: string, files: string[]): Problem[] {
  const out: Problem[] = [];
  const objectDirs = findObjectDirs(root);
  const fieldsOf = new Map<string, Map<string, SourceField>>();
  for (const file of files.filter(
    (f) => f.endsWith('.md-meta.xml') && basename(dirname(f)) === 'customMetadata',
  )) {
    const content = readFileSync(file, 'utf8');
    if (XMLValidator.validate(content) !== true) continue;
    const type = `${basename(file).split('.')[0]}__mdt`;
    const dir = objectDirs.get(type.toLowerCase());
    if (!dir) {
      out.push(
        problem(file, 1, `Custom metadata type ${type} is not defined: no objects/${type}/ in the tree.`),
      );
      continue;
    }
    if (!fieldsOf.has(type)) {
      const fields = new Map<string, SourceField>();
      for (const f of listFiles(join(dir, 'fields')).filter((x) => x.endsWith('.field-meta.xml'))) {
        const field = readSourceField(f);
        fields.set(field.name.toLowerCase(), field);
      }
      fieldsOf.set(type, fields);
    }
    const fields = fieldsOf.get(type) ?? new Map<string, SourceField>();
    const seen = new Set<string>();
    for (const m of content.matchAll(
      /<values>\s*<field>([^<]+)<\/field>\s*<value([^>]*?)(?:\/>|>([\s\S]*?)<\/value>)/g,
    )) {
      const [, name, attrs, raw] = m;
      const line = lineAt(content, m.index + m[0].indexOf('<field>'));
      const key = name.trim().toLowerCase();
      if (seen.has(key)) {
        out.push(problem(file, line, `${type}.${name} has two values in this record; keep one.`));
        continue;
      }
      seen.add(key);
      const field = fields.get(key);
      if (!field) {
        out.push(
          problem(
            file,
            line,
            `${type} has no field ${name}; add objects/${type}/fields/${name}.field-meta.xml or remove the value.`,
          ),
        );
        continue;
      }
      if (/xsi:nil="true"/.test(attrs) || raw === undefined) continue;
      const value = decodeXml(raw.trim());
      if (NUMBER_TYPES.has(field.sfType) && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) {
        out.push(
          problem(file, line, `${type}.${name} is a ${field.sfType} field but the record has "${value}".`),
        );
      } else if (field.sfType === 'Checkbox' && value !== 'true' && value !== 'false') {
        out.push(
          problem(
            file,
            line,
            `${type}.${name} is a Checkbox but the record has "${value}" (use true or false).`,
          ),
        );
      } else if (
        field.sfType === 'Picklist' &&
        field.picklistValues &&
        !field.picklistValues.includes(value)
      ) {
        out.push(
          problem(
            file,
            line,
            `${type}.${name}: "${value}" is not one of its picklist values (${field.picklistValues.join(', ')}).`,
          ),
        );
      }
    }
  }
  return out;
}

/**
 * Permission sets reference only what exists (classes, objects, custom fields, custom permissions) and grant
 * no field permission Salesforce refuses: none on a universally required or master-detail field ("You cannot
 * deploy to a required field"). Edit on a formula, auto-number or roll-up field is accepted by Salesforce
 * (the field stays read-only), so it is house policy here: grant read only.
 */
export function checkPermissionSets(root: string, files: string[], schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  const classes = new Set(
    files.filter((f) => f.endsWith('.cls')).map((f) => basename(f, '.cls').toLowerCase()),
  );
  for (const file of files.filter((f) => f.endsWith('.permissionset-meta.xml'))) {
    const content = readFileSync(file, 'utf8');
    if (XMLValidator.validate(content) !== true) continue;
    const at = (index: number): number => lineAt(content, index);
    const fail = (index: number, message: string): void => {
      out.push(problem(file, at(index), message));
    };
    for (const m of content.matchAll(/<classAccesses>[\s\S]*?<apexClass>([^<]+)<\/apexClass>/g)) {
      if (!classes.has(m[1].trim().toLowerCase()))
        fail(m.index + m[0].indexOf('<apexClass>'), `Apex class ${m[1]} is not in the tree.`);
    }
    for (const m of content.matchAll(/<objectPermissions>[\s\S]*?<object>([^<]+)<\/object>/g)) {
      if (!getObject(schema, m[1].trim()))
        fail(m.index + m[0].indexOf('<object>'), `Object ${m[1]} does not exist.`);
    }
    for (const m of content.matchAll(/<customPermissions>[\s\S]*?<name>([^<]+)<\/name>/g)) {
      if (!schema.customPermissions.some((p) => p.toLowerCase() === m[1].trim().toLowerCase())) {
        fail(m.index + m[0].indexOf('<name>'), `Custom permission ${m[1]} is not in the tree.`);
      }
    }
    for (const m of content.matchAll(/<fieldPermissions>([\s\S]*?)<\/fieldPermissions>/g)) {
      const body = m[1];
      const ref = /<field>([^<]+)<\/field>/.exec(body)?.[1].trim() ?? '';
      const index = m.index + m[0].indexOf('<field>');
      const [object, name] = ref.split('.');
      if (!name || !/__c$/i.test(name)) continue; // standard fields: the org decides
      const field = getObject(schema, object)?.fields.get(name.toLowerCase()) as SourceField | undefined;
      if (!field) {
        fail(index, `Field ${ref} is not defined (no objects/${object}/fields/${name}.field-meta.xml).`);
      } else if (field.required || field.sfType === 'MasterDetail') {
        fail(
          index,
          `Field ${ref} is required; Salesforce refuses field permissions on required fields. Remove this entry.`,
        );
      } else if (
        /<editable>true<\/editable>/.test(body) &&
        (field.formula !== undefined || ['AutoNumber', 'Summary'].includes(field.sfType))
      ) {
        out.push({
          ...problem(
            file,
            at(index),
            `Field ${ref} is calculated (${field.formula !== undefined ? 'formula' : field.sfType}); grant it read-only (Salesforce ignores the edit).`,
          ),
          kind: 'policy',
        });
      }
    }
  }
  return out;
}

/** The object a layout, approval process, workflow or object sub-component file belongs to. */
function objectOfFile(file: string): string | undefined {
  const folder = basename(dirname(file));
  const name = basename(file);
  if (folder === 'layouts') return name.split('-')[0];
  if (folder === 'approvalProcesses' || folder === 'workflows') return name.split('.')[0];
  if (['listViews', 'compactLayouts', 'fieldSets', 'recordTypes'].includes(folder))
    return basename(dirname(dirname(file)));
  return undefined;
}

/**
 * Layouts, approval processes, workflows, list views, compact layouts, field sets and record types name only
 * custom fields that exist; approval processes call field updates/alerts the object's workflow defines and
 * send to queues the tree defines.
 */
export function checkObjectReferences(root: string, files: string[], schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  const queues = new Set(
    files.filter((f) => f.endsWith('.queue-meta.xml')).map((f) => basename(f, '.queue-meta.xml')),
  );
  const workflowActions = new Map<string, Set<string>>();
  for (const f of files.filter((x) => x.endsWith('.workflow-meta.xml'))) {
    const names = [
      ...readFileSync(f, 'utf8').matchAll(
        /<(?:fieldUpdates|alerts|outboundMessages|tasks)>\s*<fullName>([^<]+)<\/fullName>/g,
      ),
    ];
    workflowActions.set(
      basename(f, '.workflow-meta.xml').toLowerCase(),
      new Set(names.map((m) => m[1].trim())),
    );
  }
  for (const file of files.filter((f) => f.endsWith('-meta.xml'))) {
    const object = objectOfFile(file);
    if (!object || !getObject(schema, object)) continue;
    const content = readFileSync(file, 'utf8');
    if (XMLValidator.validate(content) !== true) continue;
    const fail = (index: number, message: string): void => {
      out.push(problem(file, lineAt(content, index), message));
    };
    // a layout's related lists name the child object's fields: not this object's
    const scanned = content.replace(/<relatedLists>[\s\S]*?<\/relatedLists>/g, (block) =>
      block.replace(/[^\n]/g, ' '),
    );
    for (const m of scanned.matchAll(/<(field|fields|columns|name)>\s*(?:(\w+)\.)?(\w+__c)\s*<\/\1>/g)) {
      const [, , prefix, field] = m;
      const owner = prefix && getObject(schema, prefix) ? prefix : prefix ? undefined : object;
      if (!owner) continue; // a relationship path: not resolved here
      const obj = getObject(schema, owner);
      if (obj && !obj.fields.has(field.toLowerCase())) {
        fail(
          m.index,
          `${owner}.${field} is not defined (no objects/${owner}/fields/${field}.field-meta.xml).`,
        );
      }
    }
    if (basename(dirname(file)) !== 'approvalProcesses') continue;
    for (const m of content.matchAll(/<approver>\s*<name>([^<]+)<\/name>\s*<type>queue<\/type>/g)) {
      if (!queues.has(m[1].trim()))
        fail(m.index, `Approver queue ${m[1]} is not in the tree (queues/${m[1]}.queue-meta.xml).`);
    }
    const actions = workflowActions.get(object.toLowerCase()) ?? new Set<string>();
    for (const m of content.matchAll(
      /<action>\s*<name>([^<]+)<\/name>\s*<type>(FieldUpdate|Alert|OutboundMessage|Task)<\/type>/g,
    )) {
      if (!actions.has(m[1].trim())) {
        fail(m.index, `${m[2]} ${m[1]} is not defined in workflows/${object}.workflow-meta.xml.`);
      }
    }
  }
  return out;
}

const PAGE_TARGETS: Record<string, string> = {
  RecordPage: 'lightning__RecordPage',
  AppPage: 'lightning__AppPage',
  HomePage: 'lightning__HomePage',
  UtilityBar: 'lightning__UtilityBar',
};

/**
 * Lightning pages place only LWC bundles of the tree that are exposed for the page type (and, on a record
 * page, for its object when the bundle restricts objects), and dynamic-form fields (Record.X__c) that exist.
 */
export function checkFlexipages(files: string[], schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  const bundles = new Map<string, string>();
  for (const f of files.filter((x) => x.endsWith('.js-meta.xml') && /[\\/]lwc[\\/]/.test(x))) {
    bundles.set(basename(f, '.js-meta.xml'), readFileSync(f, 'utf8'));
  }
  // an Aura component placed on a page (c:name): its availability is declared in the .cmp, not checked here
  const aura = new Set(
    files.filter((x) => x.endsWith('.cmp') && /[\\/]aura[\\/]/.test(x)).map((x) => basename(x, '.cmp')),
  );
  for (const file of files.filter((f) => f.endsWith('.flexipage-meta.xml'))) {
    const content = readFileSync(file, 'utf8');
    if (XMLValidator.validate(content) !== true) continue;
    const pageType = /<type>(\w+)<\/type>\s*<\/FlexiPage>/.exec(content)?.[1] ?? '';
    const object = /<sobjectType>(\w+)<\/sobjectType>/.exec(content)?.[1];
    const target = PAGE_TARGETS[pageType];
    for (const m of content.matchAll(/<componentName>\s*(?:c:)?(\w+)\s*<\/componentName>/g)) {
      const name = m[1];
      const line = lineAt(content, m.index);
      const meta = bundles.get(name);
      if (meta === undefined && aura.has(name)) continue;
      if (meta === undefined) {
        out.push(
          problem(file, line, `Component ${name} is not an LWC or Aura bundle in the tree (lwc/${name}).`),
        );
        continue;
      }
      if (!/<isExposed>\s*true\s*<\/isExposed>/.test(meta)) {
        out.push(
          problem(
            file,
            line,
            `LWC ${name} is not exposed (<isExposed>true</isExposed> in ${name}.js-meta.xml).`,
          ),
        );
      } else if (target && !meta.includes(`<target>${target}</target>`)) {
        out.push(
          problem(file, line, `LWC ${name} does not list <target>${target}</target> for this ${pageType}.`),
        );
      } else if (target && object) {
        const config = new RegExp(
          `<targetConfig targets="[^"]*${target}[^"]*">([\\s\\S]*?)</targetConfig>`,
        ).exec(meta)?.[1];
        const objects = [...(config ?? '').matchAll(/<object>(\w+)<\/object>/g)].map((o) => o[1]);
        if (objects.length && !objects.includes(object)) {
          out.push(
            problem(
              file,
              line,
              `LWC ${name} is limited to ${objects.join(', ')} record pages, not ${object}.`,
            ),
          );
        }
      }
    }
    for (const m of content.matchAll(/<fieldItem>\s*Record\.(\w+)\s*<\/fieldItem>/g)) {
      const obj = object ? getObject(schema, object) : undefined;
      if (obj && !obj.fields.has(m[1].toLowerCase())) {
        out.push(
          problem(file, lineAt(content, m.index), `Field ${object}.${m[1]} on this page does not exist.`),
        );
      }
    }
  }
  return out;
}

export async function checkDeployability(input: CheckInput, schema?: ProjectSchema): Promise<Problem[]> {
  const files = deployedFiles(input.root);
  return [
    ...checkXmlWellFormed(files),
    ...checkApiVersions(files, projectApiVersion(input.root)),
    ...checkFieldTypes(files),
    ...checkCustomMetadataRecords(input.root, files),
    ...checkPermissionSets(input.root, files, (schema ??= loadProjectSchema(input.root, input.repoDir))),
    ...checkObjectReferences(input.root, files, schema),
    ...checkFlexipages(files, schema),
    ...checkFullNamesInFiles(files),
    ...(await checkSdrConversion(input.root, files)),
  ];
}
