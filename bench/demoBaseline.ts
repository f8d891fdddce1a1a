// The pre-split demo generator (the parent of dc85e89, before the demo was made by the rules): the baseline the
// demo's generation is held to (issue 15). It is self-contained: these five files of scripts/lib/snapshot at that
// commit, written out of git into a folder for bench/demoGenerate.ts to import, with a package.json that makes them
// ES modules as in this project (without it tsx compiles them as CommonJS, which runs ~4% more instructions).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASELINE_COMMIT = 'aa6a97015618085d2589e871a7790131ad788efc';
const BASELINE_FILES = ['generator.ts', 'csv.ts', 'ids.ts', 'random.ts', 'schema.ts'];

/** Writes the baseline generator into `dir`; its generator.ts path, or null when git cannot show that commit. */
export function writeBaselineGenerator(dir: string): string | null {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  try {
    for (const f of BASELINE_FILES)
      writeFileSync(
        join(dir, f),
        execFileSync('git', ['show', `${BASELINE_COMMIT}:scripts/lib/snapshot/${f}`], {
          stdio: ['ignore', 'pipe', 'ignore'],
        }),
      );
  } catch {
    return null;
  }
  return join(dir, 'generator.ts');
}

/** What a suite reports when the baseline cannot be written. */
export const BASELINE_UNAVAILABLE = `unavailable: git show ${BASELINE_COMMIT} failed (not a clone with that history)`;
