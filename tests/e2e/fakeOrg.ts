// A loopback fake of the Salesforce endpoints the CLI uses, speaking their wire formats (REST query JSON with
// nextRecordsUrl; Bulk API 2.0 query jobs with CSV result pages, Sforce-Locator / Sforce-NumberOfRecords and
// gzip; Sforce-Limit-Info; JSON error bodies; composite; Apex REST; Metadata API deploy / checkDeployStatus over
// SOAP as jsforce sends it for SDR). Faults can be injected to prove retries, resume and backoff.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import yauzl from 'yauzl';

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

interface Job {
  id: string;
  object: string;
  fields: string[];
  polls: number;
  /** Set by faults.failJobs: the state the job ends in. */
  failAs?: { state: 'Failed' | 'Aborted'; message: string };
  apiVersion: string;
  createdDate: string;
}

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
  private deployFailures = new Map<string, DeployFailure[]>();
  readonly compositeBodies: unknown[] = [];
  readonly apexRestCalls: Array<{ path: string; body: unknown }> = [];
  /** Calls of the OAuth token endpoint: grant type and whether a token was issued. */
  readonly tokenRequests: Array<{ grantType: string | null; issued: boolean }> = [];
  /** Every access token this org has accepted (the first and each refreshed one). */
  readonly issuedTokens: string[] = [];
  private issued: string | null = null;
  private expired = new Set<string>();
  /**
   * Endpoints a test mounts on top of these (e.g. the merge resource of fakeMergeOrg.ts); each runs after the
   * session check and answers (true) or passes (false).
   */
  readonly routes: Array<
    (req: IncomingMessage, res: ServerResponse, path: string, url: URL) => Promise<boolean>
  > = [];
  private jobs = new Map<string, Job>();
  private deploys = new Map<string, number>();
  private apiUsed = 0;
  private seq = 0;
  private pageCounter = 0;

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

  private id(prefix: string): string {
    return `${prefix}5e00000${String(++this.seq).padStart(8, '0')}AAA`.slice(0, 18);
  }

  private headers(res: ServerResponse): void {
    this.apiUsed++;
    res.setHeader('Sforce-Limit-Info', `api-usage=${this.apiUsed}/${API_MAX}`);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    this.headers(res);
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify(body));
  }

  /** Salesforce REST error body: a JSON array of {message, errorCode}. */
  private error(res: ServerResponse, status: number, errorCode: string, message: string): void {
    this.json(res, status, [{ message, errorCode }]);
  }

  private async body(req: IncomingMessage): Promise<string> {
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
    if (path.startsWith('/services/Soap/m/')) return this.soap(req, res);
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

  private async data(
    req: IncomingMessage,
    res: ServerResponse,
    version: string,
    rest: string,
    url: URL,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (rest === '/' || rest === '') {
      return this.json(res, 200, {
        sobjects: `/services/data/v${version}/sobjects`,
        query: `/services/data/v${version}/query`,
        jobs: `/services/data/v${version}/jobs`,
      });
    }
    if ((m = /^\/sobjects\/(\w+)\/describe$/.exec(rest))) {
      const ds = this.opts.data?.[m[1]];
      if (!ds) return this.error(res, 404, 'NOT_FOUND', `The requested resource does not exist`);
      return this.json(res, 200, {
        name: m[1],
        fields: ds.fields.map((name) => ({ name, type: name === 'Id' ? 'id' : 'string', calculated: false })),
      });
    }
    if ((m = /^\/sobjects\/User\/(\w+)$/.exec(rest)))
      return this.json(res, 200, { attributes: { type: 'User' }, Id: m[1], Username: 'admin@fake.example' });
    if (rest === '/query' || rest.startsWith('/query/')) return this.restQuery(res, version, rest, url);
    if (rest === '/jobs/query' && method === 'POST') return this.createJob(req, res, version);
    if ((m = /^\/jobs\/query\/(\w+)$/.exec(rest))) return this.jobInfo(res, m[1]);
    if ((m = /^\/jobs\/query\/(\w+)\/results$/.exec(rest))) return this.results(req, res, m[1], url);
    if (rest === '/composite' && method === 'POST') {
      const body = JSON.parse(await this.body(req)) as {
        compositeRequest: Array<{ referenceId: string; method: string }>;
      };
      this.compositeBodies.push(body);
      return this.json(res, 200, {
        compositeResponse: body.compositeRequest.map((r) => ({
          body: r.method === 'POST' ? { id: this.id('a0X'), success: true, errors: [] } : null,
          httpHeaders: {},
          httpStatusCode: r.method === 'POST' ? 201 : 204,
          referenceId: r.referenceId,
        })),
      });
    }
    return this.error(res, 404, 'NOT_FOUND', `The requested resource does not exist`);
  }

  private parseSoql(soql: string): { object: string; fields: string[] } | null {
    const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)/is.exec(soql);
    return m ? { object: m[2], fields: m[1].split(',').map((f) => f.trim()) } : null;
  }

  private restQuery(res: ServerResponse, version: string, rest: string, url: URL): void {
    let object: string;
    let fields: string[];
    let offset = 0;
    if (rest === '/query') {
      const q = this.parseSoql(url.searchParams.get('q') ?? '');
      if (!q) return this.error(res, 400, 'MALFORMED_QUERY', 'unexpected token');
      ({ object, fields } = q);
      if (object === 'MatchingRule' && this.opts.matchingRules) return this.matchingRuleQuery(res, version);
    } else {
      // Our locator: 01g<base64 of {object, fields}>-<offset>, opaque to clients.
      const [token, off] = rest.slice('/query/'.length).split('-');
      ({ object, fields } = JSON.parse(Buffer.from(token.slice(3), 'base64url').toString()) as {
        object: string;
        fields: string[];
      });
      offset = Number(off);
    }
    const ds = this.opts.data?.[object];
    if (!ds) return this.error(res, 400, 'INVALID_TYPE', `sObject type '${object}' is not supported.`);
    const bad = fields.find((f) => !ds.fields.includes(f));
    if (bad) return this.error(res, 400, 'INVALID_FIELD', `No such column '${bad}' on entity '${object}'.`);
    const size = this.opts.restPageSize ?? 2000;
    const end = Math.min(ds.count, offset + size);
    const records = [];
    for (let i = offset; i < end; i++) {
      const row = ds.row(i);
      const rec: Record<string, unknown> = {
        attributes: {
          type: object,
          url: `/services/data/v${version}/sobjects/${object}/${row[ds.fields.indexOf('Id')]}`,
        },
      };
      for (const f of fields) rec[f] = row[ds.fields.indexOf(f)];
      records.push(rec);
    }
    const done = end >= ds.count;
    const token = '01g' + Buffer.from(JSON.stringify({ object, fields })).toString('base64url');
    this.json(res, 200, {
      totalSize: ds.count,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${token}-${end}` }),
      records,
    });
  }

  private async createJob(req: IncomingMessage, res: ServerResponse, version: string): Promise<void> {
    const body = JSON.parse(await this.body(req)) as {
      operation: string;
      query: string;
      contentType?: string;
    };
    if (this.faults.limitExceeded && this.faults.limitExceeded > 0) {
      this.faults.limitExceeded--;
      return this.error(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    const q = this.parseSoql(body.query);
    if (body.operation !== 'query' && body.operation !== 'queryAll')
      return this.error(res, 400, 'INVALIDJOB', `Invalid operation: ${body.operation}`);
    if (!q) return this.error(res, 400, 'MALFORMED_QUERY', 'unexpected token');
    const ds = this.opts.data?.[q.object];
    if (!ds) return this.error(res, 400, 'INVALID_TYPE', `sObject type '${q.object}' is not supported.`);
    const bad = q.fields.find((f) => !ds.fields.includes(f));
    if (bad) return this.error(res, 400, 'INVALIDJOB', `No such column '${bad}' on entity '${q.object}'.`);
    const job: Job = {
      id: this.id('750'),
      object: q.object,
      fields: q.fields,
      polls: 0,
      apiVersion: version,
      createdDate: new Date().toISOString().replace('Z', '+0000'),
    };
    if (this.faults.failJobs && this.faults.failJobs.count > 0) {
      this.faults.failJobs.count--;
      job.failAs = {
        state: this.faults.failJobs.state ?? 'Failed',
        message: this.faults.failJobs.message ?? 'InternalServerError : Query timed out',
      };
    }
    this.jobs.set(job.id, job);
    this.json(res, 200, {
      id: job.id,
      operation: body.operation,
      object: job.object,
      createdById: '0055e000000FAKEAAA',
      createdDate: job.createdDate,
      systemModstamp: job.createdDate,
      state: 'UploadComplete',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(version),
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
  }

  private jobInfo(res: ServerResponse, id: string): void {
    const job = this.jobs.get(id);
    if (!job) return this.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    job.polls++;
    const complete = job.polls > (this.opts.pollsBeforeComplete ?? 1);
    if (complete && job.failAs)
      return this.json(res, 200, {
        id: job.id,
        operation: 'query',
        object: job.object,
        state: job.failAs.state,
        errorMessage: job.failAs.message,
        numberRecordsProcessed: 0,
      });
    this.json(res, 200, {
      id: job.id,
      operation: 'query',
      object: job.object,
      createdById: '0055e000000FAKEAAA',
      createdDate: job.createdDate,
      systemModstamp: job.createdDate,
      state: complete ? 'JobComplete' : job.polls === 1 ? 'UploadComplete' : 'InProgress',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(job.apiVersion),
      jobType: 'V2Query',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      numberRecordsProcessed: complete ? this.opts.data![job.object].count : 0,
      retries: 0,
      totalProcessingTime: complete ? 1234 : 0,
    });
  }

  private async results(req: IncomingMessage, res: ServerResponse, id: string, url: URL): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) return this.error(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    if (job.polls <= (this.opts.pollsBeforeComplete ?? 1))
      return this.error(res, 400, 'INVALIDJOBSTATE', 'Job is not complete');
    if (job.failAs) return this.error(res, 400, 'INVALIDJOBSTATE', `Job is ${job.failAs.state}`);
    if (this.faults.retryAfter && this.faults.retryAfter.count > 0) {
      this.faults.retryAfter.count--;
      res.setHeader('Retry-After', this.faults.retryAfter.value);
      return this.error(res, 429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests');
    }
    if (this.faults.tooManyRequests && this.faults.tooManyRequests > 0) {
      this.faults.tooManyRequests--;
      return this.error(res, 429, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests');
    }
    if (this.faults.unavailable && this.faults.unavailable > 0) {
      this.faults.unavailable--;
      return this.error(res, 503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable');
    }
    const ds = this.opts.data![job.object];
    // Locators are base64 of the next offset (what Salesforce returns looks the same: e.g. MTAwMDA = "10000").
    const locator = url.searchParams.get('locator');
    const offset = locator ? Number(Buffer.from(locator, 'base64').toString()) : 0;
    const max = Number(url.searchParams.get('maxRecords') ?? 50_000);
    const end = Math.min(ds.count, offset + max);
    const next = end < ds.count ? Buffer.from(String(end)).toString('base64').replace(/=+$/, '') : 'null';
    const page = ++this.pageCounter;
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    this.headers(res);
    res.writeHead(200, {
      'Content-Type': 'text/csv',
      'Sforce-Locator': next,
      'Sforce-NumberOfRecords': String(end - offset),
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    });
    const drop = this.faults.dropPage && this.faults.dropPage.page === page ? this.faults.dropPage : null;
    if (drop) this.faults.dropPage = undefined;
    const idx = job.fields.map((f) => ds.fields.indexOf(f));
    const out = gzip ? createGzip({ level: 1 }) : null;
    if (out) out.pipe(res);
    const sink = out ?? res;
    let sent = 0;
    const write = async (text: string): Promise<void> => {
      sent += text.length;
      if (!sink.write(text)) await new Promise<void>((r) => sink.once('drain', () => r()));
    };
    await write(job.fields.map((f) => `"${f}"`).join(',') + '\n');
    let buf = '';
    for (let i = offset; i < end; i++) {
      const row = ds.row(i);
      buf += idx.map((k) => csvValue(row[k])).join(',') + '\n';
      if (buf.length > 64 * 1024) {
        await write(buf);
        buf = '';
        if (drop && sent >= drop.afterBytes) {
          if (out) out.flush();
          await new Promise((r) => setTimeout(r, 20));
          res.socket?.destroy();
          return;
        }
      }
    }
    await write(buf);
    sink.end();
  }

  private async soap(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.body(req);
    const session = /<sessionId>([^<]*)<\/sessionId>/.exec(body)?.[1];
    const envelope = (inner: string): string =>
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
    const reply = (status: number, inner: string): void => {
      this.headers(res);
      res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8' });
      res.end(envelope(inner));
    };
    if (session !== this.accessToken) {
      return reply(
        500,
        '<soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault>',
      );
    }
    if (/<deploy[\s>]/.test(body)) {
      const zip = Buffer.from(/<ZipFile>([^<]*)<\/ZipFile>/.exec(body)?.[1] ?? '', 'base64');
      const checkOnly = /<checkOnly>true<\/checkOnly>/.test(body);
      const testLevel = /<testLevel>([^<]*)<\/testLevel>/.exec(body)?.[1] ?? null;
      const files = await unzip(zip);
      this.deployRequests.push({ checkOnly, testLevel, zipBytes: zip.length, entries: [...files.keys()] });
      const id = this.id('0Af');
      this.deploys.set(id, 0);
      if (this.opts.matchingRules) this.deployFailures.set(id, this.duplicateManagement(files, checkOnly));
      if (!checkOnly && !this.deployFailures.get(id)?.length && this.opts.deploy?.status !== 'Failed')
        for (const [path, text] of files) this.deployedFiles.set(path, text);
      return reply(
        200,
        `<deployResponse><result><done>false</done><id>${id}</id><state>Queued</state></result></deployResponse>`,
      );
    }
    if (/<checkDeployStatus[\s>]/.test(body)) {
      const id =
        /<asyncProcessId>([^<]*)<\/asyncProcessId>/.exec(body)?.[1] ??
        /<id>([^<]*)<\/id>/.exec(body)?.[1] ??
        '';
      const polls = (this.deploys.get(id) ?? 0) + 1;
      this.deploys.set(id, polls);
      const base = this.opts.deploy ?? { status: 'Succeeded' };
      const own = this.deployFailures.get(id) ?? [];
      const d = own.length ? { ...base, status: 'Failed' as const } : base;
      const done = polls > (d.pollsBeforeDone ?? 1);
      const failures = [...(d.failures ?? []), ...own];
      const total = d.componentsTotal ?? 10;
      const status = done ? d.status : polls === 1 ? 'Pending' : 'InProgress';
      const errors = done ? failures.filter((f) => (f.problemType ?? 'Error') === 'Error').length : 0;
      const deployed = done ? (d.status === 'Failed' ? 0 : total - errors) : Math.floor(total / 2);
      const failXml = done
        ? failures
            .map(
              (f) =>
                `<componentFailures><changed>false</changed><componentType>${f.componentType}</componentType><created>false</created><createdDate>2026-10-01T00:00:00.000Z</createdDate><deleted>false</deleted><fileName>${f.fileName}</fileName><fullName>${f.fullName}</fullName>` +
                (f.lineNumber
                  ? `<lineNumber>${f.lineNumber}</lineNumber><columnNumber>${f.columnNumber ?? 1}</columnNumber>`
                  : '') +
                `<problem>${escapeXml(f.problem)}</problem><problemType>${f.problemType ?? 'Error'}</problemType><success>false</success></componentFailures>`,
            )
            .join('')
        : '';
      const checkOnly = this.deployRequests.at(-1)?.checkOnly ?? false;
      return reply(
        200,
        `<checkDeployStatusResponse><result><checkOnly>${checkOnly}</checkOnly><completedDate>2026-10-01T00:00:05.000Z</completedDate><createdBy>0055e000000FAKE</createdBy><createdByName>Admin User</createdByName><createdDate>2026-10-01T00:00:00.000Z</createdDate>` +
          `<details>${failXml}<runTestResult><numFailures>0</numFailures><numTestsRun>0</numTestsRun><totalTime>0.0</totalTime></runTestResult></details>` +
          `<done>${done}</done><id>${id}</id><ignoreWarnings>false</ignoreWarnings><lastModifiedDate>2026-10-01T00:00:05.000Z</lastModifiedDate>` +
          `<numberComponentErrors>${errors}</numberComponentErrors><numberComponentsDeployed>${deployed}</numberComponentsDeployed><numberComponentsTotal>${total}</numberComponentsTotal>` +
          `<numberTestErrors>0</numberTestErrors><numberTestsCompleted>0</numberTestsCompleted><numberTestsTotal>0</numberTestsTotal><rollbackOnError>true</rollbackOnError><runTestsEnabled>false</runTestsEnabled>` +
          (done ? '' : '<stateDetail>Processing Type: CustomObject</stateDetail>') +
          `<status>${status}</status><success>${done && d.status !== 'Failed'}</success></result></checkDeployStatusResponse>`,
      );
    }
    if (/<readMetadata[\s>]/.test(body)) {
      const type = /<type>([^<]*)<\/type>/.exec(body)?.[1] ?? '';
      const names = [...body.matchAll(/<fullNames>([^<]*)<\/fullNames>/g)].map((m) => m[1]);
      const records = names
        .filter((n) => this.opts.metadata?.[type]?.[n] !== undefined)
        .map(
          (n) =>
            `<records xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${type}"><fullName>${escapeXml(n)}</fullName>${this.opts.metadata![type][n]}</records>`,
        )
        .join('');
      return reply(200, `<readMetadataResponse><result>${records}</result></readMetadataResponse>`);
    }
    if (/<listMetadata[\s>]/.test(body)) {
      const type = /<type>([^<]*)<\/type>/.exec(body)?.[1] ?? '';
      const results = Object.keys(this.opts.metadata?.[type] ?? {})
        .map(
          (n) =>
            `<result><createdById>0055e000000FAKEAAA</createdById><createdByName>Admin User</createdByName><createdDate>2026-01-01T00:00:00.000Z</createdDate><fileName>${type}/${escapeXml(n)}</fileName><fullName>${escapeXml(n)}</fullName><id>${this.id('0Bm')}</id><lastModifiedById>0055e000000FAKEAAA</lastModifiedById><lastModifiedByName>Admin User</lastModifiedByName><lastModifiedDate>2026-01-01T00:00:00.000Z</lastModifiedDate><type>${type}</type></result>`,
        )
        .join('');
      return reply(200, `<listMetadataResponse>${results}</listMetadataResponse>`);
    }
    reply(
      500,
      '<soapenv:Fault><faultcode>sf:UNKNOWN_EXCEPTION</faultcode><faultstring>unsupported call</faultstring></soapenv:Fault>',
    );
  }

  /** MatchingRule query: every rule in the fake's state; each query counts down a rule's Activating reads. */
  private matchingRuleQuery(res: ServerResponse, version: string): void {
    const records = [...this.matchingRules].map(([k, r]) => {
      const [object, name] = k.split('.');
      const rec = {
        attributes: {
          type: 'MatchingRule',
          url: `/services/data/v${version}/sobjects/MatchingRule/${this.id('0JM')}`,
        },
        DeveloperName: name,
        SobjectType: object,
        RuleStatus: r.status,
      };
      if (r.status === 'Activating' && --r.readsLeft <= 0) r.status = 'Active';
      return rec;
    });
    this.json(res, 200, { totalSize: records.length, done: true, records });
  }

  /**
   * What the org checks when duplicate management components deploy: an active duplicate rule needs each of its
   * matching rules Active before the deploy (rules in the same deploy are only Activating); sort orders run 1..n per
   * object. A real deploy that passes starts its matching rules activating and records its duplicate rules.
   */
  private duplicateManagement(files: Map<string, string>, checkOnly: boolean): DeployFailure[] {
    const failures: DeployFailure[] = [];
    const dupRules = new Map<string, string>();
    for (const [path, xml] of files) {
      const m = /^duplicateRules\/(.+)\.duplicateRule$/.exec(path);
      if (m) dupRules.set(m[1], xml);
    }
    const orgRules = { ...(this.opts.metadata?.DuplicateRule ?? {}) };
    for (const [fullName, xml] of dupRules) orgRules[fullName] = xml;
    for (const [fullName, xml] of dupRules) {
      if (!/<isActive>true<\/isActive>/.test(xml)) continue;
      for (const b of xml.matchAll(/<duplicateRuleMatchRules>([\s\S]*?)<\/duplicateRuleMatchRules>/g)) {
        const object = /<matchRuleSObjectType>([^<]*)</.exec(b[1])?.[1];
        const name = /<matchingRule>([^<]*)</.exec(b[1])?.[1];
        if (this.matchingRules.get(`${object}.${name}`)?.status !== 'Active')
          failures.push({
            componentType: 'DuplicateRule',
            fullName,
            fileName: `duplicateRules/${fullName}.duplicateRule`,
            problem:
              'Before you can use this duplicate rule, all associated matching rules must be active and have their fields mapped',
          });
      }
    }
    const byObject = new Map<string, number[]>();
    for (const [fullName, xml] of Object.entries(orgRules)) {
      const list = byObject.get(fullName.split('.')[0]) ?? [];
      list.push(Number(/<sortOrder>(\d+)</.exec(xml)?.[1]));
      byObject.set(fullName.split('.')[0], list);
    }
    for (const [fullName] of dupRules) {
      const orders = [...byObject.get(fullName.split('.')[0])!].sort((a, b) => a - b);
      if (orders.some((n, i) => n !== i + 1))
        failures.push({
          componentType: 'DuplicateRule',
          fullName,
          fileName: `duplicateRules/${fullName}.duplicateRule`,
          problem: 'SortOrder must be in sequential order from 1.',
        });
    }
    if (checkOnly || failures.length) return failures;
    for (const [path, xml] of files) {
      const m = /^matchingRules\/(.+)\.matchingRule$/.exec(path);
      if (!m) continue;
      for (const rule of xml.matchAll(/<matchingRules>[\s\S]*?<fullName>([^<]*)<\/fullName>/g))
        this.matchingRules.set(`${m[1]}.${rule[1]}`, {
          status: 'Activating',
          readsLeft: this.opts.matchingRules!.readsUntilActive,
        });
    }
    const metadata = (this.opts.metadata ??= {});
    for (const [fullName, xml] of dupRules)
      (metadata.DuplicateRule ??= {})[fullName] =
        /<DuplicateRule[^>]*>([\s\S]*)<\/DuplicateRule>/.exec(xml)?.[1] ?? '';
    return failures;
  }
}

/** The files of a zip as text, by path relative to its package.xml. */
async function unzip(buf: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!buf.length) return out;
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  // a zip with a root folder (unpackaged/package.xml): paths relative to it
  const root = /^(.*\/)?package\.xml$/.exec(
    [...out.keys()].find((k) => k.endsWith('package.xml')) ?? '',
  )?.[1];
  return root ? new Map([...out].map(([k, v]) => [k.slice(root.length), v])) : out;
}

function csvValue(v: string | number | boolean | null): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return `"${s.includes('"') ? s.replaceAll('"', '""') : s}"`;
}

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Synthetic rows for the snapshot schema of one object: deterministic, cheap, any count. */
export function syntheticDataset(
  object: string,
  fields: ReadonlyArray<readonly [string, string]>,
  count: number,
  idPrefix: string,
): Dataset {
  const base = Date.UTC(2025, 0, 1);
  return {
    fields: fields.map(([n]) => n),
    count,
    row(i) {
      return fields.map(([name, type]) => {
        if (name === 'Id') return `${idPrefix}5e${String(i).padStart(10, '0')}AAA`;
        if (i % 7 === 3 && name !== 'CreatedDate') return null;
        switch (type) {
          case 'DOUBLE':
            return (i * 37) % 100;
          case 'BOOLEAN':
            return i % 2 === 0;
          case 'TIMESTAMP':
            return new Date(base + i * 61_000).toISOString();
          default:
            return `${name.replace(/__c$/, '')} ${object} ${i}`;
        }
      });
    },
  };
}
