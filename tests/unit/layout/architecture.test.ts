// docs/ARCHITECTURE.md and the tree agree: every class, custom metadata type, LWC bundle, TypeScript module,
// vector and scenario file the concept map names exists, and every folder the layout names is there.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../../..');
const DOC = readFileSync(join(REPO, 'docs/ARCHITECTURE.md'), 'utf8');
const MAIN = join(REPO, 'force-app/main/default');
/** The layer folders of the main Apex classes (classes/<layer>/<Name>.cls). */
const LAYERS = readdirSync(join(MAIN, 'classes'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

function section(title: string): string {
  const start = DOC.indexOf(`## ${title}\n`);
  expect(start, `section "${title}"`).toBeGreaterThanOrEqual(0);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** Where a name from the concept map lives, or null when it is not a name of a file-backed thing. */
function pathsFor(name: string): string[] | null {
  if (/^\w+\*?_Tests$/.test(name)) {
    const dir = join(REPO, 'force-app/test/default/classes');
    const [head, tail] = name.split('*');
    return readdirSync(dir)
      .filter((f) =>
        tail === undefined ? f === `${name}.cls` : f.startsWith(head) && f.endsWith(`${tail}.cls`),
      )
      .map((f) => join(dir, f));
  }
  const field = /^(\w+__(?:c|mdt))\.(\w+__c)$/.exec(name);
  if (field) return [join(MAIN, 'objects', field[1], 'fields', `${field[2]}.field-meta.xml`)];
  if (/__mdt$/.test(name) || /__c$/.test(name)) return [join(MAIN, 'objects', name)];
  if (/^revops[A-Z]\w+$/.test(name)) return [join(MAIN, 'lwc', name)];
  if (/^revops\w+\.vectors\.test\.js$/.test(name))
    return [join(MAIN, 'lwc/revopsBusinessCalendar/__tests__', name)];
  if (/^(rules|engine|reports)\/[\w/]+(\.ts)?\/?$/.test(name)) return [join(REPO, 'scripts/lib', name)];
  if (/^tests\/[\w/.*-]+$/.test(name) && !name.includes('*')) return [join(REPO, name)];
  // any other capitalised identifier is an Apex class (main or test)
  if (/^[A-Z]\w*$/.test(name))
    return [
      ...LAYERS.map((layer) => join(MAIN, 'classes', layer, `${name}.cls`)),
      join(REPO, 'force-app/test/default/classes', `${name}.cls`),
    ];
  return null;
}

describe('docs/ARCHITECTURE.md agrees with the tree', () => {
  it('every name in the concept map exists', () => {
    const map = section('Concept map');
    const rows = map
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Concept'));
    expect(rows.length).toBeGreaterThanOrEqual(8);
    const missing: string[] = [];
    let checked = 0;
    for (const row of rows) {
      const cells = row.split(' | ');
      for (const m of row.matchAll(/`([^`]+)`/g)) {
        const paths = pathsFor(m[1]);
        if (!paths) continue;
        checked++;
        if (!paths.some((p) => existsSync(p))) missing.push(m[1]);
      }
      // the vectors and scenarios columns (7th, 8th) name files in tests/vectors and tests/scenarios
      for (const [col, dir] of [
        [6, 'tests/vectors'],
        [7, 'tests/scenarios'],
      ] as const)
        for (const m of (cells[col] ?? '').replace(/\([^)]*\)/g, '').matchAll(/`([a-z]+)`/g)) {
          checked++;
          if (!existsSync(join(REPO, dir, `${m[1]}.json`))) missing.push(`${dir}/${m[1]}.json`);
        }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(80);
  });

  it('every folder and file the layout names exists', () => {
    const layout = section('Layout');
    const block = layout.slice(layout.indexOf('```\n') + 4, layout.lastIndexOf('```'));
    const named: string[] = [];
    let parent = '';
    for (const line of block.split('\n').filter((l) => l.trim())) {
      const indented = line.startsWith(' ');
      // the names come before the description (a run of 3+ spaces), e.g. "  lib/config/  lib/schema/    config ..."
      const names = line
        .trim()
        .split(/ {3,}/)[0]
        .split(/\s+/)
        .filter((t) => /[a-z]/i.test(t));
      if (!indented) parent = names[0].endsWith('/') ? names[0] : '';
      for (const n of indented ? names.map((t) => parent + t) : names) {
        const brace = /^(.*)\{([^}]+)\}\/?$/.exec(n);
        named.push(...(brace ? brace[2].split(',').map((x) => brace[1] + x) : [n]));
      }
    }
    const missing = named.filter((p) => !existsSync(join(REPO, p)));
    expect(named.length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
