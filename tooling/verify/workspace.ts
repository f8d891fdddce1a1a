import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempWorkspace {
  /** the workspace folder (holds sfdx-project.json and `src` -> root) */
  dir: string;
  /** map a path inside the workspace back to the real source path */
  toSource(path: string): string;
  dispose(): void;
}

/**
 * An SFDX workspace around any source root (the real force-app or a fixture tree): apex-ls needs
 * sfdx-project.json, and the gate must work on trees that have none.
 */
export function tempWorkspace(root: string): TempWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'revops-verify-'));
  writeFileSync(
    join(dir, 'sfdx-project.json'),
    JSON.stringify(
      { packageDirectories: [{ path: 'src', default: true }], sourceApiVersion: '66.0' },
      null,
      2,
    ),
  );
  symlinkSync(root, join(dir, 'src'), 'dir');
  const prefix = join(dir, 'src');
  return {
    dir,
    toSource: (p) => (p.startsWith(prefix) ? root + p.slice(prefix.length) : p),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
