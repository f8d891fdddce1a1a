// `npm run vectors`: bundles tests/vectors/<rule>.json into the static resource RevOpsGoldenVectors.json that
// the Apex tests read. `--check` only reports whether the bundle is stale (exit 1) and writes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  RULE_KEYS,
  bundle,
  type RuleKey,
  type VectorBundle,
  type VectorCase,
} from '../../scripts/lib/rules/vectors.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE_PATH = join(root, 'force-app/main/default/staticresources/RevOpsGoldenVectors.json');

/** Reads every per-rule vector file and returns the bundle as it should be on disk. */
export function buildBundle(): { bundle: VectorBundle; text: string } {
  const perRule = {} as Record<RuleKey, VectorCase[]>;
  const files: string[] = [];
  for (const key of RULE_KEYS) {
    const file = join(root, 'tests/vectors', `${key}.json`);
    files.push(relative(root, file));
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${relative(root, file)}: cannot read vectors (${(e as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new Error(`${relative(root, file)}: must hold a JSON array of cases`);
    perRule[key] = parsed as VectorCase[];
  }
  const b = bundle(perRule, files);
  // Compact: the Apex tests deserialize it under the 6 MB heap limit; the per-rule files are the readable source.
  return { bundle: b, text: `${JSON.stringify(b)}\n` };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bundle: b, text } = buildBundle();
  const counts = RULE_KEYS.map((k) => `${k} ${b.rules[k].length}`).join(', ');
  let current = '';
  try {
    current = readFileSync(BUNDLE_PATH, 'utf8');
  } catch {
    current = '';
  }
  if (process.argv.includes('--check')) {
    if (current !== text) {
      process.stderr.write(`${relative(root, BUNDLE_PATH)} is stale: run npm run vectors\n`);
      process.exit(1);
    }
    process.stdout.write(`vectors up to date (${counts})\n`);
  } else {
    writeFileSync(BUNDLE_PATH, text);
    process.stdout.write(`wrote ${relative(root, BUNDLE_PATH)}: ${counts}\n`);
  }
}
