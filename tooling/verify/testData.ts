// Static check (b) of the Apex tests (issue 12; apexTests.ts re-exports it): no test inserts a record that an active
// validation rule refuses. It reads the source only: each insert of a test is followed to the records it builds and
// their literal field values (TestRecords), and each record is run through the validation rules' formulas.
import { basename } from 'node:path';
import {
  AssignExpressionContext,
  CastExpressionContext,
  DotExpressionContext,
  InsertStatementContext,
  NewExpressionContext,
  ReturnStatementContext,
  RunAsStatementContext,
  SubExpressionContext,
  TryStatementContext,
  UpsertStatementContext,
} from '@apexdevtools/apex-parser';
import { evaluateValidationRule, loadFieldTypes, type FieldType } from '../formula/index.ts';
import {
  ancestor,
  callOf,
  descendants,
  identifierOf,
  lastAssignment,
  lower,
  parseApexFiles,
  runAsUser,
  textOf,
  within,
  type ApexMethod,
  type ApexUnit,
  type Ctx,
} from './apexTree.ts';
import { lineAt, listFiles, readXml, xmlText } from './files.ts';
import { loadProjectSchema } from './schema.ts';
import type { ApexTestProblem, ApexTestsInput } from './apexTests.ts';

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
): { name: string; stage: string; order: number; closed: boolean; notFuture: boolean; required: string[] }[] {
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
        notFuture: values.get('Close_Date_Not_Future__c') === 'true',
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
 * Follows an expression of a test to the records it builds and their literal field values: `new X(...)`, lists,
 * local variables and their field assignments, test helpers that return records, RevOpsTestData.opportunityAt and
 * advanceTo (which fill the fields Stage_Policy__mdt requires from RevOpsTestData.STAGE_FIELD_VALUES).
 */
class TestRecords {
  readonly problems: ApexTestProblem[] = [];
  private readonly stageValues = new Map<string, Val>();

  constructor(
    private readonly byClass: Map<string, ApexUnit>,
    private readonly rules: Map<string, { name: string; object: string }[]>,
    private readonly policies: ReturnType<typeof stagePolicies>,
    private readonly now: Date,
  ) {
    const data = byClass.get('revopstestdata');
    const stageMap = data?.fields.find((f) => f.name === 'STAGE_FIELD_VALUES')?.init;
    if (data && stageMap) {
      for (const pair of descendants(stageMap)) {
        if (pair.constructor.name !== 'MapCreatorRestPairContext') continue;
        const [k, v] = (pair as unknown as { expression_list(): Ctx[] }).expression_list();
        const key = this.valueOf(k, {
          unit: data,
          method: data.methods[0],
          binds: new Map(),
          before: 0,
          depth: 0,
        });
        if (key.known)
          this.stageValues.set(
            String(key.value),
            this.valueOf(v, { unit: data, method: data.methods[0], binds: new Map(), before: 0, depth: 0 }),
          );
      }
    }
  }

  valueOf(expr: Ctx, scope: Scope): Val {
    const text = textOf(scope.unit.source, expr).trim();
    const str = /^'((?:[^'\\]|\\.)*)'$/.exec(text);
    if (str) return { known: true, value: str[1].replace(/\\(.)/g, '$1') };
    if (/^-?\d+(\.\d+)?[lL]?$/.test(text)) return { known: true, value: Number(text.replace(/[lL]$/, '')) };
    if (/^(true|false)$/i.test(text)) return { known: true, value: lower(text) === 'true' };
    if (/^null$/i.test(text)) return { known: true, value: null };
    const id = identifierOf(expr);
    if (id && scope.binds.has(id)) return scope.binds.get(id)!;
    const days = /^Date\.today\(\)(?:\.addDays\((-?\d+)\))?$/i.exec(text);
    if (days) return { known: true, value: new Date(this.now.getTime() + Number(days[1] ?? 0) * 86_400_000) };
    const ymd = /^Date\.newInstance\((\d+),\s*(\d+),\s*(\d+)\)$/i.exec(text);
    if (ymd) return { known: true, value: new Date(Date.UTC(+ymd[1], +ymd[2] - 1, +ymd[3])) };
    return UNKNOWN;
  }

  /** RevOpsTestData.advanceTo: the fields of the stage and of every open stage before it, then StageName. */
  advance(rec: Rec, stage: Val, at: Ctx, scope: Scope): void {
    const target = stage.known ? this.policies.find((p) => p.stage === stage.value) : undefined;
    if (!target) {
      rec.values.set('stagename', { field: 'StageName', val: stage });
      return;
    }
    for (const p of this.policies.filter((x) => x === target || (!x.closed && x.order <= target.order))) {
      for (const field of p.required) {
        const example = this.stageValues.get(field);
        if (!example) {
          this.problems.push({
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
    const close = rec.values.get('closedate');
    if (
      target.notFuture &&
      (!close || (close.val.known && close.val.value instanceof Date && close.val.value > this.now))
    )
      rec.values.set('closedate', { field: 'CloseDate', val: { known: true, value: this.now } });
    rec.values.set('stagename', { field: 'StageName', val: stage });
  }

  resolve(expr: Ctx, scope: Scope): Rec[] | undefined {
    if (scope.depth > 8) return undefined;
    if (expr instanceof SubExpressionContext || expr instanceof CastExpressionContext) {
      return this.resolve(expr.expression(), scope);
    }
    if (expr instanceof NewExpressionContext) {
      const creator = expr.creator();
      const type = textOf(scope.unit.source, creator.createdName());
      if (creator.setCreatorRest()) {
        const out: Rec[] = [];
        for (const e of creator.setCreatorRest().expression_list()) {
          const recs = this.resolve(e, scope);
          if (!recs) return undefined;
          out.push(...recs);
        }
        return out;
      }
      if (creator.noRest()) return [];
      if (!creator.classCreatorRest() || !this.rules.has(lower(type))) return [];
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
        rec.values.set(lower(field), { field, val: this.valueOf(arg.expression(1), scope) });
      }
      return [rec];
    }
    const id = identifierOf(expr);
    if (id) return this.resolveVar(id, scope);
    const call = callOf(scope.unit.source, expr);
    if (!call) return undefined;
    if (
      this.isBuilder(call.target, call.name) &&
      lower(call.name) === 'opportunityat' &&
      call.args.length === 1
    ) {
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
        val: { known: true, value: new Date(this.now.getTime() + 30 * 86_400_000) },
      });
      this.advance(rec, this.valueOf(call.args[0], scope), expr, scope);
      return [rec];
    }
    const owner = call.target === undefined ? scope.unit : this.byClass.get(lower(call.target));
    const method = owner?.methods.find(
      (m) => m.name === call.name && m.params.length === call.args.length && m.body,
    );
    if (!owner || !method) return undefined;
    const binds = new Map(method.params.map((p, i) => [p, this.valueOf(call.args[i], scope)]));
    const returns = [...descendants(method.body!)].filter(
      (n): n is ReturnStatementContext => n instanceof ReturnStatementContext,
    );
    const last = returns.at(-1)?.expression();
    return last
      ? this.resolve(last, { unit: owner, method, binds, before: last.start.start, depth: scope.depth + 1 })
      : undefined;
  }

  private resolveVar(name: string, scope: Scope): Rec[] | undefined {
    const assigned = lastAssignment(scope.method, name, scope.before);
    if (!assigned) return undefined;
    const recs = this.resolve(assigned.value, {
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
            r.values.set(lower(field), { field, val: this.valueOf(node.expression(1), scope) });
        }
        continue;
      }
      const call = callOf(scope.unit.source, node);
      if (call?.target === name && lower(call.name) === 'add' && call.args.length === 1) {
        const added = this.resolve(call.args[0], {
          ...scope,
          before: node.start.start,
          depth: scope.depth + 1,
        });
        if (!added) return undefined;
        recs.push(...added);
      } else if (
        call &&
        this.isBuilder(call.target, call.name) &&
        call.args.length === 2 &&
        identifierOf(call.args[0]) === name
      ) {
        for (const r of recs) this.advance(r, this.valueOf(call.args[1], scope), node, scope);
      }
    }
    return recs;
  }

  private isBuilder(target: string | undefined, name: string): boolean {
    return lower(target ?? '') === 'revopstestdata' && ['opportunityat', 'advanceto'].includes(lower(name));
  }
}

/** What a field whose value is not a literal is taken to hold: present and valid for its type. */
function placeholder(type: FieldType | undefined, now: Date): unknown {
  return type === 'number' || type === 'currency' || type === 'percent'
    ? 1
    : type === 'checkbox'
      ? true
      : type === 'date' || type === 'datetime'
        ? now
        : 'x';
}

/**
 * What a DML statement of a test inserts (insert, upsert, Database.insert/upsert), or undefined when it is no insert
 * or the test expects the error (inside a try block with a catch, or Database.insert(records, false)).
 */
/** RevOpsTestData's insert past the duplicate rules: checked at each call site, not at its own statement. */
const INSERT_HELPER = 'insertlookalikes';

function insertedBy(u: ApexUnit, node: Ctx): Ctx | undefined {
  let target: Ctx | undefined;
  let exempt = false;
  if (node instanceof InsertStatementContext || node instanceof UpsertStatementContext)
    target = node.expression();
  else {
    const call = callOf(u.source, node);
    if (call?.target === 'Database' && ['insert', 'upsert'].includes(lower(call.name)) && call.args[0]) {
      target = call.args[0];
      exempt = call.args.slice(1).some((a) => /^false$/i.test(textOf(u.source, a).trim()));
    } else if (
      lower(call?.target ?? '') === 'revopstestdata' &&
      lower(call!.name) === INSERT_HELPER &&
      call!.args[0]
    )
      target = call!.args[0]; // RevOpsTestData.insertLookAlikes(records): an insert of `records` (allowSave, all or none)
  }
  if (!target) return undefined;
  const tryStmt = ancestor(node, (c): c is TryStatementContext => c instanceof TryStatementContext);
  if (exempt || (tryStmt && within(node, tryStmt.block()) && tryStmt.catchClause_list().length > 0))
    return undefined;
  return target;
}

/** The custom permissions of the permission sets the runAs user around a node is given, by name. */
function runAsPermissions(u: ApexUnit, m: ApexMethod, node: Ctx, grants: Map<string, string[]>): string[] {
  const runAs = ancestor(node, (c): c is RunAsStatementContext => c instanceof RunAsStatementContext);
  const userText = runAs ? textOf(u.source, runAsUser(u, m, runAs) ?? runAs) : '';
  return [...grants].filter(([ps]) => userText.includes(`'${ps}'`)).flatMap(([, cps]) => cps);
}

/** A followed record as the formula evaluator sees it: literal values, placeholders for the rest. */
function recordOf(rec: Rec, types: Record<string, FieldType>, now: Date): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const { field, val } of rec.values.values()) {
    record[field] = val.known
      ? val.value
      : placeholder(types[field] ?? Object.entries(types).find(([k]) => lower(k) === lower(field))?.[1], now);
  }
  return record;
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
  const tests = parseApexFiles(input.testFiles);
  const schema = loadProjectSchema(input.root);
  const rules = new Map<string, { name: string; object: string }[]>();
  for (const r of schema.validationRules.filter((x) => x.active)) {
    rules.set(lower(r.object), [...(rules.get(lower(r.object)) ?? []), { name: r.name, object: r.object }]);
  }
  const grants = permissionSetGrants(input.root);
  const now = input.now ?? new Date();
  const byClass = new Map(tests.map((u) => [lower(u.className), u]));
  const records = new TestRecords(byClass, rules, stagePolicies(input.root), now);
  const problems = records.problems;
  const skipped: string[] = [];
  let checked = 0;
  for (const u of tests) {
    for (const m of u.methods) {
      if (lower(u.className) === 'revopstestdata' && lower(m.name) === INSERT_HELPER) continue;
      for (const node of m.body ? descendants(m.body) : []) {
        const target = insertedBy(u, node);
        if (!target) continue;
        const scope: Scope = { unit: u, method: m, binds: new Map(), before: node.start.start, depth: 0 };
        const recs = records.resolve(target, scope);
        const dmlLine = lineAt(u.source, node.start.start);
        if (!recs) {
          skipped.push(`${u.file}:${dmlLine}`);
          continue;
        }
        const permissions = runAsPermissions(u, m, node, grants);
        for (const rec of recs) {
          checked++;
          const objectDir = schema.objectDirs.get(lower(rec.object));
          const record = recordOf(rec, objectDir ? loadFieldTypes(objectDir) : {}, now);
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
