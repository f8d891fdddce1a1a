// Every metadata file this area ships is checked against the Metadata API WSDL (as jsforce publishes it): each
// element is a property of its type, in the WSDL sequence order, and every required property is present.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { ApiSchemas } from 'jsforce/lib/api/metadata/schema.js';
import { DEFAULT } from './helpers.ts';

type PropType = string | readonly string[];
interface Schema {
  type: string;
  props: Record<string, PropType>;
  extends?: string;
}
const schemas = ApiSchemas as unknown as Record<string, Schema>;

// Properties newer than the WSDL jsforce publishes, with the property they precede in the current Metadata API
// (PermissionSet.externalCredentialPrincipalAccesses: the grant of an External Credential principal, API 56.0+,
// Metadata API Developer Guide, PermissionSet; ExternalCredentialPrincipalAccess = enabled, externalCredentialPrincipal).
const NEWER: Record<string, { prop: string; type: PropType; before: string }[]> = {
  PermissionSet: [
    {
      prop: 'externalCredentialPrincipalAccesses',
      type: ['ExternalCredentialPrincipalAccess'],
      before: 'externalDataSourceAccesses',
    },
  ],
};

/** Props of a type in WSDL order: the base type's first (xsd:extension appends to the base sequence). */
function propsOf(type: string): [string, PropType][] {
  const s = schemas[type];
  if (!s) throw new Error(`no schema for ${type}`);
  const props: [string, PropType][] = [...(s.extends ? propsOf(s.extends) : []), ...Object.entries(s.props)];
  for (const n of NEWER[type] ?? [])
    props.splice(
      props.findIndex(([p]) => p === n.before),
      0,
      [n.prop, n.type],
    );
  return props;
}

interface Node {
  [tag: string]: Node[] | string | Record<string, string>;
}
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: true,
});

function check(type: string, children: Node[], path: string, problems: string[]): void {
  const props = propsOf(type);
  const order = props.map(([p]) => p);
  const tags = children
    .map((c) => Object.keys(c).find((k) => k !== ':@') as string)
    .filter((t) => t !== '#text');
  let last = -1;
  for (const tag of tags) {
    const at = order.indexOf(tag);
    if (at === -1) problems.push(`${path}: <${tag}> is not a property of ${type}`);
    else if (at < last)
      problems.push(`${path}: <${tag}> comes after <${order[last]}> but the WSDL puts it before`);
    else last = at;
  }
  for (const [prop, t] of props) {
    const required = typeof t === 'string' ? !t.startsWith('?') : false;
    if (required && prop !== 'fullName' && !tags.includes(prop))
      problems.push(`${path}: required <${prop}> of ${type} is missing`);
  }
  for (const child of children) {
    const tag = Object.keys(child).find((k) => k !== ':@') as string;
    if (tag === '#text') continue;
    const t = props.find(([p]) => p === tag)?.[1];
    if (t === undefined) continue;
    const name = (Array.isArray(t) ? t[t.length - 1] : (t as string)).replace(/^\?/, '');
    if (schemas[name]) check(name, child[tag] as Node[], `${path}/${tag}`, problems);
  }
}

const ROOT_TYPE: [RegExp, string][] = [
  [/^objects\/[^/]+\/fields\//, 'CustomField'],
  [/^objects\/[^/]+\/validationRules\//, 'ValidationRule'],
  [/^objects\/([^/]+)\/\1\.object-meta\.xml$/, 'CustomObject'],
  [/^customMetadata\//, 'CustomMetadata'],
  [/^approvalProcesses\//, 'ApprovalProcess'],
  [/^workflows\//, 'Workflow'],
  [/^queues\//, 'Queue'],
  [/^permissionsets\//, 'PermissionSet'],
  [/^customPermissions\//, 'CustomPermission'],
  [/^duplicateRules\//, 'DuplicateRule'],
  [/^matchingRules\//, 'MatchingRules'],
  [/^standardValueSets\//, 'StandardValueSet'],
  [/^layouts\//, 'Layout'],
  [/^LeadConvertSettings\//, 'LeadConvertSettings'],
];
// This area's files (objects/Trigger_Action__mdt and its records belong to the Apex area).
const files = (function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
})(DEFAULT)
  .map((f) => relative(DEFAULT, f))
  .filter(
    (f) => f.endsWith('-meta.xml') && !f.includes('Trigger_Action') && ROOT_TYPE.some(([re]) => re.test(f)),
  );

describe('metadata files follow the Metadata API schema', () => {
  it(`covers every file of the data model area (${files.length} files)`, () => {
    expect(files.length).toBeGreaterThan(350);
  });

  it('catches an unknown element, a WSDL order violation and a missing required element', () => {
    const bad = parser.parse(
      '<ValidationRule><fullName>X</fullName><errorConditionFormula>true</errorConditionFormula><active>true</active><colour>red</colour></ValidationRule>',
    ) as Node[];
    const problems: string[] = [];
    check('ValidationRule', bad[0].ValidationRule as Node[], 'bad', problems);
    expect(problems).toEqual([
      'bad: <active> comes after <errorConditionFormula> but the WSDL puts it before',
      'bad: <colour> is not a property of ValidationRule',
      'bad: required <errorMessage> of ValidationRule is missing',
    ]);
  });

  for (const [re, type] of ROOT_TYPE) {
    const group = files.filter((f) => re.test(f));
    it(`${type}: ${group.length} file(s) use only known elements, in WSDL order, with the required ones`, () => {
      const problems: string[] = [];
      for (const f of group) {
        const doc = parser.parse(readFileSync(join(DEFAULT, f), 'utf8')) as Node[];
        const root = doc.find((n) => Object.keys(n).some((k) => k !== '?xml' && k !== ':@')) as Node;
        const tag = Object.keys(root).find((k) => k !== ':@') as string;
        expect(tag, f).toBe(type);
        check(type, root[tag] as Node[], f, problems);
      }
      expect(problems).toEqual([]);
    });
  }
});
