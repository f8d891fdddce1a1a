// A demo snapshot kept on disk is reused only while the config records and the rules it was made from are unchanged.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDemoSnapshot } from '../../../scripts/lib/snapshot/demo.ts';
import { demoFingerprint } from '../../../scripts/lib/snapshot/demoFingerprint.ts';
import { exec, removeTmpDirs, tmpDir } from './helpers.ts';

afterAll(removeTmpDirs);

describe('the kept demo snapshot', () => {
  it('is built when missing, reused while current, and rebuilt when it was made from another config or size', async () => {
    const path = join(tmpDir('demo-fingerprint'), 'demo.duckdb');
    const said: string[] = [];
    const progress = (m: string) => said.push(m);
    expect(await ensureDemoSnapshot(path, 300, progress)).toBe(true);
    expect(said[0]).toMatch(/does not exist: building it/);
    said.length = 0;
    expect(await ensureDemoSnapshot(path, 300, progress)).toBe(false);
    expect(said).toEqual([]);
    // as if an admin had edited a record (or an upgrade changed the rules) since it was made
    await exec(path, `UPDATE _demo SET fingerprint = 'made from yesterday''s config'`);
    expect(await ensureDemoSnapshot(path, 300, progress)).toBe(true);
    expect(said[0]).toMatch(/was made from another config or another version of the rules: building it/);
    said.length = 0;
    expect(await ensureDemoSnapshot(path, 400, progress)).toBe(true);
    expect(said[0]).toMatch(/has another size or seed/);
    // one kept from before demo snapshots carried a fingerprint
    said.length = 0;
    await exec(path, 'DROP TABLE _demo');
    expect(await ensureDemoSnapshot(path, 400, progress)).toBe(true);
    expect(said[0]).toMatch(/was made before demo snapshots carried the fingerprint/);
  }, 60_000);

  it('has a fingerprint that changes with any config record and with the lead conversion mapping', () => {
    const root = join(tmpDir('demo-fingerprint-config'), 'force-app');
    for (const dir of ['customMetadata', 'LeadConvertSettings'])
      cpSync(join('force-app/main/default', dir), join(root, 'main/default', dir), { recursive: true });
    const before = demoFingerprint(root);
    expect(before).toBe(demoFingerprint('force-app'));
    const edit = (file: string, close: string) =>
      writeFileSync(file, readFileSync(file, 'utf8').replace(close, `<!-- tuned -->${close}`));
    edit(join(root, 'main/default/customMetadata/Scoring_Setting.Default.md-meta.xml'), '</CustomMetadata>');
    const tuned = demoFingerprint(root);
    expect(tuned).not.toBe(before);
    // the demo's converted contacts carry the fields this mapping copies
    edit(
      join(root, 'main/default/LeadConvertSettings/LeadConvertSettings.LeadConvertSetting-meta.xml'),
      '</LeadConvertSettings>',
    );
    expect(demoFingerprint(root)).not.toBe(tuned);
  });
});
