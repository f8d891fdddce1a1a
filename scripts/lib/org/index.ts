// The narrow org interface: everything the CLI does with an org goes through here.
export {
  OrgHttp,
  OrgApiError,
  parseLimitInfo,
  parseErrorBody,
  retryReason,
  DEFAULT_RETRY,
  type OrgSession,
  type ApiUsage,
  type RetryPolicy,
} from './http.ts';
export { bulkQuery, createQueryJob, waitForJob, type BulkJobState, type BulkQueryOptions } from './bulk.ts';
export { query, queryAll, describeFields, composite, apexRest, type CompositeSubrequest } from './query.ts';
export { resolveOrg, connectionFromSession, httpFor, API_VERSION, OrgAuthError } from './connect.ts';

import { apexRest } from './query.ts';
import { resolveOrg, httpFor } from './connect.ts';

/** What `dedup --apply` needs: one Apex REST call against the resolved org (/services/apexrest/revops/merge). */
export async function connectApexRest(
  org: string,
): Promise<{ apexRest(method: 'POST', path: string, body: unknown): Promise<unknown> }> {
  const { session } = await resolveOrg(org);
  const http = httpFor(session);
  return { apexRest: (method, path, body) => apexRest(http, method, path, body) };
}
