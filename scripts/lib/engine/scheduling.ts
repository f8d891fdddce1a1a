// Scheduling tools in, in the engine model: a Calendly, SavvyCal or Chili Piper webhook body after its signature
// check (SchedulingResource): SchedulingAdapters' parse into a booking change, then SchedulingService.apply on the
// Events (Booking_Id__c): book or reschedule saves or moves the Event (the Event trigger does the rest: first touch,
// MQL to SQL, the owner's alert), moved marks it Rescheduled, cancel marks it Canceled, noshow ticks No_Show__c
// (TA_Event_NoShow), noshow_undone (Calendly's invitee_no_show.deleted) clears it. A body applied to the Event before (its SHA-256 in Booking_Deliveries__c) changes nothing.
// A person no active user owns gets the rep booking routing picks (BookingRouter, booking.ts); none: the meeting is
// parked on Scheduling_Setting's fallback owner or left unassigned, and the queue is told (SchedulingService.park).
// Not modelled: a host matched to a user by e-mail or name (scenario users have neither).
import { createHash } from 'node:crypto';
import { readDefaultRecord } from '../config/index.ts';
import { SCHEDULING_SETTING } from '../config/schema/index.ts';
import { EngagementError } from '../rules/engagement.ts';
import { formatInstant, parseInstant } from '../rules/types.ts';
import { BOOKING_FIELDS, routeBooking } from './booking.ts';
import { deliver } from './handoffs.ts';
import { insertMeeting, updateMeeting } from './meetings.ts';
import { nextId, type EngineRecord, type EngineState, type MeetingRow } from './state.ts';
import { savePerson } from './triggers.ts';

export const SCHEDULING_PROVIDERS = ['calendly', 'savvycal', 'chilipiper'] as const;

/** SchedulingAdapters.Booking. */
export interface Booking {
  provider: string;
  type: string;
  action: 'book' | 'reschedule' | 'moved' | 'cancel' | 'noshow' | 'noshow_undone' | 'ignore';
  bookingId: string | null;
  previousBookingId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  startAt: string | null;
  endAt: string | null;
}

/** SchedulingService.Result, without the Ids a Site guest never gets. */
export interface SchedulingResult {
  outcome:
    'created' | 'updated' | 'duplicate' | 'ignored' | 'unmatched' | 'not_found' | 'parked' | 'unassigned';
  action: string;
  meetingId: string | null;
  /** The Lead/Contact the meeting is on (SchedulingService.Result.whoId). */
  personId: string | null;
  /** The booking created that Lead (Scheduling_Setting__mdt.Create_Lead__c). */
  leadCreated: boolean;
}

/** Scheduling_Setting__mdt "Default" as the rules read it. */
export interface SchedulingSetting {
  createLead: boolean;
  leadSource: string | null;
  fallbackOwner: string | null;
  alertQueue: string | null;
}

/**
 * Scheduling_Setting.Default of the tree (root: the force-app folder), validated as the config loader validates it;
 * missing: no lead is created, no fallback owner.
 */
export function readSchedulingSetting(root: string): SchedulingSetting {
  return readDefaultRecord<SchedulingSetting>(root, SCHEDULING_SETTING, {
    createLead: false,
    leadSource: null,
    fallbackOwner: null,
    alertQueue: null,
  });
}

const malformed = (message: string) => new EngagementError(400, 'MALFORMED_BODY', message);
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function text(v: unknown): string | null {
  const s = v === null || v === undefined ? '' : String(v).trim();
  return s ? s : null;
}
function required(m: Obj, key: string, field: string): string {
  const v = text(m[key]);
  if (v === null) throw malformed(`${field} is required.`);
  return v;
}
function obj(v: unknown, field: string): Obj {
  if (!isObj(v)) throw malformed(`${field} must be an object.`);
  return v;
}
function instant(v: unknown, field: string): string | null {
  if (v === null || v === undefined) return null;
  try {
    return formatInstant(parseInstant(String(v), field));
  } catch (e) {
    throw malformed((e as Error).message);
  }
}

/** SchedulingAdapters.parse: one request body of a provider. */
export function parseBooking(provider: string, body: string): Booking {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (e) {
    throw malformed(`The body is not a JSON object: ${(e as Error).message}`);
  }
  if (!isObj(root)) throw malformed('The body is not a JSON object.');
  const b: Booking = {
    provider,
    type: '',
    action: 'ignore',
    bookingId: null,
    previousBookingId: null,
    email: null,
    firstName: null,
    lastName: null,
    company: null,
    title: null,
    startAt: null,
    endAt: null,
  };
  if (provider === 'calendly') calendly(b, root);
  else if (provider === 'savvycal') savvyCal(b, root);
  else if (provider === 'chilipiper') chiliPiper(b, root);
  else throw new EngagementError(404, 'UNKNOWN_PROVIDER', `Unknown provider "${provider}".`);
  return b;
}

function calendly(b: Booking, root: Obj): void {
  b.type = required(root, 'event', 'event');
  const p = obj(root.payload, 'payload');
  if (b.type === 'invitee.created') {
    const old = typeof p.old_invitee === 'string' ? p.old_invitee : null;
    b.action = old ? 'reschedule' : 'book';
    b.previousBookingId = old ? `calendly:${old}` : null;
  } else if (b.type === 'invitee.canceled') {
    b.action = p.rescheduled === true ? 'moved' : 'cancel';
  } else if (b.type === 'invitee_no_show.created' || b.type === 'invitee_no_show.deleted') {
    b.action = b.type === 'invitee_no_show.created' ? 'noshow' : 'noshow_undone';
    const invitee = typeof p.invitee === 'string' ? p.invitee : null;
    b.bookingId = `calendly:${invitee ?? required(p, 'uri', 'payload.uri')}`;
    return;
  } else {
    b.action = 'ignore';
    return;
  }
  b.bookingId = `calendly:${required(p, 'uri', 'payload.uri')}`;
  b.email = required(p, 'email', 'payload.email');
  b.firstName = text(p.first_name);
  b.lastName = text(p.last_name) ?? text(p.name);
  b.company = companyAnswer(p.questions_and_answers);
  const ev = obj(p.scheduled_event, 'payload.scheduled_event');
  b.title = text(ev.name);
  b.startAt = instant(ev.start_time, 'payload.scheduled_event.start_time');
  b.endAt = instant(ev.end_time, 'payload.scheduled_event.end_time');
}

/** SchedulingAdapters.companyAnswer: the answer to a Calendly booking question about the company or organization. */
function companyAnswer(qas: unknown): string | null {
  if (!Array.isArray(qas)) return null;
  for (const qa of qas) {
    const question = isObj(qa) ? text(qa.question)?.toLowerCase() : undefined;
    if (isObj(qa) && question && (question.includes('company') || question.includes('organi')))
      return text(qa.answer);
  }
  return null;
}

function savvyCal(b: Booking, root: Obj): void {
  b.type = required(root, 'type', 'type');
  const actions: Record<string, Booking['action']> = {
    'event.created': 'book',
    'event.rescheduled': 'reschedule',
    'event.canceled': 'cancel',
  };
  b.action = actions[b.type] ?? 'ignore';
  if (b.action === 'ignore') return;
  const ev = obj(root.payload, 'payload');
  b.bookingId = `savvycal:${required(ev, 'id', 'payload.id')}`;
  b.title = text(ev.summary);
  b.startAt = instant(ev.start_at, 'payload.start_at');
  b.endAt = instant(ev.end_at, 'payload.end_at');
  const attendees = Array.isArray(ev.attendees) ? ev.attendees : [];
  const guest = attendees.find(
    (a): a is Obj => isObj(a) && a.is_organizer !== true && text(a.email) !== null,
  );
  if (!guest) throw malformed('payload.attendees has no attendee with an email other than the organizer.');
  b.email = text(guest.email);
  b.firstName = text(guest.first_name);
  b.lastName = text(guest.last_name) ?? text(guest.display_name);
}

function chiliPiper(b: Booking, root: Obj): void {
  const type = text(root.type) ?? text(root.actionType);
  if (type === null) throw malformed('type is required (Created, Updated, Deleted or Canceled).');
  b.type = type;
  const actions: Record<string, Booking['action']> = {
    created: 'book',
    updated: 'reschedule',
    deleted: 'cancel',
    canceled: 'cancel',
    cancelled: 'cancel',
    prospect_cancel: 'cancel',
  };
  b.action = actions[type.toLowerCase()] ?? 'ignore';
  if (b.action === 'ignore') return;
  b.bookingId = `chilipiper:${required(root, 'meetingIdChili', 'meetingIdChili')}`;
  if (b.action === 'cancel') return;
  b.email = required(root, 'primaryGuestEmail', 'primaryGuestEmail');
  b.lastName = text(root.primaryGuestName);
  b.title = text(root.title);
  b.startAt = instant(root.start, 'start');
  b.endAt = instant(root.end, 'end');
}

/**
 * Receives one signed body for `provider` as the Site guest user `guestId`; throws EngagementError for a body the
 * endpoint refuses with a 4xx (nothing is changed).
 */
export function receiveScheduling(
  state: EngineState,
  provider: string,
  body: string,
  guestId: string,
  setting: SchedulingSetting = readSchedulingSetting(state.root),
): SchedulingResult {
  const b = parseBooking(provider, body);
  const result: SchedulingResult = {
    outcome: 'ignored',
    action: b.action,
    meetingId: null,
    personId: null,
    leadCreated: false,
  };
  if (b.action === 'ignore') return result;
  const deliveryId = `${provider}:${createHash('sha256').update(body, 'utf8').digest('hex')}`;
  const existing =
    state.meetings.find((m) => m.bookingId === b.bookingId) ??
    state.meetings.find((m) => b.previousBookingId !== null && m.bookingId === b.previousBookingId) ??
    null;
  result.personId = existing?.whoId ?? null;
  if (existing?.deliveries.includes(deliveryId))
    return { ...result, outcome: 'duplicate', meetingId: existing.id };
  if (b.action === 'book' || b.action === 'reschedule') {
    requireTimes(b);
    if (existing) {
      updateMeeting(state, existing.id, {
        bookingId: b.bookingId,
        deliveries: [deliveryId, ...existing.deliveries],
        status: b.action === 'reschedule' ? 'Rescheduled' : 'Booked',
        start: b.startAt!,
        end: b.endAt!,
        subject: subjectOf(b),
        noShow: false,
      });
      return { ...result, outcome: 'updated', meetingId: existing.id };
    }
    return create(state, b, deliveryId, guestId, setting, result);
  }
  if (!existing) return { ...result, outcome: b.action === 'moved' ? 'ignored' : 'not_found' };
  const change: Partial<MeetingRow> = { deliveries: [deliveryId, ...existing.deliveries] };
  if (b.action === 'moved') change.status = 'Rescheduled';
  else if (b.action === 'cancel') {
    change.status = 'Canceled';
    change.subject = `Canceled: ${existing.subject.replace(/^Canceled: /, '')}`.slice(0, 255);
  } else if (b.action === 'noshow_undone') {
    change.status = existing.status === 'No Show' ? 'Booked' : existing.status;
    change.noShow = false;
  } else {
    change.status = 'No Show';
    change.noShow = true;
  }
  updateMeeting(state, existing.id, change);
  return { ...result, outcome: 'updated', meetingId: existing.id };
}

function requireTimes(b: Booking): void {
  if (!b.startAt || !b.endAt || parseInstant(b.endAt, 'end') < parseInstant(b.startAt, 'start')) {
    throw malformed(
      `The meeting needs a start and an end time, the end not before the start (got ${b.startAt} to ${b.endAt}).`,
    );
  }
}

/**
 * SchedulingService.create: the person by e-mail (a Contact first, then an unconverted Lead; none: a new Lead when the
 * setting creates them, through the Lead insert path), owned by their owner.
 */
function create(
  state: EngineState,
  b: Booking,
  deliveryId: string,
  guestId: string,
  setting: SchedulingSetting,
  result: SchedulingResult,
): SchedulingResult {
  let person = personOf(state, b.email ?? '');
  if (!person && !setting.createLead) return { ...result, outcome: 'unmatched' };
  if (!person) {
    person = newLead(state, b, setting);
    result.leadCreated = true;
  }
  result.personId = person.Id;
  const ownerId = String(person.OwnerId ?? '');
  const ownedByRep =
    ownerId !== '' && !ownerId.startsWith('queue:') && state.users.get(ownerId)?.active !== false;
  const owner = ownedByRep ? ownerId : routeBooking(state, bookingFieldsOf(state, person)).userId;
  if (owner) {
    const meeting = saveMeeting(state, b, person.Id, owner, deliveryId, guestId);
    return { ...result, outcome: 'created', meetingId: meeting.id };
  }
  return park(state, b, person, deliveryId, guestId, setting, result);
}

/** BookingRouter.fieldsOf: the person's fields booking routing reads (a Contact's from its mailing address). */
function bookingFieldsOf(state: EngineState, person: EngineRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const isContact = state.records.Contact.has(person.Id);
  for (const f of BOOKING_FIELDS) {
    const value =
      isContact && f === 'Country'
        ? person.MailingCountry
        : isContact && f === 'State'
          ? person.MailingState
          : person[f];
    if (value !== null && value !== undefined && (!isContact || ['Email', 'Country', 'State'].includes(f)))
      fields[f] = value;
  }
  return fields;
}

/**
 * SchedulingService.park: a new meeting no rep can take, answered 200 (never a 4xx the tool would retry into a
 * disabled webhook): saved for the fallback owner when that is an active user ("parked"; the engine's user id doubles
 * as the Username), else not saved ("unassigned"); the person's owning queue, Alert_Queue__c and the fallback owner
 * are told "Meeting needs a rep".
 */
function park(
  state: EngineState,
  b: Booking,
  person: EngineRecord,
  deliveryId: string,
  guestId: string,
  setting: SchedulingSetting,
  result: SchedulingResult,
): SchedulingResult {
  const fallback = setting.fallbackOwner ? state.users.get(setting.fallbackOwner.trim()) : undefined;
  let outcome: SchedulingResult['outcome'] = 'unassigned';
  if (fallback?.active) {
    result.meetingId = saveMeeting(state, b, person.Id, fallback.id, deliveryId, guestId).id;
    outcome = 'parked';
  }
  const ownerId = String(person.OwnerId ?? '');
  const recipients: { kind: 'User' | 'Queue'; id: string }[] = [];
  if (ownerId.startsWith('queue:')) recipients.push({ kind: 'Queue', id: ownerId });
  if (setting.alertQueue) recipients.push({ kind: 'Queue', id: setting.alertQueue.trim() });
  if (outcome === 'parked') recipients.push({ kind: 'User', id: fallback!.id });
  const name = `${String(person.FirstName ?? '')} ${String(person.LastName ?? '')}`.trim();
  deliver(
    state,
    recipients.map((recipient) => ({
      recordId: person.Id,
      isPerson: true,
      plan: { recipient, notification: true, email: false, task: false, taskDue: '', topSignals: [] },
      title: `Meeting needs a rep: ${name}`,
      taskSubject: '',
      priority: 'Normal',
      dueDate: null,
    })),
  );
  return { ...result, outcome };
}

/** The Event of a new booking (the Event trigger's after-insert actions run). */
function saveMeeting(
  state: EngineState,
  b: Booking,
  whoId: string,
  ownerId: string,
  deliveryId: string,
  guestId: string,
): MeetingRow {
  return insertMeeting(state, {
    whoId,
    ownerId,
    createdBy: guestId,
    subject: subjectOf(b),
    start: b.startAt!,
    end: b.endAt!,
    bookingId: b.bookingId,
    provider: b.provider,
    status: b.action === 'reschedule' ? 'Rescheduled' : 'Booked',
    deliveries: [deliveryId],
    noShow: false,
  });
}

/** SchedulingRecords.personOf: the Contact with the e-mail, else the unconverted Lead (case-insensitive). */
function personOf(state: EngineState, address: string): EngineRecord | undefined {
  const email = address.toLowerCase();
  const byEmail = (r: EngineRecord) => typeof r.Email === 'string' && r.Email.toLowerCase() === email;
  return (
    [...state.records.Contact.values()].find(byEmail) ??
    [...state.records.Lead.values()].find((r) => r.IsConverted !== true && byEmail(r))
  );
}

/** SchedulingService.newLead: the invitee as a Lead, saved through the Lead insert path (routed and scored). */
function newLead(state: EngineState, b: Booking, setting: SchedulingSetting): EngineRecord {
  const email = b.email ?? '';
  const at = email.indexOf('@');
  const fields: Record<string, unknown> = {
    LastName: (b.lastName ?? (at > 0 ? email.slice(0, at) : email)).slice(0, 80),
    Email: email,
    Company: (b.company ?? (at > 0 ? email.slice(at + 1) : email)).slice(0, 255),
    LeadSource: setting.leadSource,
  };
  if (b.firstName) fields.FirstName = b.firstName.slice(0, 40);
  return savePerson(state, 'Lead', nextId(state, 'L'), fields, true);
}

function subjectOf(b: Booking): string {
  return `Meeting: ${b.title ?? b.provider}`.slice(0, 255);
}
