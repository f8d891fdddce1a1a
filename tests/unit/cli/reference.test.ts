// docs/cli-reference.md is generated from the commands' own help (npm run docs:cli); it must not drift from it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_REFERENCE, cliReference } from '../../../tooling/cliReference.ts';
import { COMMANDS } from '../../../scripts/commands/index.ts';

describe('the CLI reference', () => {
  const text = cliReference();

  it('documents every command once, with its flags', () => {
    for (const id of Object.keys(COMMANDS)) {
      const heading = `## \`sf ${id.split(':').join(' ')}\``;
      expect(text.split(heading).length - 1, heading).toBe(1);
    }
    expect(text).toContain('`--target-org` / `-o`');
  });

  it('is up to date in docs/cli-reference.md (run npm run docs:cli)', () => {
    expect(readFileSync(CLI_REFERENCE, 'utf8') === text, 'docs/cli-reference.md is stale').toBe(true);
  });
});
