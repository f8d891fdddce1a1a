// REST query (small result sets: config, describe-sized lookups) following nextRecordsUrl (queryMore), plus
// describe, composite writes and the Apex REST call dedup uses to merge. All of them are conn.request calls of the
// org's Connection made through OrgHttp (rather than conn.query / conn.apex, which take no abort signal and retry
// without Retry-After), so they share its retries, error mapping and API usage.
import type { OrgHttp } from './http.ts';

export interface QueryResult<T> {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: T[];
}

/** All records of a SOQL query, page by page (each page follows nextRecordsUrl). */
export async function* queryAll<T = Record<string, unknown>>(http: OrgHttp, soql: string): AsyncGenerator<T> {
  let page = await http.json<QueryResult<T>>(`/query?q=${encodeURIComponent(soql)}`);
  for (;;) {
    for (const r of page.records) yield r;
    if (page.done || !page.nextRecordsUrl) return;
    page = await http.json<QueryResult<T>>(page.nextRecordsUrl);
  }
}

export async function query<T = Record<string, unknown>>(http: OrgHttp, soql: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of queryAll<T>(http, soql)) out.push(r);
  return out;
}

export interface DescribeField {
  name: string;
  type: string;
  calculated?: boolean;
}

export async function describeFields(http: OrgHttp, object: string): Promise<DescribeField[]> {
  const d = await http.json<{ fields: DescribeField[] }>(`/sobjects/${object}/describe`);
  return d.fields;
}

export interface CompositeSubrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  referenceId: string;
  body?: unknown;
}

export interface CompositeResponse {
  compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string }>;
}

/** Composite request (up to 25 subrequests; allOrNone rolls back every subrequest when one fails). */
export async function composite(
  http: OrgHttp,
  requests: CompositeSubrequest[],
  allOrNone = true,
): Promise<CompositeResponse> {
  if (requests.length > 25)
    throw new Error(`composite takes at most 25 subrequests (got ${requests.length}); split the batch.`);
  return http.json<CompositeResponse>('/composite', {
    method: 'POST',
    body: JSON.stringify({ allOrNone, compositeRequest: requests }),
  });
}

/** Calls an Apex REST resource: /services/apexrest + path. */
export async function apexRest(
  http: OrgHttp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  // Retried like every call on 429/5xx/limit responses; the merge resource records each call's idempotency key, so a
  // retried merge or restore replays its first outcome instead of running twice.
  return http.json<unknown>(`/services/apexrest${path.startsWith('/') ? path : `/${path}`}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
