// A loopback fake of the Salesforce endpoints the CLI uses, speaking their wire formats (REST query JSON with
// nextRecordsUrl; Bulk API 2.0 query jobs with CSV result pages, Sforce-Locator / Sforce-NumberOfRecords and
// gzip; Sforce-Limit-Info; JSON error bodies; composite; Apex REST; Metadata API deploy / checkDeployStatus over
// SOAP as jsforce sends it for SDR). Faults can be injected to prove retries, resume and backoff.
//
// This file holds the server: the session and OAuth token checks, the request log, the kit every area uses (json,
// error, body, id, headers) and the dispatch. The endpoints live by API area: query.ts (REST query), bulk.ts (Bulk
// API 2.0 query jobs), sobjects.ts (describe, composite), metadata.ts (SOAP deploy/read/list), merge.ts (the merge
// Apex REST resource a test mounts on org.routes). A new endpoint under /services/data/vNN.N is a DataRoute in its
// area's table, and a new area's table is listed in DATA_ROUTES below.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BULK_QUERY_ROUTES } from './bulk.ts';
import { BULK_INGEST_ROUTES } from './bulkIngest.ts';
import { soap } from './metadata.ts';
import { QUERY_ROUTES } from './query.ts';
import { SOBJECT_ROUTES } from './sobjects.ts';
import type {
  DataCall,
  DataRoute,
  DeployFailure,
  FakeOrgOptions,
  Faults,
  LoggedRequest,
  QueryJob,
} from './types.ts';

/** Every endpoint under /services/data/vNN.N, by API area. */
const DATA_ROUTES: DataRoute[] = [
  ...SOBJECT_ROUTES,
  ...QUERY_ROUTES,
  ...BULK_QUERY_ROUTES,
  ...BULK_INGEST_ROUTES,
];

const API_MAX = 15000;

export class FakeOrg {
  server: Server;
  url = '';
  readonly log: LoggedRequest[] = [];
  readonly faults: Faults = {};
  readonly deployRequests: Array<{
    checkOnly: boolean;
    testLevel: string | null;
    zipBytes: number;
    /** Zip entry paths without the root folder, e.g. matchingRules/Lead.matchingRule. */
    entries: string[];
  }> = [];
  /** The files of the last real deploy that carried each path (e.g. standardValueSets/OpportunityStage.standardValueSet). */
  readonly deployedFiles = new Map<string, string>();
  /** MatchingRule state by Object.Name: status and the MatchingRule queries left before it reads Active. */
  readonly matchingRules = new Map<string, { status: string; readsLeft: number }>();
  readonly deployFailures = new Map<string, DeployFailure[]>();
  readonly compositeBodies: unknown[] = [];
  readonly apexRestCalls: Array<{ path: string; body: unknown }> = [];
  /** Calls of the OAuth token endpoint: grant type and whether a token was issued. */
  readonly tokenRequests: Array<{ grantType: string | null; issued: boolean }> = [];
  /** Every access token this org has accepted (the first and each refreshed one). */
  readonly issuedTokens: string[] = [];
  private issued: string | null = null;
  private expired = new Set<string>();
  /**
   * Endpoints a test mounts on top of these (e.g. the merge resource of merge.ts); each runs after the
   * session check and answers (true) or passes (false).
   */
  readonly routes: Array<
    (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<boolean>
  > = [];
  private apiUsed = 0;
  private seq = 0;
  // state of the areas: bulk.ts (query jobs by id, results pages served), metadata.ts (deploy polls by id)
  readonly jobs = new Map<string, QueryJob>();
  pageCounter = 0;
  readonly deploys = new Map<string, number>();

  constructor(readonly opts: FakeOrgOptions = {}) {
    opts.data = {
      Organization: {
        fields: [
          'Id',
          'Name',
          'InstanceName',
          'IsSandbox',
          'TrialExpirationDate',
          'NamespacePrefix',
          'OrganizationType',
        ],
        count: 1,
        row: () => [this.orgId, 'Fake Org', 'FAKE1', true, null, null, 'Developer Edition'],
      },
      ...opts.data,
    };
    for (const [k, status] of Object.entries(opts.matchingRules?.initial ?? {}))
      this.matchingRules.set(k, { status, readsLeft: 0 });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: Error) => {
        if (!res.headersSent) this.error(res, 500, 'UNKNOWN_EXCEPTION', e.message);
        else res.destroy();
      });
    });
  }

  /** The access token the org accepts now (a refresh replaces it). */
  get accessToken(): string {
    return this.issued ?? this.opts.accessToken ?? '00D5e000000FAKE!AQ8AQFakeAccessToken';
  }
  get orgId(): string {
    return this.opts.orgId ?? '00D5e000000FAKEEAA';
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  session(apiVersion = '66.0'): {
    instanceUrl: string;
    accessToken: string;
    apiVersion: string;
    orgId: string;
    username: string;
  } {
    return {
      instanceUrl: this.url,
      accessToken: this.accessToken,
      apiVersion,
      orgId: this.orgId,
      username: 'admin@fake.example',
    };
  }

  id(prefix: string): string {
    return `${prefix}5e00000${String(++this.seq).padStart(8, '0')}AAA`.slice(0, 18);
  }

  headers(res: ServerResponse): void {
    this.apiUsed++;
    res.setHeader('Sforce-Limit-Info', `api-usage=${this.apiUsed}/${API_MAX}`);
  }

  json(res: ServerResponse, status: number, body: unknown): void {
    this.headers(res);
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  /** Salesforce REST error body: a JSON array of {message, errorCode}. */
  error(res: ServerResponse, status: number, errorCode: string, message: string): void {
    this.json(res, status, [{ message, errorCode }]);
  }

  async body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    res.on('finish', () =>
      this.log.push({ method, path: path + url.search, status: res.statusCode, at: Date.now() }),
    );
    res.on('close', () => {
      if (!res.writableFinished)
        this.log.push({ method, path: path + url.search, status: -1, at: Date.now() });
    });
    if (path.startsWith('/services/Soap/m/')) return soap(this, req, res);
    if (path === '/services/oauth2/token' && method === 'POST') return this.token(req, res);
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${this.accessToken}` || this.expired.has(this.accessToken))
      return this.error(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    if (this.faults.expireTokenAfter !== undefined && --this.faults.expireTokenAfter <= 0) {
      this.faults.expireTokenAfter = undefined;
      this.expired.add(this.accessToken); // this request still succeeds; the next one with this token does not
    }
    for (const route of this.routes) if (await route(req, res, path, url)) return;

    if (path === '/services/oauth2/userinfo')
      return this.json(res, 200, {
        user_id: '0055e000000FAKEAAA',
        organization_id: this.orgId,
        preferred_username: 'admin@fake.example',
      });
    if (path === '/services/data' || path === '/services/data/') {
      return this.json(res, 200, [{ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' }]);
    }
    const m = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(path);
    if (m) return this.data(req, res, m[1], m[2] ?? '/', url);
    if (path.startsWith('/services/apexrest/')) {
      const body = JSON.parse((await this.body(req)) || 'null') as unknown;
      this.apexRestCalls.push({ path: path.slice('/services/apexrest'.length), body });
      return this.json(res, 200, { success: true, path: path.slice('/services/apexrest'.length) });
    }
    return this.error(res, 404, 'NOT_FOUND', `The requested resource does not exist: ${path}`);
  }

  /** OAuth 2.0 token endpoint, refresh token flow (what jsforce's OAuth2.refreshToken posts, form-encoded). */
  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await this.body(req));
    const grantType = form.get('grant_type');
    const ok =
      grantType === 'refresh_token' &&
      this.opts.refreshToken !== undefined &&
      form.get('refresh_token') === this.opts.refreshToken;
    this.tokenRequests.push({ grantType, issued: ok });
    if (!ok) {
      this.headers(res);
      res.writeHead(400, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'expired access/refresh token' }));
      return;
    }
    if (!this.issuedTokens.length) this.issuedTokens.push(this.accessToken);
    this.expired.add(this.accessToken);
    this.issued = `${this.orgId.slice(0, 15)}!AQ8AQRefreshed${this.issuedTokens.length}Secret`;
    this.issuedTokens.push(this.issued);
    this.json(res, 200, {
      access_token: this.issued,
      instance_url: this.url,
      id: `${this.url}/id/${this.orgId}/0055e000000FAKEAAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      signature: 'c2lnbmF0dXJl',
      scope: 'api refresh_token',
    });
  }

  /** The first route of DATA_ROUTES whose method and path match answers; none: 404. */
  private async data(
    req: IncomingMessage,
    res: ServerResponse,
    version: string,
    rest: string,
    url: URL,
  ): Promise<void> {
    const call: DataCall = { req, res, method: req.method ?? 'GET', version, rest, url };
    for (const route of DATA_ROUTES) {
      if (route.method && route.method !== call.method) continue;
      const m = route.path.exec(rest);
      if (m) return route.handle(this, call, m);
    }
    return this.error(res, 404, 'NOT_FOUND', `The requested resource does not exist`);
  }
}
