// Org auth: the sf CLI's own (`sf org login ...`), resolved with @salesforce/core. The CLI never sees a password.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection } from '@salesforce/core';
import { isAccessToken, orgName, redactTokens } from '../secrets.ts';
import { OrgHttp, type HttpEvents, type OrgSession, type RetryPolicy, DEFAULT_RETRY } from './http.ts';

export const API_VERSION = '66.0';

export class OrgAuthError extends Error {
  constructor(
    message: string,
    readonly actions: string[],
  ) {
    super(message);
    this.name = 'OrgAuthError';
  }
}

/** A session for an alias/username (or the default target org when omitted). */
export async function resolveOrg(
  aliasOrUsername?: string,
): Promise<{ session: OrgSession; connection: Connection }> {
  // @salesforce/core is loaded on first use: it is large and most commands never touch an org
  const { Org } = await import('@salesforce/core');
  let org: InstanceType<typeof Org>;
  try {
    org = await Org.create(aliasOrUsername ? { aliasOrUsername } : {});
  } catch (e) {
    // an access token given as -o is never echoed (issue 13): it is named "<access token>"
    const token = isAccessToken(aliasOrUsername);
    throw new OrgAuthError(
      `No authenticated org ${aliasOrUsername ? `"${orgName(aliasOrUsername)}"` : '(no default target org set)'}: ${redactTokens((e as Error).message)}`,
      [
        ...(token
          ? ["An access token given as -o needs the org's instance URL in SF_ORG_INSTANCE_URL (as sf does)."]
          : []),
        'Log in with the Salesforce CLI: sf org login web --alias my-org',
        'Then pass -o my-org, or set a default: sf config set target-org my-org',
      ],
    );
  }
  const connection = org.getConnection(API_VERSION);
  await connection.refreshAuth().catch(() => undefined);
  const session: OrgSession = {
    instanceUrl: connection.instanceUrl,
    accessToken: connection.accessToken ?? '',
    apiVersion: API_VERSION,
    orgId: org.getOrgId(),
    username: org.getUsername(),
  };
  return { session, connection };
}

/**
 * A @salesforce/core Connection from an instance URL and access token (no stored auth), as SDR needs one to deploy.
 * Username and org id are supplied so nothing is looked up at creation time.
 */
export async function connectionFromSession(session: OrgSession): Promise<Connection> {
  const { AuthInfo, Connection } = await import('@salesforce/core');
  const authInfo = await AuthInfo.create({
    accessTokenOptions: {
      accessToken: session.accessToken,
      instanceUrl: session.instanceUrl,
      loginUrl: session.instanceUrl,
      username: session.username ?? 'revops@example.invalid',
      orgId: session.orgId ?? '00D000000000000AAA',
      isDevHub: false,
    } as Parameters<typeof AuthInfo.create>[0] extends { accessTokenOptions?: infer A } ? A : never,
  });
  return Connection.create({ authInfo, connectionOptions: { version: session.apiVersion } });
}

export function httpFor(
  session: OrgSession,
  events: HttpEvents = {},
  retry: RetryPolicy = DEFAULT_RETRY,
): OrgHttp {
  return new OrgHttp(session, retry, events);
}

/**
 * resolveOrg in a short-lived child process (scripts/lib/org/session.ts): same auth, same errors, but this process
 * never loads @salesforce/core. Used by long pulls to keep their memory small.
 */
export async function resolveSessionIsolated(aliasOrUsername?: string): Promise<OrgSession> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const script = fileURLToPath(new URL('./session.ts', import.meta.url));
  // the org arrives through the environment, never the command line: `-o` may be an access token, and a
  // process's arguments are visible to every user of the machine (ps)
  const child = spawn(process.execPath, ['--import', tsx, script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REVOPS_TARGET_ORG: aliasOrUsername ?? '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  let reply: { session?: OrgSession; error?: { name: string; message: string; actions: string[] } };
  try {
    reply = JSON.parse(out.trim().split('\n').pop() ?? '') as typeof reply;
  } catch {
    throw new OrgAuthError(
      `Could not resolve the org (exit ${code}): ${err.trim().slice(-500) || 'no output'}`,
      ['Check the login with: sf org display --target-org <alias>'],
    );
  }
  if (reply.error)
    throw Object.assign(new OrgAuthError(reply.error.message, reply.error.actions), {
      name: reply.error.name,
    });
  return reply.session!;
}
