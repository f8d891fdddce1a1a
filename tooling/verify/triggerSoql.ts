// Trigger-path SOQL check (issue 12): from every TA_* trigger action, follow the methods it calls through the
// production classes, and report each query on that path that is an aggregate (COUNT/MAX/MIN/SUM/AVG, GROUP BY)
// over a growing history object without a selective bound, or a LIKE with a leading wildcard. Both read every row
// they match, so lead inserts fail once history or the Account table grows (50,000-row limit, non-selective filter).
import { readXml, xmlText, lineAt } from './files.ts';
import { NewExpressionContext } from '@apexdevtools/apex-parser';
import soqlParser from 'soql-parser-js';
import type { Query, WhereClause } from 'soql-parser-js';
import { extractLiteralSoql, extractSoql, maskApex, type ApexSoql } from './apexSchema.ts';
import {
  callsIn,
  descendants,
  lower,
  parseApexFile,
  textOf,
  type ApexMethod,
  type ApexUnit,
} from './apexTree.ts';
import { loadProjectSchema, type ProjectSchema } from './schema.ts';

const { parseQuery } = soqlParser;

/** Append-only history objects that grow without bound. */
export const HISTORY_OBJECTS = [
  'Routing_Decision__c',
  'Lifecycle_Transition__c',
  'SLA_Event__c',
  'Engagement_Event__c',
];
const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'MAX', 'MIN', 'SUM', 'AVG']);

export interface TriggerSoqlProblem {
  file: string;
  line: number;
  message: string;
  /** the calls from the trigger action to the method holding the query */
  path: string[];
}

export interface TriggerSoqlInput {
  /** production classes (TA_* actions and everything they call) */
  mainFiles: string[];
  /** source root whose objects define lookups, External IDs and unique fields */
  root: string;
  historyObjects?: string[];
}

interface Node {
  unit: ApexUnit;
  method: ApexMethod;
}

/** Local variables, parameters and fields of a file by name, with their declared class (for `x.method()` calls). */
function declaredTypes(unit: ApexUnit, classes: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  const code = maskApex(unit.source);
  for (const m of code.matchAll(/\b([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s+([A-Za-z_]\w*)\s*(?=[=;,):])/g)) {
    const type = m[2] ?? m[1];
    if (classes.has(lower(type))) out.set(m[3], type);
  }
  return out;
}

/** Methods each method calls: same-class and static calls, calls on variables of a known class, constructors. */
function callGraph(units: ApexUnit[]): Map<string, { node: Node; callees: string[] }> {
  const classes = new Set(units.flatMap((u) => u.methods.map((m) => lower(m.className))));
  const graph = new Map<string, { node: Node; callees: string[] }>();
  for (const unit of units) {
    const types = declaredTypes(unit, classes);
    for (const method of unit.methods) {
      const callees = new Set<string>();
      for (const call of method.body ? callsIn(unit.source, method.body) : []) {
        if (call.target === undefined) {
          callees.add(lower(`${method.className}.${call.name}`));
          callees.add(lower(`${method.outerName}.${call.name}`));
          continue;
        }
        const newOf = /^new\s+([\w.]+)\s*\(/.exec(call.target)?.[1];
        const qualifier = (newOf ?? call.target).split('.').at(-1) ?? '';
        const cls = classes.has(lower(qualifier)) ? qualifier : types.get(call.target);
        if (cls) callees.add(lower(`${cls}.${call.name}`));
      }
      for (const n of method.body ? descendants(method.body) : []) {
        if (!(n instanceof NewExpressionContext)) continue;
        const created = textOf(unit.source, n.creator().createdName()).split('.').at(-1) ?? '';
        if (classes.has(lower(created))) callees.add(lower(`${created}.${created}`));
      }
      const key = lower(`${method.className}.${method.name}`);
      const prev = graph.get(key);
      graph.set(key, {
        node: prev?.node ?? { unit, method },
        callees: [...(prev?.callees ?? []), ...callees],
      });
      if (prev) graph.set(`${key}#${graph.size}`, { node: { unit, method }, callees: [...callees] }); // overload
    }
  }
  return graph;
}

/** Fields a filter can use to select a few rows: Id, lookups, master-detail, External ID and unique fields. */
function isKeyField(schema: ProjectSchema, objectName: string, field: string): boolean {
  if (/^id$/i.test(field)) return true;
  const src = schema.sourceFields.get(lower(objectName))?.find((f) => lower(f.name) === lower(field));
  if (!src) return /Id$/.test(field); // standard lookups (OwnerId, AccountId, WhoId ...)
  if (/^(Lookup|MasterDetail)$/.test(src.sfType)) return true;
  const xml = readXml(src.file);
  return xmlText(xml, 'externalId') === 'true' || xmlText(xml, 'unique') === 'true';
}

interface Condition {
  field?: string;
  operator?: string;
  value?: unknown;
}

function conditions(where: WhereClause | undefined): { conds: Condition[]; ors: boolean } {
  const conds: Condition[] = [];
  let ors = false;
  for (let w = where; w; w = 'right' in w ? (w.right as WhereClause | undefined) : undefined) {
    conds.push(w.left as Condition);
    if ('operator' in w && String(w.operator).toUpperCase() === 'OR') ors = true;
  }
  return { conds, ors };
}

/** Bind variables of a LIKE filter that the method fills with a leading '%' (`x.add('%' + d)`, `x = '%' + d`). */
function leadingWildcardBinds(unit: ApexUnit, method: ApexMethod, q: ApexSoql): string[] {
  const original = unit.source.slice(q.offset, q.end);
  const body = unit.source.slice(method.decl.start.start, (method.decl.stop ?? method.decl.start).stop + 1);
  return [...original.matchAll(/\bLIKE\s*:\s*([A-Za-z_]\w*)/gi)]
    .map((m) => m[1])
    .filter((name) => new RegExp(`\\b${name}\\s*(?:=|\\.add\\s*\\()\\s*'%`).test(body));
}

/**
 * Every query on a trigger path that aggregates a history object without a selective bound (a filter on Id, a
 * lookup, an External ID or a unique field, with no OR around it) or filters with a leading-wildcard LIKE.
 */
export function checkTriggerPathSoql(input: TriggerSoqlInput): TriggerSoqlProblem[] {
  const units = input.mainFiles.map(parseApexFile).filter((u): u is ApexUnit => u !== undefined);
  const schema = loadProjectSchema(input.root);
  const history = new Set((input.historyObjects ?? HISTORY_OBJECTS).map(lower));
  const graph = callGraph(units);
  // breadth first from every TA_* method, remembering how each method was reached
  const via = new Map<string, string[]>();
  const queue: string[] = [];
  for (const [key, { node }] of graph) {
    if (/^TA_/i.test(node.unit.className) && !key.includes('#')) {
      via.set(key, [`${node.method.className}.${node.method.name}`]);
      queue.push(key);
    }
  }
  while (queue.length > 0) {
    const key = queue.shift()!;
    const entries = [...graph].filter(([k]) => k === key || k.startsWith(`${key}#`));
    for (const [, { callees }] of entries) {
      for (const callee of callees) {
        const target = graph.get(callee);
        if (!target || via.has(callee)) continue;
        via.set(callee, [...via.get(key)!, `${target.node.method.className}.${target.node.method.name}`]);
        queue.push(callee);
      }
    }
  }
  const soqlCache = new Map<string, ApexSoql[]>();
  const problems: TriggerSoqlProblem[] = [];
  for (const [key, { node }] of graph) {
    const path = via.get(key.split('#')[0]);
    const { unit, method } = node;
    if (!path || !method.body) continue;
    if (!soqlCache.has(unit.file)) {
      const inline = /\[\s*SELECT\b/i.test(unit.source) ? extractSoql(unit.source) : [];
      soqlCache.set(unit.file, [...inline, ...extractLiteralSoql(unit.source)]);
    }
    const [start, end] = [method.decl.start.start, (method.decl.stop ?? method.decl.start).stop];
    for (const q of soqlCache.get(unit.file)!.filter((x) => x.offset >= start && x.offset <= end)) {
      let query: Query;
      try {
        query = parseQuery(q.text, { allowApexBindVariables: true });
      } catch {
        continue; // the apex-schema check reports queries it cannot read
      }
      const object = query.sObject ?? '';
      const report = (message: string): void => {
        problems.push({
          file: unit.file,
          line: lineAt(unit.source, q.offset),
          message: `${message} (trigger path: ${path.join(' → ')})`,
          path,
        });
      };
      const { conds, ors } = conditions(query.where);
      const aggregate =
        Boolean(query.groupBy) ||
        (query.fields ?? []).some(
          (f) => f.type === 'FieldFunctionExpression' && AGGREGATES.has(f.functionName.toUpperCase()),
        );
      const keyed = conds.filter(
        (c) => c.field && /^(=|IN)$/i.test(c.operator ?? '') && isKeyField(schema, object, c.field),
      );
      const bounded = conds.length > 0 && (ors ? keyed.length === conds.length : keyed.length > 0);
      if (aggregate && history.has(lower(object)) && !bounded) {
        report(
          `Aggregate query over the history object ${object} without a selective bound in ${method.className}.${method.name}: ` +
            'it reads every matching row (50,000-row limit) and is not selective past 200,000 rows. Keep the state on a record read by key.',
        );
      }
      const wildcards = conds.filter(
        (c) => /^LIKE$/i.test(c.operator ?? '') && typeof c.value === 'string' && /^'%/.test(c.value),
      );
      const binds = leadingWildcardBinds(unit, method, q);
      if (wildcards.length > 0 || binds.length > 0) {
        const what = [
          ...wildcards.map((c) => `${c.field} LIKE ${String(c.value)}`),
          ...binds.map((b) => `LIKE :${b} ('%' + ...)`),
        ];
        report(
          `Leading-wildcard LIKE on ${object} in ${method.className}.${method.name} (${what.join(', ')}): no index can serve it, ` +
            'so it scans the table. Match on a normalised, indexed key (External ID) instead.',
        );
      }
    }
  }
  return problems;
}
