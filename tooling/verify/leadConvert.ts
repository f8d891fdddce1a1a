// LeadConvertSettings (issue 14): every custom field mapping names fields that exist, of types Salesforce lets lead
// conversion copy between, with a target long enough, and each target mapped once. Rules from Salesforce Help
// "Guidelines for Mapping Custom Lead Fields for Lead Conversion".
import {
  all,
  escaped,
  fieldAttrs,
  filesIn,
  locator,
  problemOf,
  readMeta,
  schemaField,
  sourceField,
  text,
} from './metaXml.ts';
import { getObject, type ProjectSchema, type SourceField } from './schema.ts';
import type { Problem } from './types.ts';

/** Types a lead field maps only to the same type. */
const SAME_TYPE = new Set([
  'Checkbox',
  'Currency',
  'Date',
  'DateTime',
  'Email',
  'Location',
  'EncryptedText',
  'Number',
  'Percent',
  'Phone',
  'MultiselectPicklist',
  'LongTextArea',
  'Html',
  'Url',
]);
/** The other source types and what they may map to ('Picklist' = an unrestricted picklist). */
const MAPS_TO: Record<string, string[]> = {
  AutoNumber: ['Text', 'TextArea'],
  Text: ['Text', 'TextArea', 'LongTextArea', 'Picklist'],
  TextArea: ['Text', 'TextArea', 'LongTextArea', 'Picklist'],
  Picklist: ['Text', 'TextArea', 'Picklist'],
};
const LENGTH_TYPES = new Set(['Text', 'TextArea', 'LongTextArea', 'Html', 'EncryptedText']);
const NUMBER_TYPES = new Set(['Number', 'Currency', 'Percent']);

const num = (v: string | undefined): number | undefined =>
  v === undefined || v === '' ? undefined : Number(v);

function describe(f: SourceField): string {
  const a = fieldAttrs(f.file);
  if (LENGTH_TYPES.has(f.sfType)) return `${f.sfType}(${text(a, 'length') ?? '255'})`;
  if (NUMBER_TYPES.has(f.sfType))
    return `${f.sfType}(${text(a, 'precision') ?? '18'}, ${text(a, 'scale') ?? '0'})`;
  if (f.sfType === 'Lookup' || f.sfType === 'MasterDetail')
    return `${f.sfType}(${(f.referenceTo ?? []).join('|')})`;
  return f.sfType;
}

/** Why lead conversion cannot copy `from` into `to`, or undefined when it can. */
export function mappingMismatch(from: SourceField, to: SourceField): string | undefined {
  if (to.formula !== undefined || ['AutoNumber', 'Summary'].includes(to.sfType))
    return `the target is calculated (${to.formula !== undefined ? 'formula' : to.sfType}) and cannot be written`;
  if (from.formula !== undefined) return undefined; // Salesforce's rules for formula sources are not modelled
  const fa = fieldAttrs(from.file);
  const ta = fieldAttrs(to.file);
  const ref = (t: string): boolean => t === 'Lookup' || t === 'MasterDetail';
  if (ref(from.sfType)) {
    if (!ref(to.sfType)) return 'a lookup maps only to a lookup';
    const same =
      (from.referenceTo ?? []).join('|').toLowerCase() === (to.referenceTo ?? []).join('|').toLowerCase();
    return same ? undefined : 'a lookup maps only to a lookup to the same object';
  }
  if (
    SAME_TYPE.has(from.sfType)
      ? to.sfType !== from.sfType
      : !(MAPS_TO[from.sfType] ?? [to.sfType]).includes(to.sfType)
  )
    return `a ${from.sfType} field maps only to ${SAME_TYPE.has(from.sfType) ? `a ${from.sfType}` : (MAPS_TO[from.sfType] ?? []).join(', ')} field`;
  // text into a picklist needs an unrestricted one; a picklist into a restricted one must fit its values
  if (to.sfType === 'Picklist' && text(all(ta, 'valueSet')[0], 'restricted') === 'true') {
    if (from.sfType !== 'Picklist')
      return 'the target picklist is restricted (text maps only to an unrestricted picklist)';
    const extra = (from.picklistValues ?? []).filter((v) => !(to.picklistValues ?? [v]).includes(v));
    if (extra.length) return `the target is a restricted picklist without the values ${extra.join(', ')}`;
  }
  if (LENGTH_TYPES.has(from.sfType) && LENGTH_TYPES.has(to.sfType)) {
    const fl = num(text(fa, 'length')) ?? 255;
    const tl = num(text(ta, 'length')) ?? 255;
    if (tl < fl) return `the target is shorter (length ${tl} < ${fl})`;
  }
  if (NUMBER_TYPES.has(from.sfType)) {
    const [fp, fs] = [num(text(fa, 'precision')) ?? 18, num(text(fa, 'scale')) ?? 0];
    const [tp, ts] = [num(text(ta, 'precision')) ?? 18, num(text(ta, 'scale')) ?? 0];
    if (fs !== ts) return `the decimal places differ (scale ${fs} vs ${ts})`;
    if (tp < fp) return `the target holds fewer digits (precision ${tp} < ${fp})`;
  }
  return undefined;
}

export function checkLeadConvertSettings(files: string[], schema: ProjectSchema): Problem[] {
  const problems: Problem[] = [];
  for (const file of filesIn(files, 'LeadConvertSettings', '.LeadConvertSetting-meta.xml')) {
    const meta = readMeta(file);
    if (!meta) continue;
    const at = locator(meta.content);
    for (const mapping of all(meta.root, 'objectMapping')) {
      const input = text(mapping, 'inputObject') ?? 'Lead';
      const output = text(mapping, 'outputObject') ?? '';
      const targets = new Map<string, string>();
      for (const mf of all(mapping, 'mappingFields')) {
        const inName = text(mf, 'inputField') ?? '';
        const outName = text(mf, 'outputField') ?? '';
        const inLine = at(`<inputField>${escaped(inName)}</inputField>`);
        const outLine = at(`<outputField>${escaped(outName)}</outputField>`);
        const fail = (line: number, message: string): void => {
          problems.push(
            problemOf(
              'deploy',
              file,
              line,
              `Lead conversion maps ${input}.${inName} to ${output}.${outName}: ${message}`,
            ),
          );
        };
        const missing = (obj: string, name: string): boolean =>
          Boolean(getObject(schema, obj)) && !schemaField(schema, obj, name);
        if (missing(input, inName)) {
          fail(
            inLine,
            `${input}.${inName} does not exist${/__c$/i.test(inName) ? ` (no objects/${input}/fields/${inName}.field-meta.xml)` : ''}. Remove the mapping or add the field.`,
          );
          continue;
        }
        if (missing(output, outName)) {
          fail(
            outLine,
            `${output}.${outName} does not exist${/__c$/i.test(outName) ? ` (no objects/${output}/fields/${outName}.field-meta.xml)` : ''}. Add the field to ${output} or map to one it has.`,
          );
          continue;
        }
        const first = targets.get(outName.toLowerCase());
        if (first) {
          fail(
            outLine,
            `${output}.${outName} already receives ${input}.${first}; each target field takes one source. Remove one mapping.`,
          );
          continue;
        }
        targets.set(outName.toLowerCase(), inName);
        const from = sourceField(schema, input, inName);
        const to = sourceField(schema, output, outName);
        if (!from || !to) continue; // standard fields: Salesforce maps them itself
        const why = mappingMismatch(from, to);
        if (why)
          fail(
            outLine,
            `${why} (${describe(from)} to ${describe(to)}). Map to a field of a compatible type, or change the target field.`,
          );
      }
    }
  }
  return problems;
}
