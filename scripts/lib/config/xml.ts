// Custom metadata records in source format (customMetadata/<Type>.<Record>.md-meta.xml): read and write.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RawRecord, RawValue } from './types.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'values',
});

interface XmlValue {
  '#text'?: string;
  '@_xsi:type'?: string;
  '@_xsi:nil'?: string;
}

function decodeValue(v: unknown, where: string): RawValue {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'string') return v;
  const x = v as XmlValue;
  if (x['@_xsi:nil'] === 'true') return null;
  const text = x['#text'] ?? '';
  const type = (x['@_xsi:type'] ?? 'xsd:string').replace(/^xsd:/, '');
  if (type === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    return text; // left as text: the schema reports "must be true or false"
  }
  if (type === 'double' || type === 'int' || type === 'long' || type === 'decimal') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  if (type !== 'string' && type !== 'date' && type !== 'dateTime') {
    throw new Error(
      `${where}: unsupported value type xsi:type="${x['@_xsi:type']}" (use xsd:string, xsd:double or xsd:boolean)`,
    );
  }
  return text;
}

/** "Scoring_Rule.Pricing_Page.md-meta.xml" -> { type: "Scoring_Rule", name: "Pricing_Page" } */
export function recordNameOf(file: string): { type: string; name: string } {
  const base = basename(file).replace(/\.md-meta\.xml$/, '');
  const dot = base.indexOf('.');
  if (dot <= 0 || dot === base.length - 1) {
    throw new Error(`${basename(file)}: a custom metadata record file is named <Type>.<Record>.md-meta.xml`);
  }
  return { type: base.slice(0, dot), name: base.slice(dot + 1) };
}

/** Parse one md-meta.xml text. `file` names the record in errors and fixes its type and DeveloperName. */
export function parseRecordXml(xml: string, file: string): RawRecord {
  const { type, name } = recordNameOf(file);
  let doc: {
    CustomMetadata?: { label?: string; protected?: string; values?: { field?: string; value?: unknown }[] };
  };
  // the parser alone tolerates a mismatched or missing closing tag; the validator says where the XML breaks
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new Error(
      `${type}.${name}: ${file}:${line}:${col}: malformed XML: ${msg} Fix the XML at line ${line}, column ${col} (every <tag> needs its </tag>), or retrieve the record again with sf project retrieve start.`,
    );
  }
  try {
    doc = parser.parse(xml) as typeof doc;
  } catch (err) {
    throw new Error(`${type}.${name}: ${file} is not well-formed XML (${(err as Error).message})`);
  }
  const root = doc.CustomMetadata;
  if (!root) throw new Error(`${type}.${name}: ${basename(file)} has no <CustomMetadata> root element`);
  const values: Record<string, RawValue> = {};
  for (const v of root.values ?? []) {
    if (!v.field) throw new Error(`${type}.${name}: a <values> element has no <field>`);
    values[v.field] = decodeValue(v.value, `${type}.${name}.${v.field}`);
  }
  return {
    type,
    name,
    label: String(root.label ?? name),
    protected: root.protected === 'true',
    values,
    file,
  };
}

export function readRecordFile(file: string): RawRecord {
  return parseRecordXml(readFileSync(file, 'utf8'), file);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Serialise a record to md-meta.xml source format (the layout `sf project retrieve` writes): values sorted by
 * field, numbers as xsd:double, booleans as xsd:boolean, text as xsd:string, blanks as xsi:nil.
 * File name: `${record.type}.${record.name}.md-meta.xml`.
 */
export function recordToXml(record: Pick<RawRecord, 'label' | 'values'> & { protected?: boolean }): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    `    <label>${escapeXml(record.label)}</label>`,
    `    <protected>${record.protected === true}</protected>`,
  ];
  for (const field of Object.keys(record.values).sort()) {
    const v = record.values[field];
    lines.push('    <values>', `        <field>${escapeXml(field)}</field>`);
    if (v === null || v === undefined || v === '') lines.push('        <value xsi:nil="true"/>');
    else if (typeof v === 'number') lines.push(`        <value xsi:type="xsd:double">${String(v)}</value>`);
    else if (typeof v === 'boolean') lines.push(`        <value xsi:type="xsd:boolean">${String(v)}</value>`);
    else lines.push(`        <value xsi:type="xsd:string">${escapeXml(v)}</value>`);
    lines.push('    </values>');
  }
  lines.push('</CustomMetadata>', '');
  return lines.join('\n');
}

/** File name of a record in customMetadata/. */
export function recordFileName(record: Pick<RawRecord, 'type' | 'name'>): string {
  return `${record.type}.${record.name}.md-meta.xml`;
}
