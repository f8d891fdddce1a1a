// The config records in source against those in an org, field by field (`revops config diff`).
import type { RawRecord } from './types.ts';

const norm = (v: unknown): string => {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) && /^-?[\d.]+$/.test(v.trim()))
    return String(Number(v));
  return String(v);
};

export interface ConfigDiff {
  onlyInSource: string[];
  onlyInOrg: string[];
  changed: Array<{ record: string; field: string; source: string; org: string }>;
}

export function diffRecords(source: RawRecord[], org: RawRecord[]): ConfigDiff {
  const key = (r: RawRecord): string => `${r.type}.${r.name}`;
  const orgBy = new Map(org.map((r) => [key(r), r]));
  const srcBy = new Map(source.map((r) => [key(r), r]));
  const diff: ConfigDiff = { onlyInSource: [], onlyInOrg: [], changed: [] };
  for (const s of source) {
    const o = orgBy.get(key(s));
    if (!o) {
      diff.onlyInSource.push(key(s));
      continue;
    }
    for (const field of new Set([...Object.keys(s.values), ...Object.keys(o.values)])) {
      if (norm(s.values[field]) !== norm(o.values[field]))
        diff.changed.push({
          record: key(s),
          field,
          source: norm(s.values[field]),
          org: norm(o.values[field]),
        });
    }
  }
  for (const o of org) if (!srcBy.has(key(o))) diff.onlyInOrg.push(key(o));
  return diff;
}
