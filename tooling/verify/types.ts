/** The checks of the verification gate, in the order they run and print. */
export const CHECKS = ['deploy', 'apex', 'apex-schema', 'pmd', 'formula', 'lwc'] as const;
export type CheckName = (typeof CHECKS)[number];

export const CHECK_TITLES: Record<CheckName, string> = {
  deploy: 'deployability (SDR conversion, XML, references)',
  apex: 'Apex semantics (apex-ls)',
  'apex-schema': 'SOQL fields and custom fields on standard objects',
  pmd: 'Apex static analysis (PMD 7)',
  formula: 'formulas (validation rules, formula fields)',
  lwc: 'LWC (ESLint, bundle files, jest tests)',
};

export interface Problem {
  check: CheckName;
  /** absolute path of the file at fault */
  file: string;
  /** 1-based line */
  line: number;
  message: string;
  /** warnings are printed but do not fail the gate */
  severity: 'error' | 'warning';
  /**
   * 'policy': this project's house rules (PMD, LWC style and jest tests, one API version ...), applied to our
   * own tree and reported apart. Absent: deployability (the org would reject it, at deploy or at run time).
   */
  kind?: 'policy';
}

/** The same problem, reported as house policy rather than deployability. */
export const asPolicy = (p: Problem): Problem => ({ ...p, kind: 'policy' });

export interface CheckResult {
  check: CheckName;
  problems: Problem[];
  ms: number;
  /** why the check did not run (a house-policy-only check on another project's tree) */
  skipped?: string;
}

export interface CheckInput {
  /** absolute path of the source root (the package directory, e.g. /repo/force-app) */
  root: string;
  /** absolute path of the repository (for config/pmd/ruleset.xml, node_modules, eslint.config.js) */
  repoDir: string;
}
