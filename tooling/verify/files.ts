import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ForceIgnore } from '@salesforce/source-deploy-retrieve';
import { XMLParser } from 'fast-xml-parser';

/** Every file under `dir` (recursively, sorted), skipping dot-folders and node_modules. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The SFDX project folder of a source root: the nearest folder at or above it with sfdx-project.json. */
export function findProjectDir(root: string): string | undefined {
  for (let d = root; ; d = dirname(d)) {
    if (existsSync(join(d, 'sfdx-project.json'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** The sourceApiVersion of the project a source root belongs to (undefined when it names none). */
export function projectApiVersion(root: string): string | undefined {
  const dir = findProjectDir(root);
  if (!dir) return undefined;
  try {
    const project = JSON.parse(readFileSync(join(dir, 'sfdx-project.json'), 'utf8')) as {
      sourceApiVersion?: unknown;
    };
    return typeof project.sourceApiVersion === 'string' ? project.sourceApiVersion : undefined;
  } catch {
    return undefined;
  }
}

/** The files of `listFiles(root)` a deploy sends: those the project's .forceignore does not exclude. */
export function deployedFiles(root: string, files: string[] = listFiles(root)): string[] {
  const ignore = ForceIgnore.findAndCreate(root);
  return files.filter((f) => ignore.accepts(f));
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, jpath) => {
    const path = String(jpath);
    return (
      path.endsWith('.values') ||
      path.endsWith('.value') ||
      path.endsWith('.fields') ||
      path.endsWith('.referenceTo')
    );
  },
});

/** Parse a metadata XML file into a plain object (root element's children). Tag values stay strings. */
export function readXml(file: string): Record<string, unknown> {
  const doc = parser.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const rootKey = Object.keys(doc).find((k) => k !== '?xml');
  const root = rootKey ? doc[rootKey] : undefined;
  return root && typeof root === 'object' ? (root as Record<string, unknown>) : {};
}

/** A string child element of a parsed XML object, or undefined. */
export function xmlText(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** 1-based line of the first occurrence of `needle` in `content` at or after `from` (or 1 when absent). */
export function lineOf(content: string, needle: string | RegExp, from = 0): number {
  let index: number;
  if (typeof needle === 'string') index = content.indexOf(needle, from);
  else {
    const re = new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`);
    re.lastIndex = from;
    index = re.exec(content)?.index ?? -1;
  }
  if (index < 0) return 1;
  return lineAt(content, index);
}

/** 1-based line number of a character offset. */
export function lineAt(content: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < content.length; i++) if (content.charCodeAt(i) === 10) line++;
  return line;
}

/** Text content of an XML element as a parser gives it (the five named entities and numeric references). */
export function decodeXml(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
  return text.replace(/&(quot|amp|lt|gt|apos|#\d+|#x[0-9a-f]+);/gi, (m, e: string) => {
    if (e[0] !== '#') return named[e.toLowerCase()] ?? m;
    return String.fromCodePoint(
      e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
    );
  });
}
