// npm test says in one line what the machine lacks (Java 17, Chromium) before it starts, instead of failing half way.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the pretest machine check', () => {
  it('names a missing Chromium and the command that installs it, and exits 1', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'tooling/checkMachine.ts'], {
      env: { ...process.env, REVOPS_CHROMIUM: '/no/such/chromium' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('Chromium (/no/such/chromium)');
    expect(r.stderr).toContain('sudo .ci/run');
  });

  it('passes on this machine, which has both', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'tooling/checkMachine.ts'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
