// Shared helpers for the data-model tests: read the shipped metadata under force-app/main/default.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export const ROOT = 'force-app';
export const DEFAULT = join(ROOT, 'main', 'default');

/** The objects holding RevOps data (standard objects with RevOps fields, and the RevOps custom objects). */
export const DATA_OBJECTS = [
  'Lead',
  'Contact',
  'Account',
  'Opportunity',
  'Engagement_Event__c',
  'Lifecycle_Transition__c',
  'Routing_Decision__c',
  'SLA_Event__c',
  'Rep_Availability__c',
  'RevOps_Metric_Snapshot__c',
  'RevOps_Target__c',
  'Marketing_Spend__c',
];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) =>
    [
      'approvalStep',
      'approver',
      'action',
      'fieldUpdates',
      'standardValue',
      'fieldPermissions',
      'objectPermissions',
      'customPermissions',
      'matchingRuleItems',
      'duplicateRuleMatchRules',
      'values',
      'value',
      'allowedSubmitters',
      'customMetadataTypeAccesses',
      'matchingRules',
      'mappingFields',
      'classAccesses',
    ].includes(name),
});

/** Parse a metadata file under force-app/main/default (path relative to it). */
export function readMeta<T = Record<string, unknown>>(relPath: string): T {
  return parser.parse(readFileSync(join(DEFAULT, relPath), 'utf8')) as T;
}

export function listFiles(relDir: string, suffix: string): string[] {
  const dir = join(DEFAULT, relDir);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(suffix))
        .sort()
    : [];
}

export function validationRuleNames(objectName: string): string[] {
  return listFiles(`objects/${objectName}/validationRules`, '.validationRule-meta.xml').map((f) =>
    f.replace('.validationRule-meta.xml', ''),
  );
}

export function fieldNames(objectName: string): string[] {
  return listFiles(`objects/${objectName}/fields`, '.field-meta.xml').map((f) =>
    f.replace('.field-meta.xml', ''),
  );
}

interface LayoutItem {
  field: string;
  behavior: string;
}
type OneOrMany<T> = T | T[] | undefined;

/** field -> behavior (Edit, Required, Readonly) of every item on a page layout. */
export function layoutBehaviours(layoutName: string): Map<string, string> {
  const layout = readMeta<{
    Layout: { layoutSections: { layoutColumns?: OneOrMany<{ layoutItems?: OneOrMany<LayoutItem> }> }[] };
  }>(`layouts/${layoutName}.layout-meta.xml`).Layout;
  const many = <T>(x: OneOrMany<T>): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
  const items = layout.layoutSections
    .flatMap((s) => many(s.layoutColumns))
    .flatMap((c) => many(c.layoutItems));
  return new Map(items.map((i) => [i.field, i.behavior]));
}
