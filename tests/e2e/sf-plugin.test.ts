// The plugin inside the real Salesforce CLI (@salesforce/cli from npm, a devDependency): `sf plugins link .` from
// this checkout, then `sf revops --help` and `sf revops report --demo --json` through sf's own oclif. Offline and
// isolated: a temporary HOME and XDG/sf data folders, so the user's sf config, logins and plugins are untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SF = join(ROOT, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');
const home = mkdtempSync(join(tmpdir(), 'revops-sf-home-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_DATA_HOME: join(home, '.local', 'share'),
  XDG_CACHE_HOME: join(home, '.cache'),
  SF_DISABLE_TELEMETRY: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_HIDE_RELEASE_NOTES: 'true',
  SF_USE_PROGRESS_BAR: 'false',
  SF_CONTENT_TYPE: '',
  NODE_ENV: '',
  FORCE_COLOR: '0',
};
const sf = (...argv: string[]) =>
  spawnSync(process.execPath, [SF, ...argv], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('sf revops (the plugin linked into the real sf CLI)', () => {
  beforeAll(() => {
    const link = sf('plugins', 'link', '.', '--no-install');
    expect(link.status, link.stderr).toBe(0);
    // linked into the temporary sf data folder, not the user's
    const linked = readFileSync(join(home, '.local', 'share', 'sf', 'package.json'), 'utf8');
    expect(linked).toContain('revops-engine');
  }, 240_000);

  it('lists the revops commands and topics in sf help', () => {
    const r = sf('revops', '--help');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('$ sf revops COMMAND');
    for (const topic of ['revops config', 'revops dedup', 'revops route']) expect(r.stdout).toContain(topic);
    for (const command of ['revops report', 'revops snapshot', 'revops deploy', 'revops audit'])
      expect(r.stdout).toMatch(new RegExp(`^  ${command}\\s+\\S`, 'm'));
  }, 240_000);

  it('runs report --demo --json with the sf envelope', () => {
    const html = join(home, 'report.html');
    const r = sf('revops', 'report', '--demo', '--html', html, '--json');
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as {
      status: number;
      result: { snapshot: string; html: string; audit: { duplicates: unknown[] }; metrics: unknown };
      warnings: unknown[];
    };
    expect(json.status).toBe(0);
    expect(json.warnings).toEqual([]);
    expect(json.result.snapshot).toMatch(/demo-small\.duckdb$/);
    expect(json.result.html).toBe(html);
    expect(json.result.audit.duplicates.length).toBeGreaterThan(0);
    expect(json.result.metrics).not.toBeNull();
    expect(existsSync(html)).toBe(true);
  }, 240_000);

  it('exits 2 with the sf error envelope (exitCode, name) for a bad flag', () => {
    const r = sf('revops', 'report', '--demo', '--no-such-flag', '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 2,
      exitCode: 2,
      message: expect.stringMatching(/Nonexistent flag: --no-such-flag/),
    });
  }, 240_000);
});
