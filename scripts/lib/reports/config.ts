// The reports' view of the admin config: the custom metadata records loaded by scripts/lib/config.
// `--config DIR` points at another SFDX package folder (e.g. a checkout of a proposed branch).
import { loadConfig, type RevOpsConfig } from '../config/index.ts';
import type { DedupRule } from '../rules/match.ts';
import { defaultDedupRule, type SfObject } from './dedup/profiles.ts';

export const DEFAULT_CONFIG_DIR = 'force-app';

export function reportConfig(dir: string | undefined): RevOpsConfig {
  return loadConfig(dir ?? DEFAULT_CONFIG_DIR);
}

/** The active Dedup_Rule__mdt for an object, or the documented default when the config has none. */
export function dedupRuleFor(config: RevOpsConfig, object: SfObject, warn: (m: string) => void): DedupRule {
  const rule = config.dedupRules.find((r) => r.object === object && r.active !== false);
  if (rule) return rule;
  warn(
    `No active Dedup_Rule__mdt for ${object}; using the default rule (${defaultDedupRule(object).matchKeys.join(';')}).`,
  );
  return defaultDedupRule(object);
}
