// An access token given as -o never appears in what a command prints or in any file it writes (issue 13): the
// commands that take -o run against the loopback fake org with its token, and stdout, stderr and every file
// they wrote are searched for the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OBJECTS, SCHEMA } from '../../scripts/lib/snapshot/schema.ts';
import { isAccessToken, orgName, redactTokens } from '../../scripts/lib/secrets.ts';
import { runCli } from './runCli.ts';
import { FakeMergeResource, FakeOrg, syntheticDataset } from './fakeOrg.ts';
import { tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';

interface Run {
  code: number;
  out: string;
  err: string;
  json: { status: number; result: Record<string, unknown> };
}
const revops = (...argv: string[]): Promise<Run> => runCli<Run['json']>(...argv);

/** A token no login knows: the sf CLI cannot use it without SF_ORG_INSTANCE_URL. */
const OTHER_TOKEN = '00D5e000000OTHR!AQ4AQSecondSecretToken';
let org: FakeOrg;
let token: string;
let dir: string;
const runs: Array<{ argv: string; run: Run }> = [];

/** Runs a command and keeps what it printed for the token search. */
async function run(...argv: string[]): Promise<Run> {
  const r = await revops(...argv);
  runs.push({ argv: argv.map((a) => (a === token || a === OTHER_TOKEN ? '<token>' : a)).join(' '), run: r });
  return r;
}

/** Every file under a folder. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((f) => {
    const p = join(root, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

beforeAll(async () => {
  const prefixes: Record<string, string> = { User: '005', Account: '001', Lead: '00Q', Contact: '003' };
  const data = Object.fromEntries(
    OBJECTS.filter((o) => o !== 'Campaign').map((o) => [
      o,
      syntheticDataset(o, SCHEMA[o].fields, 20, prefixes[o] ?? 'a0X'),
    ]),
  );
  org = await new FakeOrg({ data, pollsBeforeComplete: 1 }).start();
  token = org.accessToken;
  process.env.SF_ORG_INSTANCE_URL = org.url;
  dir = tmpDir('secrets');
});
afterAll(async () => {
  await org.stop();
  delete process.env.SF_ORG_INSTANCE_URL;
  removeTmpDirs();
});

describe('an access token given as -o', () => {
  it('is recognised as a token, and redacted wherever it appears', () => {
    expect(isAccessToken(token)).toBe(true);
    expect(isAccessToken('my-sandbox')).toBe(false);
    expect(isAccessToken('admin@fake.example')).toBe(false);
    expect(redactTokens(`-o ${token} failed`)).toBe('-o <access token> failed');
    expect(orgName(token)).toBe('<access token>');
    expect(orgName(token, { username: 'admin@fake.example', instanceUrl: org.url })).toBe(
      'admin@fake.example',
    );
    expect(orgName('my-sandbox', { username: 'admin@fake.example' })).toBe('my-sandbox');
  });

  it('never reaches the output of dedup --apply, dedup undo, config diff, snapshot --from-org, nor any file they write', async () => {
    const snap = join(dir, 'demo.duckdb');
    expect((await run('snapshot', '--demo', '--size', '300', '--seed', '7', '--out', snap)).code).toBe(0);
    const found = await run('dedup', '--snapshot', snap, '--object', 'Lead', '--json');
    const clusters = (found.json.result.clusters as Array<{ memberIds: string[] }>) ?? [];
    expect(clusters.length).toBeGreaterThan(0);
    new FakeMergeResource(
      org,
      'Lead',
      [
        { name: 'Id', type: 'id' },
        { name: 'LastName', type: 'string' },
        { name: 'Company', type: 'string' },
      ],
      clusters.flatMap((c) => c.memberIds).map((Id, i) => ({ Id, LastName: `Lee ${i}`, Company: 'Acme' })),
    );
    const log = join(dir, 'lead-merge.jsonl');
    const apply = ['dedup', '--snapshot', snap, '--object', 'Lead', '--apply', '-o', token, '--log', log];

    const dry = await run(
      ...apply,
      '--review-csv',
      join(dir, 'review.csv'),
      '--html',
      join(dir, 'dedup.html'),
    );
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('Merge DRY RUN (nothing changed; add --execute to merge) on <access token>');

    const executed = await run(...apply, '--execute');
    expect(executed.code, executed.err).toBe(0);
    // a token's session has no username of its own: the org is named by its instance URL
    expect(executed.out).toContain(`Merge EXECUTED on ${org.url}`);
    expect(executed.out).toContain(`Undo with: revops dedup undo --log ${log} -o '<access token>' --execute`);
    const asJson = await run(...apply, '--execute', '--json');
    expect(asJson.json.status).toBe(0);

    expect((await run('dedup', 'undo', '--log', log, '-o', token)).code).toBe(0);
    const undone = await run('dedup', 'undo', '--log', log, '-o', token, '--execute');
    expect(undone.code, undone.err).toBe(0);
    expect(undone.out).toContain(`Undo EXECUTED on ${org.url}`);

    // config diff: the org lacks the custom metadata types, so each is a warning that names the org
    const diff = await run('config', 'diff', '-o', token);
    expect(diff.err).toContain('is not in the org yet (deploy the data model: revops deploy -o <org>)');

    const pulled = await run('snapshot', '--from-org', token, '--out', join(dir, 'org.duckdb'));
    expect(pulled.code, pulled.err).toBe(0);

    // a revoked token: the 401 is reported, the token is not
    const good = token;
    org.opts.accessToken = 'revoked-session';
    const refused = await run(...apply, '--execute', '--log', join(dir, 'refused.jsonl'));
    org.opts.accessToken = good;
    expect(refused.code).not.toBe(0);
    // a token no login knows, without an instance URL: it cannot be used, and the error does not repeat it (in a
    // fresh process, as `snapshot --from-org` resolves the org: in this one @salesforce/core keeps the URL it read)
    const env = { ...process.env };
    delete env.SF_ORG_INSTANCE_URL;
    // the org reaches the child through its environment, never its command line (visible to ps)
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lib/org/session.ts'], {
      env: { ...env, REVOPS_TARGET_ORG: OTHER_TOKEN },
      encoding: 'utf8',
    });
    const reply = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
      error?: { message: string; actions: string[] };
    };
    expect(reply.error?.message).toContain('No authenticated org "<access token>"');
    expect(reply.error?.actions.join(' ')).toContain('SF_ORG_INSTANCE_URL');
    runs.push({
      argv: 'session.ts (REVOPS_TARGET_ORG=<token>)',
      run: { code: child.status ?? 1, out: child.stdout, err: child.stderr, json: {} as Run['json'] },
    });

    const secrets = [token, OTHER_TOKEN].map((t) => t.split('!')[1]);
    for (const { argv, run: r } of runs)
      for (const secret of secrets) {
        expect(r.out.includes(secret), `stdout of revops ${argv}`).toBe(false);
        expect(r.err.includes(secret), `stderr of revops ${argv}`).toBe(false);
      }
    const written = files(dir);
    expect(written.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      expect.arrayContaining([
        'dedup.html',
        'demo.duckdb',
        'lead-merge.before.json',
        'lead-merge.jsonl',
        'org.duckdb',
        'review.csv',
      ]),
    );
    for (const f of written)
      for (const secret of secrets) expect(readFileSync(f).includes(secret), `file ${f}`).toBe(false);
  }, 120_000);
});
