// The verify gate as the deploy commands see it, and the one place the CLI reaches the tooling.
//
// `revops deploy` runs the whole gate before deploying and `revops config push` runs its deploy check on the records
// it pushes. The gate itself is developer tooling (tooling/verify); the product never imports tooling, so the
// commands take the gate as a dependency (CommandContext.gate) and scripts/cli.ts hands them `toolingGate` below.
// tests/unit/layout/tooling.test.ts holds every other file under scripts/ to no import of tooling/.

/** One error the gate's deploy check found, with the file it is in ('' when a check could not run). */
export interface GateProblem {
  file: string;
  /** The problem as the gate prints it: `path:line: [check] message`. */
  text: string;
}

/** What the deploy commands need from the verify gate. */
export interface VerifyGate {
  /** The whole gate over ./force-app (what `npm run verify` runs): ok, and the rendered report. */
  verify(): Promise<{ ok: boolean; report: string }>;
  /** The gate's deploy check over one source tree: its errors. */
  deployCheck(root: string): Promise<GateProblem[]>;
}

/** The gate in tooling/verify, loaded only when a command runs it (dynamic import). */
export const toolingGate: VerifyGate = {
  async verify() {
    const v = await import('../../tooling/verify/index.ts');
    const report = await v.runVerify({});
    return { ok: report.ok, report: v.renderReport(report) };
  },
  async deployCheck(root) {
    const v = await import('../../tooling/verify/index.ts');
    const report = await v.runVerify({ root, only: ['deploy'] });
    return report.results.flatMap((r) =>
      r.problems
        .filter((p) => p.severity === 'error')
        .map((p) => ({ file: p.file, text: v.formatProblem(p) })),
    );
  },
};
