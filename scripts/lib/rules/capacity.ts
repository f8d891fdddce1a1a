// Capacity release (TA_Lead_Capacity): how lead updates move the reps' open-lead counts (Rep_Availability__c
// Open_Leads__c), which routing's capacity check reads.
import type { Rep } from './routing.ts';
import { isBlank, type SRecord } from './types.ts';

/** Lead statuses (lower case) that end a rep's work on a lead, besides any status starting "closed". */
export const RELEASING_STATUSES = new Set(['unqualified', 'disqualified', 'nurture', 'recycled']);

/**
 * The user whose capacity a lead takes, or null: its OwnerId when that is a user (Id prefix 005) and the lead is
 * open: IsConverted not true, Status (trimmed, lower case) neither starting with "closed" nor in
 * RELEASING_STATUSES, and not recycled to nurture (Recycled_Date__c set while Lifecycle_Stage__c is exactly
 * Subscriber or Lead).
 */
export function capacityHolder(lead: SRecord): string | null {
  const owner = lead.OwnerId === null || lead.OwnerId === undefined ? '' : String(lead.OwnerId);
  if (!owner.startsWith('005') || lead.IsConverted === true) return null;
  const status = isBlank(lead.Status) ? '' : String(lead.Status).trim().toLowerCase();
  if (status.startsWith('closed') || RELEASING_STATUSES.has(status)) return null;
  const stage = lead.Lifecycle_Stage__c;
  if (!isBlank(lead.Recycled_Date__c) && (stage === 'Subscriber' || stage === 'Lead')) return null;
  return owner;
}

export interface CapacityInput {
  changes: { before: SRecord; after: SRecord }[]; // each updated lead before and after the update
  reps?: Rep[]; // Rep_Availability__c rows (for openLeads)
}

export interface CapacityResult {
  deltas: Record<string, number>; // userId → change of open leads (non-zero only)
  openLeads: Record<string, number>; // userId (with an availability row) → open leads after, never below 0
}

/**
 * How lead updates move the reps' open-lead counts (the Lead after-update trigger, TA_Lead_Capacity): per lead,
 * when the holder before (capacityHolder) differs from the holder after, the old holder gets -1 and the new holder
 * +1; users whose total is 0 are left out. openLeads: each user with a row (open leads = the highest of their
 * rows) at max(0, open leads + delta); the org applies max(0, Open_Leads__c + delta) to each of the user's rows.
 */
export function releaseCapacity(input: CapacityInput): CapacityResult {
  const sums = new Map<string, number>();
  for (const { before, after } of input.changes) {
    const was = capacityHolder(before);
    const now = capacityHolder(after);
    if (was === now) continue;
    if (was !== null) sums.set(was, (sums.get(was) ?? 0) - 1);
    if (now !== null) sums.set(now, (sums.get(now) ?? 0) + 1);
  }
  const deltas: Record<string, number> = {};
  for (const [userId, d] of sums) if (d !== 0) deltas[userId] = d;
  const openLeads: Record<string, number> = {};
  for (const r of input.reps ?? [])
    openLeads[r.userId] = Math.max(openLeads[r.userId] ?? 0, r.openLeads ?? 0);
  for (const userId of Object.keys(openLeads))
    openLeads[userId] = Math.max(0, openLeads[userId] + (deltas[userId] ?? 0));
  return { deltas, openLeads };
}
