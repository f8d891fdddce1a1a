// Benchmarks (not tests): `npm run bench`. Each benchmark prints its numbers and all of them are
// written to bench/results/latest.json. Later issues register their benchmarks in bench/suites.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { suites } from './suites.ts';

const only = process.argv.slice(2);
const results: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version };
for (const s of suites) {
  if (only.length && !only.includes(s.name)) continue;
  process.stderr.write(`bench: ${s.name} ...\n`);
  const t0 = performance.now();
  const r = await s.run();
  results[s.name] = { ...r, wallMs: Math.round(performance.now() - t0) };
  process.stdout.write(`${s.name}: ${JSON.stringify(results[s.name])}\n`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify(results, null, 2));
process.stdout.write('bench: results written to bench/results/latest.json\n');
