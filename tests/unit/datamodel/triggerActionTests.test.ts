// Issue 12: "Every trigger action gets a 200-record bulk test; every trigger path gets a run-as test for a user
// without our permission sets." A static check of the Apex source, kept to what can be read reliably:
//   (1) every TA_* action class is named by a test class (its own <Name>_Tests.cls, or its name in the code or a string
//       of a *_Tests.cls; comments, TriggerDispatcher.bypass(...) calls and test-data classes do not count), and
//   (2) for each object an action runs on (Object__c of its active Trigger_Action__mdt records), some @IsTest method
//       saves 200 records of that object inside a System.runAs block whose user is a Standard User holding none of
//       our permission sets: made by one of STANDARD_USER_HELPERS or userWith(STANDARD_USER_PROFILE, null, ...),
//       passed directly, through a variable, or through a User-returning helper of a test class.
// "200 records of X" is a variable assigned from a test-data builder declared `static List<X> name(Integer ...)` and
// called with 200, or a list filled with `list.add(...)` of records it creates (`new X(` or a builder returning one X)
// inside a `for (Integer i = 0; i < 200; i++)` loop or a for-each over such a 200-record variable; the runAs block
// saves it with insert/update/upsert or Database.insert/update/upsert. Proven on tests/fixtures/trigger-action-tests,
// then run on the real tree.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT, ROOT } from './helpers.ts';

/** Test-data helpers that return a saved Standard User with none of our permission sets. */
const STANDARD_USER_HELPERS = [
  'RevOpsTestData.userWithoutRevOps',
  'LifecycleTestData.standardUser',
  'SlaTestData.standardUser',
  'RoutingTestData.standardUser',
];

interface Tree {
  /** TA_*.cls action classes */
  actionFiles: string[];
  /** Trigger_Action.*.md-meta.xml records */
  recordFiles: string[];
  /** Apex test classes and test-data builders */
  testFiles: string[];
}

interface Method {
  cls: string;
  file: string;
  name: string;
  returnType: string;
  params: string;
  isTest: boolean;
  /** the body with comments removed and string literals kept */
  body: string;
  /** the same body with string literal contents blanked (structure only) */
  code: string;
}

// recursive, matching the file name: main classes sit in layer folders (classes/actions, ...)
const files = (dir: string, re: RegExp): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => re.test(f.split('/').at(-1)!))
    .sort()
    .map((f) => join(dir, f));

/** Blanks comments (and, with blankStrings, string contents) so nothing in them is read as code. */
function clean(source: string, blankStrings: boolean): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== "'") j += source[j] === '\\' ? 2 : 1;
      const literal = source.slice(i, j + 1);
      out += blankStrings ? `'${' '.repeat(Math.max(0, literal.length - 2))}'` : literal;
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the `}` matching the `{` at `open` (code without comments and string contents). */
function closeOf(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    if (code[i] === '}' && --depth === 0) return i + 1;
  }
  return code.length;
}

const METHOD =
  /((?:@\w+(?:\s*\([^)]*\))?\s+)*)((?:(?:public|private|protected|global|static|override|virtual|testmethod)\s+)+)([\w<>,.\s]+?)\s+(\w+)\s*\(([^)]*)\)\s*\{/gi;

function methodsOf(file: string): Method[] {
  const source = readFileSync(file, 'utf8');
  const withStrings = clean(source, false);
  const code = clean(source, true);
  const cls = basename(file, '.cls');
  const result: Method[] = [];
  for (const m of code.matchAll(METHOD)) {
    const open = m.index + m[0].length - 1;
    const end = closeOf(code, open);
    result.push({
      cls,
      file,
      name: m[4],
      returnType: m[3].replace(/\s+/g, ''),
      params: m[5],
      isTest: /@istest\b/i.test(m[1]) || /\btestmethod\b/i.test(m[2]),
      body: withStrings.slice(open, end),
      code: code.slice(open, end),
    });
  }
  return result;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The shared factory called for a Standard User with no permission set: userWith(STANDARD_USER_PROFILE, null, ...). */
const FACTORY_CALL =
  /\buserWith\s*\(\s*(?:RevOpsTestData\s*\.\s*)?(?:STANDARD_USER_PROFILE|'Standard User')\s*,\s*null\b/i;

/** `Class.name(` calls of these helpers, `name(` for helpers of the caller's own class, or the factory itself. */
function callsAny(code: string, cls: string, helpers: Set<string>): boolean {
  if (FACTORY_CALL.test(code)) return true;
  for (const helper of helpers) {
    const [owner, name] = helper.split('.');
    if (new RegExp(`\\b${escape(owner)}\\s*\\.\\s*${escape(name)}\\s*\\(`, 'i').test(code)) return true;
    if (owner === cls && new RegExp(`(?<![\\w.])${escape(name)}\\s*\\(`, 'i').test(code)) return true;
  }
  return false;
}

/** Standard-user helpers plus User-returning methods of test classes that call one (to a fixed point). */
function userHelpers(methods: Method[]): Set<string> {
  const helpers = new Set(STANDARD_USER_HELPERS);
  for (let grown = true; grown;) {
    grown = false;
    for (const m of methods) {
      const key = `${m.cls}.${m.name}`;
      if (/^user$/i.test(m.returnType) && !helpers.has(key) && callsAny(m.code, m.cls, helpers)) {
        helpers.add(key);
        grown = true;
      }
    }
  }
  return helpers;
}

interface Builders {
  /** `Class.name` of `static List<X> name(Integer ...)` → X */
  lists: Map<string, string>;
  /** `Class.name` of `static X name(...)` → X */
  singles: Map<string, string>;
}

function buildersOf(methods: Method[]): Builders {
  const lists = new Map<string, string>();
  const singles = new Map<string, string>();
  for (const m of methods) {
    const list = /^List<(\w+)>$/i.exec(m.returnType);
    if (list && /^\s*Integer\b/i.test(m.params)) lists.set(`${m.cls}.${m.name}`.toLowerCase(), list[1]);
    if (/^\w+$/.test(m.returnType)) singles.set(`${m.cls}.${m.name}`.toLowerCase(), m.returnType);
  }
  return { lists, singles };
}

/** The builder a call names: `Owner.name` as written, `name` alone within the caller's class. */
const builderKey = (owner: string | undefined, name: string, cls: string): string =>
  `${owner ?? cls}.${name}`.toLowerCase();

/** Text from `open` (just past an opening parenthesis) to its closing parenthesis. */
function argsAt(code: string, open: number): string {
  let depth = 1;
  let i = open;
  for (; i < code.length && depth > 0; i++) {
    if (code[i] === '(') depth++;
    if (code[i] === ')') depth--;
  }
  return code.slice(open, i - 1);
}

/** Objects (lower case) an expression creates: `new X(` and calls of builders returning one X. */
function created(expression: string, cls: string, builders: Builders): Set<string> {
  const objects = new Set<string>();
  for (const n of expression.matchAll(/\bnew\s+(\w+)\s*\(/gi)) objects.add(n[1].toLowerCase());
  for (const c of expression.matchAll(/(?:\b(\w+)\s*\.\s*)?\b(\w+)\s*\(/g)) {
    const single = builders.singles.get(builderKey(c[1], c[2], cls));
    if (single) objects.add(single.toLowerCase());
  }
  return objects;
}

const BUILDER_CALL_200 = /(?:\b(\w+)\s*=\s*)?(?:\b(\w+)\s*\.\s*)?\b(\w+)\s*\(\s*200\s*[,)]/g;

/**
 * The method's variables (lower case) that hold 200 records, with their object (lower case): assigned from a
 * 200-record builder call, or filled with `v.add(...)` inside a 200-iteration loop (a counted loop to 200, or a
 * for-each over such a variable) with records it creates.
 */
function twoHundredLists(m: Method, builders: Builders): Map<string, Set<string>> {
  const lists = new Map<string, Set<string>>();
  const hold = (variable: string, objects: Iterable<string>): void => {
    const key = variable.toLowerCase();
    lists.set(key, new Set([...(lists.get(key) ?? []), ...objects]));
  };
  for (const c of m.code.matchAll(BUILDER_CALL_200)) {
    const object = builders.lists.get(builderKey(c[2], c[3], m.cls));
    if (object && c[1]) hold(c[1], [object.toLowerCase()]);
  }
  const loops = [
    ...m.code.matchAll(/\bfor\s*\(\s*Integer\s+(\w+)\s*=\s*0\s*;\s*\1\s*<\s*200\s*;[^)]*\)\s*\{/gi),
    ...[...m.code.matchAll(/\bfor\s*\(\s*[\w<>]+\s+\w+\s*:\s*(\w+)\s*\)\s*\{/gi)].filter((f) =>
      lists.has(f[1].toLowerCase()),
    ),
  ];
  for (const loop of loops) {
    const open = loop.index + loop[0].length - 1;
    const block = m.code.slice(open, closeOf(m.code, open));
    for (const add of block.matchAll(/\b(\w+)\s*\.\s*add\s*\(/gi)) {
      hold(add[1], created(argsAt(block, add.index + add[0].length), m.cls, builders));
    }
  }
  return lists;
}

/** The records each DML statement of a block saves: the text after insert/update/upsert or inside Database.x(...). */
function savedExpressions(block: string): string[] {
  const saved = [...block.matchAll(/\b(?:insert|update|upsert)\s+([^;]+);/gi)].map((d) => d[1]);
  for (const d of block.matchAll(/\bDatabase\s*\.\s*(?:insert|update|upsert)\s*\(/gi)) {
    saved.push(argsAt(block, d.index + d[0].length));
  }
  return saved;
}

/**
 * Objects (lower case) of which the method saves 200 records inside a System.runAs block whose user one of the
 * helpers made (the helper call as the argument, or a variable the method assigns from one).
 */
function savedAsStandardUser(m: Method, helpers: Set<string>, builders: Builders): Set<string> {
  const lists = twoHundredLists(m, builders);
  const objects = new Set<string>();
  for (const hit of m.code.matchAll(/\bSystem\s*\.\s*runAs\s*\(/gi)) {
    const arg = argsAt(m.code, hit.index + hit[0].length).trim();
    const assigned =
      /^\w+$/.test(arg) &&
      [...m.code.matchAll(new RegExp(`\\b${escape(arg)}\\s*=([^;=][^;]*);`, 'gi'))].some((a) =>
        callsAny(a[1], m.cls, helpers),
      );
    if (!callsAny(arg, m.cls, helpers) && !assigned) continue;
    const open = m.code.indexOf('{', hit.index + hit[0].length + arg.length);
    const block = open < 0 ? '' : m.code.slice(open, closeOf(m.code, open));
    for (const expression of savedExpressions(block)) {
      for (const word of expression.matchAll(/\b\w+\b/g)) {
        for (const object of lists.get(word[0].toLowerCase()) ?? []) objects.add(object);
      }
      for (const c of expression.matchAll(BUILDER_CALL_200)) {
        const object = builders.lists.get(builderKey(c[2], c[3], m.cls));
        if (object) objects.add(object.toLowerCase());
      }
    }
  }
  return objects;
}

interface Result {
  /** one line per gap, naming the action */
  problems: string[];
  /** trigger object → `Class.method` of each test that saves 200 of its records as a Standard User */
  covered: Map<string, string[]>;
}

function checkTriggerActionTests(tree: Tree): Result {
  const actions = tree.actionFiles.map((f) => basename(f, '.cls'));
  const objectsOf = new Map<string, Set<string>>();
  for (const file of tree.recordFiles) {
    const xml = readFileSync(file, 'utf8');
    const field = (name: string): string | undefined =>
      new RegExp(`<field>${name}</field>\\s*<value[^>]*>([^<]*)</value>`).exec(xml)?.[1];
    const cls = field('Apex_Class__c');
    const object = field('Object__c');
    if (cls && object && field('Active__c') === 'true') {
      objectsOf.set(cls, (objectsOf.get(cls) ?? new Set()).add(object));
    }
  }
  const methods = tree.testFiles.flatMap(methodsOf);
  const helpers = userHelpers(methods);
  const builders = buildersOf(methods);
  const covered = new Map<string, string[]>();
  for (const object of new Set([...objectsOf.values()].flatMap((s) => [...s]))) {
    covered.set(
      object,
      methods
        .filter((m) => m.isTest && savedAsStandardUser(m, helpers, builders).has(object.toLowerCase()))
        .map((m) => `${m.cls}.${m.name}`),
    );
  }
  const testClasses = tree.testFiles.filter((f) => f.endsWith('_Tests.cls'));
  const named = testClasses.map((f) => ({
    cls: basename(f, '.cls'),
    code: clean(readFileSync(f, 'utf8'), false).replace(
      /\bTriggerDispatcher\s*\.\s*(?:bypass|clearBypass)\s*\(\s*'[^']*'\s*\)/gi,
      '',
    ),
  }));
  const problems: string[] = [];
  for (const action of actions) {
    const word = new RegExp(`\\b${escape(action)}\\b`);
    if (!named.some((t) => t.cls === `${action}_Tests` || word.test(t.code))) {
      problems.push(
        `${action}: no test class (*_Tests.cls) names it outside comments and TriggerDispatcher.bypass(...)`,
      );
    }
    const objects = objectsOf.get(action);
    if (!objects) {
      problems.push(`${action}: no active Trigger_Action__mdt record names it, so no trigger runs it`);
      continue;
    }
    for (const object of [...objects].sort()) {
      if (covered.get(object)?.length === 0) {
        problems.push(
          `${action} (${object}): no @IsTest method saves 200 ${object} records inside System.runAs of a ` +
            `Standard User without RevOps permission sets (${STANDARD_USER_HELPERS.join(', ')})`,
        );
      }
    }
  }
  return { problems, covered };
}

const FIXTURE = join('tests', 'fixtures', 'trigger-action-tests');
const TEST_CLASSES = join(ROOT, 'test', 'default', 'classes');
const fixture: Tree = {
  actionFiles: files(join(FIXTURE, 'classes'), /^TA_\w+\.cls$/),
  recordFiles: files(join(FIXTURE, 'customMetadata'), /^Trigger_Action\..+\.md-meta\.xml$/),
  testFiles: [...files(join(FIXTURE, 'test'), /\.cls$/), join(TEST_CLASSES, 'RevOpsTestData.cls')],
};
const real: Tree = {
  actionFiles: files(join(DEFAULT, 'classes'), /^TA_\w+\.cls$/),
  recordFiles: files(join(DEFAULT, 'customMetadata'), /^Trigger_Action\..+\.md-meta\.xml$/),
  testFiles: files(TEST_CLASSES, /\.cls$/),
};

describe('every trigger action has a named test and its object a 200-record Standard User test', () => {
  it('flags an action no test class names and an object without a 200-record Standard User save', () => {
    const { problems, covered } = checkTriggerActionTests(fixture);
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'TA_Contact_Stamp (Contact)',
      'TA_Lead_Forgotten',
    ]);
    expect(problems[1]).toContain('no test class (*_Tests.cls) names it');
    expect(problems[0]).toContain('no @IsTest method saves 200 Contact records inside System.runAs');
    // a builder saved as a direct helper call's user; tasks of a for-each over 200 leads saved as a same-class helper's
    // user (the leads themselves are saved as the runner, so they do not count for Lead)
    expect(Object.fromEntries(covered)).toEqual({
      Lead: ['Fixture_Tests.stampsLeadsSavedByAStandardUser'],
      Contact: [],
      Task: ['TA_Task_Touch_Tests.logs200CallsAsAStandardUser'],
    });
  });

  it('holds for every trigger action of the tree', () => {
    const { problems, covered } = checkTriggerActionTests(real);
    expect(problems).toEqual([]);
    expect([...covered.keys()].sort()).toEqual([
      'Account',
      'Contact',
      'Engagement_Event__c',
      'Event',
      'Lead',
      'Opportunity',
      'Task',
    ]);
  });

  it('accepts only helpers that reach userWith(STANDARD_USER_PROFILE, null, ...) and assign no permission set', () => {
    const methods = real.testFiles.flatMap(methodsOf);
    const bodies = new Map<string, Method>();
    for (const helper of STANDARD_USER_HELPERS) {
      const [cls, name] = helper.split('.');
      const m = methods.find((x) => x.cls === cls && x.name === name && /^user$/i.test(x.returnType));
      expect(m, `${helper} exists and returns a User`).toBeDefined();
      expect(m!.code, `${helper} assigns no permission set itself`).not.toMatch(
        /new\s+PermissionSetAssignment\b/i,
      );
      bodies.set(helper, m!);
    }
    // a helper creates the user itself, or calls a helper that does (no cycle counts)
    const reached = new Set([...bodies].filter(([, m]) => FACTORY_CALL.test(m.body)).map(([h]) => h));
    for (let grown = true; grown;) {
      grown = false;
      for (const [helper, m] of bodies) {
        if (!reached.has(helper) && callsAny(m.code.replace(FACTORY_CALL, ''), m.cls, reached)) {
          reached.add(helper);
          grown = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...STANDARD_USER_HELPERS].sort());
  });

  it('the shared factory assigns a permission set only when it is given one', () => {
    const factory = real.testFiles
      .flatMap(methodsOf)
      .find((m) => m.cls === 'RevOpsTestData' && m.name === 'userWith' && m.params.split(',').length === 3);
    expect(factory?.code).toMatch(
      /if\s*\(\s*permissionSetName\s*!=\s*null\s*\)\s*\{[^}]*PermissionSetAssignment/,
    );
  });
});
