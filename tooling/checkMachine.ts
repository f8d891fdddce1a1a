// `npm test` starts here (npm's pretest): the tests need Java 17 (apex-ls and PMD jars) and Chromium (the LWC
// preview), which npm cannot install. Say so in one line before anything runs, instead of failing half way.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROMIUM } from './preview/browser.ts';

export function missingForTests(): string[] {
  const missing: string[] = [];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) missing.push('Java 17 (openjdk-17-jre-headless)');
  if (!existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM})`);
  return missing;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const missing = missingForTests();
  if (missing.length) {
    process.stderr.write(
      `npm test needs ${missing.join(' and ')}: on Debian run \`sudo .ci/run\` (installs them, then runs the tests) ` +
        `or \`sudo apt-get install -y openjdk-17-jre-headless chromium\`; REVOPS_CHROMIUM points at another Chromium.\n`,
    );
    process.exit(1);
  }
}
