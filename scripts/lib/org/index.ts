// The narrow org interface: everything the CLI does with an org goes through here.
export {
  OrgHttp,
  OrgApiError,
  parseLimitInfo,
  parseErrorBody,
  retryReason,
  DEFAULT_RETRY,
  type OrgSession,
  type OrgConnection,
  type ApiUsage,
  type RetryPolicy,
} from './http.ts';
export { bulkQuery, createQueryJob, waitForJob, type BulkJobState, type BulkQueryOptions } from './bulk.ts';
export { query, queryAll, describeFields, composite, apexRest, type CompositeSubrequest } from './query.ts';
export { resolveOrg, connectionFromSession, httpFor, API_VERSION, OrgAuthError } from './connect.ts';
