// Routing again, after insert: whether a record's owner counts as "unassigned" at a moment that routes (a lead that
// becomes an MQL, a dormant lead that returns with high intent), so the record goes through the routing rules
// again. The moment's SLA_Policy__mdt says who else counts: "MQL to SQL" at MQL, "Re-engagement" at re-engagement.
// Twin of RoutingReroute.ownerUnassigned (Apex).
import { MS_PER_DAY, parseInstant } from './types.ts';

export type RerouteReason = 'queue' | 'inactive' | 'listed' | 'away';

export interface RerouteInput {
  owner: {
    id: string; // OwnerId
    username?: string | null; // the owner's Username, when a user
    isQueue: boolean; // a queue owns the record
    active: boolean; // User.IsActive (ignored for a queue)
    /** The latest Out_Of_Office_Until__c of the owner's Rep_Availability__c rows (null: none, or no row). */
    outOfOfficeUntil?: string | null;
  };
  /** The moment's SLA policy (null: none active; queues and inactive owners still count). */
  policy: {
    name?: string;
    rerouteOwners?: string[] | null; // Reroute_Owners__c: user Ids or usernames (marketing, integration, nurture)
    rerouteAwayDays?: number | null; // Reroute_Away_Days__c: out of office more than this many days from now
  } | null;
  now: string;
}

export interface RerouteResult {
  unassigned: boolean;
  reason: RerouteReason | null;
}

/**
 * Whether the owner counts as unassigned, first reason that holds: 'queue' (a queue owns it), 'inactive' (the user is
 * deactivated), 'listed' (the user's Id or username is in Reroute_Owners__c, case-insensitive), 'away' (out of office
 * until more than Reroute_Away_Days__c days after now; blank or 0: never). Otherwise the owner keeps the record.
 */
export function ownerUnassigned(input: RerouteInput): RerouteResult {
  const now = parseInstant(input.now, 'now');
  const { owner, policy } = input;
  const yes = (reason: RerouteReason): RerouteResult => ({ unassigned: true, reason });
  if (owner.isQueue) return yes('queue');
  if (!owner.active) return yes('inactive');
  const listed = new Set((policy?.rerouteOwners ?? []).map((u) => u.trim().toLowerCase()).filter(Boolean));
  if (listed.has(owner.id.toLowerCase()) || (owner.username && listed.has(owner.username.toLowerCase())))
    return yes('listed');
  const days = policy?.rerouteAwayDays ?? 0;
  if (days > 0 && owner.outOfOfficeUntil) {
    const until = parseInstant(owner.outOfOfficeUntil, 'owner.outOfOfficeUntil');
    if (until > now + days * MS_PER_DAY) return yes('away');
  }
  return { unassigned: false, reason: null };
}
