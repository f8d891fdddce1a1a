// Progressive profiling: the Lead and Contact validation rules generated from Lifecycle_Field_Policy__mdt, one
// Lifecycle_<Stage>_Required_Fields rule per object and stage that lists Required_Fields__c, written whole. A rule
// gates the move INTO the stage (a Lead inserted at the stage, a change of Lifecycle_Stage__c; a Contact only the
// change, as its insert carries the converted lead's stage), so a record already in a stage stays editable; the
// lifecycle engine holds its own moves instead of tripping the rule
// (scripts/lib/rules/lifecycle.ts stageHold, LifecycleService).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LifecycleFieldPolicy } from '../../../scripts/lib/rules/lifecycle.ts';
import { readXml, xmlText } from '../files.ts';
import type { ProjectSchema } from '../schema.ts';
import { record, type DriftItem } from './items.ts';
import { blankTest, objectFields, splitFields, validationRuleXml, type FieldInfo } from './stageRules.ts';

export const OBJECTS = ['Lead', 'Contact'] as const;

export const lifecycleRuleName = (stage: string): string =>
  `Lifecycle_${stage.replace(/[^A-Za-z0-9]+/g, '_')}_Required_Fields`;

const RULE_FILE = /^Lifecycle_[A-Za-z0-9_]+_Required_Fields\.validationRule-meta\.xml$/;

/** The error message (at most 255 characters: labels are dropped for a long list). */
function message(stage: string, noun: string, named: string, required: string[]): string {
  const tail = `. Fill in the blank ones before the ${noun} enters ${stage}.`;
  const full = `${stage} requires: ${named}${tail}`;
  return full.length <= 255 ? full : `${stage} requires: ${required.join(', ')}${tail}`.slice(0, 255);
}

/** The rule of one policy (null when it requires nothing). An inactive policy gives an inactive rule. */
export function lifecycleRule(
  policy: LifecycleFieldPolicy,
  fields: (api: string) => FieldInfo | undefined,
): { name: string; xml: string } | null {
  const required = splitFields(policy.requiredFields);
  if (required.length === 0) return null;
  const name = lifecycleRuleName(policy.stage);
  const noun = policy.object === 'Lead' ? 'lead' : 'contact';
  const formula = [
    'NOT($Permission.RevOps_Bypass_Validation)',
    `&& ISPICKVAL(Lifecycle_Stage__c, "${policy.stage}")`,
    // a Contact is inserted at Lead (blank stage) or carries its converted lead's stage (mapped; "Require Validation
    // for Converted Leads" runs these rules on that insert): only a change of stage is a Contact's move into it, so a
    // lead whose fields were blanked after it entered its stage (allowed) still converts
    policy.object === 'Lead'
      ? '&& (ISNEW() || ISCHANGED(Lifecycle_Stage__c))'
      : '&& ISCHANGED(Lifecycle_Stage__c)',
    '&& (',
    required.map((f, i) => `    ${i ? '|| ' : ''}${blankTest(f, fields(f))}`).join('\n'),
    ')',
  ].join('\n');
  const named = required.map((f) => `${fields(f)?.label ?? f} (${f})`).join(', ');
  return {
    name,
    xml: validationRuleXml(
      name,
      policy.active !== false,
      `Generated from Lifecycle_Field_Policy__mdt ${policy.name ?? `${policy.object}_${policy.stage}`} (${required.join(';')}). Checks the move into ${policy.stage} only: a ${noun} already in it stays editable.`.slice(
        0,
        255,
      ),
      formula,
      message(policy.stage, noun, named, required),
      'Lifecycle_Stage__c',
    ),
  };
}

/** The generated Lead and Contact rules, compared with the tree; a generated rule no policy asks for is flagged. */
export function lifecycleRuleItems(
  root: string,
  schema: ProjectSchema,
  policies: LifecycleFieldPolicy[],
): DriftItem[] {
  const items: DriftItem[] = [];
  for (const object of OBJECTS) {
    const own = policies.filter((p) => p.object === object);
    const dir =
      schema.objectDirs.get(object.toLowerCase()) ?? join(root, 'main', 'default', 'objects', object);
    const rulesDir = join(dir, 'validationRules');
    const fields = objectFields(schema, object);
    const wanted = new Set<string>();
    for (const p of own) {
      const rule = lifecycleRule(p, fields);
      const from = [record({ name: p.name ?? `${object}_${p.stage}` }, 'Lifecycle_Field_Policy')];
      const file = join(rulesDir, `${lifecycleRuleName(p.stage)}.validationRule-meta.xml`);
      if (!rule) continue;
      wanted.add(`${rule.name}.validationRule-meta.xml`);
      const found = existsSync(file) ? readFileSync(file, 'utf8') : null;
      items.push({
        file,
        line: 1,
        what: `validation rule ${object}.${rule.name}`,
        records: from,
        expected: rule.xml,
        found,
        rewrite: () => rule.xml,
      });
    }
    const existing = existsSync(rulesDir) ? readdirSync(rulesDir).filter((f) => RULE_FILE.test(f)) : [];
    for (const f of existing.filter((x) => !wanted.has(x))) {
      const file = join(rulesDir, f);
      const name = f.replace('.validationRule-meta.xml', '');
      items.push({
        file,
        line: 1,
        what: `validation rule ${object}.${name}`,
        records: [],
        expected: `no rule (no Lifecycle_Field_Policy__mdt record of ${object} lists Required_Fields__c for this stage): delete the file`,
        found: xmlText(readXml(file), 'fullName') ?? name,
        rewrite: null,
      });
    }
  }
  return items;
}
