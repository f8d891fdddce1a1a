// Users, permission sets and Apex triggers on the loopback fake org, for the enrichment subscriber step of revops
// deploy: REST SOQL on User (by Username, case-insensitive as in SOQL), PermissionSet (by Name),
// PermissionSetAssignment (by AssigneeId and PermissionSet.Name) and ApexTrigger (by Name; a trigger also exists once
// a real deploy carried triggers/<Name>.trigger), and POST /sobjects/PermissionSetAssignment. Mounted on org.routes;
// every other call passes through.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeOrg } from './org.ts';

export interface FakeUser {
  id: string;
  username: string;
  active: boolean;
  /** Permission set API names assigned. */
  permissionSets: Set<string>;
}

const OBJECTS = new Set(['User', 'PermissionSet', 'PermissionSetAssignment', 'ApexTrigger']);

export class FakeUsers {
  readonly users: FakeUser[] = [];
  /** Permission sets in the org: Name -> Id. */
  readonly permissionSets = new Map<string, string>();
  readonly triggers = new Set<string>();
  /** Every SOQL query this resource answered. */
  readonly queries: string[] = [];
  /** Every PermissionSetAssignment created. */
  readonly assignments: Array<{ AssigneeId: string; PermissionSetId: string }> = [];

  constructor(readonly org: FakeOrg) {
    org.routes.push((req, res, path, url) => this.route(req, res, path, url));
  }

  addUser(username: string, opts: { active?: boolean; permissionSets?: string[] } = {}): FakeUser {
    const u: FakeUser = {
      id: this.org.id('005'),
      username,
      active: opts.active ?? true,
      permissionSets: new Set(opts.permissionSets ?? []),
    };
    this.users.push(u);
    return u;
  }

  addPermissionSet(name: string): void {
    this.permissionSets.set(name, this.org.id('0PS'));
  }

  private hasTrigger(name: string): boolean {
    return this.triggers.has(name) || this.org.deployedFiles.has(`triggers/${name}.trigger`);
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<boolean> {
    if (req.method === 'GET' && /^\/services\/data\/v[\d.]+\/query$/.test(path)) {
      const soql = url.searchParams.get('q') ?? '';
      const object = /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? '';
      if (!OBJECTS.has(object)) return false;
      this.queries.push(soql);
      const where = new Map(
        [...soql.matchAll(/([\w.]+)\s*=\s*'((?:[^'\\]|\\.)*)'/g)].map((m) => [
          m[1],
          m[2].replace(/\\(.)/g, '$1'),
        ]),
      );
      const records = this.select(object, where);
      this.org.json(res, 200, {
        totalSize: records.length,
        done: true,
        records: records.map((r) => ({ attributes: { type: object }, ...r })),
      });
      return true;
    }
    if (
      req.method === 'POST' &&
      /^\/services\/data\/v[\d.]+\/sobjects\/PermissionSetAssignment$/.test(path)
    ) {
      const body = JSON.parse(await this.org.body(req)) as { AssigneeId: string; PermissionSetId: string };
      const user = this.users.find((u) => u.id === body.AssigneeId);
      const name = [...this.permissionSets].find(([, id]) => id === body.PermissionSetId)?.[0];
      if (!user || !name) {
        this.org.error(res, 400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
        return true;
      }
      if (user.permissionSets.has(name)) {
        this.org.error(res, 400, 'DUPLICATE_VALUE', 'Duplicate PermissionSetAssignment');
        return true;
      }
      user.permissionSets.add(name);
      this.assignments.push(body);
      this.org.json(res, 201, { id: this.org.id('0Pa'), success: true, errors: [] });
      return true;
    }
    return false;
  }

  private select(object: string, where: Map<string, string>): Array<Record<string, unknown>> {
    const eq = (a: string, b: string | undefined): boolean => a.toLowerCase() === (b ?? '').toLowerCase();
    switch (object) {
      case 'User':
        return this.users
          .filter((u) => eq(u.username, where.get('Username')))
          .map((u) => ({ Id: u.id, Username: u.username, IsActive: u.active }));
      case 'PermissionSet':
        return [...this.permissionSets]
          .filter(([name]) => name === where.get('Name'))
          .map(([, id]) => ({ Id: id }));
      case 'PermissionSetAssignment':
        return this.users
          .filter(
            (u) =>
              u.id === where.get('AssigneeId') && u.permissionSets.has(where.get('PermissionSet.Name') ?? ''),
          )
          .map((u) => ({ Id: `0Pa${u.id.slice(3)}` }));
      default:
        return this.hasTrigger(where.get('Name') ?? '') ? [{ Id: this.org.id('01q') }] : [];
    }
  }
}
