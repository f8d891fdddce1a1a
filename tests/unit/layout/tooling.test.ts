// The product (scripts/) never imports the tooling (tooling/): the verify gate, the formula evaluator and the LWC
// preview check and show the Salesforce side; the CLI and its library must run without them. The one door is
// scripts/commands/gate.ts, which loads the gate with a dynamic import only when deploy or config push runs it.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const REPO = resolve(import.meta.dirname, '../../..');
const TOOLING = join(REPO, 'tooling');
const DOOR = 'scripts/commands/gate.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

interface ModuleRef {
  specifier: string;
  dynamic: boolean;
  line: number;
}

/** Every module a file names: static import/export ... from, side-effect import, import(), require(). */
function moduleRefs(source: string): ModuleRef[] {
  const refs: ModuleRef[] = [];
  const patterns: [RegExp, boolean][] = [
    [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, false],
    [/^\s*import\s*['"]([^'"]+)['"]/gm, false],
    [/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, true],
    [/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, false],
  ];
  for (const [re, dynamic] of patterns)
    for (const m of source.matchAll(re))
      refs.push({ specifier: m[1], dynamic, line: source.slice(0, m.index).split('\n').length });
  return refs;
}

const intoTooling = (file: string, specifier: string): boolean => {
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(file), specifier);
  return target === TOOLING || target.startsWith(TOOLING + sep);
};

describe('product and tooling', () => {
  it('reads imports of every kind', () => {
    const refs = moduleRefs(
      "import { a } from '../x.ts';\nimport type {\n  B,\n} from './y.ts';\nexport * from './z.ts';\nimport './side.ts';\nconst v = await import('../../tooling/verify/index.ts');\nrequire('./c.cjs');\n",
    );
    expect(refs.map((r) => [r.specifier, r.dynamic, r.line])).toEqual([
      ['../x.ts', false, 1],
      ['./y.ts', false, 2],
      ['./z.ts', false, 5],
      ['./side.ts', false, 6],
      ['../../tooling/verify/index.ts', true, 7],
      ['./c.cjs', false, 8],
    ]);
    expect(intoTooling(join(REPO, 'scripts/lib/x.ts'), '../../tooling/verify/index.ts')).toBe(true);
    expect(intoTooling(join(REPO, 'scripts/lib/x.ts'), '../../toolingish/a.ts')).toBe(false);
  });

  it('no file under scripts/ imports tooling/, except the gate door, and that one only dynamically', () => {
    const found: string[] = [];
    let doorRefs = 0;
    for (const file of sourceFiles(join(REPO, 'scripts'))) {
      const rel = relative(REPO, file).split(sep).join('/');
      for (const ref of moduleRefs(readFileSync(file, 'utf8'))) {
        if (!intoTooling(file, ref.specifier)) continue;
        if (rel === DOOR && ref.dynamic) doorRefs++;
        else found.push(`${rel}:${ref.line}: ${ref.specifier}`);
      }
    }
    expect(found).toEqual([]);
    expect(doorRefs).toBeGreaterThan(0); // the deploy commands do reach the gate, through the door
  });

  it('the tooling lives in tooling/, not beside the product', () => {
    const entries = readdirSync(TOOLING).sort();
    expect(entries).toEqual(expect.arrayContaining(['formula', 'preview', 'verify', 'verify.ts']));
    const lib = readdirSync(join(REPO, 'scripts/lib'));
    expect(lib.filter((d) => ['verify', 'formula', 'preview'].includes(d))).toEqual([]);
    expect(readdirSync(join(REPO, 'scripts')).filter((d) => ['verify.ts', 'preview'].includes(d))).toEqual(
      [],
    );
  });
});
