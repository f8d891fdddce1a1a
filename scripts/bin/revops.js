#!/usr/bin/env node
// Installed `revops` bin: runs the TypeScript CLI (scripts/cli.ts) through tsx.
// The CLI needs the Node.js that package.json `engines.node` states (undici 8, under jsforce and
// @salesforce/core, needs 22.19 or later: on Node 20 every org command dies with "Cannot read properties of
// undefined (reading 'bind')"). This launcher itself runs on any Node: it starts the CLI on the running Node
// when that is new enough, else on the pinned Node that `npm ci` installs into node_modules (the `node`
// devDependency, the one every npm script runs on), else it says what to install and exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const required = /^>=\s*(\d+\.\d+\.\d+)$/.exec(String((pkg.engines && pkg.engines.node) || '').trim());
const minimum = required ? required[1] : '0.0.0';
const pinnedVersion = (pkg.devDependencies && pkg.devDependencies.node) || null;

/** -1, 0 or 1: a against b, both "major.minor.patch" (a leading "v" is ignored). */
function compare(a, b) {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) < (pb[i] || 0) ? -1 : 1;
  return 0;
}

/** The pinned Node in node_modules, when installed and new enough. */
function pinnedNode() {
  for (const bin of [
    join(root, 'node_modules', 'node', 'bin', 'node'),
    join(root, 'node_modules', 'node', 'bin', 'node.exe'),
  ]) {
    if (!existsSync(bin)) continue;
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (v.status === 0 && compare(v.stdout.trim(), minimum) >= 0) return bin;
  }
  return null;
}

const node = compare(process.versions.node, minimum) >= 0 ? process.execPath : pinnedNode();
if (!node) {
  process.stderr.write(
    [
      `revops needs Node.js ${minimum} or later (package.json "engines"), but it was started with Node ${process.versions.node} (${process.execPath}) and ${root}/node_modules holds no pinned Node.`,
      'Install one of:',
      `  - the pinned Node${pinnedVersion ? ` ${pinnedVersion}` : ''}: run "npm ci" in ${root} (it installs the "node" devDependency; do not use --omit=dev)`,
      `  - Node.js 22 (22.19 or later) or 24 on your PATH: e.g. "nvm install 22" or https://nodejs.org/en/download`,
      '',
    ].join('\n'),
  );
  process.exit(1);
}
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
if (!existsSync(tsx)) {
  process.stderr.write(`revops: ${tsx} is missing; run "npm ci" in ${root}.\n`);
  process.exit(1);
}
const res = spawnSync(node, [tsx, join(root, 'scripts', 'cli.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
if (res.error) {
  process.stderr.write(`revops: could not start ${node}: ${res.error.message}\n`);
  process.exit(1);
}
if (res.signal) process.kill(process.pid, res.signal);
process.exit(res.status === null ? 1 : res.status);
