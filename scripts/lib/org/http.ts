// Every org request goes through the jsforce Connection that @salesforce/core hands out (conn.request): the
// connection puts its access token on the request, refreshes it on a 401 (the login's refresh token, through
// @salesforce/core's AuthInfo or jsforce's OAuth2) and replays the request, and owns the instance URL and API version.
// This module adds what jsforce does not do: retries with exponential backoff on 429/5xx/REQUEST_LIMIT_EXCEEDED and
// dropped connections that obey Retry-After (capped), waits and requests that an AbortSignal ends at once, Salesforce
// error bodies turned into errors with a status and actions, API usage read from Sforce-Limit-Info, and a results
// body that can be read as a stream (jsforce reads every body whole into a string before returning it).
import { SfError } from '@salesforce/core/sfError';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { TOKEN_PLACEHOLDER, redactTokens } from '../secrets.ts';

/** Which org a connection talks to. */
export interface OrgSession {
  instanceUrl: string;
  /** Only for a session built from a bare access token (tests, the bench); a resolved login's session has none. */
  accessToken?: string;
  /** e.g. "66.0" */
  apiVersion: string;
  orgId?: string;
  username?: string;
}

export interface ApiUsage {
  used: number;
  max: number;
}

export interface RetryPolicy {
  retries: number;
  /** First backoff in ms; doubles each attempt (plus jitter), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest Retry-After the client obeys (default 120 s). A longer one stops with an error saying when to run
   * again, rather than sleeping for an hour.
   */
  maxRetryAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 6, baseDelayMs: 1000, maxDelayMs: 60_000 };
export const MAX_RETRY_AFTER_MS = 120_000;

/**
 * Retry-After as milliseconds from `now`: delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT",
 * RFC 9110 10.2.3); null when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  const v = header?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** The error an aborted wait or request ends with (Ctrl-C): exit code 130, as a shell reports SIGINT. */
export function abortError(what: string): Error {
  return Object.assign(new Error(`Interrupted ${what}; run the same command again to resume.`), {
    name: 'AbortError',
    exitCode: 130,
  });
}

/** setTimeout as a promise that an AbortSignal ends at once (rejecting with abortError). */
export function sleep(ms: number, signal?: AbortSignal, what = 'while waiting to retry'): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(what));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class OrgApiError extends SfError {
  declare actions: string[];
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | null,
    actions: string[] = [],
  ) {
    super(message, 'OrgApiError', actions);
  }
}

/** "api-usage=25/15000" → { used: 25, max: 15000 } */
export function parseLimitInfo(header: string | null): ApiUsage | null {
  const m = header && /(?:^|[\s,;])api-usage=(\d+)\/(\d+)/.exec(header);
  return m ? { used: Number(m[1]), max: Number(m[2]) } : null;
}

/** Salesforce REST error bodies: [{"message": "...", "errorCode": "..."}] (sometimes a single object). */
export function parseErrorBody(text: string): { message: string; errorCode: string | null } {
  try {
    const body = JSON.parse(text) as unknown;
    const first = (Array.isArray(body) ? body[0] : body) as
      { message?: string; errorCode?: string; error?: string; error_description?: string } | undefined;
    if (first && (first.message || first.error))
      return {
        message: first.message ?? first.error_description ?? String(first.error),
        errorCode: first.errorCode ?? first.error ?? null,
      };
  } catch {
    // not JSON
  }
  return { message: text.slice(0, 500) || 'empty response', errorCode: null };
}

const RETRYABLE_CODES = new Set(['REQUEST_LIMIT_EXCEEDED', 'SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW']);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: string;
  headers?: Record<string, string>;
  /** @deprecated a 2xx response always comes back unread (a results page streams it). */
  stream?: boolean;
}

export interface HttpEvents {
  onRetry?(info: { attempt: number; delayMs: number; reason: string; url: string }): void;
  onUsage?(usage: ApiUsage): void;
  /** The connection renewed its session after a 401 (the token itself is never passed on). */
  onRefresh?(info: { url: string }): void;
}

/** The request jsforce's Connection.request takes (its HttpRequest). */
export interface ConnectionRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * What the org layer uses of a jsforce Connection; the @salesforce/core Connection (from Org.getConnection) is one.
 * Its request() authenticates, refreshes and replays on 401; nothing here reads or sets a token.
 */
export interface OrgConnection {
  instanceUrl: string;
  version: string;
  request<R = unknown>(request: ConnectionRequest, options?: object): Promise<R>;
  /** @salesforce/core: the org was given as an access token (there is no refresh token to renew it with). */
  isUsingAccessToken?(): boolean;
  getUsername?(): string | undefined;
  getAuthInfoFields?(): { orgId?: string };
}

const requireCjs = createRequire(import.meta.url);

/**
 * A jsforce Connection for a bare instance URL + access token (tests, the bench): it cannot refresh, as the sf
 * CLI cannot either with a token given as -o. Logins come from @salesforce/core (connect.ts resolveOrg).
 */
function plainConnection(session: OrgSession): OrgConnection {
  if (!session.accessToken)
    throw new OrgApiError(
      'No connection for this org session (it was not resolved by revops and carries no access token).',
      401,
      'INVALID_SESSION_ID',
      ['Resolve the org with resolveOrg (an sf login) and pass its connection.'],
    );
  const { Connection } = requireCjs('jsforce/core') as {
    Connection: new (o: { instanceUrl: string; accessToken: string; version: string }) => OrgConnection;
  };
  return new Connection({
    instanceUrl: session.instanceUrl,
    accessToken: session.accessToken,
    version: session.apiVersion,
  });
}

/** The connection a session was resolved with (connect.ts registers it), so callers holding a session reuse it. */
const connections = new WeakMap<OrgSession, OrgConnection>();
export function registerConnection(session: OrgSession, connection: OrgConnection): void {
  connections.set(session, connection);
}
export function connectionOf(session: OrgSession): OrgConnection | undefined {
  return connections.get(session);
}

const isConnection = (x: OrgConnection | OrgSession): x is OrgConnection =>
  typeof (x as Partial<OrgConnection>).request === 'function';

/** jsforce's view of a response (its HttpResponse). */
interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The transport of one conn.request call. jsforce builds the request (URL, its Authorization header, call options),
 * hands it here, and looks at the answer: a 401 makes it refresh the session and hand the request back once more.
 * This sends it with fetch so that the AbortSignal ends it, a results body can stay unread for streaming, and the
 * status, Retry-After and Sforce-Limit-Info of every answer are seen. Any other non-2xx is thrown from here as
 * OrgApiError / RetryableStatus, which conn.request passes on unchanged.
 */
class Exchange {
  /** The last 2xx response, its body unread (the caller reads or streams it). */
  response: Response | null = null;
  lastStatus: number | null = null;
  lastText = '';
  unauthorized = 0;
  constructor(
    private readonly label: string,
    private readonly signal: AbortSignal | undefined,
    private readonly seen: (headers: Headers) => void,
  ) {}

  httpRequest(req: ConnectionRequest): Promise<WireResponse> & { stream(): PassThrough } {
    // jsforce pipes its lazy request stream through stream(); nothing is written to it (the body goes in fetch)
    return Object.assign(this.send(req), { stream: () => new PassThrough() });
  }

  private async send(req: ConnectionRequest): Promise<WireResponse> {
    this.lastStatus = null;
    const headers: Record<string, string> = { 'accept-encoding': 'gzip' };
    for (const [k, v] of Object.entries(req.headers ?? {}))
      if (k.toLowerCase() !== 'content-length') headers[k.toLowerCase()] = v;
    const res = await fetch(req.url, { method: req.method, headers, body: req.body, signal: this.signal });
    this.seen(res.headers);
    this.lastStatus = res.status;
    const wire = (body: string): WireResponse => ({
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      body,
    });
    if (res.ok) {
      this.response = res;
      return wire('');
    }
    const text = await res.text();
    this.lastText = text;
    // the first 401 goes back to jsforce, which refreshes the session and sends the request again; a second one
    // (a refreshed session refused too) stops here rather than refreshing forever
    if (res.status === 401 && ++this.unauthorized === 1) return wire(text);
    throw statusError(req.method, this.label, res.status, text, res.headers.get('retry-after'));
  }
}

/** A non-2xx answer as the error the retry loop understands. */
function statusError(
  method: string,
  label: string,
  status: number,
  text: string,
  retryAfter: string | null,
): OrgApiError | RetryableStatus {
  const err = parseErrorBody(text);
  if (status === 429 || status >= 500 || (err.errorCode && RETRYABLE_CODES.has(err.errorCode)))
    return new RetryableStatus(status, err.errorCode, err.message, parseRetryAfter(retryAfter));
  const actions =
    status === 401
      ? ['The session expired or was revoked: log in again with sf org login web --alias <alias>.']
      : err.errorCode === 'INVALID_FIELD' || err.errorCode === 'INVALID_TYPE'
        ? [
            'Deploy the RevOps data model to this org first (revops deploy -o <org>), or check field-level security for your user.',
          ]
        : [];
  return new OrgApiError(
    `${method} ${label} failed (${status}${err.errorCode ? ` ${err.errorCode}` : ''}): ${err.message}`,
    status,
    err.errorCode,
    actions,
  );
}

export class OrgHttp {
  lastUsage: ApiUsage | null = null;
  /** Ends every request, retry wait and job poll at once when aborted (Ctrl-C). */
  signal: AbortSignal | undefined;
  readonly connection: OrgConnection;
  private readonly identity: { orgId?: string; username?: string };
  /** Built here from a bare access token: nothing can refresh it. */
  private readonly plain: boolean;
  constructor(
    connection: OrgConnection | OrgSession,
    readonly retry: RetryPolicy = DEFAULT_RETRY,
    readonly events: HttpEvents = {},
  ) {
    if (isConnection(connection)) {
      this.connection = connection;
      this.plain = false;
      this.identity = {
        orgId: connection.getAuthInfoFields?.().orgId,
        username: connection.getUsername?.(),
      };
    } else {
      const registered = connectionOf(connection);
      this.connection = registered ?? plainConnection(connection);
      this.plain = !registered;
      this.identity = { orgId: connection.orgId, username: connection.username };
    }
  }

  /** The org this talks to, as the connection has it now (a refresh may move the instance URL). */
  get session(): OrgSession {
    return {
      instanceUrl: this.connection.instanceUrl.replace(/\/$/, ''),
      apiVersion: this.connection.version,
      ...(this.identity.orgId ? { orgId: this.identity.orgId } : {}),
      ...(this.identity.username ? { username: this.identity.username } : {}),
    };
  }

  /** /services/data/vXX.X + path (path starts with '/'); absolute /services/... paths pass through. */
  url(path: string): string {
    if (/^https?:/.test(path)) return path;
    const base = this.connection.instanceUrl.replace(/\/$/, '');
    return path.startsWith('/services/')
      ? base + path
      : `${base}/services/data/v${this.connection.version}${path}`;
  }

  /** Runs `attempt` with retries; `attempt` gets a fresh Response each time. */
  async withRetry<T>(label: string, attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (e) {
        if (this.signal?.aborted) throw abortError(`during ${label}`);
        const reason = retryReason(e);
        if (!reason || i >= this.retry.retries) throw e;
        const retryAfter = e instanceof RetryableStatus ? e.retryAfterMs : null;
        const cap = this.retry.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
        if (retryAfter !== null && retryAfter > cap)
          throw retryAfterTooLong(e as RetryableStatus, label, cap);
        const delayMs =
          retryAfter ??
          Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** i * (1 + Math.random() * 0.2));
        this.events.onRetry?.({ attempt: i + 1, delayMs: Math.round(delayMs), reason, url: label });
        await sleep(delayMs, this.signal, `while waiting to retry ${label}`);
      }
    }
  }

  /**
   * One exchange through the connection (no retry here): conn.request authenticates it and renews the session on a
   * 401; non-2xx answers raise OrgApiError / RetryableStatus; a 2xx response comes back with its body unread.
   */
  async send(path: string, opts: RequestOptions = {}): Promise<Response> {
    const method = opts.method ?? 'GET';
    const exchange = new Exchange(path, this.signal, (headers) => {
      const usage = parseLimitInfo(headers.get('sforce-limit-info'));
      if (usage) {
        this.lastUsage = usage;
        this.events.onUsage?.(usage);
      }
    });
    try {
      await this.connection.request<string>(
        { method, url: this.url(path), body: opts.body, headers: { ...opts.headers } },
        // jsforce's own retry is off: it ignores Retry-After, cannot be interrupted and never retries a POST; the
        // retry loop above does it. The body comes back unread from the exchange, for the caller to read or stream.
        { transport: exchange, responseType: 'text/plain', retry: { maxRetries: 0 } },
      );
    } catch (e) {
      if (e instanceof OrgApiError || e instanceof RetryableStatus || this.signal?.aborted) throw e;
      if (exchange.lastStatus === 401) throw this.sessionRefused(method, path, e, exchange.lastText);
      throw e;
    }
    if (exchange.unauthorized) this.events.onRefresh?.({ url: path });
    return exchange.response!;
  }

  /** A 401 the connection could not get past: it has no way to refresh, or the refresh failed. */
  private sessionRefused(method: string, path: string, e: unknown, body: string): OrgApiError {
    const refreshFailed = /unable to refresh session/i.test((e as Error).message ?? '');
    const token = this.plain || this.connection.isUsingAccessToken?.() === true;
    const why = refreshFailed
      ? `the session expired and renewing it failed: ${redactTokens((e as Error).message.replace(/^Unable to refresh session due to:\s*/i, ''))}`
      : token
        ? `the session expired or was revoked, and the org was given as ${TOKEN_PLACEHOLDER}: an access token carries no refresh token, so it cannot be renewed`
        : `the session expired or was revoked (${parseErrorBody(body).message}) and this login cannot renew it`;
    return new OrgApiError(
      `${method} ${path} failed (401 INVALID_SESSION_ID): ${why}.`,
      401,
      'INVALID_SESSION_ID',
      [
        token
          ? 'Log in with the Salesforce CLI (sf org login web --alias my-org) and pass -o my-org: a login renews its own session. Or pass a new access token.'
          : 'Log in again with the Salesforce CLI: sf org login web --alias <alias>.',
        'Then run the same command again: an org pull resumes from its last saved page.',
      ],
    );
  }

  async json<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.withRetry(path, async () => {
      const res = await this.send(path, {
        ...opts,
        headers: {
          Accept: 'application/json',
          ...(opts.body ? { 'Content-Type': 'application/json' } : {}),
          ...opts.headers,
        },
      });
      const text = await res.text();
      return (text ? JSON.parse(text) : null) as T;
    });
  }
}

export class RetryableStatus extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | null,
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(`HTTP ${status}${errorCode ? ` ${errorCode}` : ''}: ${message}`);
    this.name = 'RetryableStatus';
  }
}

/** A Retry-After beyond the cap: stop, and say when the org will take requests again. */
function retryAfterTooLong(e: RetryableStatus, label: string, capMs: number): OrgApiError {
  const at = new Date(Date.now() + (e.retryAfterMs ?? 0));
  return new OrgApiError(
    `The org asked to wait ${Math.round((e.retryAfterMs ?? 0) / 1000)} s before retrying ${label} (Retry-After on HTTP ${e.status}${e.errorCode ? ` ${e.errorCode}` : ''}), longer than the ${Math.round(capMs / 1000)} s this command waits.`,
    e.status,
    e.errorCode ?? 'RETRY_AFTER_TOO_LONG',
    [
      `Run the same command again after ${at.toISOString()}: an org pull resumes from its last saved page.`,
      'Check Setup > System Overview (API requests, last 24 hours): another integration may be using up the limit.',
    ],
  );
}

/** Why an error is worth retrying, or null. Network drops (reset, socket closed, truncated body) are. */
export function retryReason(e: unknown): string | null {
  if (e instanceof RetryableStatus) return e.message;
  if (e instanceof OrgApiError) return null;
  const err = e as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string };
  };
  const code = err.code ?? err.cause?.code;
  if (
    code &&
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR|ERR_STREAM_PREMATURE_CLOSE|Z_BUF_ERROR|ABORT/.test(code)
  )
    return `network: ${code}`;
  if (err.name === 'TypeError' && /fetch failed|terminated/i.test(err.message ?? ''))
    return `network: ${err.message}`;
  if (/terminated|socket hang up|premature close|aborted|unexpected end of file/i.test(err.message ?? ''))
    return `network: ${err.message}`;
  return null;
}
