// The org's validation rules for the engine model when it replays scenarios: after the before-save actions, every
// active validation rule of the object (read from force-app, evaluated with the formula evaluator, which is
// tooling: the product engine takes it as an injected validator) may refuse the save, as the org does. The engine
// runs as a user without the bypass permission.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateValidationRule } from '../../tooling/formula/index.ts';
import { SaveError, type EngineRecord } from '../../scripts/lib/engine/state.ts';

const RULE_CACHE = new Map<string, string[]>();

function ruleNames(root: string, obj: string): string[] {
  const key = `${root}:${obj}`;
  let names = RULE_CACHE.get(key);
  if (!names) {
    const dir = join(root, 'main/default/objects', obj, 'validationRules');
    try {
      names = readdirSync(dir)
        .filter((f) => f.endsWith('.validationRule-meta.xml'))
        .map((f) => f.replace('.validationRule-meta.xml', ''))
        .sort();
    } catch {
      names = [];
    }
    RULE_CACHE.set(key, names);
  }
  return names;
}

/** Throws SaveError (the rule's message, on its field) when an active rule of `obj` refuses the record. */
export function validate(root: string, obj: string, rec: EngineRecord, old: EngineRecord | null): void {
  for (const name of ruleNames(root, obj)) {
    const r = evaluateValidationRule(
      obj,
      name,
      { record: rec, prior: old ?? rec, isNew: old === null, permissions: [] },
      root,
    );
    if (r.active && r.fires) throw new SaveError(rec.Id, r.errorDisplayField ?? null, r.errorMessage);
  }
}
