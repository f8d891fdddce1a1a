// revops deploy --enrichment-user against the loopback fake org: the user check (exists, active, holds
// RevOps_Enrichment), the optional assignment, the subscriber config deployed after force-app (or alone with --only
// enrichment-subscriber) from a temporary copy carrying the username, the dry run, failures and the retry.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { phaseTiming } from '../../scripts/commands/deploy.ts';
import {
  readSubscriberConfig,
  SUBSCRIBER_DIR,
  withUser,
} from '../../scripts/lib/org/enrichmentSubscriber.ts';
import { deployArgs, executeUnlessDry, runCli } from './runCli.ts';
import { FakeOrg, FakeUsers } from './fakeOrg.ts';

interface Run {
  code: number;
  out: string;
  err: string;
  json: { status: number; result: Record<string, unknown> };
}
const revops = async (...argv: string[]): Promise<Run> => {
  const r = await runCli<Run['json']>(...argv);
  return { ...r, out: stripVTControlCharacters(r.out), err: stripVTControlCharacters(r.err) };
};

const USER = 'enrichment.integration@acme.example.uat';
const CONFIG_PATH = 'PlatformEventSubscriberConfigs/EnrichmentRequestTrigger.platformEventSubscriberConfig';
const COMMITTED = join(
  SUBSCRIBER_DIR,
  'PlatformEventSubscriberConfigs/EnrichmentRequestTrigger.platformEventSubscriberConfig-meta.xml',
);
const committedText = readFileSync(COMMITTED, 'utf8');

let src: string;
let org: FakeOrg;
let users: FakeUsers;
beforeAll(() => {
  // force-app's part the subscriber needs: the trigger (not under tests/.tmp: SDR skips dot-folders)
  src = join(mkdtempSync(join(tmpdir(), 'revops-subscriber-src-')), 'force-app');
  mkdirSync(join(src, 'main/default/triggers'), { recursive: true });
  for (const f of ['EnrichmentRequestTrigger.trigger', 'EnrichmentRequestTrigger.trigger-meta.xml'])
    cpSync(join('force-app/main/default/triggers', f), join(src, 'main/default/triggers', f));
});
afterAll(() => rmSync(dirname(src), { recursive: true, force: true }));

beforeEach(async () => {
  org = await new FakeOrg({ deploy: { status: 'Succeeded', pollsBeforeDone: 1 } }).start();
  users = new FakeUsers(org);
  users.addPermissionSet('RevOps_Enrichment');
  process.env.SF_ORG_INSTANCE_URL = org.url;
  phaseTiming.subscriberPollMs = 5;
});
afterEach(async () => {
  await org.stop();
  delete process.env.SF_ORG_INSTANCE_URL;
  // the committed file keeps its placeholder whatever a run did
  expect(readFileSync(COMMITTED, 'utf8')).toBe(committedText);
});

const withForceApp = (...extra: string[]): Promise<Run> => revops(...deployArgs(org.accessToken, src, extra));
const only = (...extra: string[]): Promise<Run> =>
  revops(
    'deploy',
    '-o',
    org.accessToken,
    '--only',
    'enrichment-subscriber',
    '--wait',
    '1',
    ...executeUnlessDry(extra),
  );
const configDeploys = (): Array<{ checkOnly: boolean }> =>
  org.deployRequests.filter((d) => d.entries.includes(CONFIG_PATH));

describe('the committed subscriber config', () => {
  it('is the Metadata API shape: the trigger, a label, batch size 10 and the placeholder user', () => {
    const c = readSubscriberConfig();
    expect(c).toMatchObject({
      fullName: 'EnrichmentRequestTrigger',
      consumer: 'EnrichmentRequestTrigger',
      batchSize: 10,
    });
    expect(c.template).toMatch(/<masterLabel>[^<]+<\/masterLabel>/);
    expect(c.template).toMatch(/<user>REPLACE_WITH_ENRICHMENT_INTEGRATION_USERNAME<\/user>/);
    expect(withUser(c.template, 'a&b@x.example')).toMatch(/<user>a&amp;b@x\.example<\/user>/);
  });
});

describe('revops deploy --enrichment-user', () => {
  it('deploys force-app, then the subscriber config running as the user; a retry sends nothing new', async () => {
    users.addUser(USER, { permissionSets: ['RevOps_Enrichment'] });
    const r = await withForceApp('--enrichment-user', USER);
    expect(r.code, r.out + r.err).toBe(0);
    expect(org.deployRequests).toHaveLength(2);
    expect(org.deployRequests[0].entries).toContain('triggers/EnrichmentRequestTrigger.trigger');
    expect(org.deployRequests[1].entries).toContain(CONFIG_PATH);
    expect(org.deployRequests[1].checkOnly).toBe(false);
    const sent = org.deployedFiles.get(CONFIG_PATH)!;
    expect(sent).toMatch(`<user>${USER}</user>`);
    expect(sent).toMatch('<platformEventConsumer>EnrichmentRequestTrigger</platformEventConsumer>');
    expect(sent).toMatch('<batchSize>10</batchSize>');
    expect(r.out).toMatch(
      `Enrichment subscriber: deployed EnrichmentRequestTrigger (EnrichmentRequestTrigger runs as ${USER}, batch size 10).`,
    );
    expect(users.queries.some((q) => q.includes(`Username = '${USER}'`))).toBe(true);

    const again = await withForceApp('--enrichment-user', USER);
    expect(again.code, again.out).toBe(0);
    expect(configDeploys()).toHaveLength(1); // the config was not sent again
    expect(again.out).toMatch(/Enrichment subscriber: up to date/);
    expect(again.out).toMatch(/already runs EnrichmentRequestTrigger as .* nothing sent/);
  });

  it('dry run: validates force-app check-only and says what it would deploy; nothing is written', async () => {
    users.addUser(USER, { permissionSets: ['RevOps_Enrichment'] });
    const r = await withForceApp('--enrichment-user', USER, '--dry-run');
    expect(r.code, r.out + r.err).toBe(0);
    expect(org.deployRequests.map((d) => d.checkOnly)).toEqual([true]);
    expect(configDeploys()).toHaveLength(0);
    expect(r.out).toMatch(
      `Enrichment subscriber: would deploy EnrichmentRequestTrigger (EnrichmentRequestTrigger runs as ${USER}, batch size 10) after force-app.`,
    );
    expect(r.out).toMatch(/Not validated now: EnrichmentRequestTrigger is not in the org yet/);
    expect(org.deployedFiles.size).toBe(0);
  });

  it('a missing user: a clear error naming the username and the fix, exit 1, nothing deployed', async () => {
    users.triggers.add('EnrichmentRequestTrigger');
    const r = await only('--enrichment-user', USER);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(`No user with the username "${USER}" in the org; nothing was deployed.`);
    expect(r.out).toMatch(/Create the enrichment integration user first/);
    expect(org.deployRequests).toHaveLength(0);
    // with force-app: checked before force-app is sent, so nothing at all is deployed
    const both = await withForceApp('--enrichment-user', USER);
    expect(both.code).toBe(1);
    expect(both.err).toMatch(`No user with the username "${USER}" in the org; nothing was deployed.`);
    expect(org.deployRequests).toHaveLength(0);
  });

  it('with force-app: a user without the set stops before the deploy; on a first install (set not in the org yet) after force-app', async () => {
    users.addUser(USER);
    const r = await withForceApp('--enrichment-user', USER);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not hold the permission set RevOps_Enrichment/);
    expect(org.deployRequests).toHaveLength(0);
    users.permissionSets.clear(); // the set arrives with force-app
    const first = await withForceApp('--enrichment-user', USER);
    expect(first.code).toBe(1);
    expect(org.deployRequests).toHaveLength(1); // force-app only
    expect(configDeploys()).toHaveLength(0);
    expect(first.out).toMatch(
      /Enrichment subscriber: FAILED.*\n.*does not hold the permission set RevOps_Enrichment/,
    );
  });

  it('an inactive user is refused', async () => {
    users.triggers.add('EnrichmentRequestTrigger');
    users.addUser(USER, { active: false, permissionSets: ['RevOps_Enrichment'] });
    const r = await only('--enrichment-user', USER);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(`The user "${USER}" is inactive`);
    expect(org.deployRequests).toHaveLength(0);
  });

  it('a user without RevOps_Enrichment: names the set and the command; --assign-permission-set assigns it (not in a dry run)', async () => {
    users.triggers.add('EnrichmentRequestTrigger');
    const u = users.addUser(USER);
    const r = await only('--enrichment-user', USER, '--json');
    expect(r.code).toBe(1);
    const text = JSON.stringify(r.json.result);
    expect(text).toMatch(`does not hold the permission set RevOps_Enrichment`);
    expect(text).toMatch(
      `sf org assign permset --name RevOps_Enrichment --on-behalf-of ${USER} --target-org <org>, or run again with --assign-permission-set`,
    );
    expect(org.deployRequests).toHaveLength(0);

    const dry = await only('--enrichment-user', USER, '--assign-permission-set', '--dry-run');
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toMatch(`Would assign RevOps_Enrichment to ${USER} (dry run).`);
    expect(dry.out).toMatch(/validated EnrichmentRequestTrigger .*check-only; nothing changed/);
    expect(users.assignments).toHaveLength(0);
    expect(configDeploys().map((d) => d.checkOnly)).toEqual([true]);

    const real = await only('--enrichment-user', USER, '--assign-permission-set');
    expect(real.code, real.out).toBe(0);
    expect(users.assignments).toEqual([
      { AssigneeId: u.id, PermissionSetId: users.permissionSets.get('RevOps_Enrichment') },
    ]);
    expect(real.out).toMatch(`Assigned RevOps_Enrichment to ${USER}.`);
    expect(org.deployedFiles.get(CONFIG_PATH)).toMatch(`<user>${USER}</user>`);

    const retry = await only('--enrichment-user', USER, '--assign-permission-set');
    expect(retry.code, retry.out).toBe(0);
    expect(users.assignments).toHaveLength(1); // held now: not assigned twice
    expect(configDeploys()).toHaveLength(2); // the dry run's validation and the one deploy
  });

  it('--only on an org without the trigger says to deploy force-app first; another user redeploys the config', async () => {
    users.addUser(USER, { permissionSets: ['RevOps_Enrichment'] });
    users.addUser('other.integration@acme.example', { permissionSets: ['RevOps_Enrichment'] });
    const r = await only('--enrichment-user', USER);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/The trigger EnrichmentRequestTrigger is not in the org.*Deploy force-app first/);
    expect(org.deployRequests).toHaveLength(0);
    users.triggers.add('EnrichmentRequestTrigger');
    expect((await only('--enrichment-user', USER)).code).toBe(0);
    const switched = await only('--enrichment-user', 'other.integration@acme.example');
    expect(switched.code, switched.out).toBe(0);
    expect(configDeploys()).toHaveLength(2);
    expect(org.deployedFiles.get(CONFIG_PATH)).toMatch('<user>other.integration@acme.example</user>');
  });

  it('a deploy the org refuses: exit 1 with the problem at the committed file', async () => {
    users.triggers.add('EnrichmentRequestTrigger');
    users.addUser(USER, { permissionSets: ['RevOps_Enrichment'] });
    org.opts.deploy = {
      status: 'Failed',
      failures: [
        {
          componentType: 'PlatformEventSubscriberConfig',
          fullName: 'EnrichmentRequestTrigger',
          fileName: `${CONFIG_PATH}`,
          problem: 'The user is not valid for this platform event trigger',
        },
      ],
    };
    const r = await only('--enrichment-user', USER);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Enrichment subscriber: FAILED/);
    expect(r.out).toMatch(/The user is not valid for this platform event trigger/);
  });

  it('never prints the access token given as -o, and checks its flags before any call', async () => {
    users.triggers.add('EnrichmentRequestTrigger');
    users.addUser(USER);
    const r = await only('--enrichment-user', USER);
    expect(r.code).toBe(1);
    expect(r.out + r.err).not.toContain(org.accessToken);
    const asked = org.log.length;
    const bad = await only('--enrichment-user', 'not a username');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--enrichment-user takes the integration user's Salesforce username/);
    const missing = await only();
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--only enrichment-subscriber needs --enrichment-user <username>/);
    expect(org.log.length).toBe(asked); // refused before any call
  });
});

describe('the setup docs', () => {
  it('docs/integrations.md gives the command and keeps the sf-only alternative, without editing the committed file', () => {
    const doc = readFileSync('docs/integrations.md', 'utf8');
    const section = doc.slice(doc.indexOf('### Enrichment for guest, webhook and automated saves'));
    expect(section).toMatch(/revops deploy -o my-org --enrichment-user /);
    expect(section).toMatch(/revops deploy -o my-org --only enrichment-subscriber --enrichment-user /);
    expect(section).toMatch(/sf project deploy start -o my-org --metadata-dir \/tmp\/subscriber/);
    expect(section).not.toMatch(/sed -i/);
  });
});
