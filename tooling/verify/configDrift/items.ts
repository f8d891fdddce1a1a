// The shared parts of the drift check: a generated formula and the records it comes from, one generated piece
// of a file (DriftItem) and how it is found and rewritten in the XML, and reading the valid records of a type.
import { basename } from 'node:path';
import { findRecordFiles } from '../../../scripts/lib/config/load.ts';
import { toDomain, validateRecord, type TypeDef } from '../../../scripts/lib/config/schema/index.ts';
import { readRecordFile } from '../../../scripts/lib/config/xml.ts';
import { decodeXml, lineAt } from '../files.ts';

/** One generated formula (plain text) and the custom metadata records it was generated from. */
export interface Generated {
  text: string;
  records: string[];
}

export const record = (t: { name: string }, type: string): string => `${type}.${t.name}`;

export const xmlEscape = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/** One generated piece of a file: where it is, what it should say, what it says. */
export interface DriftItem {
  file: string;
  line: number;
  what: string;
  records: string[];
  expected: string;
  found: string | null; // null: the element or file is missing
  /** the whole file as it should be (null when it cannot be written automatically) */
  rewrite: ((content: string) => string) | null;
}

export interface ElementRef {
  start: number; // offset of the text inside the element
  end: number;
}

export function blocks(content: string, tag: string): { start: number; end: number; text: string }[] {
  const out: { start: number; end: number; text: string }[] = [];
  const re = new RegExp(`<${tag}>[\\s\\S]*?</${tag}>`, 'g');
  for (const m of content.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

/** The text range of the first <formula> inside [from, to) of content. */
export function formulaIn(content: string, from: number, to: number): ElementRef | null {
  const slice = content.slice(from, to);
  const m = /<formula>([\s\S]*?)<\/formula>/.exec(slice);
  if (!m) return null;
  const start = from + m.index + '<formula>'.length;
  return { start, end: start + m[1].length };
}

const replaceAt = (content: string, ref: ElementRef, text: string): string =>
  content.slice(0, ref.start) + xmlEscape(text) + content.slice(ref.end);

export function item(
  file: string,
  content: string,
  ref: ElementRef | null,
  what: string,
  gen: Generated,
  near = 0,
): DriftItem {
  return {
    file,
    line: lineAt(content, ref ? ref.start : near),
    what,
    records: gen.records,
    expected: gen.text,
    found: ref ? decodeXml(content.slice(ref.start, ref.end)).trim() : null,
    rewrite: ref ? (c: string) => replaceAt(c, ref, gen.text) : null,
  };
}

/** The valid records of one type under `root` (an invalid one is a problem: its generated files cannot be checked). */
export function readRecords<T>(
  root: string,
  def: TypeDef,
): { records: T[]; problems: { file: string; message: string }[] } {
  const records: T[] = [];
  const problems: { file: string; message: string }[] = [];
  let files: string[] = [];
  try {
    files = findRecordFiles(root).filter((f) => basename(f).startsWith(`${def.type}.`));
  } catch {
    return { records, problems };
  }
  for (const file of files) {
    const raw = readRecordFile(file);
    const { row, issues } = validateRecord(def, raw);
    if (!row || issues.length) {
      problems.push({
        file,
        message: `${def.type}.${raw.name} is invalid, so the files generated from it cannot be checked: ${issues.map((i) => i.message).join('; ')}`,
      });
      continue;
    }
    records.push(toDomain(def, row, raw.name) as T);
  }
  return { records, problems };
}
