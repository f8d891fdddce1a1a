// Go-to-market profiles: what `revops config init` changes in the config records for a motion, ACV and cycle.
import type { RawRecord, RawValue } from './types.ts';

export type Motion = 'plg' | 'sales-led' | 'hybrid';
export interface Profile {
  motion: Motion;
  acv: number;
  cycleDays: number;
}

/** The go-to-market defaults per motion (ACV, cycle, MQL thresholds, SLA hours, stale multiplier, point factors). */
export const GTM_DEFAULTS: Record<
  Motion,
  {
    acv: number;
    cycleDays: number;
    fit: number;
    engagement: number;
    contactHours: number;
    stale: number;
    usage: number;
    demo: number;
  }
> = {
  plg: {
    acv: 5_000,
    cycleDays: 14,
    fit: 30,
    engagement: 45,
    contactHours: 24,
    stale: 1.5,
    usage: 2,
    demo: 0.75,
  },
  hybrid: {
    acv: 25_000,
    cycleDays: 45,
    fit: 40,
    engagement: 30,
    contactHours: 4,
    stale: 2,
    usage: 1,
    demo: 1,
  },
  'sales-led': {
    acv: 80_000,
    cycleDays: 90,
    fit: 50,
    engagement: 20,
    contactHours: 2,
    stale: 2.5,
    usage: 0.5,
    demo: 1.5,
  },
};

export interface ValueChange {
  record: string;
  field: string;
  from: RawValue;
  to: RawValue;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The records a go-to-market profile changes, and how (documented in docs/cli.md):
 * MQL thresholds, product-usage and demo-request points, engagement half-lives scaled by cycle length / 45 days,
 * SLA contact window from motion and ACV, qualify window from the cycle length, stale multipliers.
 */
export function applyProfile(
  records: RawRecord[],
  p: Profile,
): { records: RawRecord[]; changes: ValueChange[] } {
  const d = GTM_DEFAULTS[p.motion];
  const changes: ValueChange[] = [];
  const out = records.map((r) => {
    const values = { ...r.values };
    const set = (field: string, to: RawValue): void => {
      if (!(field in values) || values[field] === to) return;
      changes.push({ record: `${r.type}.${r.name}`, field, from: values[field], to });
      values[field] = to;
    };
    const num = (field: string): number | null =>
      typeof values[field] === 'number' ? (values[field] as number) : null;
    if (r.type === 'Scoring_Setting') {
      set('MQL_Fit_Threshold__c', d.fit + (p.acv >= 50_000 ? 5 : 0));
      set('MQL_Engagement_Threshold__c', d.engagement);
    }
    if (r.type === 'Scoring_Rule' && values.Model__c === 'Engagement') {
      const points = num('Points__c');
      const factor =
        values.Signal__c === 'Product Usage' ? d.usage : values.Signal__c === 'Demo Request' ? d.demo : 1;
      if (points !== null && factor !== 1) {
        const next = Math.min(100, Math.round(points * factor));
        set('Points__c', next);
        const cap = num('Max_Points__c');
        if (cap !== null && cap < next) set('Max_Points__c', next); // a rule's cap is never below its own points
      }
      // decay follows the buying cycle: half-lives scale with cycle length against a 45-day reference
      const halfLife = num('Half_Life_Days__c');
      if (halfLife !== null)
        set('Half_Life_Days__c', clamp(Math.round((halfLife * p.cycleDays) / 45), 3, 180));
    }
    if (r.type === 'SLA_Policy') {
      set('Contact_Within_Hours__c', p.acv >= 50_000 ? Math.min(d.contactHours, 1) : d.contactHours);
      set('Qualify_Within_Hours__c', clamp(Math.round(p.cycleDays * 2), 8, 160));
    }
    if (r.type === 'Stage_Policy' && values.Is_Closed__c !== true) set('Stale_Multiplier__c', d.stale);
    return { ...r, values };
  });
  return { records: out, changes };
}

/** True for a motion this module knows. */
export const isMotion = (v: string | undefined): v is Motion => v !== undefined && v in GTM_DEFAULTS;
