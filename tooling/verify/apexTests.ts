// Static checks of the Apex tests (issue 12): a test that calls an @AuraEnabled or user-mode method runs it as a
// user it created (checkRunAsUsers), and no test inserts a record that an active validation rule refuses
// (checkTestData). Both read the source only; the tests in tests/unit/datamodel/apexTests.test.ts prove each on a
// failing fixture and run it on the real tree.
import { basename } from 'node:path';
import {
  AssignExpressionContext,
  CastExpressionContext,
  DotExpressionContext,
  InsertStatementContext,
  NewExpressionContext,
  ReturnStatementContext,
  RunAsStatementContext,
  SoqlLiteralContext,
  SubExpressionContext,
  TryStatementContext,
  UpsertStatementContext,
  VariableDeclaratorContext,
} from '@apexdevtools/apex-parser';
import { evaluateValidationRule, loadFieldTypes, type FieldType } from '../formula/index.ts';
import {
  ancestor,
  callOf,
  callsIn,
  descendants,
  identifierOf,
  lower,
  parseApexFile,
  textOf,
  within,
  type ApexMethod,
  type ApexUnit,
  type Ctx,
} from './apexTree.ts';
import { lineAt, listFiles, readXml, xmlText } from './files.ts';
import { loadProjectSchema } from './schema.ts';

export interface ApexTestProblem {
  file: string;
  line: number;
  message: string;
}

export interface ApexTestsInput {
  /** Apex test classes (and test data builders) to check */
  testFiles: string[];
  /** production classes: where @AuraEnabled and user-mode methods are found */
  mainFiles: string[];
  /** source root whose objects, validation rules, permission sets and custom metadata apply */
  root: string;
  /** what Date.today() and TODAY() mean (default: the real clock) */
  now?: Date;
}

const USER_MODE = /\bWITH\s+USER_MODE\b|AccessLevel\s*\.\s*USER_MODE\b/i;
const parseAll = (files: string[]): ApexUnit[] =>
  files.map(parseApexFile).filter((u): u is ApexUnit => u !== undefined);
const keyOf = (cls: string, method: string): string => lower(`${cls}.${method}`);
const bodyText = (u: ApexUnit, m: ApexMethod): string => (m.body ? textOf(u.source, m.body) : '');

/** The method a call names: unqualified calls stay in the caller's class, `X.m` when X is a known class. */
function calledKey(
  call: { target?: string; name: string },
  caller: ApexMethod,
  classes: Set<string>,
): string | undefined {
  if (call.target === undefined) return keyOf(caller.className, call.name);
  return classes.has(lower(call.target)) ? keyOf(call.target, call.name) : undefined;
}

// ---- (a) tests run as users they created ----

/**
 * Methods whose result depends on the running user's permissions: @AuraEnabled methods, methods that read in user
 * mode (WITH USER_MODE, AccessLevel.USER_MODE), and every method that calls one (static and same-class calls).
 * Keys are lower-case `Class.method`; values say why.
 */
export function userDependentMethods(mains: ApexUnit[]): Map<string, string> {
  const classes = new Set(mains.flatMap((u) => u.methods.map((m) => lower(m.className))));
  const needs = new Map<string, string>();
  for (const u of mains) {
    for (const m of u.methods) {
      if (m.annotations.includes('auraenabled')) needs.set(keyOf(m.className, m.name), '@AuraEnabled');
      else if (USER_MODE.test(bodyText(u, m))) needs.set(keyOf(m.className, m.name), 'reads in user mode');
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const u of mains) {
      for (const m of u.methods) {
        const key = keyOf(m.className, m.name);
        if (needs.has(key) || !m.body) continue;
        for (const call of callsIn(u.source, m.body)) {
          const callee = calledKey(call, m, classes);
          if (callee && callee !== key && needs.has(callee)) {
            needs.set(key, `calls ${call.target ? call.target + '.' : ''}${call.name}`);
            changed = true;
            break;
          }
        }
      }
    }
  }
  return needs;
}

/** Test helpers that return a User they inserted (RevOpsTestData.userWith ...), and helpers returning one of those. */
function userFactories(tests: ApexUnit[]): Set<string> {
  const classes = new Set(tests.map((u) => lower(u.className)));
  const factories = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const u of tests) {
      for (const m of u.methods) {
        const key = keyOf(m.className, m.name);
        if (factories.has(key) || !/^User$/i.test(m.returnType) || !m.body) continue;
        const text = bodyText(u, m);
        const inserts = /\binsert\b/i.test(text) && /new\s+User\s*\(/i.test(text);
        const delegates = callsIn(u.source, m.body).some((c) => {
          const k = calledKey(c, m, classes);
          return k !== undefined && factories.has(k);
        });
        if (inserts || delegates) {
          factories.add(key);
          changed = true;
        }
      }
    }
  }
  return factories;
}

/** The last value assigned to a local variable before `before` in a method (declaration or assignment). */
function lastAssignment(m: ApexMethod, name: string, before: number): { value: Ctx; at: Ctx } | undefined {
  let found: { value: Ctx; at: Ctx } | undefined;
  for (const node of m.body ? descendants(m.body) : []) {
    if (node.start.start >= before) break;
    if (node instanceof VariableDeclaratorContext && node.expression() && node.id().getText() === name) {
      found = { value: node.expression(), at: node };
    } else if (node instanceof AssignExpressionContext && identifierOf(node.expression(0)) === name) {
      found = { value: node.expression(1), at: node };
    }
  }
  return found;
}

/** The expression a runAs block runs as, followed through one local variable. */
function runAsUser(u: ApexUnit, m: ApexMethod, runAs: RunAsStatementContext): Ctx | undefined {
  const arg = runAs.expressionList()?.expression(0);
  if (!arg) return undefined;
  const name = identifierOf(arg);
  return name ? lastAssignment(m, name, runAs.start.start)?.value : arg;
}

interface Site {
  ctx: Ctx;
  what: string;
}

/**
 * (a) Every @IsTest method that calls a user-dependent method (or queries in user mode itself) does it inside
 * System.runAs(user) where the user was created by the test (a RevOpsTestData user factory, directly or through a
 * local variable). Calls inside a test class's helper count at the helper's call sites.
 */
export function checkRunAsUsers(input: ApexTestsInput): ApexTestProblem[] {
  const mains = parseAll(input.mainFiles);
  const tests = parseAll(input.testFiles);
  const needs = userDependentMethods(mains);
  const factories = userFactories(tests);
  const classes = new Set([...mains, ...tests].flatMap((u) => u.methods.map((m) => lower(m.className))));
  const isCreated = (u: ApexUnit, m: ApexMethod, runAs: RunAsStatementContext): boolean => {
    const user = runAsUser(u, m, runAs);
    const call = user && callOf(u.source, user);
    const key = call && calledKey(call, m, classes);
    return key !== undefined && factories.has(key);
  };
  // each call or user-mode query of a test method, once, with whether a created user's runAs guards it
  interface Candidate {
    ctx: Ctx;
    key?: string;
    label: string;
    guarded: boolean;
  }
  const candidates = new Map<string, Candidate[]>();
  for (const u of tests) {
    for (const m of u.methods) {
      const list: Candidate[] = [];
      for (const node of m.body ? descendants(m.body) : []) {
        const call = callOf(u.source, node);
        const userModeQuery =
          (call?.target === 'Database' || node instanceof SoqlLiteralContext) &&
          USER_MODE.test(textOf(u.source, node));
        const key = call ? calledKey(call, m, classes) : undefined;
        if (!userModeQuery && !key) continue;
        const runAs = ancestor(node, (c): c is RunAsStatementContext => c instanceof RunAsStatementContext);
        list.push({
          ctx: node,
          key: userModeQuery ? undefined : key,
          label: userModeQuery ? 'a user-mode query' : `${call!.target ?? m.className}.${call!.name}`,
          guarded: Boolean(runAs && within(node, runAs.block()) && isCreated(u, m, runAs)),
        });
      }
      candidates.set(keyOf(m.className, m.name), list);
    }
  }
  // unguarded sites per test method; helpers with unguarded sites make their callers' call sites sensitive
  const unguarded = new Map<string, Site[]>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [key, list] of candidates) {
      const sites: Site[] = [];
      for (const c of list) {
        if (c.guarded) continue;
        if (c.key === undefined) sites.push({ ctx: c.ctx, what: c.label });
        else if (needs.has(c.key)) sites.push({ ctx: c.ctx, what: `${c.label} (${needs.get(c.key)})` });
        else if (unguarded.get(c.key)?.length)
          sites.push({ ctx: c.ctx, what: `${c.label} (a test helper that does)` });
      }
      if (sites.length !== (unguarded.get(key)?.length ?? 0)) changed = true;
      unguarded.set(key, sites);
    }
  }
  const problems: ApexTestProblem[] = [];
  for (const u of tests) {
    for (const m of u.methods.filter((x) => x.annotations.includes('istest'))) {
      for (const site of unguarded.get(keyOf(m.className, m.name)) ?? []) {
        problems.push({
          file: u.file,
          line: lineAt(u.source, site.ctx.start.start),
          message:
            `${m.className}.${m.name} calls ${site.what} outside System.runAs of a user the test created: ` +
            'it passes only if the user running the tests holds a RevOps permission set. Create one with ' +
            "RevOpsTestData.userWith('RevOps_Sales_Rep') and call it inside System.runAs(user) { ... }.",
        });
      }
    }
  }
  return problems;
}

// ---- (b) inserted test data passes the active validation rules ----

type Val = { known: true; value: unknown } | { known: false };
const UNKNOWN: Val = { known: false };

interface Rec {
  object: string;
  values: Map<string, { field: string; val: Val }>;
  file: string;
  at: number;
  source: string;
}

interface Scope {
  unit: ApexUnit;
  method: ApexMethod;
  binds: Map<string, Val>;
  before: number;
  depth: number;
}

export interface TestDataResult {
  problems: ApexTestProblem[];
  /** records checked against the rules */
  checked: number;
  /** inserts whose records could not be followed to literal values (file:line) */
  skipped: string[];
}

/** Stage_Policy__mdt records of the tree (stage, order, closed flag, required fields). */
function stagePolicies(
  root: string,
): { name: string; stage: string; order: number; closed: boolean; required: string[] }[] {
  return listFiles(root)
    .filter((f) => /[/\\]Stage_Policy\.[^/\\]+\.md-meta\.xml$/.test(f))
    .map((file) => {
      const values = new Map<string, string>();
      for (const v of (readXml(file).values ?? []) as Record<string, unknown>[]) {
        const value = [v.value].flat()[0]; // <value xsi:type=...> parses as a list of one string
        values.set(String(v.field), typeof value === 'string' ? value : '');
      }
      return {
        name: basename(file).replace(/^Stage_Policy\.|\.md-meta\.xml$/g, ''),
        stage: values.get('Stage__c') ?? '',
        order: Number(values.get('Order__c') ?? 0),
        closed: values.get('Is_Closed__c') === 'true',
        required: (values.get('Required_Fields__c') ?? '').split(';').filter(Boolean),
      };
    });
}

/** Custom permissions each permission set of the tree grants, by permission set name. */
function permissionSetGrants(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of listFiles(root).filter((f) => f.endsWith('.permissionset-meta.xml'))) {
    const cps = [readXml(file).customPermissions ?? []].flat() as Record<string, unknown>[];
    out.set(
      basename(file).replace('.permissionset-meta.xml', ''),
      cps.filter((c) => xmlText(c, 'enabled') === 'true').map((c) => xmlText(c, 'name') ?? ''),
    );
  }
  return out;
}

/**
 * (b) Every record a test inserts (insert, upsert, Database.insert/upsert) that can be followed to its literal field
 * values (`new Opportunity(...)`, lists of them, local variables and their `x.Field = value` / `list.add(...)`,
 * helpers of the test classes that return one, RevOpsTestData.opportunityAt/advanceTo) passes every active
 * validation rule of its object (isNew, the custom permissions of a runAs user's permission set). Exempt: inserts
 * inside a try block with a catch (the test expects the error) and Database.insert(records, false).
 * Values that are not literals are assumed present and valid.
 */
export function checkTestData(input: ApexTestsInput): TestDataResult {
  const tests = parseAll(input.testFiles);
  const schema = loadProjectSchema(input.root);
  const rules = new Map<string, { name: string; object: string }[]>();
  for (const r of schema.validationRules.filter((x) => x.active)) {
    rules.set(lower(r.object), [...(rules.get(lower(r.object)) ?? []), { name: r.name, object: r.object }]);
  }
  const grants = permissionSetGrants(input.root);
  const policies = stagePolicies(input.root);
  const now = input.now ?? new Date();
  const byClass = new Map(tests.map((u) => [lower(u.className), u]));
  const problems: ApexTestProblem[] = [];
  const skipped: string[] = [];
  const data = byClass.get('revopstestdata');
  const stageValues = new Map<string, Val>();
  const stageMap = data?.fields.find((f) => f.name === 'STAGE_FIELD_VALUES')?.init;
  if (data && stageMap) {
    for (const pair of descendants(stageMap)) {
      if (pair.constructor.name !== 'MapCreatorRestPairContext') continue;
      const [k, v] = (pair as unknown as { expression_list(): Ctx[] }).expression_list();
      const key = valueOf(k, { unit: data, method: data.methods[0], binds: new Map(), before: 0, depth: 0 });
      if (key.known)
        stageValues.set(
          String(key.value),
          valueOf(v, { unit: data, method: data.methods[0], binds: new Map(), before: 0, depth: 0 }),
        );
    }
  }

  function valueOf(expr: Ctx, scope: Scope): Val {
    const text = textOf(scope.unit.source, expr).trim();
    const str = /^'((?:[^'\\]|\\.)*)'$/.exec(text);
    if (str) return { known: true, value: str[1].replace(/\\(.)/g, '$1') };
    if (/^-?\d+(\.\d+)?[lL]?$/.test(text)) return { known: true, value: Number(text.replace(/[lL]$/, '')) };
    if (/^(true|false)$/i.test(text)) return { known: true, value: lower(text) === 'true' };
    if (/^null$/i.test(text)) return { known: true, value: null };
    const id = identifierOf(expr);
    if (id && scope.binds.has(id)) return scope.binds.get(id)!;
    const days = /^Date\.today\(\)(?:\.addDays\((-?\d+)\))?$/i.exec(text);
    if (days) return { known: true, value: new Date(now.getTime() + Number(days[1] ?? 0) * 86_400_000) };
    const ymd = /^Date\.newInstance\((\d+),\s*(\d+),\s*(\d+)\)$/i.exec(text);
    if (ymd) return { known: true, value: new Date(Date.UTC(+ymd[1], +ymd[2] - 1, +ymd[3])) };
    return UNKNOWN;
  }

  /** RevOpsTestData.advanceTo: the fields of the stage and of every open stage before it, then StageName. */
  function advance(rec: Rec, stage: Val, at: Ctx, scope: Scope): void {
    const target = stage.known ? policies.find((p) => p.stage === stage.value) : undefined;
    if (!target) {
      rec.values.set('stagename', { field: 'StageName', val: stage });
      return;
    }
    for (const p of policies.filter((x) => x === target || (!x.closed && x.order <= target.order))) {
      for (const field of p.required) {
        const example = stageValues.get(field);
        if (!example) {
          problems.push({
            file: scope.unit.file,
            line: lineAt(scope.unit.source, at.start.start),
            message: `RevOpsTestData.STAGE_FIELD_VALUES has no example for ${field}, which Stage_Policy__mdt ${p.name} requires.`,
          });
          continue;
        }
        const cur = rec.values.get(lower(field));
        if (!cur || (cur.val.known && (cur.val.value === null || cur.val.value === false))) {
          rec.values.set(lower(field), { field, val: example });
        }
      }
    }
    rec.values.set('stagename', { field: 'StageName', val: stage });
  }

  const isBuilder = (target: string | undefined, name: string): boolean =>
    lower(target ?? '') === 'revopstestdata' && ['opportunityat', 'advanceto'].includes(lower(name));

  function resolve(expr: Ctx, scope: Scope): Rec[] | undefined {
    if (scope.depth > 8) return undefined;
    if (expr instanceof SubExpressionContext || expr instanceof CastExpressionContext) {
      return resolve(expr.expression(), scope);
    }
    if (expr instanceof NewExpressionContext) {
      const creator = expr.creator();
      const type = textOf(scope.unit.source, creator.createdName());
      if (creator.setCreatorRest()) {
        const out: Rec[] = [];
        for (const e of creator.setCreatorRest().expression_list()) {
          const recs = resolve(e, scope);
          if (!recs) return undefined;
          out.push(...recs);
        }
        return out;
      }
      if (creator.noRest()) return [];
      if (!creator.classCreatorRest() || !rules.has(lower(type))) return [];
      const rec: Rec = {
        object: type,
        values: new Map(),
        file: scope.unit.file,
        source: scope.unit.source,
        at: expr.start.start,
      };
      for (const arg of creator.classCreatorRest().arguments().expressionList()?.expression_list() ?? []) {
        if (!(arg instanceof AssignExpressionContext)) continue;
        const field = textOf(scope.unit.source, arg.expression(0)).trim();
        rec.values.set(lower(field), { field, val: valueOf(arg.expression(1), scope) });
      }
      return [rec];
    }
    const id = identifierOf(expr);
    if (id) return resolveVar(id, scope);
    const call = callOf(scope.unit.source, expr);
    if (!call) return undefined;
    if (isBuilder(call.target, call.name) && lower(call.name) === 'opportunityat' && call.args.length === 1) {
      const rec: Rec = {
        object: 'Opportunity',
        values: new Map(),
        file: scope.unit.file,
        source: scope.unit.source,
        at: expr.start.start,
      };
      rec.values.set('name', { field: 'Name', val: UNKNOWN });
      rec.values.set('closedate', {
        field: 'CloseDate',
        val: { known: true, value: new Date(now.getTime() + 30 * 86_400_000) },
      });
      advance(rec, valueOf(call.args[0], scope), expr, scope);
      return [rec];
    }
    const owner = call.target === undefined ? scope.unit : byClass.get(lower(call.target));
    const method = owner?.methods.find(
      (m) => m.name === call.name && m.params.length === call.args.length && m.body,
    );
    if (!owner || !method) return undefined;
    const binds = new Map(method.params.map((p, i) => [p, valueOf(call.args[i], scope)]));
    const returns = [...descendants(method.body!)].filter(
      (n): n is ReturnStatementContext => n instanceof ReturnStatementContext,
    );
    const last = returns.at(-1)?.expression();
    return last
      ? resolve(last, { unit: owner, method, binds, before: last.start.start, depth: scope.depth + 1 })
      : undefined;
  }

  function resolveVar(name: string, scope: Scope): Rec[] | undefined {
    const assigned = lastAssignment(scope.method, name, scope.before);
    if (!assigned) return undefined;
    const recs = resolve(assigned.value, {
      ...scope,
      before: assigned.at.start.start,
      depth: scope.depth + 1,
    });
    if (!recs) return undefined;
    const from = (assigned.at.stop ?? assigned.at.start).stop;
    for (const node of descendants(scope.method.body!)) {
      if (node.start.start <= from || node.start.start >= scope.before) continue;
      if (node instanceof AssignExpressionContext) {
        const left = node.expression(0);
        if (
          left instanceof DotExpressionContext &&
          !left.dotMethodCall() &&
          identifierOf(left.expression()) === name
        ) {
          const field = left.anyId().getText();
          for (const r of recs)
            r.values.set(lower(field), { field, val: valueOf(node.expression(1), scope) });
        }
        continue;
      }
      const call = callOf(scope.unit.source, node);
      if (call?.target === name && lower(call.name) === 'add' && call.args.length === 1) {
        const added = resolve(call.args[0], { ...scope, before: node.start.start, depth: scope.depth + 1 });
        if (!added) return undefined;
        recs.push(...added);
      } else if (
        call &&
        isBuilder(call.target, call.name) &&
        call.args.length === 2 &&
        identifierOf(call.args[0]) === name
      ) {
        for (const r of recs) advance(r, valueOf(call.args[1], scope), node, scope);
      }
    }
    return recs;
  }

  const placeholder = (type: FieldType | undefined): unknown =>
    type === 'number' || type === 'currency' || type === 'percent'
      ? 1
      : type === 'checkbox'
        ? true
        : type === 'date' || type === 'datetime'
          ? now
          : 'x';

  let checked = 0;
  for (const u of tests) {
    for (const m of u.methods) {
      for (const node of m.body ? descendants(m.body) : []) {
        let target: Ctx | undefined;
        let exempt = false;
        if (node instanceof InsertStatementContext || node instanceof UpsertStatementContext)
          target = node.expression();
        else {
          const call = callOf(u.source, node);
          if (
            call?.target === 'Database' &&
            ['insert', 'upsert'].includes(lower(call.name)) &&
            call.args[0]
          ) {
            target = call.args[0];
            exempt = call.args.slice(1).some((a) => /^false$/i.test(textOf(u.source, a).trim()));
          }
        }
        if (!target) continue;
        const tryStmt = ancestor(node, (c): c is TryStatementContext => c instanceof TryStatementContext);
        if (exempt || (tryStmt && within(node, tryStmt.block()) && tryStmt.catchClause_list().length > 0))
          continue;
        const scope: Scope = { unit: u, method: m, binds: new Map(), before: node.start.start, depth: 0 };
        const recs = resolve(target, scope);
        const dmlLine = lineAt(u.source, node.start.start);
        if (!recs) {
          skipped.push(`${u.file}:${dmlLine}`);
          continue;
        }
        const runAs = ancestor(node, (c): c is RunAsStatementContext => c instanceof RunAsStatementContext);
        const userText = runAs ? textOf(u.source, runAsUser(u, m, runAs) ?? runAs) : '';
        const permissions = [...grants]
          .filter(([ps]) => userText.includes(`'${ps}'`))
          .flatMap(([, cps]) => cps);
        for (const rec of recs) {
          checked++;
          const objectDir = schema.objectDirs.get(lower(rec.object));
          const types = objectDir ? loadFieldTypes(objectDir) : {};
          const record: Record<string, unknown> = {};
          for (const { field, val } of rec.values.values()) {
            record[field] = val.known
              ? val.value
              : placeholder(
                  types[field] ?? Object.entries(types).find(([k]) => lower(k) === lower(field))?.[1],
                );
          }
          for (const rule of rules.get(lower(rec.object)) ?? []) {
            const result = evaluateValidationRule(
              rule.object,
              rule.name,
              { record, isNew: true, permissions, now },
              input.root,
            );
            if (!result.fires) continue;
            const where = rec.file === u.file ? '' : ` (built at ${rec.file}:${lineAt(rec.source, rec.at)})`;
            problems.push({
              file: u.file,
              line: rec.file === u.file ? lineAt(u.source, rec.at) : dmlLine,
              message: `${m.className}.${m.name} inserts ${/^[AEIOU]/i.test(rec.object) ? 'an' : 'a'} ${rec.object} (line ${dmlLine})${where} that the active validation rule ${rule.object}.${rule.name} refuses: ${result.errorMessage}`,
            });
          }
        }
      }
    }
  }
  return { problems, checked, skipped };
}
