import { describe, expect, it } from 'vitest';
import {
  OrgApiError,
  parseErrorBody,
  parseLimitInfo,
  retryReason,
  RetryableStatus,
  OrgHttp,
} from '../../../scripts/lib/org/http.ts';

describe('org HTTP helpers', () => {
  it("reads Salesforce's error body, an array of {message, errorCode}", () => {
    expect(
      parseErrorBody('[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]'),
    ).toEqual({ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' });
    expect(
      parseErrorBody('{"error":"invalid_grant","error_description":"expired access/refresh token"}'),
    ).toEqual({ message: 'expired access/refresh token', errorCode: 'invalid_grant' });
    expect(parseErrorBody('<html>Bad gateway</html>').errorCode).toBeNull();
  });

  it('parses api-usage from Sforce-Limit-Info and ignores other headers', () => {
    expect(parseLimitInfo('api-usage=18/5000')).toEqual({ used: 18, max: 5000 });
    expect(parseLimitInfo('per-app-api-usage=2/250(appName=x), api-usage=90/15000')).toEqual({
      used: 90,
      max: 15000,
    });
    expect(parseLimitInfo(null)).toBeNull();
  });

  it('retries throttling, server errors and dropped connections, but not a bad query', () => {
    expect(retryReason(new RetryableStatus(429, null, 'slow down', null))).toMatch(/429/);
    expect(
      retryReason(
        Object.assign(new Error('fetch failed'), { name: 'TypeError', cause: { code: 'ECONNRESET' } }),
      ),
    ).toMatch(/ECONNRESET/);
    expect(retryReason(new Error('terminated'))).toMatch(/terminated/);
    expect(retryReason(new OrgApiError('bad', 400, 'MALFORMED_QUERY'))).toBeNull();
  });

  it('builds versioned data URLs and passes /services paths through', () => {
    const http = new OrgHttp({
      instanceUrl: 'https://acme.my.salesforce.com/',
      accessToken: 't',
      apiVersion: '66.0',
    });
    expect(http.url('/jobs/query')).toBe('https://acme.my.salesforce.com/services/data/v66.0/jobs/query');
    expect(http.url('/services/data/v66.0/query/01g-2000')).toBe(
      'https://acme.my.salesforce.com/services/data/v66.0/query/01g-2000',
    );
    expect(http.url('/services/apexrest/revops/merge')).toBe(
      'https://acme.my.salesforce.com/services/apexrest/revops/merge',
    );
  });

  it('gives up after the configured retries with the last error', async () => {
    const http = new OrgHttp(
      { instanceUrl: 'http://x', accessToken: 't', apiVersion: '66.0' },
      { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    );
    let calls = 0;
    await expect(
      http.withRetry('x', async () => {
        calls++;
        throw new RetryableStatus(503, 'SERVER_UNAVAILABLE', 'down', null);
      }),
    ).rejects.toThrow(/503 SERVER_UNAVAILABLE/);
    expect(calls).toBe(3);
  });
});
