// The fake org's options, faults, request log and the shape of an endpoint it serves.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeOrg } from './org.ts';

export interface Dataset {
  fields: string[];
  count: number;
  /** Values in `fields` order; null = blank. */
  row(i: number): Array<string | number | boolean | null>;
}

export interface DeployFailure {
  componentType: string;
  fullName: string;
  fileName: string;
  lineNumber?: number;
  columnNumber?: number;
  problem: string;
  problemType?: 'Error' | 'Warning';
}

export interface FakeOrgOptions {
  accessToken?: string;
  /**
   * The refresh token the OAuth token endpoint (POST /services/oauth2/token, grant_type=refresh_token) accepts; each
   * refresh issues a new access token and the old one stops working. Without it, no refresh succeeds.
   */
  refreshToken?: string;
  orgId?: string;
  data?: Record<string, Dataset>;
  /** Polls of GET /jobs/query/{id} before the job reports JobComplete. */
  pollsBeforeComplete?: number;
  /** REST query page size (Salesforce default 2000). */
  restPageSize?: number;
  deploy?: {
    status: 'Succeeded' | 'Failed' | 'SucceededPartial';
    failures?: DeployFailure[];
    pollsBeforeDone?: number;
    componentsTotal?: number;
  };
  /**
   * Duplicate management as the org enforces it. A real deploy's matching rules read Activating for this many
   * MatchingRule queries, then Active; an active duplicate rule is refused while one of its matching rules is not
   * Active, and duplicate rule sort orders must run 1..n per object (with the org's rules in `metadata`).
   */
  matchingRules?: { readsUntilActive: number; initial?: Record<string, string> };
  /** readMetadata/listMetadata answers: type -> fullName -> the record's inner XML. */
  metadata?: Record<string, Record<string, string>>;
}

export interface Faults {
  /** Drop the connection after this many bytes of the body of results page N (1-based), once. */
  dropPage?: { page: number; afterBytes: number };
  /** Answer the next N results requests with 429 (no body change). */
  tooManyRequests?: number;
  /** Answer the next N results requests with 503 REQUEST_LIMIT_EXCEEDED-like server unavailable. */
  unavailable?: number;
  /** Answer the next N job-create requests with 403 REQUEST_LIMIT_EXCEEDED. */
  limitExceeded?: number;
  /** The next N query jobs created go to this state (Failed by default) instead of JobComplete. */
  failJobs?: { count: number; state?: 'Failed' | 'Aborted'; message?: string };
  /** Answer the next N results requests with 429 and this Retry-After header (seconds or an HTTP-date). */
  retryAfter?: { count: number; value: string };
  /** The access token expires after this many more authenticated requests (401 INVALID_SESSION_ID from then on). */
  expireTokenAfter?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

/** A Bulk API 2.0 query job. */
export interface QueryJob {
  id: string;
  object: string;
  fields: string[];
  polls: number;
  /** Set by faults.failJobs: the state the job ends in. */
  failAs?: { state: 'Failed' | 'Aborted'; message: string };
  apiVersion: string;
  createdDate: string;
}

/** One call under /services/data/vNN.N: `rest` is the path after the version, e.g. /jobs/query/750.... */
export interface DataCall {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  version: string;
  rest: string;
  url: URL;
}

/** An endpoint under /services/data/vNN.N: the first route whose method and path match answers. */
export interface DataRoute {
  /** HTTP method; any method when absent. */
  method?: string;
  /** Matched against DataCall.rest; its groups reach the handler. */
  path: RegExp;
  handle(org: FakeOrg, call: DataCall, match: RegExpExecArray): void | Promise<void>;
}
