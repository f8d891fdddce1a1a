// A lead's engagement events as the org keeps them: held while the lead's run plays out, then written with the
// links a conversion gives them (LeadConversionService, from the engine's install on):
// - at the conversion (TA_Lead_Convert, afterConvert): the lead's scoring events, those of a scored signal inside
//   its horizon at that instant, the most recent first and at most MAX_EVENTS_PER_RECORD, are linked to the
//   converted contact (Contact__c set; Lead__c and Record_Id__c stay);
// - later events (TA_EngagementEvent_LinkConverted) belong to the contact: Contact__c the contact, Lead__c blank,
//   Record_Id__c the lead.
// Holding them changes no Id: nothing else writes engagement events while a lead plays.
import { MAX_EVENTS_PER_RECORD } from '../../rules/scoring.ts';
import type { LeadRun } from './arrivals.ts';
import { write, type DemoState, type Rec } from './state.ts';

/** The playing lead's events, in time order (as its `at` and `signal` columns). */
const held: Rec[] = [];

export function holdEvent(rec: Rec): void {
  held.push(rec);
}

/** Writes the playing lead's events, linked as its conversion (if any) links them. */
export function writeLeadEvents(s: DemoState, r: LeadRun): void {
  const convertedAt = r.convertedAt;
  const contactId = (r.rec.ConvertedContactId as string | undefined) ?? null;
  if (convertedAt !== null && contactId !== null) {
    const scoring = s.rules.scoring.signals ?? s.rules.scoring.full; // the one that coded r.signal
    const linksAtConversion = convertedAt >= s.installedAt;
    let linked = 0;
    for (let k = held.length - 1; k >= 0; k--) {
      const at = r.at[k];
      if (at > convertedAt) {
        if (at < s.installedAt) break; // saved before the install: nothing links it (nor the older ones)
        held[k].Lead__c = null; // saved after the conversion: the contact's event
        held[k].Contact__c = contactId;
        continue;
      }
      if (!linksAtConversion) break;
      const horizon = scoring.horizonMs(r.signal[k]);
      if (linked < MAX_EVENTS_PER_RECORD && horizon !== undefined && convertedAt - at <= horizon) {
        held[k].Contact__c = contactId;
        linked++;
      }
    }
  }
  for (const rec of held) write(s, 'Engagement_Event__c', rec);
  held.length = 0;
}
