// Org auth: the sf CLI's own (`sf org login ...`), resolved with @salesforce/core. The CLI never sees a password and
// never handles a token: every request goes through the Connection @salesforce/core hands out, which authenticates
// it and renews the session with the login's refresh token when the org answers 401.
import { SfError } from '@salesforce/core/sfError';
import type { Connection } from '@salesforce/core';
import { isAccessToken, orgName, redactTokens } from '../secrets.ts';
import {
  OrgHttp,
  connectionOf,
  registerConnection,
  DEFAULT_RETRY,
  type HttpEvents,
  type OrgConnection,
  type OrgSession,
  type RetryPolicy,
} from './http.ts';

export const API_VERSION = '66.0';

export class OrgAuthError extends SfError {
  declare actions: string[];
  constructor(message: string, actions: string[]) {
    super(message, 'OrgAuthError', actions);
  }
}

/**
 * The org for an alias/username or an access token (or the default target org when omitted): its @salesforce/core
 * Connection, and a session naming it (instance URL, org id, username; no token). httpFor(session) and
 * connectionFromSession(session) hand back this same connection.
 */
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
  // API version and instance URL are the connection's; a 401 on any request renews the session (jsforce's session
  // refresh delegate calling AuthInfo's refresh with the stored refresh token) and replays the request
  const connection = org.getConnection(API_VERSION);
  const session: OrgSession = {
    instanceUrl: connection.instanceUrl,
    apiVersion: connection.getApiVersion(),
    orgId: org.getOrgId(),
    username: org.getUsername(),
  };
  registerConnection(session, connection);
  return { session, connection };
}

/**
 * The @salesforce/core Connection of a session: the one resolveOrg made for it, else one from the session's bare
 * instance URL and access token (tests, the bench: such a connection cannot renew itself). SDR deploys through it.
 */
export async function connectionFromSession(session: OrgSession): Promise<Connection> {
  const resolved = connectionOf(session);
  if (resolved) return resolved as unknown as Connection;
  const { AuthInfo, Connection } = await import('@salesforce/core');
  const authInfo = await AuthInfo.create({
    accessTokenOptions: {
      accessToken: session.accessToken,
      instanceUrl: session.instanceUrl,
      loginUrl: session.instanceUrl,
      username: session.username ?? 'revops@example.invalid',
      orgId: session.orgId ?? '00D000000000000AAA',
      isDevHub: false,
      // supplied, so that creating the connection sends nothing (no Organization query, no user lookup)
      namespacePrefix: null,
    } as Parameters<typeof AuthInfo.create>[0] extends { accessTokenOptions?: infer A } ? A : never,
  });
  return Connection.create({ authInfo, connectionOptions: { version: session.apiVersion } });
}

/** The org interface (retries, errors, usage, streaming pages) over a connection, or over a session's connection. */
export function httpFor(
  org: OrgSession | OrgConnection,
  events: HttpEvents = {},
  retry: RetryPolicy = DEFAULT_RETRY,
): OrgHttp {
  return new OrgHttp(org, retry, events);
}

/**
 * @deprecated use resolveOrg(org).connection with httpFor(connection). The session of resolveOrg: resolving in a
 * child process (to keep @salesforce/core out of a long pull's memory) left the pull holding a bare token that no
 * one could renew, so a pull longer than the session's life stopped at a 401. The pull now keeps the connection.
 */
export async function resolveSessionIsolated(aliasOrUsername?: string): Promise<OrgSession> {
  return (await resolveOrg(aliasOrUsername)).session;
}
