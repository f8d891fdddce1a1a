// The deploy check's SDR step: every file resolves to a metadata component (@salesforce/source-deploy-retrieve,
// as `sf project deploy` does), no component is defined twice or lacks its -meta.xml, and the tree converts to a
// metadata-API package.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import {
  ComponentSet,
  MetadataConverter,
  MetadataResolver,
  RegistryAccess,
  type SourceComponent,
} from '@salesforce/source-deploy-retrieve';
import { problemOf } from './metaXml.ts';
import type { Problem } from './types.ts';

const problem = (file: string, line: number, message: string): Problem =>
  problemOf('deploy', file, line, message);

function componentFile(c: SourceComponent): string {
  return c.xml ?? c.content ?? '';
}

/** Each file's components (once each, by type, name and file), and by type and name; files SDR cannot resolve go to `out`. */
function resolveComponents(
  files: string[],
  out: Problem[],
): { components: Map<string, SourceComponent>; byName: Map<string, SourceComponent[]> } {
  const resolver = new MetadataResolver(undefined, undefined, true);
  const registry = new RegistryAccess();
  const components = new Map<string, SourceComponent>();
  const byName = new Map<string, SourceComponent[]>();
  for (const file of files) {
    let resolved: SourceComponent[];
    try {
      resolved = resolver.getComponentsFromPath(file);
    } catch (err) {
      const e = err as Error;
      if (e.name === 'ExpectedSourceFilesError') {
        out.push(
          problem(
            file,
            1,
            `${basename(file)} has no content file next to it (e.g. the .cls, .js or resource it describes); Salesforce rejects it.`,
          ),
        );
        continue;
      }
      // a deploy walks the package folder and skips what is not metadata (a jest mock, a script): it only
      // fails on a file that looks like metadata (…-meta.xml, a registered suffix) but resolves to no type
      const suffix = basename(file).split('.').pop() ?? '';
      if (!file.endsWith('-meta.xml') && !registry.getTypeBySuffix(suffix)) continue;
      const msg = e.message.replace(`${file}: `, '');
      out.push(
        problem(
          file,
          1,
          `${e.name}: ${msg} (unknown metadata type or misplaced file; check the folder and file suffix).`,
        ),
      );
      continue;
    }
    for (const c of resolved) {
      const key = `${c.type.name}:${c.fullName}:${componentFile(c)}`;
      if (components.has(key)) continue;
      components.set(key, c);
      const nameKey = `${c.type.name}:${c.fullName}`.toLowerCase();
      byName.set(nameKey, [...(byName.get(nameKey) ?? []), c]);
    }
  }
  return { components, byName };
}

/** A component defined in two places (distinct files or folders): a deploy keeps only one. */
function duplicateDefinitions(root: string, byName: Map<string, SourceComponent[]>): Problem[] {
  const out: Problem[] = [];
  for (const list of byName.values()) {
    const paths = [...new Set(list.map(componentFile))];
    // a decomposed object resolves from its folder and its children; only distinct folders/files count
    const distinctDirs = [
      ...new Set(
        list.map((c) =>
          c.type.strategies?.adapter === 'decomposed' ? (c.content ?? componentFile(c)) : componentFile(c),
        ),
      ),
    ];
    if (paths.length > 1 && distinctDirs.length > 1) {
      const [first, ...rest] = distinctDirs;
      for (const p of rest) {
        out.push(
          problem(
            p,
            1,
            `Duplicate ${list[0].type.name} "${list[0].fullName}": also defined at ${relative(root, first)}. A deploy keeps only one.`,
          ),
        );
      }
    }
  }
  return out;
}

/** Components whose type needs a -meta.xml that is missing (removed from `components`: they cannot convert). */
function missingMetaXml(root: string, components: Map<string, SourceComponent>): Problem[] {
  const out: Problem[] = [];
  for (const [key, c] of components) {
    const needsXml = [
      'LightningComponentBundle',
      'AuraDefinitionBundle',
      'ApexClass',
      'ApexTrigger',
      'StaticResource',
    ].includes(c.type.name);
    if ((needsXml && !c.xml) || (c.xml && !existsSync(c.xml))) {
      out.push(
        problem(
          c.content ?? c.xml ?? root,
          1,
          `${c.type.name} ${c.fullName} has no -meta.xml file${c.xml ? ` (expected ${basename(c.xml)})` : ''}; Salesforce rejects it.`,
        ),
      );
      components.delete(key);
    }
  }
  return out;
}

/** Converts the components to a metadata-API package in a temporary folder (deleted after). */
async function convertToPackage(root: string, components: Map<string, SourceComponent>): Promise<Problem[]> {
  const out: Problem[] = [];
  const outDir = mkdtempSync(join(tmpdir(), 'revops-mdapi-'));
  try {
    const set = new ComponentSet([...components.values()]);
    await new MetadataConverter().convert(set, 'metadata', {
      type: 'directory',
      outputDirectory: outDir,
      genUniqueDir: false,
    });
  } catch (err) {
    out.push(
      problem(root, 1, `SDR could not convert the tree to a metadata package: ${(err as Error).message}`),
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return out;
}

/**
 * Resolve every file to its metadata component with SDR (reporting each file whose type SDR cannot infer),
 * report components defined twice, and convert the rest to a metadata-API package as `sf project deploy` does.
 */
export async function checkSdrConversion(root: string, files: string[]): Promise<Problem[]> {
  const out: Problem[] = [];
  const { components, byName } = resolveComponents(files, out);
  out.push(...duplicateDefinitions(root, byName));
  out.push(...missingMetaXml(root, components));
  out.push(...(await convertToPackage(root, components)));
  return out;
}
