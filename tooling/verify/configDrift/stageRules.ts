// Stage hygiene: the Opportunity validation rules generated from Stage_Policy__mdt (one required-fields rule per
// stage that lists Required_Fields__c, and Stage_Skip_Blocked), written whole.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StagePolicyConfig } from '../../../scripts/lib/config/types.ts';
import { readXml, xmlText } from '../files.ts';
import { getObject, type ProjectSchema } from '../schema.ts';
import { record, xmlEscape, type DriftItem } from './items.ts';

export interface FieldInfo {
  label: string;
  type: string; // schema type: picklist, multipicklist, checkbox, text, ...
}

export const stageRuleName = (stage: string): string =>
  `Stage_${stage.replace(/[^A-Za-z0-9]+/g, '_')}_Required_Fields`;

export const splitFields = (v: string | null | undefined): string[] =>
  (v ?? '')
    .split(';')
    .map((f) => f.trim())
    .filter(Boolean);

export function blankTest(field: string, info: FieldInfo | undefined): string {
  if (info?.type === 'picklist') return `ISPICKVAL(${field}, "")`;
  if (info?.type === 'checkbox') return `NOT(${field})`;
  return `ISBLANK(${field})`;
}

export function validationRuleXml(
  name: string,
  active: boolean,
  description: string,
  formula: string,
  message: string,
  displayField?: string,
): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata">',
    `    <fullName>${name}</fullName>`,
    `    <active>${active}</active>`,
    `    <description>${xmlEscape(description)}</description>`,
    `    <errorConditionFormula>${xmlEscape(formula)}</errorConditionFormula>`,
    ...(displayField ? [`    <errorDisplayField>${displayField}</errorDisplayField>`] : []),
    `    <errorMessage>${xmlEscape(message)}</errorMessage>`,
    '</ValidationRule>',
    '',
  ].join('\n');
}

/**
 * Close_Date_Not_Future__c: a future close date is refused when the deal enters the stage (or is created in it) or its
 * close date changes, not on every later save: a won deal imported with a future close date stays editable.
 */
const CLOSE_DATE_NOT_FUTURE =
  '(CloseDate > TODAY() && (ISNEW() || ISCHANGED(StageName) || ISCHANGED(CloseDate)))';

/**
 * The required-fields rule of one stage (null when the stage requires nothing): the required fields on every save
 * in the stage, the close date (Close_Date_Not_Future__c) on the move into it.
 */
export function stageRule(
  policy: StagePolicyConfig,
  fields: (api: string) => FieldInfo | undefined,
  active = true,
): { name: string; xml: string } | null {
  const required = splitFields(policy.requiredFields);
  const notFuture = policy.closeDateNotFuture === true;
  if (required.length === 0 && !notFuture) return null;
  const name = stageRuleName(policy.stage);
  const tests = [
    ...required.map((f) => blankTest(f, fields(f))),
    ...(notFuture ? [CLOSE_DATE_NOT_FUTURE] : []),
  ];
  const formula = [
    'NOT($Permission.RevOps_Bypass_Validation)',
    `&& ISPICKVAL(StageName, "${policy.stage}")`,
    '&& (',
    tests.map((t, i) => `    ${i ? '|| ' : ''}${t}`).join('\n'),
    ')',
  ].join('\n');
  const named = [
    ...required.map((f) => `${fields(f)?.label ?? f} (${f})`),
    ...(notFuture ? ['Close Date (CloseDate) of today or earlier'] : []),
  ].join(', ');
  return {
    name,
    xml: validationRuleXml(
      name,
      active,
      `A deal in ${policy.stage} must have the fields that stage requires (Stage_Policy__mdt ${policy.stage}: ${required.join(';')}${notFuture ? '; close date not in the future when the deal enters the stage or its close date changes' : ''}).`,
      formula,
      `${policy.stage} requires: ${named}. Fill them in, or move the deal back to an earlier stage.`,
    ),
  };
}

/**
 * Stage_Skip_Blocked, following stageSkip in hygiene.ts: a forward move that passes over an open stage is refused;
 * moves into a closed-lost stage, out of a closed stage or from a stage without a policy are not skips. Each stage's
 * number is its rank among the open stages by Order__c (a won stage ranks right after the open stages before it).
 */
export function stageSkipRule(all: StagePolicyConfig[], active = true): string {
  const policies = [...all].sort((a, b) => a.order - b.order);
  const open = policies.filter((p) => !p.isClosed);
  const lost = policies.filter((p) => p.isClosed && !p.isWon);
  const rank = (p: StagePolicyConfig): number => open.filter((o) => o.order < p.order).length + 1;
  const targets = policies.filter((p) => !p.isClosed || p.isWon);
  const caseOf = (head: string, list: StagePolicyConfig[], otherwise: number): string =>
    [`CASE(${head},`, ...list.map((p) => `        "${p.stage}", ${rank(p)},`), `        ${otherwise})`].join(
      '\n',
    );
  const formula = [
    'NOT($Permission.RevOps_Bypass_Validation)',
    '&& NOT(ISNEW())',
    '&& ISCHANGED(StageName)',
    ...lost.map((p) => `&& NOT(ISPICKVAL(StageName, "${p.stage}"))`),
    `&& ${caseOf('StageName', targets, 0)}`,
    `    - ${caseOf('TEXT(PRIORVALUE(StageName))', open, 99)}`,
    '    > 1',
  ].join('\n');
  const lostNames = lost.map((p) => p.stage).join(' or ');
  const example =
    open.length >= 3 ? ` (e.g. ${open[0].stage} to ${open[Math.min(3, open.length - 1)].stage})` : '';
  return validationRuleXml(
    'Stage_Skip_Blocked',
    active,
    `Blocks forward moves of more than one stage${example}. Moving back, one step forward${lostNames ? `, or to ${lostNames}` : ''} is allowed. Stage order matches Stage_Policy__mdt.Order__c.`,
    formula,
    `Stages cannot be skipped: move the deal one stage forward at a time (${targets.map((p) => p.stage).join(', ')}).${lostNames ? ` ${lostNames} is allowed from any stage.` : ''}`,
    'StageName',
  );
}

/** Field label and type of a field of `objectName` (custom: its field file; standard: the schema, label from the name). */
export function objectFields(
  schema: ProjectSchema,
  objectName: string,
): (api: string) => FieldInfo | undefined {
  const object = getObject(schema, objectName);
  const dir = schema.objectDirs.get(objectName.toLowerCase());
  return (api) => {
    const field = object?.fields.get(api.toLowerCase());
    if (!field) return undefined;
    const file = dir ? join(dir, 'fields', `${api}.field-meta.xml`) : '';
    const label = file && existsSync(file) ? xmlText(readXml(file), 'label') : undefined;
    return { type: field.type, label: label ?? api.replace(/([a-z])([A-Z])/g, '$1 $2') };
  };
}

/** The generated validation rules, compared with the tree. */
export function ruleItems(root: string, schema: ProjectSchema, policies: StagePolicyConfig[]): DriftItem[] {
  const dir = schema.objectDirs.get('opportunity') ?? join(root, 'main', 'default', 'objects', 'Opportunity');
  const rulesDir = join(dir, 'validationRules');
  const fields = objectFields(schema, 'Opportunity');
  const activeOf = (file: string): boolean =>
    !existsSync(file) || xmlText(readXml(file), 'active') !== 'false';
  const whole = (
    name: string,
    xml: (active: boolean) => string,
    records: string[],
    what: string,
  ): DriftItem => {
    const file = join(rulesDir, `${name}.validationRule-meta.xml`);
    const expected = xml(activeOf(file));
    const found = existsSync(file) ? readFileSync(file, 'utf8') : null;
    return { file, line: 1, what, records, expected, found, rewrite: () => expected };
  };
  const items: DriftItem[] = [];
  for (const p of policies) {
    const rule = stageRule(p, fields);
    const name = stageRuleName(p.stage);
    if (!rule) {
      const file = join(rulesDir, `${name}.validationRule-meta.xml`);
      if (existsSync(file))
        items.push({
          file,
          line: 1,
          what: `validation rule ${name}`,
          records: [record(p, 'Stage_Policy')],
          expected: `no rule (Stage_Policy.${p.name} requires no fields): delete the file`,
          found: 'the file',
          rewrite: null,
        });
      continue;
    }
    items.push(
      whole(
        name,
        (active) => (stageRule(p, fields, active) as { xml: string }).xml,
        [record(p, 'Stage_Policy')],
        `validation rule ${name}`,
      ),
    );
  }
  if (policies.length)
    items.push(
      whole(
        'Stage_Skip_Blocked',
        (active) => stageSkipRule(policies, active),
        policies.map((p) => record(p, 'Stage_Policy')),
        'validation rule Stage_Skip_Blocked',
      ),
    );
  return items;
}
