// The merge step of dedup, the twin of DedupMergeService (classes/services/): survivorship, which record of a
// duplicate cluster survives by the rule's merge priority, and the winning value of each field. The match step that
// finds the clusters is match.ts.
import { RuleInputError, compareIds, isBlank, parseInstant, type FieldValue } from './types.ts';

export const MERGE_CRITERIA = ['system_of_record', 'most_recent_activity', 'oldest_created'] as const;

/** A record in a duplicate cluster, for survivorship. */
export interface SurvivorRecord {
  id: string;
  isSystemOfRecord?: boolean;
  lastActivityAt?: string | null;
  createdAt?: string | null;
  fields: Record<string, FieldValue>;
}

export interface SurvivorshipResult {
  survivorId: string;
  ranking: string[]; // record Ids, best first
  values: Record<string, { value: FieldValue; fromId: string | null }>;
}

/**
 * Survivorship: records are ranked by the Merge_Priority__c criteria in order (system_of_record: the
 * system-of-record first; most_recent_activity: latest activity first, none last; oldest_created: earliest
 * created first), the smaller Id breaking a full tie. The first record survives; for each field the
 * first non-blank value in that ranking wins (so the system of record wins, then the most recent activity).
 */
export function survivorship(records: SurvivorRecord[], mergePriority: string[]): SurvivorshipResult {
  if (records.length === 0) throw new RuleInputError('survivorship needs at least one record');
  for (const c of mergePriority) {
    if (!(MERGE_CRITERIA as readonly string[]).includes(c)) {
      throw new RuleInputError(
        `Merge_Priority__c criterion "${c}" is unknown; use: ${MERGE_CRITERIA.join(', ')}`,
      );
    }
  }
  // each record's instants parsed once, before the sort (only for clusters that need a ranking)
  const time = (v: string | null | undefined, id: string, what: string): number | null =>
    v ? parseInstant(v, `${id} ${what}`) : null;
  const many = records.length > 1;
  const byActivity = many && mergePriority.includes('most_recent_activity');
  const byCreated = many && mergePriority.includes('oldest_created');
  const keyed = records.map((r) => ({
    r,
    sor: r.isSystemOfRecord ? 1 : 0,
    activity: byActivity ? time(r.lastActivityAt, r.id, 'lastActivityAt') : null,
    created: byCreated ? time(r.createdAt, r.id, 'createdAt') : null,
  }));
  type Keyed = (typeof keyed)[number];
  const cmp = (a: Keyed, b: Keyed): number => {
    for (const c of mergePriority) {
      let d = 0;
      if (c === 'system_of_record') d = b.sor - a.sor;
      else if (c === 'most_recent_activity') {
        const x = a.activity;
        const y = b.activity;
        d = x === y ? 0 : x === null ? 1 : y === null ? -1 : y - x;
      } else {
        const x = a.created;
        const y = b.created;
        d = x === y ? 0 : x === null ? 1 : y === null ? -1 : x - y;
      }
      if (d !== 0) return d;
    }
    return compareIds(a.r.id, b.r.id);
  };
  const ranked = keyed.sort(cmp).map((k) => k.r);
  const fieldNames = new Set<string>();
  for (const r of records) for (const f in r.fields) fieldNames.add(f);
  const values: SurvivorshipResult['values'] = {};
  for (const f of [...fieldNames].sort()) {
    let winner: SurvivorRecord | undefined;
    for (const r of ranked) {
      if (!isBlank(r.fields[f])) {
        winner = r;
        break;
      }
    }
    values[f] = { value: winner ? winner.fields[f] : null, fromId: winner ? winner.id : null };
  }
  return { survivorId: ranked[0].id, ranking: ranked.map((r) => r.id), values };
}
