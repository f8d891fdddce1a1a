// The merge REST resource (RevOpsMergeResource / RecordMerger) on the loopback fake org, with the same wire
// format and rules: records of one object held in memory, a merge snapshots every record first and stores
// "idempotencyKey/mergedId" on each snapshot (a retry with the key replays the first outcome), a restore
// re-creates the record from its snapshot (new Id, every createable field) and puts back the master's fields the
// merge set. Also the REST query by Id and the describe of that object, so the CLI can read the org's values
// right before a merge.
// Faults: lost responses (the call commits, then the connection drops without an answer), restores the org
// refuses (409, nothing changed), and a session revoked after N calls (401 for every request from then on).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeOrg } from './org.ts';

export type Value = string | number | boolean | null;
export type Rec = Record<string, Value>;

export interface FakeField {
  name: string;
  type: string;
  /** false for system fields (Id, CreatedDate, ...): a restore cannot set them. */
  createable: boolean;
}

interface Snapshot {
  id: string;
  key: string | null;
  mergedId: string;
  masterId: string;
  record: Rec;
  master: Rec;
  fieldsSet: Rec | null;
  restoredId?: string;
  restoreKey?: string | null;
}

export interface MergeFaults {
  /** Commit the next N merge calls, then drop the connection without an answer. */
  loseMergeResponses?: number;
  /** Commit the next N restore calls, then drop the connection without an answer. */
  loseRestoreResponses?: number;
  /** Refuse restores of these merged Ids with 409 (a validation rule), nothing changed, until removed. */
  refuseRestoreOf?: Set<string>;
  /** Revoke the session after this many more merge/restore calls: every later request gets 401. */
  revokeAfterCalls?: number;
}

const SYSTEM_FIELDS = new Set(['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'IsDeleted']);

export class FakeMergeResource {
  /** Live records by Id (merged records leave, restored copies arrive). */
  readonly records = new Map<string, Rec>();
  readonly snapshots: Snapshot[] = [];
  readonly faults: MergeFaults = {};
  /** Every merge/restore call as received, with the status answered (-1: dropped). */
  readonly calls: Array<{ path: string; body: Record<string, unknown>; status: number }> = [];
  readonly fields: FakeField[];
  private seq = 0;

  constructor(
    readonly org: FakeOrg,
    readonly object: string,
    fields: Array<Omit<FakeField, 'createable'> & { createable?: boolean }>,
    records: Rec[],
  ) {
    this.fields = fields.map((f) => ({ ...f, createable: f.createable ?? !SYSTEM_FIELDS.has(f.name) }));
    for (const r of records) this.records.set(String(r.Id), { ...r });
    org.routes.push((req, res, path, url) => this.route(req, res, path, url));
  }

  /** Merges, restores and snapshots are made of copies: callers may keep what they read. */
  record(id: string): Rec | undefined {
    const r = this.records.get(id);
    return r && { ...r };
  }

  private newId(prefix: string): string {
    return `${prefix}5e0000RST${String(++this.seq).padStart(4, '0')}AAA`.slice(0, 18);
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<boolean> {
    const data = /^\/services\/data\/v\d+\.\d(\/.*)$/.exec(path)?.[1];
    if (data === `/sobjects/${this.object}/describe`) {
      send(res, 200, { name: this.object, fields: this.fields });
      return true;
    }
    if (data === '/query') {
      const q = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)\s+WHERE\s+Id\s+IN\s*\(([^)]*)\)\s*$/is.exec(
        url.searchParams.get('q') ?? '',
      );
      if (!q || q[2] !== this.object) return false;
      const fields = q[1].split(',').map((f) => f.trim());
      const bad = fields.find((f) => !this.fields.some((d) => d.name === f));
      if (bad) {
        send(res, 400, [
          { message: `No such column '${bad}' on entity '${this.object}'.`, errorCode: 'INVALID_FIELD' },
        ]);
        return true;
      }
      const ids = [...q[3].matchAll(/'([^']*)'/g)].map((m) => m[1]);
      const records = ids
        .map((id) => this.records.get(id))
        .filter((r): r is Rec => !!r)
        .map((r) => ({
          attributes: { type: this.object },
          ...Object.fromEntries(fields.map((f) => [f, r[f] ?? null])),
        }));
      send(res, 200, { totalSize: records.length, done: true, records });
      return true;
    }
    if (path !== '/services/apexrest/revops/merge' && path !== '/services/apexrest/revops/merge/restore')
      return false;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const restore = path.endsWith('/restore');
    const call = { path: path.slice('/services/apexrest'.length), body, status: 0 };
    this.calls.push(call);
    const [status, answer] = restore ? this.restore(body) : this.merge(body);
    call.status = status;
    if (this.faults.revokeAfterCalls !== undefined && --this.faults.revokeAfterCalls <= 0) {
      this.faults.revokeAfterCalls = undefined;
      this.org.opts.accessToken = 'revoked-session';
    }
    const lose = restore ? 'loseRestoreResponses' : 'loseMergeResponses';
    if (status === 200 && (this.faults[lose] ?? 0) > 0) {
      this.faults[lose]!--;
      call.status = -1;
      res.socket?.destroy(); // committed, but the answer never arrives
      return true;
    }
    send(res, status, answer);
    return true;
  }

  /** POST /revops/merge, as RecordMerger.mergeRecords answers it. */
  private merge(b: Record<string, unknown>): [number, unknown] {
    const masterId = String(b.masterId ?? '');
    const dups = (b.duplicateIds as string[] | undefined) ?? [];
    const key = typeof b.idempotencyKey === 'string' ? b.idempotencyKey : null;
    if (b.object !== this.object)
      return bad(`"object" must be Lead, Contact or Account (got "${String(b.object)}").`);
    if (!masterId || dups.length < 1 || dups.length > 2)
      return bad(
        'Send "masterId" and 1 or 2 "duplicateIds" (the platform merges at most 3 records per call).',
      );
    if (b.dryRun !== false)
      return ok({
        objectName: this.object,
        dryRun: true,
        replayed: false,
        masterId,
        mergedIds: dups,
        snapshotIds: [],
        fieldsSet: {},
      });
    if (key) {
      const earlier = dups.map((d) => this.snapshots.find((s) => s.key === `${key}/${d}`));
      if (earlier.some((s) => s)) {
        if (earlier.some((s) => !s || s.masterId !== masterId))
          return bad(
            `Idempotency key "${key}" was used by another merge (other records); send a new key for a new merge.`,
          );
        return ok({
          objectName: this.object,
          dryRun: false,
          replayed: true,
          idempotencyKey: key,
          masterId,
          mergedIds: dups,
          snapshotIds: earlier.map((s) => s!.id),
          fieldsSet: earlier.find((s) => s!.fieldsSet)?.fieldsSet ?? {},
        });
      }
    }
    const missing = [masterId, ...dups].filter((id) => !this.records.has(id));
    if (missing.length)
      return bad(
        `No ${this.object} visible to you with Id ${missing.join(', ')}. Check the Ids and your sharing access.`,
      );
    const fieldsSet = (b.fields as Rec | undefined) ?? {};
    const master = this.records.get(masterId)!;
    const snapshotIds = dups.map((d, i) => {
      const s: Snapshot = {
        id: this.newId('a0M'),
        key: key && `${key}/${d}`,
        mergedId: d,
        masterId,
        record: { ...this.records.get(d)! },
        master: { ...master },
        fieldsSet: i === 0 && Object.keys(fieldsSet).length ? { ...fieldsSet } : null,
      };
      this.snapshots.push(s);
      this.records.delete(d);
      return s.id;
    });
    Object.assign(master, fieldsSet);
    return ok({
      objectName: this.object,
      dryRun: false,
      replayed: false,
      idempotencyKey: key,
      masterId,
      mergedIds: dups,
      snapshotIds,
      fieldsSet,
    });
  }

  /** POST /revops/merge/restore, as RecordMerger.restore answers it. */
  private restore(b: Record<string, unknown>): [number, unknown] {
    const mergedId = typeof b.mergedId === 'string' ? b.mergedId : null;
    const mergeKey = typeof b.mergeKey === 'string' ? b.mergeKey : null;
    const key = typeof b.idempotencyKey === 'string' ? b.idempotencyKey : null;
    const s = mergeKey
      ? this.snapshots.find((x) => x.key === `${mergeKey}/${mergedId}`)
      : this.snapshots.findLast((x) => x.id === b.snapshotId || x.mergedId === mergedId);
    if (!s)
      return bad(
        `No merge snapshot found for ${mergedId}${mergeKey ? ` in merge ${mergeKey} (that merge did not happen)` : ''}. List snapshots with SELECT Id, Merged_Record_Id__c FROM Merge_Snapshot__c.`,
      );
    const outcome = {
      snapshotId: s.id,
      objectName: this.object,
      originalId: s.mergedId,
      masterId: s.masterId,
    };
    if (s.restoredId) {
      if (key && s.restoreKey === key)
        return ok({
          ...outcome,
          replayed: true,
          idempotencyKey: key,
          restoredId: s.restoredId,
          masterFieldsRestored: Object.keys(s.fieldsSet ?? {}),
          masterNote: null,
        });
      return [
        409,
        {
          ok: false,
          error: `Snapshot ${s.id} was already restored as ${s.restoredId}; nothing to do.`,
          errorCode: 'ALREADY_RESTORED',
          statusCode: 'ALREADY_RESTORED',
          recordId: s.mergedId,
          snapshotId: s.id,
          restoredId: s.restoredId,
        },
      ];
    }
    if (this.faults.refuseRestoreOf?.has(s.mergedId))
      return [
        409,
        {
          ok: false,
          error: `Restore of ${s.mergedId} failed and nothing was changed: Email: invalid email address`,
          errorCode: 'INVALID_EMAIL_ADDRESS',
          statusCode: 'INVALID_EMAIL_ADDRESS',
          recordId: s.mergedId,
          fields: ['Email'],
        },
      ];
    const master = this.records.get(s.masterId);
    const masterFieldsRestored: string[] = [];
    let masterNote: string | null = null;
    if (s.fieldsSet && master)
      for (const f of Object.keys(s.fieldsSet)) {
        master[f] = s.master[f] ?? null;
        masterFieldsRestored.push(f);
      }
    else if (s.fieldsSet)
      masterNote = `Master ${s.masterId} no longer exists (merged or deleted since); its fields were not put back.`;
    const copy: Rec = { Id: this.newId(s.mergedId.slice(0, 3)) };
    for (const f of this.fields)
      if (f.createable) copy[f.name] = s.record[f.name] ?? null;
      else if (f.name !== 'Id') copy[f.name] = f.type === 'datetime' ? '2026-12-01T00:00:00.000+0000' : null;
    this.records.set(String(copy.Id), copy);
    s.restoredId = String(copy.Id);
    s.restoreKey = key;
    return ok({
      ...outcome,
      replayed: false,
      idempotencyKey: key,
      restoredId: s.restoredId,
      masterFieldsRestored,
      masterNote,
    });
  }
}

const ok = (outcome: Record<string, unknown>): [number, unknown] => [200, { ok: true, ...outcome }];
const bad = (error: string): [number, unknown] => [400, { ok: false, error, errorCode: 'INVALID_REQUEST' }];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
}
