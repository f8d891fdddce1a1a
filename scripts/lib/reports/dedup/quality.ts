// Pair-level precision / recall / F1 of a clustering against known entities.
import { q, lit, type Db } from '../db.ts';
import { DEDUP_TRUTH_TABLE } from '../../snapshot/schema.ts';
import { scopeWhere } from './source.ts';
export interface Quality {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

/** `predicted` and `truth` map record id -> cluster / entity id (records absent from `predicted` are singletons). */
export function pairQuality(predicted: Map<string, string>, truth: Map<string, string>): Quality {
  const pairsIn = (groups: Map<string, string[]>): number => {
    let n = 0;
    for (const g of groups.values()) n += (g.length * (g.length - 1)) / 2;
    return n;
  };
  const group = (m: Map<string, string>): Map<string, string[]> => {
    const g = new Map<string, string[]>();
    for (const [id, c] of m) {
      const l = g.get(c);
      if (l) l.push(id);
      else g.set(c, [id]);
    }
    return g;
  };
  const pred = group(predicted);
  const truePairs = pairsIn(group(truth));
  const predictedPairs = pairsIn(pred);
  let correctPairs = 0;
  for (const members of pred.values()) {
    const byEntity = new Map<string, number>();
    for (const id of members) {
      const e = truth.get(id);
      if (e !== undefined) byEntity.set(e, (byEntity.get(e) ?? 0) + 1);
    }
    for (const k of byEntity.values()) correctPairs += (k * (k - 1)) / 2;
  }
  const precision = predictedPairs ? correctPairs / predictedPairs : 1;
  const recall = truePairs ? correctPairs / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1 };
}

/**
 * Quality of a dedup result on a demo snapshot, against the planted duplicates in its _dedup_truth table (records
 * not in it are entities of their own).
 */
export async function demoQuality(
  db: Db,
  object: string,
  clusters: { memberIds: string[] }[],
): Promise<Quality> {
  // the records dedup compares (converted leads are out of scope, as in dedup and the Apex finder)
  const truth = new Map<string, string>();
  const where = await scopeWhere(db, object);
  for (const { Id } of await db.all<{ Id: string }>(`SELECT "Id" FROM ${q(object)} t ${where}`))
    truth.set(Id, Id);
  for (const t of await db.all<{ Id: string; entity_id: string }>(
    `SELECT "Id", entity_id FROM ${DEDUP_TRUTH_TABLE} WHERE object = ${lit(object)}`,
  ))
    if (truth.has(t.Id)) truth.set(t.Id, t.entity_id);
  const predicted = new Map<string, string>();
  clusters.forEach((c, i) => c.memberIds.forEach((m) => predicted.set(m, `c${i}`)));
  return pairQuality(predicted, truth);
}

/**
 * The clusters a reviewer ends with after accepting every review pair: the merge clusters joined by the review pairs
 * (union-find). `demoQuality` of these is the recall of "merged or sent to review": what no duplicate escapes.
 */
export function withReviewPairs(
  clusters: { memberIds: string[] }[],
  review: { ids: [string, string] }[],
): { memberIds: string[] }[] {
  const parent = new Map<string, string>();
  const root = (x: string): string => {
    let r = x;
    for (let up = parent.get(r); up !== undefined && up !== r; up = parent.get(r)) r = up;
    for (let y = x, next = parent.get(y); y !== r && next !== undefined; y = next, next = parent.get(y))
      parent.set(y, r);
    return r;
  };
  const join = (a: string, b: string) => {
    const ra = root(a);
    const rb = root(b);
    parent.set(rb, rb);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const c of clusters) for (const m of c.memberIds) join(c.memberIds[0], m);
  for (const p of review) join(p.ids[0], p.ids[1]);
  const groups = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const r = root(id);
    const g = groups.get(r);
    if (g) g.push(id);
    else groups.set(r, [id]);
  }
  return [...groups.values()].map((memberIds) => ({ memberIds }));
}
