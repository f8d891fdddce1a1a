// Snapshots that can be trusted (issue 13): reports refuse a snapshot that is not complete, a snapshot with only
// accounts reports without crashing, and bad flags or missing tables give a message naming the input and the fix
// instead of a raw DuckDB error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli } from './runCli.ts';
import { buildExportSnapshot } from '../../scripts/lib/snapshot/build.ts';
import { tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';

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

/** Runs SQL on a DuckDB file (read-write), for tampering with a finished snapshot. */
async function exec(file: string, sql: string): Promise<void> {
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  try {
    await conn.run(sql);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

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

  it('report says what is missing instead of a TypeError', async () => {
    const html = join(tmpDir('trust-report'), 'r.html');
    const r = await revops('report', '--snapshot', accountsOnly, '--html', html);
    expect(r.err).not.toMatch(/TypeError|reading 'replace'/);
    expect(r.err).toMatch(/no leads or opportunities/);
  });
});
