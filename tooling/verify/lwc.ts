import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { maskApex } from './apexSchema.ts';
import { deployedFiles, lineAt, listFiles } from './files.ts';
import { getObject, loadProjectSchema, resolveFieldPath, type ProjectSchema } from './schema.ts';
import type { CheckInput, Problem } from './types.ts';

/** Every LWC bundle folder (…/lwc/<name>) under root that a deploy sends (not excluded by .forceignore). */
export function lwcBundles(root: string): string[] {
  const lwcDirs = new Set(
    listFiles(root)
      .filter((f) => /[\\/]lwc[\\/]/.test(f))
      .map((f) => f.slice(0, f.search(/[\\/]lwc[\\/]/) + 4)),
  );
  const dirs = [...lwcDirs].flatMap((d) =>
    readdirSync(d)
      .filter((n) => !n.startsWith('.') && statSync(join(d, n)).isDirectory())
      .map((n) => join(d, n)),
  );
  return deployedFiles(root, dirs);
}

/**
 * Each bundle has <name>.js-meta.xml (deployability: Salesforce rejects a bundle without it) and a __tests__
 * folder with at least one *.test.js (house policy).
 */
export function checkBundleFiles(root: string): Problem[] {
  const out: Problem[] = [];
  for (const dir of lwcBundles(root)) {
    const name = basename(dir);
    const main =
      [`${name}.js`, `${name}.ts`, `${name}.html`].map((f) => join(dir, f)).find(existsSync) ?? dir;
    const problem = (message: string): Problem => ({
      check: 'lwc',
      file: main,
      line: 1,
      message,
      severity: 'error',
    });
    if (!existsSync(join(dir, `${name}.js-meta.xml`))) {
      out.push(problem(`LWC ${name} has no ${name}.js-meta.xml; Salesforce rejects the bundle.`));
    }
    const testsDir = join(dir, '__tests__');
    const tests = existsSync(testsDir) ? listFiles(testsDir).filter((f) => /\.test\.(js|ts)$/.test(f)) : [];
    if (tests.length === 0)
      out.push({ ...problem(`LWC ${name} has no jest test (__tests__/${name}.test.js).`), kind: 'policy' });
  }
  return out;
}

/**
 * The repository's eslint.config.js with its `force-app/` globs made relative to any root, so fixture trees
 * are linted by exactly the same rules as force-app.
 */
async function lwcEslintConfig(repoDir: string): Promise<Linter.Config[]> {
  const mod = (await import(pathToFileURL(join(repoDir, 'eslint.config.js')).href)) as {
    default: Linter.Config[];
  };
  const rebase = (g: unknown): unknown =>
    typeof g === 'string' ? g.replace(/^force-app\//, '**/') : Array.isArray(g) ? g.map(rebase) : g;
  return mod.default
    .filter((c) => !(c.ignores && Object.keys(c).length === 1)) // the repo-level ignores (tests/**, scripts/**, tooling/**)
    .map((c) => (c.files ? { ...c, files: rebase(c.files) as Linter.Config['files'] } : c));
}

/**
 * ESLint (LWC recommended rules from eslint.config.js) over every LWC JavaScript file under root: house policy
 * (unused variables, style), except a file ESLint cannot parse, which the LWC compiler rejects too.
 */
export async function checkLwcLint(input: CheckInput): Promise<Problem[]> {
  const files = listFiles(input.root).filter((f) => /[\\/]lwc[\\/].*\.js$/.test(f));
  if (files.length === 0) return [];
  const eslint = new ESLint({
    cwd: input.root,
    overrideConfigFile: true,
    overrideConfig: await lwcEslintConfig(input.repoDir),
  });
  const results = await eslint.lintFiles(files);
  return results.flatMap((r) =>
    r.messages.map((m): Problem => ({
      check: 'lwc',
      file: r.filePath,
      line: m.line ?? 1,
      message: `${m.ruleId ?? 'eslint'}: ${m.message}`,
      severity: m.severity === 2 ? 'error' : 'warning',
      ...(m.fatal ? {} : { kind: 'policy' as const }),
    })),
  );
}

/** Apex methods callable from LWC: `@AuraEnabled ... static ... name(` per class name (lower-case). */
function auraEnabledMethods(root: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const file of listFiles(root).filter((f) => f.endsWith('.cls'))) {
    const source = maskApex(readFileSync(file, 'utf8'));
    const methods = new Set<string>();
    const re = /@AuraEnabled\b(?:\s*\([^)]*\))?\s+((?:\w+\s+)*?)(?:[\w.<>,[\]\s]+?)\s+(\w+)\s*\(/gi;
    for (const m of source.matchAll(re)) if (/\bstatic\b/i.test(m[0])) methods.add(m[2].toLowerCase());
    out.set(basename(file, '.cls').toLowerCase(), methods);
  }
  return out;
}

/**
 * What LWC modules import from the org must exist in the tree, or the deploy fails: `@salesforce/apex/C.m`
 * (a static @AuraEnabled method), `@salesforce/schema/Object.Field`, `@salesforce/label/c.X`,
 * `@salesforce/customPermission/X`, `@salesforce/resourceUrl/X`, and `c/component` bundles.
 */
export function checkLwcReferences(root: string, schema: ProjectSchema): Problem[] {
  const out: Problem[] = [];
  const files = listFiles(root);
  const names = (suffix: string): Set<string> =>
    new Set(files.filter((f) => f.endsWith(suffix)).map((f) => basename(f, suffix).toLowerCase()));
  const labelsXml = files.filter((f) => f.endsWith('.labels-meta.xml')).map((f) => readFileSync(f, 'utf8'));
  const labels = new Set(
    labelsXml.flatMap((x) =>
      [...x.matchAll(/<fullName>([^<]+)<\/fullName>/g)].map((m) => m[1].toLowerCase()),
    ),
  );
  const permissions = names('.customPermission-meta.xml');
  const resources = names('.resource-meta.xml');
  const bundles = new Set(lwcBundles(root).map((d) => basename(d)));
  let apex: Map<string, Set<string>> | undefined;
  for (const file of files.filter(
    (f) => /[\\/]lwc[\\/]/.test(f) && f.endsWith('.js') && !/[\\/]__tests__[\\/]/.test(f),
  )) {
    const content = readFileSync(file, 'utf8');
    for (const m of content.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? m[2];
      const line = lineAt(content, m.index);
      const fail = (message: string): void => {
        out.push({ check: 'lwc', file, line, message, severity: 'error' });
      };
      let r: RegExpExecArray | null;
      if ((r = /^@salesforce\/apex\/(\w+)\.(\w+)$/.exec(spec))) {
        apex ??= auraEnabledMethods(root);
        const methods = apex.get(r[1].toLowerCase());
        if (!methods) fail(`${spec}: no Apex class ${r[1]} in the tree.`);
        else if (!methods.has(r[2].toLowerCase()))
          fail(`${spec}: ${r[1]} has no static @AuraEnabled method ${r[2]}.`);
      } else if ((r = /^@salesforce\/schema\/([\w.]+)$/.exec(spec))) {
        const [object, ...path] = r[1].split('.');
        if (!getObject(schema, object)) fail(`${spec}: no object ${object}.`);
        else if (path.length) {
          const msg = resolveFieldPath(schema, object, path);
          if (msg) fail(`${spec}: ${msg}`);
        }
      } else if ((r = /^@salesforce\/label\/c\.(\w+)$/.exec(spec))) {
        if (!labels.has(r[1].toLowerCase()))
          fail(`${spec}: no custom label ${r[1]} in labels/CustomLabels.labels-meta.xml.`);
      } else if ((r = /^@salesforce\/customPermission\/(\w+)$/.exec(spec))) {
        if (!permissions.has(r[1].toLowerCase()))
          fail(`${spec}: no customPermissions/${r[1]}.customPermission-meta.xml.`);
      } else if ((r = /^@salesforce\/resourceUrl\/(\w+)$/.exec(spec))) {
        if (!resources.has(r[1].toLowerCase()))
          fail(`${spec}: no staticresources/${r[1]}.resource-meta.xml.`);
      } else if ((r = /^c\/(\w+)$/.exec(spec))) {
        if (!bundles.has(r[1])) fail(`${spec}: no LWC bundle lwc/${r[1]} in the tree.`);
      }
    }
  }
  return out;
}

export async function checkLwc(input: CheckInput, schema?: ProjectSchema): Promise<Problem[]> {
  return [
    ...checkBundleFiles(input.root),
    ...checkLwcReferences(input.root, schema ?? loadProjectSchema(input.root, input.repoDir)),
    ...(await checkLwcLint(input)),
  ];
}
