// Field names in strings (issue 14): `record.put('X__c', v)` / `record.get('X__c')` on a variable declared as a
// known SObject, and dynamic SOQL built from literals through variables and constants (`String q = 'SELECT ' +
// FIELDS; q += ' FROM Lead'; Database.query(q)`), resolved with @apexdevtools/apex-parser and checked with
// apexSchema.ts's checkQuery. Strings that depend on run-time values are not checked.
import { readFileSync } from 'node:fs';
import {
  AssignExpressionContext,
  Arth2ExpressionContext,
  CatchClauseContext,
  DoWhileStatementContext,
  EnhancedForControlContext,
  ForStatementContext,
  FormalParameterContext,
  IfStatementContext,
  LiteralPrimaryContext,
  LocalVariableDeclarationContext,
  PrimaryExpressionContext,
  SubExpressionContext,
  SwitchStatementContext,
  TryStatementContext,
  VariableDeclaratorContext,
  WhileStatementContext,
} from '@apexdevtools/apex-parser';
import soqlParser from 'soql-parser-js';
import { checkQuery } from './apexSchema.ts';
import {
  callOf,
  descendants,
  identifierOf,
  lower,
  parseApexFile,
  textOf,
  type ApexMethod,
  type ApexUnit,
  type Ctx,
} from './apexTree.ts';
import { lineAt } from './files.ts';
import { apexFiles } from './pmd.ts';
import { getObject, isCustomName, type ProjectSchema } from './schema.ts';
import type { CheckInput, Problem } from './types.ts';

const { parseQuery } = soqlParser;

/** A string built from literals: its text and where each piece came from in the source. */
interface Fragment {
  text: string;
  /** source offset of the first character of `text` */
  offset: number;
}

const DYNAMIC = new Set([
  'query',
  'querywithbinds',
  'getquerylocator',
  'getquerylocatorwithbinds',
  'countquery',
  'countquerywithbinds',
]);
const PURE_LITERAL = /^\s*'(?:[^'\\]|\\.)*'(?:\s*\+\s*'(?:[^'\\]|\\.)*')*\s*$/;
const CONTROL = [
  IfStatementContext,
  ForStatementContext,
  WhileStatementContext,
  DoWhileStatementContext,
  SwitchStatementContext,
  TryStatementContext,
  CatchClauseContext,
];

function literalOf(source: string, ctx: Ctx): Fragment[] | undefined {
  if (!(ctx instanceof PrimaryExpressionContext) || !(ctx.primary() instanceof LiteralPrimaryContext))
    return undefined;
  const raw = textOf(source, ctx);
  if (!raw.startsWith("'")) return undefined;
  return [
    {
      text: raw.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)),
      offset: ctx.start.start + 1,
    },
  ];
}

/** Is ctx inside a branch or loop of the method (so its assignment may not run)? */
function conditional(ctx: Ctx, body: Ctx): boolean {
  let cur = ctx.parentCtx as Ctx | null;
  while (cur && cur !== body) {
    if (CONTROL.some((C) => cur instanceof C)) return true;
    cur = cur.parentCtx as Ctx | null;
  }
  return false;
}

class Resolver {
  constructor(private readonly unit: ApexUnit) {}

  /** The string an expression always evaluates to, as fragments, or undefined. */
  resolve(expr: Ctx, method: ApexMethod | undefined, before: number, depth = 0): Fragment[] | undefined {
    if (depth > 10) return undefined;
    const src = this.unit.source;
    const lit = literalOf(src, expr);
    if (lit) return lit;
    if (expr instanceof SubExpressionContext)
      return this.resolve(expr.expression(), method, before, depth + 1);
    if (expr instanceof Arth2ExpressionContext && expr.ADD()) {
      const a = this.resolve(expr.expression(0), method, before, depth + 1);
      const b = a && this.resolve(expr.expression(1), method, before, depth + 1);
      return a && b ? [...a, ...b] : undefined;
    }
    const id = identifierOf(expr);
    return id ? this.variable(id, method, before, depth) : undefined;
  }

  private variable(
    name: string,
    method: ApexMethod | undefined,
    before: number,
    depth: number,
  ): Fragment[] | undefined {
    const body = method?.body;
    let value: Fragment[] | undefined;
    let declared = false;
    for (const node of body ? descendants(body) : []) {
      if (node.start.start >= before) break;
      let op: '=' | '+=' | undefined;
      let rhs: Ctx | undefined;
      if (node instanceof VariableDeclaratorContext && node.id().getText() === name) {
        declared = true;
        op = '=';
        rhs = node.expression() ?? undefined;
        if (!rhs) {
          value = undefined;
          continue;
        }
      } else if (node instanceof AssignExpressionContext && identifierOf(node.expression(0)) === name) {
        if (node.ASSIGN()) op = '=';
        else if (node.ADD_ASSIGN()) op = '+=';
        else return undefined;
        rhs = node.expression(1);
      } else if (
        (node instanceof FormalParameterContext || node instanceof EnhancedForControlContext) &&
        node.id().getText() === name
      ) {
        return undefined;
      }
      if (!op || !rhs) continue;
      if (conditional(node, body!)) return undefined;
      const part = this.resolve(rhs, method, node.start.start, depth + 1);
      if (!part) return undefined;
      value = op === '=' ? part : value ? [...value, ...part] : undefined;
      if (!value) return undefined;
    }
    if (declared || (method && method.params.includes(name))) return value;
    // a class constant: initialised once and never assigned again
    const field = this.unit.fields.find((f) => f.name === name);
    if (!field?.init || !/^String$/i.test(field.type)) return undefined;
    const reassigned = new RegExp(`\\b${name}\\s*(\\+)?=(?!=)`, 'g');
    if ([...this.unit.source.matchAll(reassigned)].length > 1) return undefined;
    return this.resolve(field.init, undefined, Infinity, depth + 1);
  }
}

/** Declared types of the file's variables (locals, parameters, loop variables, fields), by lower-case name. */
function declaredTypes(unit: ApexUnit): Map<string, Set<string>> {
  const types = new Map<string, Set<string>>();
  const add = (name: string, type: string): void => {
    const key = lower(name);
    types.set(key, (types.get(key) ?? new Set()).add(type.replace(/^Schema\./i, '').replace(/\s+/g, '')));
  };
  for (const f of unit.fields) add(f.name, f.type);
  for (const m of unit.methods) {
    for (const node of descendants(m.decl)) {
      if (node instanceof LocalVariableDeclarationContext) {
        const type = textOf(unit.source, node.typeRef());
        for (const v of node.variableDeclarators().variableDeclarator_list()) add(v.id().getText(), type);
      } else if (node instanceof FormalParameterContext || node instanceof EnhancedForControlContext) {
        add(node.id().getText(), textOf(unit.source, node.typeRef()));
      }
    }
  }
  return types;
}

/** Field-name strings and literal-built dynamic SOQL of one Apex class, resolved against the schema. */
export function checkApexStrings(file: string, schema: ProjectSchema): Problem[] {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // parsing is the slow part: only files with a literal field name in put/get, or a query built from variables
  const hasPutGet = /\.\s*(?:put|get)\s*\(\s*'\w+__c'/i.test(source);
  const hasDynamic =
    /Database\s*\.\s*(?:query|queryWithBinds|getQueryLocator|getQueryLocatorWithBinds|countQuery|countQueryWithBinds)\s*\(\s*(?!')/i.test(
      source,
    );
  if (!hasPutGet && !hasDynamic) return [];
  const unit = parseApexFile(file);
  if (!unit) return []; // apex-ls reports syntax errors
  const out: Problem[] = [];
  const add = (index: number, message: string): void => {
    out.push({ check: 'apex-schema', file, line: lineAt(source, index), message, severity: 'error' });
  };
  const types = hasPutGet ? declaredTypes(unit) : new Map<string, Set<string>>();
  const resolver = new Resolver(unit);
  for (const m of unit.methods) {
    for (const node of m.body ? descendants(m.body) : []) {
      const call = callOf(source, node);
      if (!call) continue;
      const name = lower(call.name);
      if ((name === 'put' || name === 'get') && call.targetCtx && call.args.length >= 1) {
        const target = identifierOf(call.targetCtx);
        const declared = target ? types.get(lower(target)) : undefined;
        const lit = literalOf(source, call.args[0]);
        if (!declared || declared.size !== 1 || !lit) continue;
        const type = [...declared][0];
        const obj =
          /^\w+$/.test(type) && !/^(SObject|Map|Object|String|AggregateResult)$/i.test(type)
            ? getObject(schema, type)
            : undefined;
        const field = lit[0].text;
        if (!obj || !/^\w+$/.test(field)) continue;
        // standard objects: only custom fields (the standard library may lag the platform); our objects: any field
        if (!obj.custom && !/__c$/i.test(field)) continue;
        if (!obj.fields.has(lower(field))) {
          add(
            lit[0].offset,
            `${target}.${call.name}('${field}'): ${obj.name} has no field ${field}${isCustomName(field) ? ` (no objects/${obj.name}/fields/${field}.field-meta.xml)` : ''}. Fix the name or add the field.`,
          );
        }
      } else if (call.target === 'Database' && DYNAMIC.has(name) && call.args[0]) {
        if (PURE_LITERAL.test(textOf(source, call.args[0]))) continue; // apexSchema.ts checks those
        const fragments = resolver.resolve(call.args[0], m, node.start.start);
        if (!fragments) continue;
        const text = fragments.map((f) => f.text).join('');
        if (!/^\s*SELECT\b/i.test(text)) continue;
        let parsed;
        try {
          parsed = parseQuery(text, { allowApexBindVariables: true });
        } catch {
          continue; // not a query soql-parser-js understands: not checked
        }
        checkQuery(schema, parsed, (token, message) => {
          const re = new RegExp(`\\b${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i');
          const hit = fragments.find((f) => f.text.search(re) >= 0);
          add(
            hit ? hit.offset + hit.text.search(re) : node.start.start,
            `Dynamic SOQL (built from literals): ${message} Fix the name in the string or add the field.`,
          );
        });
      }
    }
  }
  return out;
}

export function checkDynamicStrings(input: CheckInput, schema: ProjectSchema): Problem[] {
  return apexFiles(input.root)
    .filter((f) => f.endsWith('.cls'))
    .flatMap((f) => checkApexStrings(f, schema));
}
