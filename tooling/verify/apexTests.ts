// Static checks of the Apex tests (issue 12): a test that calls an @AuraEnabled or user-mode method runs it as a
// user it created (checkRunAsUsers), and no test inserts a record that an active validation rule refuses
// (checkTestData). Both read the source only; the tests in tests/unit/datamodel/apexTests.test.ts prove each on a
// failing fixture and run it on the real tree. checkTestData lives in testData.ts.
import { RunAsStatementContext, SoqlLiteralContext } from '@apexdevtools/apex-parser';
import {
  ancestor,
  callOf,
  callsIn,
  descendants,
  lower,
  parseApexFiles,
  runAsUser,
  textOf,
  within,
  type ApexMethod,
  type ApexUnit,
  type Ctx,
} from './apexTree.ts';
import { lineAt } from './files.ts';

export { checkTestData, type TestDataResult } from './testData.ts';

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
  const mains = parseApexFiles(input.mainFiles);
  const tests = parseApexFiles(input.testFiles);
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
