// The HTTP layer every org call goes through: bearer auth from the session, Salesforce error bodies turned
// into clear errors, retries with exponential backoff on 429/5xx/REQUEST_LIMIT_EXCEEDED and dropped
// connections, and API usage read from Sforce-Limit-Info.

export interface OrgSession {
  instanceUrl: string;
  accessToken: string;
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

export class OrgApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | null,
    readonly actions: string[] = [],
  ) {
    super(message);
    this.name = 'OrgApiError';
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
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Return the response unread (for streaming bodies); errors are still raised for non-2xx. */
  stream?: boolean;
}

export interface HttpEvents {
  onRetry?(info: { attempt: number; delayMs: number; reason: string; url: string }): void;
  onUsage?(usage: ApiUsage): void;
}

export class OrgHttp {
  lastUsage: ApiUsage | null = null;
  /** Ends every request, retry wait and job poll at once when aborted (Ctrl-C). */
  signal: AbortSignal | undefined;
  constructor(
    readonly session: OrgSession,
    readonly retry: RetryPolicy = DEFAULT_RETRY,
    readonly events: HttpEvents = {},
  ) {}

  /** /services/data/vXX.X + path (path starts with '/'); absolute /services/... paths pass through. */
  url(path: string): string {
    if (/^https?:/.test(path)) return path;
    const base = this.session.instanceUrl.replace(/\/$/, '');
    return path.startsWith('/services/')
      ? base + path
      : `${base}/services/data/v${this.session.apiVersion}${path}`;
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

  /** One HTTP exchange (no retry): raises OrgApiError / RetryableStatus for non-2xx. */
  async send(path: string, opts: RequestOptions = {}): Promise<Response> {
    const res = await fetch(this.url(path), {
      method: opts.method ?? 'GET',
      body: opts.body,
      signal: this.signal,
      headers: {
        Authorization: `Bearer ${this.session.accessToken}`,
        'Accept-Encoding': 'gzip',
        ...opts.headers,
      },
    });
    const usage = parseLimitInfo(res.headers.get('sforce-limit-info'));
    if (usage) {
      this.lastUsage = usage;
      this.events.onUsage?.(usage);
    }
    if (res.ok) return res;
    const text = await res.text();
    const err = parseErrorBody(text);
    if (res.status === 429 || res.status >= 500 || (err.errorCode && RETRYABLE_CODES.has(err.errorCode))) {
      throw new RetryableStatus(
        res.status,
        err.errorCode,
        err.message,
        parseRetryAfter(res.headers.get('retry-after')),
      );
    }
    const actions =
      res.status === 401
        ? ['The session expired or was revoked: log in again with sf org login web --alias <alias>.']
        : err.errorCode === 'INVALID_FIELD' || err.errorCode === 'INVALID_TYPE'
          ? [
              'Deploy the RevOps data model to this org first (revops deploy -o <org>), or check field-level security for your user.',
            ]
          : [];
    throw new OrgApiError(
      `${opts.method ?? 'GET'} ${path} failed (${res.status}${err.errorCode ? ` ${err.errorCode}` : ''}): ${err.message}`,
      res.status,
      err.errorCode,
      actions,
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
