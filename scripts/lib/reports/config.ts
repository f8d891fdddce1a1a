// The reports' view of the admin config (custom metadata records), loaded through scripts/lib/config.
import type { DedupRule } from '../rules/match.ts';
import { defaultDedupRule, type SfObject } from './dedup/profiles.ts';

/** The active Dedup_Rule__mdt for an object, or the documented default when the config has none. */
export async function dedupRuleFor(object: SfObject, _configDir: string | undefined, warn: (m: string) => void): Promise<DedupRule> {
  warn(`Using the default dedup rule for ${object} (config loader not wired yet).`);
  return defaultDedupRule(object);
}
