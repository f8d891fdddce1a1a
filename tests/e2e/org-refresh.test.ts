// A session that expires in the middle of an org pull (issue 16). The org is resolved as the CLI resolves it
// (resolveOrg: @salesforce/core's Org and Connection, from an sf login in an isolated home), its connection points at
// the loopback fake org, and the fake expires the access token after a few requests. A login renews the session
// through the fake's OAuth token endpoint (grant_type=refresh_token) and the pull completes; an access token given
// as -o cannot be renewed, and the pull stops with an error that names "<access token>" and never the token.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOrg, syntheticDataset } from './fakeOrg.ts';
import { OrgApiError, type RetryPolicy } from '../../scripts/lib/org/http.ts';
import { httpFor, resolveOrg } from '../../scripts/lib/org/connect.ts';
import { buildOrgSnapshot, resumePath } from '../../scripts/lib/snapshot/fromOrg.ts';
import { SCHEMA } from '../../scripts/lib/snapshot/schema.ts';
import { query as sql, tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';

const FAST: RetryPolicy = { retries: 3, baseDelayMs: 20, maxDelayMs: 200 };
const USERNAME = 'admin@fake.example';
const REFRESH_TOKEN = '5Aep861FakeRefreshTokenSecretValue';
const ENV = [
  'HOME',
  'SF_USE_GENERIC_UNIX_KEYCHAIN',
  'SFDX_USE_GENERIC_UNIX_KEYCHAIN',
  'SF_ORG_INSTANCE_URL',
  'SF_DISABLE_TELEMETRY',
] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

let org: FakeOrg;
let home: string;

/** Every file under a folder. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((f) => {
    const p = join(root, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

beforeAll(async () => {
  org = await new FakeOrg({
    data: { Lead: syntheticDataset('Lead', SCHEMA.Lead.fields, 4000, '00Q') },
    refreshToken: REFRESH_TOKEN,
  }).start();
  // the sf CLI's state (auth files, encryption key, config) lives in this home, never the user's
  home = tmpDir('org-refresh-home');
  mkdirSync(join(home, '.sfdx'), { recursive: true });
  Object.assign(process.env, {
    HOME: home,
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SFDX_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    // what `-o <access token>` needs, as with sf
    SF_ORG_INSTANCE_URL: org.url,
  });
  // `sf org login` as it ends: an auth file for the user with its refresh token (here from the fake's token endpoint)
  const { AuthInfo } = await import('@salesforce/core');
  const auth = await AuthInfo.create({
    username: USERNAME,
    oauth2Options: { loginUrl: org.url, refreshToken: REFRESH_TOKEN, clientId: 'PlatformCLI' },
  });
  await auth.save();
}, 60_000);

afterAll(async () => {
  await org.stop();
  for (const k of ENV)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  removeTmpDirs();
});

beforeEach(() => {
  org.tokenRequests.length = 0;
  org.log.length = 0;
});

describe('a session that expires in the middle of an org pull', () => {
  it('a login renews it through the OAuth token endpoint (refresh token) and the pull completes', async () => {
    const { connection, session } = await resolveOrg(USERNAME);
    expect(session).toMatchObject({ instanceUrl: org.url, username: USERNAME, orgId: org.orgId });
    expect(session).not.toHaveProperty('accessToken');
    const before = org.accessToken;
    const refreshed: string[] = [];
    const http = httpFor(connection, { onRefresh: (r) => refreshed.push(r.url) }, FAST);
    // describe, job create, two polls and the first results page, then the token expires
    org.faults.expireTokenAfter = 5;
    const out = join(tmpDir('org-refresh'), 'snap.duckdb');
    const progress: string[] = [];
    const r = await buildOrgSnapshot({
      out,
      http,
      objects: ['Lead'],
      maxRecords: 1000,
      pollIntervalMs: 5,
      progress: (m) => progress.push(m),
    });
    expect(r.counts.Lead).toBe(4000);
    expect(org.tokenRequests).toEqual([{ grantType: 'refresh_token', issued: true }]);
    expect(org.accessToken).not.toBe(before);
    // the second results page was refused (401) and sent again with the renewed session; no page came twice
    const pages = org.log
      .filter((q) => q.path.includes('/results'))
      .map((q) => `${q.status} ${new URL(q.path, 'http://x').searchParams.get('locator') ?? 'first'}`);
    expect(pages).toEqual(['200 first', '401 MTAwMA', '200 MTAwMA', '200 MjAwMA', '200 MzAwMA']);
    expect(refreshed).toEqual([expect.stringMatching(/\/results\?.*locator=MTAwMA/)]);
    const [d] = await sql(out, `SELECT count(*) AS n, count(DISTINCT Id) AS ids FROM "Lead"`);
    expect(d).toEqual({ n: 4000, ids: 4000 });
    // no token, old or new, nor the refresh token, in what the pull printed or wrote
    const secrets = [REFRESH_TOKEN, ...org.issuedTokens.map((t) => t.split('!')[1])];
    for (const f of files(join(out, '..')))
      for (const s of secrets) expect(readFileSync(f).includes(s), f).toBe(false);
    for (const s of secrets) expect(progress.join('\n')).not.toContain(s);
  }, 60_000);

  it('an access token given as -o cannot be renewed: the pull stops, naming "<access token>", never the token', async () => {
    const token = org.accessToken;
    const { connection } = await resolveOrg(token);
    expect(connection.isUsingAccessToken()).toBe(true);
    org.faults.expireTokenAfter = 5;
    const out = join(tmpDir('org-token-expired'), 'snap.duckdb');
    const err = (await buildOrgSnapshot({
      out,
      http: httpFor(connection, {}, FAST),
      objects: ['Lead'],
      maxRecords: 1000,
      pollIntervalMs: 5,
    }).catch((e: unknown) => e)) as OrgApiError;
    expect(err).toBeInstanceOf(OrgApiError);
    expect(err).toMatchObject({ status: 401, errorCode: 'INVALID_SESSION_ID' });
    expect(err.message).toContain(
      'the org was given as <access token>: an access token carries no refresh token, so it cannot be renewed',
    );
    expect(err.actions.join(' ')).toMatch(
      /sf org login web --alias my-org.*resumes from its last saved page/,
    );
    // no refresh was attempted: there is nothing to refresh with
    expect(org.tokenRequests).toEqual([]);
    const secret = token.split('!')[1];
    expect(`${err.message} ${err.actions.join(' ')} ${err.stack ?? ''}`).not.toContain(secret);
    // the pull stopped after the page it had: a rerun with a new token resumes there
    const resume = readFileSync(resumePath(out), 'utf8');
    expect(resume).not.toContain(secret);
    expect(JSON.parse(resume)).toMatchObject({
      objects: { Lead: { state: { locator: 'MTAwMA', rows: 1000 } } },
    });
  }, 60_000);
});
