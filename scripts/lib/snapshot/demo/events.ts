// A lead's engagement events as the org keeps them: held while the lead's run plays out, then written with the
// links a conversion gives them (LeadConversionService, from the engine's install on):
// - at the conversion (TA_Lead_Convert, afterConvert): the lead's scoring events, those of a scored signal inside
//   its horizon at that instant, the most recent first and at most MAX_EVENTS_PER_RECORD, are linked to the
//   converted contact (Contact__c set; Lead__c and Record_Id__c stay);
// - later events (TA_EngagementEvent_LinkConverted) belong to the contact: Contact__c the contact, Lead__c blank,
//   Record_Id__c the lead.
// The contact is scored with those events by the Contact scoring rules: at the conversion, then by each later event
// and the nightly decay job (contactScores). Holding the events changes no Id: nothing else writes engagement events
// while a lead plays.
import { MAX_EVENTS_PER_RECORD } from '../../rules/scoring.ts';
import type { LeadRun } from './arrivals.ts';
import type { Scores } from './rules.ts';
import { write, type DemoState, type Rec } from './state.ts';

/** Holds one of the playing lead's events (in time order, as its `at` and `signal` columns: DemoState.heldEvents). */
export function holdEvent(s: DemoState, rec: Rec): void {
  s.heldEvents.push(rec);
}

/**
 * Which of the playing lead's events are its converted contact's (positions, in time order): the ones the
 * conversion links, if the engine was there, and the ones saved after it from the install on.
 */
function contactEvents(s: DemoState, r: LeadRun, convertedAt: number): number[] {
  const held = s.heldEvents;
  const scoring = s.rules.scoring.signals ?? s.rules.scoring.full; // the one that coded r.signal
  const linksAtConversion = convertedAt >= s.installedAt;
  const found: number[] = [];
  let linked = 0;
  for (let k = held.length - 1; k >= 0; k--) {
    const at = r.at[k];
    if (at > convertedAt) {
      if (at < s.installedAt) break; // saved before the install: nothing links it (nor the older ones)
      found.push(k);
      continue;
    }
    if (!linksAtConversion) break;
    const horizon = scoring.horizonMs(r.signal[k]);
    if (linked < MAX_EVENTS_PER_RECORD && horizon !== undefined && convertedAt - at <= horizon) {
      found.push(k);
      linked++;
    }
  }
  return found.reverse();
}

/**
 * The converted contact's scores as the org holds them at the snapshot: the Contact scoring rules over its events
 * (the record carries the lead's fit at conversion in Lead_Fit_Score__c, as LeadConvertSettings maps it), scored
 * by the nightly decay job up to the snapshot when it has any, else at the conversion.
 */
export function contactScores(
  s: DemoState,
  r: LeadRun,
  convertedAt: number,
  contact: Rec,
  leadFit: number,
): Scores & { scoredAt: number } {
  const scoring = s.rules.contactScoring;
  const held = s.heldEvents;
  const at: number[] = [];
  const signal: number[] = [];
  for (const k of contactEvents(s, r, convertedAt)) {
    at.push(r.at[k]);
    signal.push(scoring.signalCode(held[k].Signal__c as string));
  }
  const scoredAt = at.length ? s.asOf : convertedAt;
  const t = scoring.score({ ...contact, Lead_Fit_Score__c: leadFit }, { at, signal }, 0, at.length, scoredAt);
  return { fit: t.fit, engagement: t.engagement, negative: t.negative, scoredAt };
}

/** Writes the playing lead's events, linked as its conversion (if any) links them. */
export function writeLeadEvents(s: DemoState, r: LeadRun): void {
  const held = s.heldEvents;
  const convertedAt = r.convertedAt;
  const contactId = (r.rec.ConvertedContactId as string | undefined) ?? null;
  if (convertedAt !== null && contactId !== null)
    for (const k of contactEvents(s, r, convertedAt)) {
      held[k].Contact__c = contactId;
      if (r.at[k] > convertedAt) held[k].Lead__c = null; // saved after the conversion: the contact's event
    }
  for (const rec of held) write(s, 'Engagement_Event__c', rec);
  held.length = 0;
}
