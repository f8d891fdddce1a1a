import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { listFiles } from './files.ts';
import type { CheckInput, Problem } from './types.ts';

/** Every LWC bundle folder (…/lwc/<name>) under root. */
export function lwcBundles(root: string): string[] {
  const lwcDirs = new Set(
    listFiles(root)
      .filter((f) => /[\\/]lwc[\\/]/.test(f))
      .map((f) => f.slice(0, f.search(/[\\/]lwc[\\/]/) + 4)),
  );
  return [...lwcDirs].flatMap((d) =>
    readdirSync(d)
      .filter((n) => !n.startsWith('.') && statSync(join(d, n)).isDirectory())
      .map((n) => join(d, n)),
  );
}

/** Each bundle has <name>.js-meta.xml and a __tests__ folder with at least one *.test.js. */
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
    if (tests.length === 0) out.push(problem(`LWC ${name} has no jest test (__tests__/${name}.test.js).`));
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
    .filter((c) => !(c.ignores && Object.keys(c).length === 1)) // the repo-level ignores (tests/**, scripts/**)
    .map((c) => (c.files ? { ...c, files: rebase(c.files) as Linter.Config['files'] } : c));
}

/** ESLint (LWC recommended rules from eslint.config.js) over every LWC JavaScript file under root. */
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
    })),
  );
}

export async function checkLwc(input: CheckInput): Promise<Problem[]> {
  return [...checkBundleFiles(input.root), ...(await checkLwcLint(input))];
}
