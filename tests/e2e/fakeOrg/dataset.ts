// Synthetic datasets for the fake's query endpoints.
import type { Dataset } from './types.ts';

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
