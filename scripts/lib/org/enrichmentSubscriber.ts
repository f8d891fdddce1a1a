// The enrichment subscriber config (unpackaged/enrichment-subscriber): a PlatformEventSubscriberConfig that makes
// EnrichmentRequestTrigger run as the org's enrichment integration user. Its <user> is a username, different in every
// org, so it ships outside force-app with a placeholder. `revops deploy --enrichment-user NAME` checks the user in the
// org (exists, active, holds RevOps_Enrichment; optionally assigns the set), writes a copy of the committed file with
// that username to a temporary folder (the committed file is never changed) and deploys it through deploySource.
// Metadata API fields (PlatformEventSubscriberConfig, API 51.0+): platformEventConsumer (the trigger, required),
// masterLabel (required), batchSize (1-2,000), user (an active user's username), isProtected.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '@salesforce/core';
import { deploySource, EXIT, type DeployOutcome } from './deploy.ts';

export const SUBSCRIBER_DIR = 'unpackaged/enrichment-subscriber';
export const SUBSCRIBER_TRIGGER = 'EnrichmentRequestTrigger';
export const ENRICHMENT_PERMISSION_SET = 'RevOps_Enrichment';
const FOLDER = 'PlatformEventSubscriberConfigs';
const SUFFIX = '.platformEventSubscriberConfig-meta.xml';

export interface SubscriberConfig {
  /** The committed file (relative to the working directory). */
  file: string;
  fullName: string;
  consumer: string;
  batchSize: number;
  /** The committed XML, placeholder username included. */
  template: string;
}

const tag = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]?.trim();

/** The one config file under `dir`, checked for the trigger it configures. */
export function readSubscriberConfig(dir = SUBSCRIBER_DIR): SubscriberConfig {
  const folder = join(dir, FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith(SUFFIX));
  } catch {
    names = [];
  }
  if (names.length !== 1)
    throw new Error(
      `Expected one *${SUFFIX} in ${folder} (found ${names.length}); restore it from git (git show HEAD:${folder}/${SUBSCRIBER_TRIGGER}${SUFFIX}).`,
    );
  const file = join(folder, names[0]);
  const template = readFileSync(file, 'utf8');
  const consumer = tag(template, 'platformEventConsumer');
  const batchSize = Number(tag(template, 'batchSize') ?? 2000);
  if (
    consumer !== SUBSCRIBER_TRIGGER ||
    !/<user>[^<]*<\/user>/.test(template) ||
    !tag(template, 'masterLabel')
  )
    throw new Error(
      `${file} must configure <platformEventConsumer>${SUBSCRIBER_TRIGGER}</platformEventConsumer> with a <masterLabel> and a <user> element (found consumer "${consumer ?? ''}").`,
    );
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2000)
    throw new Error(
      `${file}: <batchSize> must be a whole number from 1 to 2,000 (got "${tag(template, 'batchSize')}").`,
    );
  return { file, fullName: names[0].slice(0, -SUFFIX.length), consumer, batchSize, template };
}

const escapeXml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The config XML with `username` as the running user. */
export function withUser(template: string, username: string): string {
  return template.replace(/<user>[^<]*<\/user>/, `<user>${escapeXml(username)}</user>`);
}

/** A Salesforce username has the form of an e-mail address; returns the problem, or null. */
export function usernameProblem(username: string): string | null {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(username)
    ? null
    : `--enrichment-user takes the integration user's Salesforce username, in the form of an e-mail address (got "${username}"), e.g. --enrichment-user enrichment.integration@yourcompany.com`;
}

/** What the subscriber step reads and writes in the org. */
export interface EnrichmentOrg {
  user(username: string): Promise<{ id: string; username: string; active: boolean } | null>;
  holdsPermissionSet(userId: string, permissionSet: string): Promise<boolean>;
  permissionSetId(permissionSet: string): Promise<string | null>;
  assignPermissionSet(userId: string, permissionSetId: string): Promise<void>;
  triggerExists(name: string): Promise<boolean>;
  /** The org's config of that name (readMetadata), or null when it has none or cannot say. */
  currentConfig(fullName: string): Promise<{ user: string; batchSize: number; consumer: string } | null>;
}

const soqlString = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function enrichmentOrg(connection: Connection): EnrichmentOrg {
  const first = async <R extends Record<string, unknown>>(soql: string): Promise<R | undefined> =>
    (await connection.query<R>(soql)).records[0];
  return {
    async user(username) {
      const u = await first<{ Id: string; Username: string; IsActive: boolean }>(
        `SELECT Id, Username, IsActive FROM User WHERE Username = ${soqlString(username)}`,
      );
      return u ? { id: u.Id, username: u.Username, active: u.IsActive === true } : null;
    },
    async holdsPermissionSet(userId, permissionSet) {
      return Boolean(
        await first(
          `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(userId)} AND PermissionSet.Name = ${soqlString(permissionSet)}`,
        ),
      );
    },
    async permissionSetId(permissionSet) {
      const p = await first<{ Id: string }>(
        `SELECT Id FROM PermissionSet WHERE Name = ${soqlString(permissionSet)}`,
      );
      return p?.Id ?? null;
    },
    async assignPermissionSet(userId, permissionSetId) {
      const r = await connection.sobject('PermissionSetAssignment').create({
        AssigneeId: userId,
        PermissionSetId: permissionSetId,
      });
      if (!r.success)
        throw new Error(
          `the org refused the permission set assignment: ${JSON.stringify((r as { errors?: unknown }).errors ?? [])}`,
        );
    },
    async triggerExists(name) {
      return Boolean(await first(`SELECT Id FROM ApexTrigger WHERE Name = ${soqlString(name)}`));
    },
    async currentConfig(fullName) {
      try {
        // jsforce's MetadataType list predates this type; the call is the same readMetadata
        const read = (await (
          connection.metadata.read as (type: string, names: string[]) => Promise<unknown>
        ).call(connection.metadata, 'PlatformEventSubscriberConfig', [fullName])) as unknown;
        const r = (Array.isArray(read) ? read[0] : read) as Record<string, unknown> | undefined;
        if (!r?.fullName || !r.platformEventConsumer) return null;
        return {
          user: String(r.user ?? ''),
          batchSize: Number(r.batchSize ?? 2000),
          consumer: String(r.platformEventConsumer),
        };
      } catch {
        return null; // an org that cannot read it back gets the deploy, which is idempotent
      }
    },
  };
}

export interface SubscriberOptions {
  connection: Connection;
  username: string;
  checkOnly: boolean;
  assignPermissionSet: boolean;
  waitMinutes: number;
  pollMs?: number;
  onProgress?(message: string): void;
  /** How to name the org in a suggested command (-o value). */
  orgFlag?: string;
  org?: EnrichmentOrg;
  dir?: string;
}

export interface SubscriberOutcome {
  config: string;
  trigger: string;
  username: string;
  batchSize: number;
  /** deployed / validated (check-only) / unchanged (the org already has it) / planned (dry run before the trigger exists) / failed */
  status: 'deployed' | 'validated' | 'unchanged' | 'planned' | 'failed';
  checkOnly: boolean;
  permissionSetAssigned: boolean;
  deploy?: DeployOutcome;
  problems: string[];
  notes: string[];
  exitCode: number;
}

const orgArg = (orgFlag?: string): string => (orgFlag ? ` --target-org ${orgFlag}` : '');

const notHolding = (username: string, orgFlag?: string): string =>
  `The user "${username}" does not hold the permission set ${ENRICHMENT_PERMISSION_SET} (RevOps Enrichment), which grants the providers' External Credential principals; nothing was deployed. Assign it: sf org assign permset --name ${ENRICHMENT_PERMISSION_SET} --on-behalf-of ${username}${orgArg(orgFlag)}, or run again with --assign-permission-set.`;

type Checked =
  { problem: string } | { user: { id: string; username: string; active: boolean }; holds: boolean };

/** The user exists and is active; whether they hold RevOps_Enrichment. */
async function checkUser(org: EnrichmentOrg, username: string): Promise<Checked> {
  const user = await org.user(username);
  if (!user)
    return {
      problem: `No user with the username "${username}" in the org; nothing was deployed. Create the enrichment integration user first (docs/integrations.md, "Enrichment for guest, webhook and automated saves", step 1), or pass its exact username (in a sandbox, usernames end with the sandbox name, e.g. name@yourcompany.com.uat).`,
    };
  if (!user.active)
    return {
      problem: `The user "${user.username}" is inactive; a platform event trigger can only run as an active user. Nothing was deployed. Activate the user in Setup > Users, or pass an active user's username.`,
    };
  return { user, holds: await org.holdsPermissionSet(user.id, ENRICHMENT_PERMISSION_SET) };
}

/**
 * Before the force-app deploy: the problem that would stop the subscriber step anyway (no such user, inactive, or
 * without RevOps_Enrichment while the set is already in the org and --assign-permission-set is not given), or null.
 * On a first install the set arrives with force-app, so a missing assignment is only known after it.
 */
export async function userProblemBeforeDeploy(
  opts: Pick<SubscriberOptions, 'connection' | 'username' | 'assignPermissionSet' | 'orgFlag' | 'org'>,
): Promise<string | null> {
  const org = opts.org ?? enrichmentOrg(opts.connection);
  const checked = await checkUser(org, opts.username);
  if ('problem' in checked) return checked.problem;
  if (!checked.holds && !opts.assignPermissionSet && (await org.permissionSetId(ENRICHMENT_PERMISSION_SET)))
    return notHolding(checked.user.username, opts.orgFlag);
  return null;
}

/** Checks the user, then deploys (or validates) the subscriber config running as them. Never throws for org state. */
export async function deploySubscriberConfig(opts: SubscriberOptions): Promise<SubscriberOutcome> {
  const progress = opts.onProgress ?? (() => {});
  const config = readSubscriberConfig(opts.dir);
  const org = opts.org ?? enrichmentOrg(opts.connection);
  const out: SubscriberOutcome = {
    config: config.fullName,
    trigger: config.consumer,
    username: opts.username,
    batchSize: config.batchSize,
    status: 'failed',
    checkOnly: opts.checkOnly,
    permissionSetAssigned: false,
    problems: [],
    notes: [],
    exitCode: EXIT.failed,
  };
  const fail = (problem: string): SubscriberOutcome => ({ ...out, problems: [...out.problems, problem] });
  const orgFlag = orgArg(opts.orgFlag);

  progress(`Enrichment subscriber: checking the user ${opts.username} ...`);
  const checked = await checkUser(org, opts.username);
  if ('problem' in checked) return fail(checked.problem);
  const { user } = checked;
  if (!checked.holds) {
    if (!opts.assignPermissionSet) return fail(notHolding(user.username, opts.orgFlag));
    const setId = await org.permissionSetId(ENRICHMENT_PERMISSION_SET);
    if (!setId)
      return fail(
        `The permission set ${ENRICHMENT_PERMISSION_SET} is not in the org, so it cannot be assigned; nothing was deployed. Deploy force-app first (revops deploy${orgArg(opts.orgFlag)}).`,
      );
    if (opts.checkOnly)
      out.notes.push(`Would assign ${ENRICHMENT_PERMISSION_SET} to ${user.username} (dry run).`);
    else {
      await org.assignPermissionSet(user.id, setId);
      out.permissionSetAssigned = true;
      out.notes.push(`Assigned ${ENRICHMENT_PERMISSION_SET} to ${user.username}.`);
    }
  }

  if (!(await org.triggerExists(config.consumer))) {
    if (!opts.checkOnly)
      return fail(
        `The trigger ${config.consumer} is not in the org, and its subscriber config needs it; nothing was deployed. Deploy force-app first (revops deploy${orgFlag}), then run this again.`,
      );
    out.notes.push(
      `Not validated now: ${config.consumer} is not in the org yet; a real deploy sends ${config.fullName} right after force-app.`,
    );
    return { ...out, status: 'planned', exitCode: EXIT.ok };
  }

  const current = await org.currentConfig(config.fullName);
  if (
    current &&
    current.user.toLowerCase() === user.username.toLowerCase() &&
    current.batchSize === config.batchSize &&
    current.consumer === config.consumer
  ) {
    out.notes.push(
      `The org's ${config.fullName} already runs ${config.consumer} as ${user.username} with batch size ${config.batchSize}: nothing sent.`,
    );
    return { ...out, status: 'unchanged', exitCode: EXIT.ok };
  }

  // a copy with the username, in a temporary source folder; the committed file keeps its placeholder
  const dir = mkdtempSync(join(tmpdir(), 'revops-subscriber-'));
  try {
    const copy = join(dir, FOLDER, `${config.fullName}${SUFFIX}`);
    mkdirSync(join(dir, FOLDER), { recursive: true });
    writeFileSync(copy, withUser(config.template, user.username));
    const d = await deploySource({
      connection: opts.connection,
      paths: [dir],
      checkOnly: opts.checkOnly,
      waitMinutes: opts.waitMinutes,
      pollMs: opts.pollMs,
      onProgress: progress,
      fileMap: new Map([[copy, config.file]]),
    });
    const ok = d.exitCode === EXIT.ok;
    return {
      ...out,
      deploy: d,
      status: ok ? (opts.checkOnly ? 'validated' : 'deployed') : 'failed',
      exitCode: d.exitCode,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Human lines for the step. */
export function renderSubscriber(
  o: SubscriberOutcome,
  formatDeploy: (d: DeployOutcome) => string[],
): string[] {
  const what = `${o.config} (${o.trigger} runs as ${o.username}, batch size ${o.batchSize})`;
  const head =
    o.status === 'deployed'
      ? `Enrichment subscriber: deployed ${what}.`
      : o.status === 'validated'
        ? `Enrichment subscriber: validated ${what} (check-only; nothing changed).`
        : o.status === 'unchanged'
          ? `Enrichment subscriber: up to date, ${what}.`
          : o.status === 'planned'
            ? `Enrichment subscriber: would deploy ${what} after force-app.`
            : `Enrichment subscriber: FAILED, ${what} not deployed.`;
  return [head, ...o.notes, ...o.problems, ...(o.deploy ? formatDeploy(o.deploy) : [])];
}
