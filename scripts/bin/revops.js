#!/usr/bin/env node
// Installed `revops` bin: runs the TypeScript CLI through tsx (Node >= 22).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const res = spawnSync(tsx, [join(root, 'scripts', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
