// Metadata API over SOAP as jsforce sends it for SDR: deploy (zip in, duplicate-management checks),
// checkDeployStatus (Pending, InProgress, then the configured outcome and component failures), readMetadata and
// listMetadata from the options' `metadata`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import yauzl from 'yauzl';
import type { FakeOrg } from './org.ts';
import type { DeployFailure } from './types.ts';

export async function soap(org: FakeOrg, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await org.body(req);
  const session = /<sessionId>([^<]*)<\/sessionId>/.exec(body)?.[1];
  const envelope = (inner: string): string =>
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
  const reply = (status: number, inner: string): void => {
    org.headers(res);
    res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8' });
    res.end(envelope(inner));
  };
  if (session !== org.accessToken) {
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
    org.deployRequests.push({ checkOnly, testLevel, zipBytes: zip.length, entries: [...files.keys()] });
    const id = org.id('0Af');
    org.deploys.set(id, 0);
    if (org.opts.matchingRules) org.deployFailures.set(id, duplicateManagement(org, files, checkOnly));
    if (!checkOnly && !org.deployFailures.get(id)?.length && org.opts.deploy?.status !== 'Failed')
      for (const [path, text] of files) {
        org.deployedFiles.set(path, text);
        keepReadable(org, path, text);
      }
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
    const polls = (org.deploys.get(id) ?? 0) + 1;
    org.deploys.set(id, polls);
    const base = org.opts.deploy ?? { status: 'Succeeded' };
    const own = org.deployFailures.get(id) ?? [];
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
    const checkOnly = org.deployRequests.at(-1)?.checkOnly ?? false;
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
      .filter((n) => org.opts.metadata?.[type]?.[n] !== undefined)
      .map(
        (n) =>
          `<records xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${type}"><fullName>${escapeXml(n)}</fullName>${org.opts.metadata![type][n]}</records>`,
      )
      .join('');
    return reply(200, `<readMetadataResponse><result>${records}</result></readMetadataResponse>`);
  }
  if (/<listMetadata[\s>]/.test(body)) {
    const type = /<type>([^<]*)<\/type>/.exec(body)?.[1] ?? '';
    const results = Object.keys(org.opts.metadata?.[type] ?? {})
      .map(
        (n) =>
          `<result><createdById>0055e000000FAKEAAA</createdById><createdByName>Admin User</createdByName><createdDate>2026-01-01T00:00:00.000Z</createdDate><fileName>${type}/${escapeXml(n)}</fileName><fullName>${escapeXml(n)}</fullName><id>${org.id('0Bm')}</id><lastModifiedById>0055e000000FAKEAAA</lastModifiedById><lastModifiedByName>Admin User</lastModifiedByName><lastModifiedDate>2026-01-01T00:00:00.000Z</lastModifiedDate><type>${type}</type></result>`,
      )
      .join('');
    return reply(200, `<listMetadataResponse>${results}</listMetadataResponse>`);
  }
  reply(
    500,
    '<soapenv:Fault><faultcode>sf:UNKNOWN_EXCEPTION</faultcode><faultstring>unsupported call</faultstring></soapenv:Fault>',
  );
}

/**
 * What the org checks when duplicate management components deploy: an active duplicate rule needs each of its
 * matching rules Active before the deploy (rules in the same deploy are only Activating); sort orders run 1..n per
 * object. A real deploy that passes starts its matching rules activating and records its duplicate rules.
 */
function duplicateManagement(org: FakeOrg, files: Map<string, string>, checkOnly: boolean): DeployFailure[] {
  const failures: DeployFailure[] = [];
  const dupRules = new Map<string, string>();
  for (const [path, xml] of files) {
    const m = /^duplicateRules\/(.+)\.duplicateRule$/.exec(path);
    if (m) dupRules.set(m[1], xml);
  }
  const orgRules = { ...(org.opts.metadata?.DuplicateRule ?? {}) };
  for (const [fullName, xml] of dupRules) orgRules[fullName] = xml;
  for (const [fullName, xml] of dupRules) {
    if (!/<isActive>true<\/isActive>/.test(xml)) continue;
    for (const b of xml.matchAll(/<duplicateRuleMatchRules>([\s\S]*?)<\/duplicateRuleMatchRules>/g)) {
      const object = /<matchRuleSObjectType>([^<]*)</.exec(b[1])?.[1];
      const name = /<matchingRule>([^<]*)</.exec(b[1])?.[1];
      if (org.matchingRules.get(`${object}.${name}`)?.status !== 'Active')
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
      org.matchingRules.set(`${m[1]}.${rule[1]}`, {
        status: 'Activating',
        readsLeft: org.opts.matchingRules!.readsUntilActive,
      });
  }
  const metadata = (org.opts.metadata ??= {});
  for (const [fullName, xml] of dupRules)
    (metadata.DuplicateRule ??= {})[fullName] =
      /<DuplicateRule[^>]*>([\s\S]*)<\/DuplicateRule>/.exec(xml)?.[1] ?? '';
  return failures;
}

/** A deployed PlatformEventSubscriberConfig reads back through readMetadata, as in an org. */
function keepReadable(org: FakeOrg, path: string, text: string): void {
  const m = /^PlatformEventSubscriberConfigs\/(.+)\.platformEventSubscriberConfig$/.exec(path);
  if (!m) return;
  const inner =
    /<PlatformEventSubscriberConfig[^>]*>([\s\S]*)<\/PlatformEventSubscriberConfig>/.exec(text)?.[1] ?? '';
  ((org.opts.metadata ??= {}).PlatformEventSubscriberConfig ??= {})[m[1]] = inner;
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

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
