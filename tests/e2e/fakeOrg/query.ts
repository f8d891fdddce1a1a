// REST query (GET /query?q=SOQL with nextRecordsUrl pages, GET /query/<locator>) and the MatchingRule query the
// duplicate-management deploy polls.
import type { ServerResponse } from 'node:http';
import type { FakeOrg } from './org.ts';
import type { DataRoute } from './types.ts';

export const QUERY_ROUTES: DataRoute[] = [
  { path: /^\/query(\/.*)?$/, handle: (org, c) => restQuery(org, c.res, c.version, c.rest, c.url) },
];

export function parseSoql(soql: string): { object: string; fields: string[] } | null {
  const m = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)/is.exec(soql);
  return m ? { object: m[2], fields: m[1].split(',').map((f) => f.trim()) } : null;
}

function restQuery(org: FakeOrg, res: ServerResponse, version: string, rest: string, url: URL): void {
  let object: string;
  let fields: string[];
  let offset = 0;
  if (rest === '/query') {
    const q = parseSoql(url.searchParams.get('q') ?? '');
    if (!q) return org.error(res, 400, 'MALFORMED_QUERY', 'unexpected token');
    ({ object, fields } = q);
    if (object === 'MatchingRule' && org.opts.matchingRules) return matchingRuleQuery(org, res, version);
  } else {
    // Our locator: 01g<base64 of {object, fields}>-<offset>, opaque to clients.
    const [token, off] = rest.slice('/query/'.length).split('-');
    ({ object, fields } = JSON.parse(Buffer.from(token.slice(3), 'base64url').toString()) as {
      object: string;
      fields: string[];
    });
    offset = Number(off);
  }
  const ds = org.opts.data?.[object];
  if (!ds) return org.error(res, 400, 'INVALID_TYPE', `sObject type '${object}' is not supported.`);
  const bad = fields.find((f) => !ds.fields.includes(f));
  if (bad) return org.error(res, 400, 'INVALID_FIELD', `No such column '${bad}' on entity '${object}'.`);
  const size = org.opts.restPageSize ?? 2000;
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
  org.json(res, 200, {
    totalSize: ds.count,
    done,
    ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${token}-${end}` }),
    records,
  });
}

/** MatchingRule query: every rule in the fake's state; each query counts down a rule's Activating reads. */
function matchingRuleQuery(org: FakeOrg, res: ServerResponse, version: string): void {
  const records = [...org.matchingRules].map(([k, r]) => {
    const [object, name] = k.split('.');
    const rec = {
      attributes: {
        type: 'MatchingRule',
        url: `/services/data/v${version}/sobjects/MatchingRule/${org.id('0JM')}`,
      },
      DeveloperName: name,
      SobjectType: object,
      RuleStatus: r.status,
    };
    if (r.status === 'Activating' && --r.readsLeft <= 0) r.status = 'Active';
    return rec;
  });
  org.json(res, 200, { totalSize: records.length, done: true, records });
}
