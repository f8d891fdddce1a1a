// The dedup review as cluster cards (render/html.ts draws them): each cluster titled with the person or company
// its records are, the records side by side under field labels, the winning value per field from survivorship.
import type { FieldValue } from '../rules/types.ts';
import type { ClusterBlock } from './doc.ts';

/** The slice of a dedup result the review shows (reports/dedup/report.ts DedupResult has it). */
export interface ReviewInput {
  clusters: {
    survivorId: string;
    memberIds: string[];
    score: number;
    reasons: string[];
    winners: Record<string, { value: FieldValue; fromId: string | null }>;
  }[];
  fields: string[];
  values: Record<string, Record<string, FieldValue>>;
}

const text = (v: FieldValue | undefined): string => (v === null || v === undefined ? '' : String(v));

/** Who a cluster is: the winning full name (person), else the name or company (account, lead without a name). */
export function clusterLabel(winners: ReviewInput['clusters'][number]['winners']): string {
  const w = (f: string) => text(winners[f]?.value).trim();
  const person = [w('FirstName'), w('LastName')].filter(Boolean).join(' ');
  const name = person || w('Name') || w('given_name') + (w('surname') ? ` ${w('surname')}` : '');
  const company = w('Company');
  return [name.trim(), company && company !== name ? company : ''].filter(Boolean).join(', ') || '(no name)';
}

export function clusterBlock(
  r: ReviewInput,
  label: (field: string) => string = (f) => f,
  opts: { title?: string; limit?: number } = {},
): ClusterBlock {
  return {
    kind: 'clusters',
    title: opts.title,
    fields: r.fields.map(label),
    limit: opts.limit,
    clusters: r.clusters.map((c, i) => {
      // the survivor first, then the others in their order
      const ids = [c.survivorId, ...c.memberIds.filter((m) => m !== c.survivorId)];
      return {
        title: `C${i + 1} · ${clusterLabel(c.winners)}`,
        note: `${ids.length} records, score ${c.score.toFixed(2)}: ${c.reasons.join(', ')}`,
        records: ids.map((id) => ({
          id,
          survivor: id === c.survivorId,
          values: r.fields.map((f) => text(r.values[id]?.[f])),
        })),
        winners: r.fields.map((f) => ({
          value: text(c.winners[f]?.value),
          fromId: c.winners[f]?.fromId ?? null,
        })),
      };
    }),
  };
}
