// One demo generation in its own process, for bench/snapshot.ts's baseline comparison:
//   node --import tsx bench/demoGenerate.ts <generator.ts> <leads> <dir>
// imports generateDemo from the given generator module (today's, or the pre-split generator the bench extracts
// from git), writes the CSVs to <dir> as the CLI's scratch files (quoting only where needed), and prints
// {"cpuSeconds":..,"seconds":..,"bytes":..} for the generation alone (process start and module loading excluded).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [generator, leads, dir] = process.argv.slice(2);
if (!generator || !leads || !dir) {
  process.stderr.write('usage: node --import tsx bench/demoGenerate.ts <generator.ts> <leads> <dir>\n');
  process.exit(2);
}
const { generateDemo } = (await import(pathToFileURL(resolve(generator)).href)) as {
  generateDemo(opts: { leads: number; seed: number; dir: string; quoteAllText?: boolean }): unknown;
};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
generateDemo({ leads: Number(leads), seed: 42, dir, quoteAllText: false });
const cpu = process.cpuUsage(cpu0);
const bytes = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
process.stdout.write(
  JSON.stringify({
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    bytes,
  }) + '\n',
);
