// Pair-level precision / recall / F1 of a clustering against known entities.
import { q, lit, type Db } from '../db.ts';
import { DEDUP_TRUTH_TABLE } from '../../snapshot/schema.ts';
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
  const truth = new Map<string, string>();
  for (const { Id } of await db.all<{ Id: string }>(`SELECT "Id" FROM ${q(object)}`)) truth.set(Id, Id);
  for (const t of await db.all<{ Id: string; entity_id: string }>(
    `SELECT "Id", entity_id FROM ${DEDUP_TRUTH_TABLE} WHERE object = ${lit(object)}`,
  ))
    truth.set(t.Id, t.entity_id);
  const predicted = new Map<string, string>();
  clusters.forEach((c, i) => c.memberIds.forEach((m) => predicted.set(m, `c${i}`)));
  return pairQuality(predicted, truth);
}
