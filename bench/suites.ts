export interface BenchSuite {
  name: string;
  run(): Promise<Record<string, unknown>>;
}

/** Registered benchmarks; each issue adds its own. */
export const suites: BenchSuite[] = [
  {
    name: 'cli-startup',
    async run() {
      const { execFileSync } = await import('node:child_process');
      const t0 = performance.now();
      execFileSync('node_modules/.bin/tsx', ['scripts/cli.ts', '--version']);
      return { ms: Math.round(performance.now() - t0) };
    },
  },
  {
    name: 'rules',
    async run() {
      const { runRulesBench } = await import('./rules.ts');
      return runRulesBench();
    },
  },
  {
    name: 'verify-gate',
    run: async () => (await import('./verify.ts')).benchVerify(),
  },
  {
    name: 'preview',
    async run() {
      const { benchPreview } = await import('./preview.ts');
      return benchPreview();
    },
  },
  ...['snapshot-demo', 'snapshot-export', 'snapshot-org'].map((name) => ({
    name,
    run: async () => (await import('./snapshot.ts')).runSnapshotBench(name),
  })),
  {
    name: 'snapshot-demo-instructions',
    run: async () => (await import('./demoInstructions.ts')).benchDemoInstructions(),
  },
  {
    name: 'engagement-import-1m',
    run: async () => (await import('./engagementImport.ts')).benchEngagementImport(),
  },
  ...['reports-dedup-quality', 'reports-dedup-1m', 'reports-metrics-1m', 'reports-backtest-1m'].map(
    (name) => ({
      name,
      run: async () => (await import('./reports.ts')).reportSuites.find((s) => s.name === name)!.run(),
    }),
  ),
];
