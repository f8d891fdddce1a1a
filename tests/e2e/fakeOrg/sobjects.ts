// sObject resources and writes: the version root, GET /sobjects/<Object>/describe, GET /sobjects/User/<id>, and
// POST /composite (each subrequest answered as created or updated; the bodies are kept in org.compositeBodies).
import type { DataRoute } from './types.ts';

export const SOBJECT_ROUTES: DataRoute[] = [
  {
    path: /^\/?$/,
    handle: (org, { res, version }) =>
      org.json(res, 200, {
        sobjects: `/services/data/v${version}/sobjects`,
        query: `/services/data/v${version}/query`,
        jobs: `/services/data/v${version}/jobs`,
      }),
  },
  {
    path: /^\/sobjects\/(\w+)\/describe$/,
    handle: (org, { res }, m) => {
      const ds = org.opts.data?.[m[1]];
      if (!ds) return org.error(res, 404, 'NOT_FOUND', `The requested resource does not exist`);
      return org.json(res, 200, {
        name: m[1],
        fields: ds.fields.map((name) => ({ name, type: name === 'Id' ? 'id' : 'string', calculated: false })),
      });
    },
  },
  {
    path: /^\/sobjects\/User\/(\w+)$/,
    handle: (org, { res }, m) =>
      org.json(res, 200, { attributes: { type: 'User' }, Id: m[1], Username: 'admin@fake.example' }),
  },
  {
    method: 'POST',
    path: /^\/composite$/,
    handle: async (org, { req, res }) => {
      const body = JSON.parse(await org.body(req)) as {
        compositeRequest: Array<{ referenceId: string; method: string }>;
      };
      org.compositeBodies.push(body);
      return org.json(res, 200, {
        compositeResponse: body.compositeRequest.map((r) => ({
          body: r.method === 'POST' ? { id: org.id('a0X'), success: true, errors: [] } : null,
          httpHeaders: {},
          httpStatusCode: r.method === 'POST' ? 201 : 204,
          referenceId: r.referenceId,
        })),
      });
    },
  },
];
