// The engine model's scheduling webhook (scripts/lib/engine/scheduling.ts, the twin of SchedulingAdapters and
// SchedulingService) for the providers and refusals the scenarios do not replay: SavvyCal's and Chili Piper's
// booking, reschedule and cancellation, Calendly's reschedule pair, replays, and malformed bodies.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../scripts/lib/engine/engine.ts';
import {
  parseBooking,
  readSchedulingSetting,
  receiveScheduling,
  type SchedulingSetting,
} from '../../scripts/lib/engine/scheduling.ts';
import { EngagementError } from '../../scripts/lib/rules/engagement.ts';

const root = join(import.meta.dirname, '..', '..', 'force-app');
const GUEST = '005guest';
/** Scheduling_Setting with Create_Lead__c off: an unknown invitee is unmatched. */
const OFF: SchedulingSetting = { createLead: false, leadSource: null, fallbackOwner: null, alertQueue: null };

/** An engine with one rep-owned lead (ann@acme.com) and one contact (kim@globex.com). */
function setUp() {
  const e = new Engine({ root, now: '2026-03-10T15:00:00Z' });
  e.addUser('005rep');
  const lead = e.insertLead({ LastName: 'Lee', Company: 'Acme', Email: 'ann@acme.com', OwnerId: '005rep' });
  e.update('Lead', lead.Id, { OwnerId: '005rep' });
  const contact = e.insertContact({ LastName: 'Kim', Email: 'kim@globex.com', OwnerId: '005rep' });
  return { e, lead: lead.Id, contact: contact.Id };
}

const savvy = (type: string, id: string, start: string) =>
  JSON.stringify({
    type,
    id,
    payload: {
      id: 'evt_42',
      summary: 'Intro',
      start_at: start,
      end_at: start.replace(':00:00Z', ':30:00Z'),
      organizer: { email: 'host@example.invalid', display_name: 'Host' },
      attendees: [
        { email: 'host@example.invalid', is_organizer: true },
        { email: 'Kim@Globex.com', first_name: 'Kim', is_organizer: false },
      ],
    },
  });

const chili = (type: string, start = '2026-03-12T14:00:00+00:00') =>
  JSON.stringify({
    type,
    meetingIdChili: 'm-1',
    title: 'Demo',
    start,
    end: start.replace('14:00:00', '14:45:00'),
    primaryGuestEmail: 'ann@acme.com',
    primaryGuestName: 'Ann Lee',
    assigneeName: 'Nobody Known',
  });

describe('the engine model of the scheduling webhook', () => {
  it('follows a SavvyCal event on the contact: created, rescheduled, canceled, and a replay changes nothing', () => {
    const { e, contact } = setUp();
    const created = savvy('event.created', 'p1', '2026-03-12T10:00:00Z');
    const outcomes = [
      created,
      savvy('event.rescheduled', 'p2', '2026-03-14T10:00:00Z'),
      savvy('event.canceled', 'p3', '2026-03-14T10:00:00Z'),
      created,
    ].map((body) => receiveScheduling(e.state, 'savvycal', body, GUEST).outcome);
    expect(outcomes).toEqual(['created', 'updated', 'updated', 'duplicate']);
    expect(e.state.meetings).toHaveLength(1);
    expect(e.state.meetings[0]).toMatchObject({
      whoId: contact,
      ownerId: '005rep',
      createdBy: GUEST,
      start: '2026-03-14T10:00:00Z',
      status: 'Canceled',
      subject: 'Canceled: Meeting: Intro',
      bookingId: 'savvycal:evt_42',
    });
  });

  it('follows a Chili Piper meeting on the lead, with its offset times in UTC, to a prospect_cancel', () => {
    const { e, lead } = setUp();
    expect(receiveScheduling(e.state, 'chilipiper', chili('Created'), GUEST).outcome).toBe('created');
    expect(
      receiveScheduling(e.state, 'chilipiper', chili('Updated', '2026-03-12T14:00:00+01:00'), GUEST).outcome,
    ).toBe('updated');
    expect(e.state.meetings[0]).toMatchObject({
      whoId: lead,
      start: '2026-03-12T13:00:00Z',
      status: 'Rescheduled',
    });
    const cancel = JSON.stringify({ actionType: 'prospect_cancel', meetingIdChili: 'm-1' });
    expect(receiveScheduling(e.state, 'chilipiper', cancel, GUEST).outcome).toBe('updated');
    expect(e.state.meetings[0].status).toBe('Canceled');
  });

  it("moves Calendly's reschedule pair onto one Event and marks a no-show with its follow-up tasks", () => {
    const { e } = setUp();
    const invitee = (event: string, uri: string, extra: Record<string, unknown>, day: number) =>
      JSON.stringify({
        event,
        payload: {
          email: 'ann@acme.com',
          name: 'Ann Lee',
          uri,
          ...extra,
          scheduled_event: {
            name: 'Discovery call',
            start_time: `2026-03-${day}T16:00:00.000000Z`,
            end_time: `2026-03-${day}T16:30:00.000000Z`,
          },
        },
      });
    const bodies = [
      invitee('invitee.created', 'INV1', { rescheduled: false, old_invitee: null }, 12),
      invitee('invitee.canceled', 'INV1', { rescheduled: true }, 12),
      invitee('invitee.created', 'INV2', { old_invitee: 'INV1' }, 13),
      JSON.stringify({ event: 'invitee_no_show.created', payload: { invitee: 'INV2', uri: 'NS1' } }),
    ];
    const outcomes = bodies.map((b) => receiveScheduling(e.state, 'calendly', b, GUEST).outcome);
    expect(outcomes).toEqual(['created', 'updated', 'updated', 'updated']);
    expect(e.state.meetings).toHaveLength(1);
    expect(e.state.meetings[0]).toMatchObject({
      bookingId: 'calendly:INV2',
      start: '2026-03-13T16:00:00Z',
      noShow: true,
      status: 'No Show',
    });
    expect(e.state.tasks.map((t) => [t.subject, t.due, t.subtype])).toEqual([
      [
        'No-show follow-up: call to rebook Meeting: Discovery call (2026-03-13T16:00:00Z)',
        '2026-03-10',
        'Call',
      ],
      ['Re-engagement e-mail after no-show: Meeting: Discovery call', '2026-03-11', 'Email'],
    ]);
  });

  it('cancels a Chili Piper meeting on its Canceled and Cancelled types as on Deleted', () => {
    for (const type of ['Canceled', 'Cancelled', 'Deleted']) {
      const { e } = setUp();
      receiveScheduling(e.state, 'chilipiper', chili('Created'), GUEST);
      expect(receiveScheduling(e.state, 'chilipiper', chili(type), GUEST).outcome, type).toBe('updated');
      expect(e.state.meetings[0].status, type).toBe('Canceled');
    }
  });

  it('takes a Calendly no-show back on invitee_no_show.deleted: un-marked, Booked, its no-show tasks withdrawn', () => {
    const { e, lead } = setUp();
    e.logTask(lead, '005rep');
    const booking = JSON.stringify({
      event: 'invitee.created',
      payload: {
        email: 'ann@acme.com',
        uri: 'INV1',
        scheduled_event: { start_time: '2026-03-09T16:00:00Z', end_time: '2026-03-09T16:30:00Z' },
      },
    });
    const noShow = (event: string) => JSON.stringify({ event, payload: { invitee: 'INV1', uri: 'NS1' } });
    const counts: unknown[] = [];
    const outcomes = [booking, noShow('invitee_no_show.created'), noShow('invitee_no_show.deleted')].map(
      (b) => {
        const outcome = receiveScheduling(e.state, 'calendly', b, GUEST).outcome;
        counts.push(e.state.records.Lead.get(lead)?.No_Show_Count__c);
        return outcome;
      },
    );
    expect(outcomes).toEqual(['created', 'updated', 'updated']);
    expect(counts, 'No_Show_Count__c after each').toEqual([undefined, 1, 0]);
    expect(e.state.meetings[0]).toMatchObject({ noShow: false, status: 'Booked' });
    expect(e.state.tasks.map((t) => t.subject)).toEqual([expect.not.stringMatching(/no-show/)]);
    expect(receiveScheduling(e.state, 'calendly', noShow('invitee_no_show.deleted'), GUEST).outcome).toBe(
      'duplicate',
    );
  });

  it('answers unmatched, not_found and ignored without saving anything', () => {
    const { e } = setUp();
    const stranger = chili('Created').replace('ann@acme.com', 'who@nowhere.example');
    expect(receiveScheduling(e.state, 'chilipiper', stranger, GUEST, OFF).outcome).toBe('unmatched');
    expect(e.state.records.Lead.size).toBe(1);
    expect(receiveScheduling(e.state, 'chilipiper', chili('Deleted'), GUEST).outcome).toBe('not_found');
    expect(
      receiveScheduling(
        e.state,
        'calendly',
        '{"event":"routing_form_submission.created","payload":{}}',
        GUEST,
      ).outcome,
    ).toBe('ignored');
    expect(e.state.meetings).toEqual([]);
  });

  it('creates a Lead for an unknown invitee (shipped Scheduling_Setting) and saves the meeting on it', () => {
    const e = new Engine({ root, now: '2026-03-10T15:00:00Z' });
    e.addUser('005rep');
    e.addRep({ userId: '005rep', pool: 'Global_SDR', capacity: 10 });
    expect(readSchedulingSetting(root)).toMatchObject({ createLead: true, leadSource: 'Meeting Booked' });
    const body = JSON.stringify({
      event: 'invitee.created',
      payload: {
        email: 'zoe@zeta.example',
        first_name: 'Zoe',
        last_name: 'Zhu',
        uri: 'INV9',
        questions_and_answers: [{ question: 'Your organization', answer: 'Zeta GmbH', position: 0 }],
        scheduled_event: { start_time: '2026-03-12T16:00:00Z', end_time: '2026-03-12T16:30:00Z' },
      },
    });
    const r = receiveScheduling(e.state, 'calendly', body, GUEST);
    expect(r).toMatchObject({ outcome: 'created', leadCreated: true });
    expect(e.state.records.Lead.get(r.personId!)).toMatchObject({
      FirstName: 'Zoe',
      LastName: 'Zhu',
      Company: 'Zeta GmbH',
      LeadSource: 'Meeting Booked',
      OwnerId: '005rep',
    });
    expect(e.state.meetings[0]).toMatchObject({ whoId: r.personId, ownerId: '005rep' });
    const noCompany = body.replace('Your organization', 'Anything else?').replace('INV9', 'INV10');
    const other = receiveScheduling(e.state, 'calendly', noCompany.replace('zoe@', 'max@'), GUEST);
    expect(e.state.records.Lead.get(other.personId!)?.Company).toBe('zeta.example');
  });

  it('answers a meeting no rep can take with 200: parked on the fallback owner, or unassigned, the queue told', () => {
    const setUpQueued = () => {
      const e = new Engine({ root, now: '2026-03-10T15:00:00Z' });
      e.addUser('005rep');
      e.addUser('fallback@example.com');
      const lead = e.insertLead({ LastName: 'Lee', Company: 'Acme', Email: 'ann@acme.com' });
      expect(lead.OwnerId).toBe('queue:Lead_Fallback'); // no rep in any pool
      return { e, lead: lead.Id };
    };
    const withFallback = { ...OFF, fallbackOwner: 'fallback@example.com', alertQueue: 'Customer_Success' };
    const parked = setUpQueued();
    const r = receiveScheduling(parked.e.state, 'chilipiper', chili('Created'), GUEST, withFallback);
    expect(r).toMatchObject({ outcome: 'parked', personId: parked.lead });
    expect(parked.e.state.meetings).toMatchObject([{ ownerId: 'fallback@example.com', whoId: parked.lead }]);
    expect(parked.e.state.notifications.map((n) => [n.to, n.title])).toEqual([
      ['queue:Lead_Fallback', 'Meeting booked: Lee'],
      ['queue:Lead_Fallback', 'Meeting needs a rep: Lee'],
      ['queue:Customer_Success', 'Meeting needs a rep: Lee'],
      ['fallback@example.com', 'Meeting needs a rep: Lee'],
    ]);
    const unassigned = setUpQueued();
    const u = receiveScheduling(unassigned.e.state, 'chilipiper', chili('Created'), GUEST, OFF);
    expect(u.outcome).toBe('unassigned');
    expect(unassigned.e.state.meetings).toEqual([]);
    expect(unassigned.e.state.notifications.map((n) => [n.to, n.title])).toEqual([
      ['queue:Lead_Fallback', 'Meeting needs a rep: Lee'],
    ]);
  });

  it('refuses malformed bodies as the endpoint does (400 MALFORMED_BODY naming the field)', () => {
    const bad: [string, string, RegExp][] = [
      ['calendly', '{"event": "invitee.created", ', /not a JSON object/],
      ['calendly', '{"event":"invitee.created","payload":{"uri":"u"}}', /payload\.email is required/],
      ['savvycal', '{"type":"event.created","id":"p"}', /payload must be an object/],
      ['chilipiper', '{"meetingIdChili":"m-1"}', /type is required/],
      ['chilipiper', chili('Created').replace('"ann@acme.com"', 'null'), /primaryGuestEmail is required/],
    ];
    for (const [provider, body, message] of bad) {
      let error: unknown = null;
      try {
        parseBooking(provider, body);
      } catch (e) {
        error = e;
      }
      expect(error, `${provider}: ${body}`).toBeInstanceOf(EngagementError);
      expect((error as EngagementError).message).toMatch(message);
    }
    const { e } = setUp();
    const endBeforeStart = chili('Created').replace('14:45:00', '13:45:00');
    expect(() => receiveScheduling(e.state, 'chilipiper', endBeforeStart, GUEST)).toThrow(/end not before/);
    expect(e.state.meetings).toEqual([]);
  });
});
