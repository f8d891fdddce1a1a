// Demo generation's work per lead in instructions (npm run bench -- snapshot-demo-instructions): today's generator
// and the pre-split baseline (demoBaseline.ts), each run under valgrind's cachegrind at two sizes; the difference
// per lead drops the fixed start (node, module loading, config). Instructions do not depend on the machine's load,
// so this ratio repeats where the CPU-time ratio of snapshot-demo varies by 20-30% on a shared VM.
//  - `--predictable` is V8's deterministic mode: compiler and GC on the one thread valgrind counts, no heuristics
//    that read the clock (with `--single-threaded` alone, identical runs differed by 0.4%). Runs side by side on a
//    loaded machine agree within 0.1%.
//  - TSX_DISABLE_CACHE=1: every run compiles the TypeScript it loads, so both sizes start with the same work (with
//    tsx's cache, a run that finds its modules compiled by an earlier one starts cheaper, and that saving landed
//    in the per-lead figure: 4k-16k instructions a lead).
//  - The node is this process's (the npm scripts' Node 22): another V8 counts differently (Node 20 runs the
//    baseline's one large function with ~45% more instructions, which made the two generators look equal).
//  - REVOPS_BENCH_IR_LEADS=20000,100000 sets the two sizes; REVOPS_BENCH_IR_CACHE=1 adds cachegrind's cache and
//    branch simulation (instruction- and data-cache misses, mispredictions per lead; about twice as slow).
// Needs valgrind (Debian: apt-get install valgrind); without it the suite says so and measures nothing.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASELINE_UNAVAILABLE, writeBaselineGenerator } from './demoBaseline.ts';

type Counts = Record<'instructions' | 'i1Misses' | 'd1Misses' | 'mispredicts', number>;

const COUNTERS: Array<[keyof Counts, RegExp]> = [
  ['instructions', /I\s+refs:\s+([\d,]+)/],
  ['i1Misses', /I1\s+misses:\s+([\d,]+)/],
  ['d1Misses', /D1\s+misses:\s+([\d,]+)/],
  ['mispredicts', /Mispredicts:\s+([\d,]+)/],
];

function hasValgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One generation of `leads` under cachegrind: the whole process's counts (what the simulation measured). */
function countRun(generator: string, leads: number, dir: string, cache: boolean): Promise<Partial<Counts>> {
  mkdirSync(dir, { recursive: true });
  const sim = cache ? ['--cache-sim=yes', '--branch-sim=yes'] : ['--cache-sim=no'];
  const args = [
    '--tool=cachegrind',
    ...sim,
    '--cachegrind-out-file=/dev/null',
    process.execPath,
    '--predictable',
    '--import',
    'tsx',
    'bench/demoGenerate.ts',
    generator,
    String(leads),
    dir,
  ];
  return new Promise((resolve, reject) =>
    execFile(
      'valgrind',
      args,
      { maxBuffer: 1 << 24, env: { ...process.env, TSX_DISABLE_CACHE: '1' } },
      (err, _stdout, stderr) => {
        rmSync(dir, { recursive: true, force: true });
        if (err) return reject(new Error(`valgrind run of ${generator} (${leads} leads) failed:\n${stderr}`));
        const counts: Partial<Counts> = {};
        for (const [name, re] of COUNTERS) {
          const m = re.exec(stderr);
          if (m) counts[name] = Number(m[1].replaceAll(',', ''));
        }
        if (counts.instructions === undefined)
          return reject(new Error(`no instruction count in valgrind's output:\n${stderr}`));
        resolve(counts);
      },
    ),
  );
}

/** Counts per lead between the two sizes (both generators at one size run side by side: two cores). */
async function perLead(
  generators: Record<'today' | 'baseline', string>,
  sizes: [number, number],
  work: string,
  cache: boolean,
): Promise<Record<'today' | 'baseline', Partial<Counts>>> {
  const runs: Record<string, Array<Partial<Counts>>> = { today: [], baseline: [] };
  for (const leads of sizes) {
    const [t, b] = await Promise.all([
      countRun(generators.today, leads, join(work, `today-${leads}`), cache),
      countRun(generators.baseline, leads, join(work, `baseline-${leads}`), cache),
    ]);
    runs.today.push(t);
    runs.baseline.push(b);
  }
  const span = sizes[1] - sizes[0];
  const diff = ([small, big]: Array<Partial<Counts>>): Partial<Counts> =>
    Object.fromEntries(
      Object.keys(big).map((k) => [
        k,
        Math.round((big[k as keyof Counts]! - small[k as keyof Counts]!) / span),
      ]),
    );
  return { today: diff(runs.today), baseline: diff(runs.baseline) };
}

export async function benchDemoInstructions(): Promise<Record<string, unknown>> {
  if (!hasValgrind()) return { skipped: 'valgrind is not installed (Debian: apt-get install valgrind)' };
  const sizes = (process.env.REVOPS_BENCH_IR_LEADS ?? '20000,100000').split(',').map(Number);
  if (sizes.length !== 2 || !(sizes[0] > 0 && sizes[1] > sizes[0]))
    throw new Error(
      `REVOPS_BENCH_IR_LEADS=${process.env.REVOPS_BENCH_IR_LEADS}: give two lead counts, smaller first (e.g. 20000,100000)`,
    );
  const cache = process.env.REVOPS_BENCH_IR_CACHE === '1';
  const work = mkdtempSync(join(tmpdir(), 'revops-bench-ir-'));
  try {
    const baseline = writeBaselineGenerator(join(work, 'baseline'));
    if (!baseline) return { baseline: BASELINE_UNAVAILABLE };
    const counts = await perLead(
      { today: 'scripts/lib/snapshot/generator.ts', baseline },
      [sizes[0], sizes[1]],
      work,
      cache,
    );
    const ratio = Object.fromEntries(
      Object.entries(counts.today).map(([k, v]) => [
        k,
        Math.round((v / counts.baseline[k as keyof Counts]!) * 100) / 100,
      ]),
    );
    return { node: process.version, leads: sizes, perLead: counts, ratio, targetRatio: 1.1 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
