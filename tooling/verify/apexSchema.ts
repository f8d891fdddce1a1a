import { readFileSync } from 'node:fs';
import {
  ApexErrorListener,
  ApexParseTreeWalker,
  ApexParserBaseListener,
  ApexParserFactory,
  type BoundExpressionContext,
  type SoqlLiteralContext,
} from '@apexdevtools/apex-parser';
import soqlParser from 'soql-parser-js';
import type { Query, WhereClause } from 'soql-parser-js';
import { lineAt } from './files.ts';
import { apexFiles } from './pmd.ts';
import {
  getObject,
  isCustomName,
  loadProjectSchema,
  resolveFieldPath,
  type ProjectSchema,
  type SchemaObject,
} from './schema.ts';
import type { CheckInput, Problem } from './types.ts';

const { parseQuery } = soqlParser;

export interface ApexSoql {
  /** the query text without brackets; bind expressions replaced by :b0, :b1 ... (newlines kept) */
  text: string;
  /** character offsets of the query text in the source ([start, end), brackets excluded) */
  offset: number;
  end: number;
}

class SilentErrors extends ApexErrorListener {
  count = 0;
  apexSyntaxError(): void {
    this.count++;
  }
}

/**
 * The parser counts characters in code points, JavaScript strings in UTF-16 units: a map from one to the
 * other when the source has characters outside the BMP (an emoji in a comment), else the identity.
 */
function codePointOffsets(source: string): (cp: number) => number {
  if (!/[\uD800-\uDBFF]/.test(source)) return (cp) => cp;
  const units: number[] = [];
  for (let i = 0; i < source.length; i++) {
    units.push(i);
    if (/[\uD800-\uDBFF]/.test(source[i])) i++;
  }
  units.push(source.length);
  return (cp) => units[Math.min(cp, units.length - 1)];
}

class SoqlCollector extends ApexParserBaseListener {
  readonly found: ApexSoql[] = [];
  private open: { start: number; stop: number; binds: [number, number][] }[] = [];
  private readonly u16: (cp: number) => number;
  constructor(private readonly source: string) {
    super();
    this.u16 = codePointOffsets(source);
  }
  enterSoqlLiteral = (ctx: SoqlLiteralContext): void => {
    const start = this.u16(ctx.start.start);
    this.open.push({ start: start + 1, stop: ctx.stop ? this.u16(ctx.stop.stop) : start, binds: [] });
  };
  enterBoundExpression = (ctx: BoundExpressionContext): void => {
    const cur = this.open[this.open.length - 1];
    if (cur && ctx.stop) cur.binds.push([this.u16(ctx.start.start), this.u16(ctx.stop.stop) + 1]);
  };
  exitSoqlLiteral = (): void => {
    const cur = this.open.pop();
    if (!cur) return;
    let text = '';
    let pos = cur.start;
    cur.binds
      .sort((a, b) => a[0] - b[0])
      .forEach(([s, e], i) => {
        if (s < pos) return; // nested bind inside a bind
        const replaced = this.source.slice(s, e);
        const before = this.source.slice(pos, s);
        // soql-parser-js takes binds as values, but LIMIT and OFFSET only take a number
        // (and a bind inside a value list, IN (:a, :b), must be a literal for it)
        const head = text + before;
        const bind = /\b(LIMIT|OFFSET)\s*$/i.test(head) ? '1' : /[(,]\s*$/.test(head) ? `'b${i}'` : `:b${i}`;
        text += before + bind + '\n'.repeat((replaced.match(/\n/g) ?? []).length);
        pos = e;
      });
    text += this.source.slice(pos, cur.stop);
    this.found.push({ text, offset: cur.start, end: cur.stop });
  };
}

/** Every inline SOQL query (`[SELECT ...]`) of an Apex class or trigger; [] when the file does not parse. */
export function extractSoql(source: string, isTrigger = false): ApexSoql[] {
  const errors = new SilentErrors();
  const { parser } = ApexParserFactory.createLexerAndParser(source, errors);
  const tree = isTrigger ? parser.triggerUnit() : parser.compilationUnit();
  if (errors.count > 0) return []; // apex-ls reports syntax errors
  const collector = new SoqlCollector(source);
  ApexParseTreeWalker.DEFAULT.walk(collector, tree);
  return collector.found;
}

function unknownObjectHint(name: string): string {
  return isCustomName(name)
    ? `Unknown object ${name}: no objects/${name}/${name}.object-meta.xml in the tree.`
    : `Unknown object ${name}: not a standard object (apex-ls SObject library, API 65) nor defined in the tree.`;
}

/** Field references of a parsed query, each resolved against the schema; calls report() per bad reference. */
export function checkQuery(
  schema: ProjectSchema,
  query: Query,
  report: (token: string, message: string) => void,
): void {
  const objectName = query.sObject ?? '';
  // the platform derives Foo__Share, Foo__History, Foo__Feed, Foo__ChangeEvent from custom objects
  if (/__(share|history|feed|changeevent|tag)$/i.test(objectName)) return;
  const obj = getObject(schema, objectName);
  if (!obj) {
    report(objectName, unknownObjectHint(objectName));
    return;
  }
  const alias = query.sObjectAlias?.toLowerCase();
  const checkField = (raw: string, on: string = objectName): void => {
    if (!/^[A-Za-z_][\w.]*$/.test(raw)) return;
    let path = raw.split('.');
    if (alias && path.length > 1 && path[0].toLowerCase() === alias) path = path.slice(1);
    const msg = resolveFieldPath(schema, on, path);
    if (msg) report(raw, msg);
  };
  const checkParams = (params: unknown[] | undefined): void => {
    for (const p of params ?? []) {
      if (typeof p === 'string') checkField(p);
      else if (p && typeof p === 'object' && 'parameters' in p)
        checkParams((p as { parameters?: unknown[] }).parameters);
    }
  };
  const checkWhere = (where: WhereClause | undefined, on: string): void => {
    if (!where) return;
    const left = where.left as
      { field?: string; fn?: { parameters?: unknown[] }; valueQuery?: Query } | null | undefined;
    if (left?.field) checkField(left.field, on);
    if (left?.fn) checkParams(left.fn.parameters);
    if (left?.valueQuery) checkQuery(schema, left.valueQuery, report);
    checkWhere('right' in where ? where.right : undefined, on);
  };
  for (const f of query.fields ?? []) {
    switch (f.type) {
      case 'Field':
        checkField(f.field);
        break;
      case 'FieldRelationship':
        checkField(f.rawValue ?? [...f.relationships, f.field].join('.'));
        break;
      case 'FieldFunctionExpression':
        // FIELDS(ALL | STANDARD | CUSTOM) takes a keyword, not a field
        if (f.functionName.toUpperCase() !== 'FIELDS') checkParams(f.parameters as unknown[]);
        break;
      case 'FieldSubquery': {
        const rel = f.subquery.relationshipName;
        const child = obj.children.get(rel.toLowerCase());
        if (!child) {
          report(
            rel,
            `Unknown child relationship '${rel}' on ${obj.name} (a subquery needs the plural relationship name, e.g. Contacts, or Foos__r).`,
          );
          break;
        }
        checkQuery(schema, { ...f.subquery, sObject: child } as Query, report);
        break;
      }
      default:
        break; // TYPEOF: polymorphic, resolved at run time
    }
  }
  checkWhere(query.where, objectName);
  for (const o of [query.orderBy ?? []].flat()) {
    if ('field' in o && o.field) checkField(o.field);
    if ('fn' in o && o.fn) checkParams(o.fn.parameters as unknown[]);
  }
  for (const g of [query.groupBy ?? []].flat()) {
    if ('field' in g && g.field) checkField(g.field);
    if ('fn' in g && g.fn) checkParams(g.fn.parameters as unknown[]);
  }
  checkWhere(query.having as WhereClause | undefined, objectName);
}

/** Replace comments and string literals (and given ranges) with spaces, keeping every newline. */
export function maskApex(source: string, ranges: [number, number][] = [], keepStrings = false): string {
  const chars = source.split('');
  const blank = (s: number, e: number): void => {
    for (let i = s; i < e && i < chars.length; i++) if (chars[i] !== '\n') chars[i] = ' ';
  };
  let i = 0;
  while (i < source.length) {
    if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      blank(i, end < 0 ? source.length : end);
      i = end < 0 ? source.length : end;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      blank(i, end < 0 ? source.length : end + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (source[i] === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== "'") j += source[j] === '\\' ? 2 : 1;
      if (!keepStrings) blank(i + 1, j);
      i = j + 1;
    } else i++;
  }
  for (const [s, e] of ranges) blank(s, e);
  return chars.join('');
}

const DYNAMIC_QUERY =
  /Database\s*\.\s*(?:query|queryWithBinds|getQueryLocator|getQueryLocatorWithBinds|countQuery|countQueryWithBinds)\s*\(\s*((?:'(?:[^'\\]|\\.)*'\s*(?:\+\s*)?)+)\s*[,)]/g;

/**
 * Dynamic SOQL whose query is a string literal (or literals joined with +): Database.query('SELECT ...'),
 * queryWithBinds, getQueryLocator[WithBinds], countQuery. Queries built from variables are not checked.
 */
export function extractLiteralSoql(source: string): ApexSoql[] {
  const code = maskApex(source, [], true);
  const out: ApexSoql[] = [];
  for (const m of code.matchAll(DYNAMIC_QUERY)) {
    const argStart = m.index + m[0].indexOf(m[1]);
    let text = '';
    let prevEnd = -1;
    for (const lit of m[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
      const start = argStart + lit.index;
      if (prevEnd >= 0) text += ' ' + '\n'.repeat((source.slice(prevEnd, start).match(/\n/g) ?? []).length);
      text += lit[1].replace(/\\(.)/g, '$1');
      prevEnd = start + lit[0].length;
    }
    if (/^\s*SELECT\b/i.test(text)) out.push({ text, offset: argStart + 1, end: prevEnd });
  }
  return out;
}

// prettier-ignore
const NOT_TYPES = new Set(['return', 'new', 'else', 'throw', 'case', 'when', 'instanceof', 'in', 'insert', 'update', 'delete', 'upsert', 'undelete', 'merge', 'final', 'static', 'public', 'private', 'protected', 'global', 'override', 'virtual', 'abstract', 'transient', 'testmethod', 'webservice', 'class', 'interface', 'enum', 'extends', 'implements', 'void', 'as', 'on', 'for', 'if', 'while', 'do', 'try', 'catch', 'finally', 'break', 'continue']);

/**
 * References to custom fields (X__c) on standard objects: `lead.Fit_Score__c` where `lead` is declared as a
 * Lead, and `Lead.Fit_Score__c` tokens. apex-ls does not check these; a field missing from the tree fails.
 */
export function checkCustomFieldRefs(
  schema: ProjectSchema,
  source: string,
  soqlRanges: [number, number][],
): { index: number; message: string }[] {
  const masked = maskApex(source, soqlRanges);
  const standard = (name: string): SchemaObject | undefined => {
    const o = isCustomName(name) ? undefined : getObject(schema, name);
    return o && !o.custom ? o : undefined;
  };
  const varTypes = new Map<string, Set<string>>();
  const decl = /\b([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*(?=[=;,):])/g;
  for (const m of masked.matchAll(decl)) {
    const [, type, name] = m;
    if (NOT_TYPES.has(type.toLowerCase())) continue;
    const key = name.toLowerCase();
    varTypes.set(key, (varTypes.get(key) ?? new Set()).add(type.toLowerCase()));
  }
  const out: { index: number; message: string }[] = [];
  const ref = /\b([A-Za-z_]\w*)\s*\.\s*([A-Za-z_]\w*__c)\b/g;
  for (const m of masked.matchAll(ref)) {
    const [, target, field] = m;
    const types = varTypes.get(target.toLowerCase());
    let obj: SchemaObject | undefined;
    if (types) {
      if (types.size !== 1) continue; // declared with several types in this file: cannot tell
      obj = standard([...types][0]);
    } else {
      // an undeclared name written like the object (Lead.Fit_Score__c): a field token
      const std = standard(target);
      if (std && std.name === target) obj = std;
    }
    if (!obj || obj.fields.has(field.toLowerCase())) continue;
    out.push({
      index: m.index + m[0].lastIndexOf(field),
      message: `Field ${field} is not defined on ${obj.name}: no objects/${obj.name}/fields/${field}.field-meta.xml in the tree.`,
    });
  }
  return out;
}

/** SOQL field resolution and custom-field references on standard objects, over every Apex file under root. */
export function checkApexSchema(
  input: CheckInput,
  schema: ProjectSchema = loadProjectSchema(input.root, input.repoDir),
): Problem[] {
  const problems: Problem[] = [];
  for (const file of apexFiles(input.root)) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      continue; // removed while the gate ran
    }
    const add = (line: number, message: string, severity: Problem['severity'] = 'error'): void => {
      problems.push({ check: 'apex-schema', file, line, message, severity });
    };
    // parsing Apex is the slow part: only files with an inline query need it
    const queries = /\[\s*SELECT\b/i.test(source) ? extractSoql(source, file.endsWith('.trigger')) : [];
    for (const q of [...queries, ...extractLiteralSoql(source)]) {
      let parsed: Query;
      try {
        // Apex comments inside the brackets and ALL ROWS are Apex-only syntax soql-parser-js does not take
        const text = maskApex(q.text, [], true).replace(/\bALL\s+ROWS\s*$/i, '');
        parsed = parseQuery(text, { allowApexBindVariables: true });
      } catch (err) {
        add(
          lineAt(source, q.offset),
          `SOQL not understood by soql-parser-js, fields not checked: ${(err as Error).message.split('\n')[0]}`,
          'warning',
        );
        continue;
      }
      checkQuery(schema, parsed, (token, message) => {
        const at = Math.max(
          0,
          q.text.search(new RegExp(`\\b${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i')),
        );
        add(lineAt(source, q.offset) + (q.text.slice(0, at).match(/\n/g) ?? []).length, `SOQL: ${message}`);
      });
    }
    const ranges = queries.map((q): [number, number] => [q.offset, q.end]);
    for (const r of checkCustomFieldRefs(schema, source, ranges)) add(lineAt(source, r.index), r.message);
  }
  return problems;
}
