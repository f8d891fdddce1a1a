// Small helpers for the metadata checks of issue 14 (duplicateRules.ts, leadConvert.ts, metadataRules.ts,
// cmdtRecords.ts): every XML element as a list, located back to its line, and a field's raw attributes.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { lineAt } from './files.ts';
import { getObject, type ProjectSchema, type SchemaField, type SourceField } from './schema.ts';
import type { CheckName, Problem } from './types.ts';

export type Node = Record<string, unknown[]>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: () => true,
});

/** A metadata file: its text, and its root element with every child element as a list. */
export interface MetaFile {
  file: string;
  content: string;
  root: Node;
}

/** Parse a metadata file (undefined when it is not well-formed XML: checkXmlWellFormed reports that). */
export function readMeta(file: string): MetaFile | undefined {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (XMLValidator.validate(content) !== true) return undefined;
  const doc = parser.parse(content) as Record<string, unknown[]>;
  const key = Object.keys(doc).find((k) => k !== '?xml');
  const root = key ? (doc[key][0] as Node | string) : undefined;
  return { file, content, root: root && typeof root === 'object' ? root : {} };
}

/** The child elements named `key`. */
export function all(node: Node | undefined, key: string): Node[] {
  return ((node?.[key] ?? []) as unknown[]).filter((x): x is Node => !!x && typeof x === 'object');
}

/** The text of the first child element named `key` ('' when empty, undefined when absent). */
export function text(node: Node | undefined, key: string): string | undefined {
  const v = node?.[key]?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return '';
  return String(v);
}

/** Metadata files of one folder name anywhere under root with the given suffix (e.g. 'queues', '.queue-meta.xml'). */
export function filesIn(files: string[], folder: string, suffix: string): string[] {
  return files.filter((f) => f.endsWith(suffix) && basename(dirname(f)) === folder);
}

/**
 * Finds successive elements in a file: `at('<matchingRule>X</matchingRule>')` gives the line of the next
 * occurrence after the previous hit, so repeated values get their own lines.
 */
export function locator(content: string): (needle: string | RegExp, fallback?: number) => number {
  let from = 0;
  return (needle, fallback = 1) => {
    const re =
      typeof needle === 'string'
        ? new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g')
        : new RegExp(needle.source, 'g');
    re.lastIndex = from;
    const m = re.exec(content);
    if (!m) return fallback;
    from = m.index + m[0].length;
    return lineAt(content, m.index);
  };
}

/** An XML-escaped element text as it appears in the file (for locating it). */
export function escaped(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

/** A problem of the given check (errors unless said otherwise). */
export function problemOf(
  check: CheckName,
  file: string,
  line: number,
  message: string,
  severity: Problem['severity'] = 'error',
): Problem {
  return { check, file, line, message, severity };
}

/** A field of the tree's source (undefined for a standard field or one the tree lacks). */
export function sourceField(schema: ProjectSchema, object: string, field: string): SourceField | undefined {
  const f = getObject(schema, object)?.fields.get(field.toLowerCase());
  return f && 'sfType' in f ? (f as SourceField) : undefined;
}

/** Any field of the schema (source or standard). */
export function schemaField(schema: ProjectSchema, object: string, field: string): SchemaField | undefined {
  return getObject(schema, object)?.fields.get(field.toLowerCase());
}

/** The raw attributes of a field-meta.xml that SourceField does not carry (length, precision, restricted ...). */
export function fieldAttrs(file: string): Node {
  return readMeta(file)?.root ?? {};
}
