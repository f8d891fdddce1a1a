// Benchmarks (not tests): `npm run bench [-- suite ...]`. Each benchmark prints its numbers; results are
// merged into bench/results/latest.json (a partial run updates only the suites it ran) with the machine's
// load average beside each suite, because the numbers mean little without it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { suites } from './suites.ts';

const file = 'bench/results/latest.json';
const only = process.argv.slice(2);
const unknown = only.filter((n) => !suites.some((s) => s.name === n));
if (unknown.length) {
  process.stderr.write(
    `Unknown bench suite(s): ${unknown.join(', ')}. Known: ${suites.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}
const results: Record<string, unknown> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
results.node = process.version;
for (const s of suites) {
  if (only.length && !only.includes(s.name)) continue;
  process.stderr.write(`bench: ${s.name} ...\n`);
  const load = loadavg()[0].toFixed(2);
  const t0 = performance.now();
  const r = await s.run();
  results[s.name] = {
    ...r,
    wallMs: Math.round(performance.now() - t0),
    loadAvg1m: Number(load),
    at: new Date().toISOString(),
  };
  process.stdout.write(`${s.name}: ${JSON.stringify(results[s.name])}\n`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(file, JSON.stringify(results, null, 2));
process.stdout.write(`bench: results written to ${file}\n`);
