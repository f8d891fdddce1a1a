// Snapshots that can be trusted (issue 13): reports refuse a snapshot that is not complete, a snapshot with only
// accounts reports without crashing, and bad flags or missing tables give a message naming the input and the fix
// instead of a raw DuckDB error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import JSZip from 'jszip';
import { runCli } from './runCli.ts';
import { buildExportSnapshot } from '../../scripts/lib/snapshot/build.ts';
import { generateDemo } from '../../scripts/lib/snapshot/generator.ts';
import { SnapshotWriter, tableColumns } from '../../scripts/lib/snapshot/store.ts';
import { exec, tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';

afterAll(removeTmpDirs);

interface Json {
  status: number;
  name?: string;
  message?: string;
  actions?: string[];
  result?: Record<string, unknown>;
}
const revops = (...argv: string[]) => runCli<Json>(...argv);

const ACCOUNTS =
  '"Id","Name","Industry","CreatedDate"\n' +
  '"0015e000000AAA1AAA","Acme","Software","2026-01-05T10:00:00.000Z"\n' +
  '"0015e000000AAA2AAA","Globex","Retail","2026-02-05T10:00:00.000Z"\n';

let accountsOnly: string;
beforeAll(async () => {
  const dir = tmpDir('trust-accounts');
  writeFileSync(join(dir, 'Account.csv'), ACCOUNTS);
  accountsOnly = join(dir, 'accounts.duckdb');
  await buildExportSnapshot({ path: dir, out: accountsOnly });
});

describe('a snapshot with only Account rows', () => {
  it('audits without crashing (the audit date falls back to when the snapshot was taken)', async () => {
    const r = await revops('audit', '--snapshot', accountsOnly, '--json');
    expect(r.err).not.toMatch(/TypeError|reading 'replace'/);
    expect(r.code).toBe(0);
    expect(String((r.json.result as { asOf: string }).asOf)).toMatch(/^\d{4}-\d\d-\d\d/);
  });

  it('report writes the audit and says why the metrics are missing, instead of a TypeError', async () => {
    const html = join(tmpDir('trust-report'), 'r.html');
    const r = await revops('report', '--snapshot', accountsOnly, '--html', html);
    expect(r.err).not.toMatch(/TypeError|reading 'replace'/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Metrics dashboard[\s\S]*not available for this snapshot/);
    expect(r.out).toMatch(/no leads or opportunities/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Quarterly data audit');
    expect(page).toContain('not available for this snapshot');
  });
});

describe('reports refuse a snapshot that is not complete', () => {
  /** A killed import: tables created and partly filled in <out>.partial, never committed. */
  async function killedImport(): Promise<string> {
    const out = join(tmpDir('trust-partial'), 'q3.duckdb');
    const w = await SnapshotWriter.create(out);
    await w.createTable('Lead', tableColumns('Lead'));
    w.release();
    return `${out}.partial`;
  }

  it('refuses the .partial file of a killed import, naming it and how to rebuild or resume', async () => {
    const partial = await killedImport();
    const r = await revops('dedup', '--snapshot', partial, '--json');
    expect(r.code).toBe(1);
    expect(r.json.name).toBe('SnapshotIncomplete');
    expect(r.json.message).toContain(partial);
    expect(r.json.message).toMatch(/unfinished build/);
    expect(r.json.actions!.join(' ')).toMatch(/snapshot --from-export PATH --out .*q3\.duckdb\b/);
    expect(r.out).not.toMatch(/0 duplicate|on target/);
  });

  it('refuses a DuckDB file without _provenance (a renamed partial) in every report', async () => {
    const partial = await killedImport();
    const file = partial.replace(/\.partial$/, '');
    copyFileSync(partial, file);
    for (const cmd of ['dedup', 'audit', 'metrics', 'backtest']) {
      const r = await revops(cmd, '--snapshot', file, '--json');
      expect(r.json.name, cmd).toBe('SnapshotIncomplete');
      expect(r.json.message, cmd).toMatch(/has no _provenance table/);
    }
  });

  it('refuses a snapshot whose provenance lacks the completion mark', async () => {
    const dir = tmpDir('trust-unmarked');
    writeFileSync(join(dir, 'Account.csv'), ACCOUNTS);
    const file = join(dir, 'snap.duckdb');
    await buildExportSnapshot({ path: dir, out: file });
    expect((await revops('audit', '--snapshot', file)).code).toBe(0);
    await exec(file, `UPDATE _provenance SET completed_at = NULL WHERE object = 'Lead'`);
    const r = await revops('audit', '--snapshot', file, '--json');
    expect(r.json).toMatchObject({ status: 1, name: 'SnapshotIncomplete' });
    expect(r.json.message).toMatch(/no completion mark/);
  });

  it('refuses an incomplete --previous snapshot too (a .partial file, provenance without the mark)', async () => {
    const partial = await killedImport();
    const r = await revops('audit', '--snapshot', accountsOnly, '--previous', partial, '--json');
    expect(r.json).toMatchObject({ status: 1, name: 'SnapshotIncomplete' });
    expect(r.json.message).toContain(partial);
    const dir = tmpDir('trust-previous');
    const unmarked = join(dir, 'q2.duckdb');
    copyFileSync(accountsOnly, unmarked);
    await exec(unmarked, `UPDATE _provenance SET completed_at = NULL`);
    const html = join(dir, 'r.html');
    const rep = await revops(
      'report',
      '--snapshot',
      accountsOnly,
      '--previous',
      unmarked,
      '--html',
      html,
      '--json',
    );
    expect(rep.json.name).toBe('SnapshotIncomplete');
    expect(rep.json.message).toMatch(
      /q2\.duckdb is not a complete snapshot: its _provenance has no completion mark/,
    );
    // a DuckDB file without _provenance is no snapshot of ours: refused as --previous too
    const bare = join(dir, 'q1.duckdb');
    copyFileSync(accountsOnly, bare);
    await exec(bare, `DROP TABLE _provenance`);
    const old = await revops('audit', '--snapshot', accountsOnly, '--previous', bare, '--json');
    expect(old.json).toMatchObject({ status: 1 });
    expect(old.json.message).toContain('q1.duckdb');
  });

  it('says a file that is not a DuckDB database is not a snapshot', async () => {
    for (const name of ['accounts.csv', 'accounts.duckdb']) {
      const file = join(tmpDir('trust-notdb'), name);
      writeFileSync(file, ACCOUNTS);
      const r = await revops('audit', '--snapshot', file, '--json');
      expect(r.json.message, name).toMatch(/is not a snapshot \(not a readable DuckDB database file/);
      expect(r.json.actions!.join(' ')).toMatch(/revops snapshot/);
    }
  });
});

describe('bad flags and missing tables give a message naming the input and the fix, not a DuckDB error', () => {
  it('backtest --split notadate (and an impossible date) is refused before the snapshot is read', async () => {
    for (const split of ['notadate', '2026-02-30']) {
      const r = await revops('backtest', '--snapshot', accountsOnly, '--split', split, '--json');
      expect(r.code).toBe(2);
      expect(r.json.name).toBe('InvalidFlag');
      expect(r.json.message).toBe(
        `--split must be a date as YYYY-MM-DD or an ISO datetime (got "${split}").`,
      );
      expect(r.json.actions).toEqual(['Use e.g. --split 2026-04-01']);
    }
  });

  it('dedup on a snapshot without a Lead table names the table instead of a Catalog Error', async () => {
    const dir = tmpDir('trust-nolead');
    const file = join(dir, 'snap.duckdb');
    copyFileSync(accountsOnly, file);
    await exec(file, 'DROP TABLE "Lead"');
    const r = await revops('dedup', '--snapshot', file, '--json');
    expect(r.json.message).toBe('The snapshot has no "Lead" table.');
    expect(r.json.message).not.toMatch(/Catalog Error/);
    expect(r.json.actions!.join(' ')).toMatch(/Rebuild the snapshot/);
    // Account, which the snapshot has, still works
    expect((await revops('dedup', '--snapshot', file, '--object', 'Account')).code).toBe(0);
  });

  it('snapshot --from-org --max-records abc is refused before the org is contacted (it was sent as NaN)', async () => {
    const r = await revops('snapshot', '--from-org', 'any-org', '--max-records', 'abc', '--json');
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({
      name: 'InvalidFlag',
      message: '--max-records must be a whole number from 1 to 1,000,000 (got "abc").',
    });
  });
});

describe('Ctrl-C during snapshot --from-export (a real SIGINT to the CLI process)', () => {
  it('exits 130 and leaves neither the .partial file nor the extracted CSVs in the temp dir', async () => {
    const src = tmpDir('trust-sigint-src');
    generateDemo({ leads: 40_000, seed: 11, dir: src });
    const zip = new JSZip();
    for (const f of readdirSync(src)) zip.file(f, readFileSync(join(src, f)));
    const dir = tmpDir('trust-sigint');
    writeFileSync(
      join(dir, 'WE_00D5e000000abcdEAA_1.ZIP'),
      await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' }),
    );
    const scratch = resolve(tmpDir('trust-sigint-tmp'));
    const out = join(dir, 'snap.duckdb');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli.ts', 'snapshot', '--from-export', dir, '--out', out],
      // colour off, and stripped anyway: CI terminals may force it on
      { env: { ...process.env, TMPDIR: scratch, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    let sent = false;
    let extracted: string[] = [];
    const ours = (): string[] => readdirSync(scratch).filter((f) => f.startsWith('revops-')); // not tsx's cache
    child.stderr.on('data', (d: Buffer) => {
      err += String(d);
      if (!sent && err.includes('Importing')) {
        sent = true;
        extracted = ours();
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(sent).toBe(true);
    err = stripVTControlCharacters(err);
    expect(err).toMatch(/Stopping the import and removing its partial files/);
    expect(err).toMatch(/Error \(AbortError\): Import interrupted; nothing was written to/);
    expect(code).toBe(130);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(extracted).toHaveLength(1); // the extraction folder existed when Ctrl-C came
    expect(ours()).toEqual([]);
  });
});
