// Metadata Salesforce rejects on deploy (issue 14): queues on objects a queue cannot own, OpportunityStage values
// with an unknown forecast category or won without closed, approval processes whose manager step has no
// nextAutomatedApprover or whose submitters name roles/groups the tree lacks, field updates that set a picklist by
// formula or to a value outside it, and two lookups giving their parent the same child relationship name.
import { basename, dirname } from 'node:path';
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
import { getObject, type ProjectSchema, type SourceField } from './schema.ts';
import type { Problem } from './types.ts';

const err = (file: string, line: number, message: string): Problem =>
  problemOf('deploy', file, line, message);

// ---- queues ----

/** Why a queue cannot own records of `object`, or undefined when it can (or the schema cannot tell). */
export function queueOwnable(schema: ProjectSchema, object: string): string | undefined {
  if (/__(mdt|e|b|x)$/i.test(object)) return `${object} is not a record object a queue can own`;
  if (/__c$/i.test(object)) {
    if (/^\w+__\w+__c$/.test(object)) return undefined; // a managed package's object
    const obj = getObject(schema, object);
    if (!obj) return `${object} is not defined in the tree (no objects/${object}/)`;
    if (!obj.fields.has('ownerid'))
      return `${object} has no owner (the detail side of a master-detail, or a custom setting)`;
    return undefined;
  }
  const std = schema.sobjectTypes?.available ? schema.sobjectTypes.get(object) : undefined;
  if (std === undefined) return undefined; // no standard library here: cannot tell
  if (std === null) return `${object} is not a Salesforce object`;
  const owner = std.fields.get('owner');
  if (!owner) return `${object} has no owner field`;
  // a queue-ownable object's Owner is polymorphic (User or Group); User-only owners cannot be queues
  if ((owner.referenceTo ?? []).every((t) => t === 'User'))
    return `${object}'s owner can only be a user (Salesforce supports queues for Lead, Case, custom objects and other objects whose owner may be a queue)`;
  return undefined;
}

export function checkQueues(files: string[], schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  for (const file of filesIn(files, 'queues', '.queue-meta.xml')) {
    const meta = readMeta(file);
    if (!meta) continue;
    const at = locator(meta.content);
    for (const qs of all(meta.root, 'queueSobject')) {
      const object = text(qs, 'sobjectType') ?? '';
      const line = at(`<sobjectType>${escaped(object)}</sobjectType>`);
      const why = queueOwnable(schema, object);
      if (why)
        out.push(
          err(
            file,
            line,
            `Queue ${basename(file, '.queue-meta.xml')} lists ${object}: ${why}. Remove this <queueSobject>.`,
          ),
        );
    }
  }
  return out;
}

// ---- OpportunityStage ----

const FORECAST_CATEGORIES = ['Omitted', 'Pipeline', 'BestCase', 'MostLikely', 'Forecast', 'Closed'];

export function checkOpportunityStages(files: string[]): Problem[] {
  const out: Problem[] = [];
  for (const file of filesIn(files, 'standardValueSets', 'OpportunityStage.standardValueSet-meta.xml')) {
    const meta = readMeta(file);
    if (!meta) continue;
    const at = locator(meta.content);
    for (const v of all(meta.root, 'standardValue')) {
      const name = text(v, 'fullName') ?? '';
      const line = at(`<fullName>${escaped(name)}</fullName>`);
      const lineOf = (tag: string): number => lineIn(meta.content, line, tag, line);
      const category = text(v, 'forecastCategory');
      if (category !== undefined && !FORECAST_CATEGORIES.includes(category)) {
        out.push(
          err(
            file,
            lineOf('forecastCategory'),
            `Stage ${name}: forecastCategory ${category} is not one of ${FORECAST_CATEGORIES.join(', ')}.`,
          ),
        );
      }
      if (text(v, 'won') === 'true' && text(v, 'closed') !== 'true') {
        out.push(
          err(
            file,
            lineOf('won'),
            `Stage ${name} is won but not closed: a won stage must also set <closed>true</closed>.`,
          ),
        );
      }
      const p = text(v, 'probability');
      if (p !== undefined && p !== '' && !(Number(p) >= 0 && Number(p) <= 100)) {
        out.push(
          err(file, lineOf('probability'), `Stage ${name}: probability ${p} is not between 0 and 100.`),
        );
      }
    }
  }
  return out;
}

/** Line of the first <tag> at or after line `from` (the element of one value). */
function lineIn(content: string, from: number, tag: string, fallback: number): number {
  const lines = content.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    if (lines[i].includes(`<${tag}>`)) return i + 1;
    if (i > from - 1 && lines[i].includes('<fullName>')) break;
  }
  return fallback;
}

// ---- approval processes ----

export function checkApprovalProcesses(files: string[], schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  const names = (folder: string, suffix: string): Set<string> =>
    new Set(filesIn(files, folder, suffix).map((f) => basename(f, suffix)));
  const roles = names('roles', '.role-meta.xml');
  const groups = names('groups', '.group-meta.xml');
  for (const file of filesIn(files, 'approvalProcesses', '.approvalProcess-meta.xml')) {
    const meta = readMeta(file);
    if (!meta) continue;
    const object = basename(file).split('.')[0];
    const process = basename(file).replace(/^[^.]+\.|\.approvalProcess-meta\.xml$/g, '');
    const at = locator(meta.content);
    for (const s of all(meta.root, 'allowedSubmitters')) {
      const type = text(s, 'type') ?? '';
      const submitter = text(s, 'submitter') ?? '';
      const line = at(`<type>${escaped(type)}</type>`);
      const kind = /^role/.test(type) ? 'role' : type === 'group' ? 'group' : undefined;
      if (!kind) continue;
      const known = kind === 'role' ? roles : groups;
      if (!known.has(submitter)) {
        out.push(
          err(
            file,
            line,
            `Approval process ${process} allows submitters of ${kind} ${submitter}, which the tree does not define (no ${kind}s/${submitter}.${kind}-meta.xml). Add the ${kind} or allow another submitter.`,
          ),
        );
      }
    }
    const next = all(meta.root, 'nextAutomatedApprover')[0];
    const hierarchy = text(next, 'userHierarchyField');
    const nextLine = lineOfTag(meta.content, 'nextAutomatedApprover');
    if (hierarchy && hierarchy !== 'Manager') {
      const f = sourceField(schema, 'User', hierarchy);
      if (!f || f.sfType !== 'Hierarchy') {
        out.push(
          err(
            file,
            nextLine,
            `Approval process ${process}: nextAutomatedApprover uses User.${hierarchy}, which is not Manager nor a hierarchy field of User in the tree.`,
          ),
        );
      }
    }
    const steps = locator(meta.content);
    for (const step of all(meta.root, 'approvalStep')) {
      const stepName = text(step, 'name') ?? '';
      for (const approver of all(all(step, 'assignedApprover')[0], 'approver')) {
        const type = text(approver, 'type') ?? '';
        const name = text(approver, 'name') ?? '';
        const line = steps(`<type>${escaped(type)}</type>`);
        if (type === 'userHierarchyField' && !hierarchy) {
          out.push(
            err(
              file,
              line,
              `Approval step ${stepName} sends to the submitter's manager (userHierarchyField), but the process has no <nextAutomatedApprover> with <userHierarchyField>Manager</userHierarchyField>: Salesforce rejects it. Add one to the process.`,
            ),
          );
        }
        if (type === 'relatedUserField' && /__c$/i.test(name) && getObject(schema, object)) {
          const f = sourceField(schema, object, name);
          const isUser = f && (f.referenceTo ?? []).some((t) => t.toLowerCase() === 'user');
          if (!schemaField(schema, object, name) || (f && !isUser)) {
            out.push(
              err(
                file,
                line,
                `Approval step ${stepName} sends to ${object}.${name}, which is not a lookup to User on ${object}.`,
              ),
            );
          }
        }
      }
    }
  }
  return out;
}

function lineOfTag(content: string, tag: string): number {
  const i = content.indexOf(`<${tag}>`);
  return i < 0 ? 1 : content.slice(0, i).split('\n').length;
}

// ---- workflow field updates ----

/** Standard picklists whose values live in a standard value set of the same tree. */
const STANDARD_VALUE_SETS: Record<string, string> = {
  'opportunity.stagename': 'OpportunityStage',
  'lead.status': 'LeadStatus',
  'lead.leadsource': 'LeadSource',
  'contact.leadsource': 'LeadSource',
  'opportunity.leadsource': 'LeadSource',
  'account.industry': 'Industry',
  'lead.industry': 'Industry',
  'account.type': 'AccountType',
  'opportunity.type': 'OpportunityType',
  'case.status': 'CaseStatus',
  'case.priority': 'CasePriority',
  'case.origin': 'CaseOrigin',
  'case.reason': 'CaseReason',
};

/** The values of a picklist field, when the tree has them (inline, global value set or standard value set). */
export function picklistValues(
  files: string[],
  schema: ProjectSchema,
  object: string,
  field: string,
): { picklist: boolean; values?: string[] } {
  const src = sourceField(schema, object, field);
  const valuesOf = (folder: string, suffix: string, name: string, tag: string): string[] | undefined => {
    const file = filesIn(files, folder, suffix).find((f) => basename(f, suffix) === name);
    const meta = file ? readMeta(file) : undefined;
    return meta ? all(meta.root, tag).map((v) => text(v, 'fullName') ?? '') : undefined;
  };
  if (src) {
    if (src.sfType !== 'Picklist') return { picklist: false };
    if (src.picklistValues) return { picklist: true, values: src.picklistValues };
    const vs = readMeta(src.file);
    const gvs = text(all(vs?.root, 'valueSet')[0], 'valueSetName');
    return {
      picklist: true,
      values: gvs ? valuesOf('globalValueSets', '.globalValueSet-meta.xml', gvs, 'customValue') : undefined,
    };
  }
  const std = schemaField(schema, object, field);
  if (std?.type !== 'picklist') return { picklist: false };
  const set = STANDARD_VALUE_SETS[`${object}.${field}`.toLowerCase()];
  return {
    picklist: true,
    values: set
      ? valuesOf('standardValueSets', '.standardValueSet-meta.xml', set, 'standardValue')
      : undefined,
  };
}

export function checkFieldUpdates(files: string[], schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  for (const file of filesIn(files, 'workflows', '.workflow-meta.xml')) {
    const meta = readMeta(file);
    if (!meta) continue;
    const workflowObject = basename(file, '.workflow-meta.xml');
    const at = locator(meta.content);
    for (const fu of all(meta.root, 'fieldUpdates')) {
      const name = text(fu, 'fullName') ?? '';
      const line = at(`<fullName>${escaped(name)}</fullName>`);
      const field = text(fu, 'field') ?? '';
      const object = text(fu, 'targetObject') ?? workflowObject;
      const operation = text(fu, 'operation') ?? '';
      if (!getObject(schema, object)) continue;
      const { picklist, values } = picklistValues(files, schema, object, field);
      if (!picklist) continue;
      const opLine = lineIn(meta.content, line, 'operation', line);
      if (operation === 'Formula') {
        out.push(
          err(
            file,
            opLine,
            `Field update ${name} sets the picklist ${object}.${field} with a formula; Salesforce sets picklists only to a value (Literal), the next/previous value or blank. Use <operation>Literal</operation> with <literalValue>${values?.length ? values.join(' | ') : '...'}</literalValue>.`,
          ),
        );
      } else if (operation === 'Literal' && values) {
        const literal = text(fu, 'literalValue') ?? '';
        if (!values.includes(literal)) {
          out.push(
            err(
              file,
              lineIn(meta.content, line, 'literalValue', opLine),
              `Field update ${name} sets ${object}.${field} to "${literal}", which is not one of its values (${values.join(', ')}).`,
            ),
          );
        }
      }
    }
  }
  return out;
}

// ---- child relationship names ----

/** Two lookups (or master-details) to one object must give it different child relationship names. */
export function checkRelationshipNames(schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, { object: string; field: SourceField }>();
  const entries = [...schema.sourceFields.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [, fields] of entries) {
    for (const field of [...fields].sort((a, b) => a.name.localeCompare(b.name))) {
      if (field.type !== 'reference' || !field.childRelationshipName) continue;
      const object = basename(dirname(dirname(field.file)));
      for (const target of field.referenceTo ?? []) {
        const key = `${target}.${field.childRelationshipName}`.toLowerCase();
        const first = seen.get(key);
        if (!first) {
          seen.set(key, { object, field });
          continue;
        }
        const meta = readMeta(field.file);
        out.push(
          err(
            field.file,
            meta ? lineOfTag(meta.content, 'relationshipName') : 1,
            `${object}.${field.name} and ${first.object}.${first.field.name} both name their child relationship on ${target} "${field.childRelationshipName}"; Salesforce needs a unique relationship name per parent object. Rename this <relationshipName>.`,
          ),
        );
      }
    }
  }
  return out;
}
