// BookingRouter ("which rep should this booking go to", the "Route a booking" action and GET/POST
// /revops/scheduling/v1/route): a booking becomes an unsaved probe lead and goes through lead routing itself, the same
// rules, pools, pointers, capacity and PTO (RoutingTriggerService.decide with countCapacity false). It takes a
// round-robin turn (the pool's pointer moves) but no open-lead count, so meetings and leads share one rotation.
// Not modelled: a known person owned by an active user (BookingRouter answers that owner without a turn), and the
// Routing_Decision__c the org logs for each booking (it names no record, so no scenario expectation can read it).
import { RuleInputError } from '../rules/types.ts';
import type { EngineState } from './state.ts';
import { applyRouting } from './triggers.ts';

/** BookingRouter.FIELDS: the Lead fields a booking may carry (the fields routing criteria read). */
export const BOOKING_FIELDS = [
  'Email',
  'Company',
  'Country',
  'State',
  'NumberOfEmployees',
  'AnnualRevenue',
  'Industry',
  'Website',
  'LeadSource',
  'Title',
  'Preferred_Language__c',
] as const;

/** BookingRouter.Answer, as far as scenarios compare it. */
export interface BookingAnswer {
  /** The rep (a user Id); null when the rules gave a queue (every rep full or away). */
  userId: string | null;
  rule: string | null;
}

/** Routes one booking (field values by Lead field name); a field routing does not read is refused, as in Apex. */
export function routeBooking(state: EngineState, fields: Record<string, unknown>): BookingAnswer {
  const probe: Record<string, unknown> = { Id: 'booking' };
  for (const [field, raw] of Object.entries(fields)) {
    if (!(BOOKING_FIELDS as readonly string[]).includes(field))
      throw new RuleInputError(`booking field "${field}" is not routed on; use ${BOOKING_FIELDS.join(', ')}`);
    let value = raw;
    if (
      value !== null &&
      value !== undefined &&
      (field === 'NumberOfEmployees' || field === 'AnnualRevenue')
    ) {
      const n = Number(String(value).trim());
      if (!Number.isFinite(n))
        throw new RuleInputError(`booking field ${field}: "${String(value)}" is not a number`);
      value = field === 'NumberOfEmployees' ? Math.trunc(n) : n;
    }
    if (value !== null && value !== undefined) probe[field] = value;
  }
  const decision = applyRouting(state, probe as Parameters<typeof applyRouting>[1], undefined, 'Lead', false);
  const owner = String(decision.ownerId);
  return { userId: owner.startsWith('queue:') ? null : owner, rule: decision.rule };
}
