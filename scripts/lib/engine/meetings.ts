// Activities in the engine model: tasks and meetings (Events) on a Lead/Contact and what their triggers do.
// TA_Task_FirstTouch and TA_Event_MeetingBooked (SlaService.recordFirstTouch): the owner's activity on an open,
// untouched clock is the first touch; MeetingService: an MQL with a meeting moves to Meeting_Advances_To__c and the
// owner is told when someone else booked it; TA_Event_NoShow: a meeting newly marked No_Show__c gives its owner a
// follow-up call task (due today) and a re-engagement e-mail task (due tomorrow) and counts on the person's
// No_Show_Count__c; taken back, its open no-show tasks are withdrawn and the count goes down. TA_Event_Enrich: a
// meeting that starts in the future asks for its person's enrichment before it (requestEnrichment).
import { formatInstant, parseInstant, MS_PER_DAY } from '../rules/types.ts';
import { requestEnrichment } from './enrichment.ts';
import { MQL_HANDOFF, activePolicy, deliver, insertEngineTasks, type Alert } from './handoffs.ts';
import { nextId, traced, type EngineState, type MeetingRow, type TaskRow } from './state.ts';
import { savePerson, type PersonObject } from './triggers.ts';

/** The object of a Lead/Contact id; throws for anything else. */
export function personObject(state: EngineState, personId: string): PersonObject {
  if (state.records.Lead.has(personId)) return 'Lead';
  if (state.records.Contact.has(personId)) return 'Contact';
  throw new Error(`no Lead or Contact ${personId}`);
}

/** SlaService.recordFirstTouch for one activity by `by` on a person, at the engine clock. */
export function recordFirstTouch(state: EngineState, personId: string, by: string): void {
  const obj = personObject(state, personId);
  const rec = state.records[obj].get(personId)!;
  // only the owner's touch on an open clock without a first touch counts
  if (rec.SLA_Clock__c !== 'Open' || rec.First_Touch_At__c || !rec.SLA_Contact_Due__c || !rec.MQL_Date__c)
    return;
  if (by !== rec.OwnerId || (obj === 'Lead' && rec.IsConverted === true)) return;
  const touchAt = state.now;
  const start = parseInstant(String(rec.MQL_Date__c), 'MQL_Date__c');
  if (parseInstant(touchAt, 'touch') < start) return;
  const due = parseInstant(String(rec.SLA_Contact_Due__c), 'due');
  const logged = firstTouchLog(parseInstant(touchAt, 'touch'), due, rec.SLA_Status__c);
  const change: Record<string, unknown> = {
    First_Touch_At__c: touchAt,
    Speed_To_Lead_Minutes__c: Math.floor((parseInstant(touchAt, 'touch') - start) / 60_000),
  };
  if (logged?.type === 'Breached') change.SLA_Status__c = 'Breached';
  savePerson(state, obj, personId, change, false);
  if (logged) {
    state.slaEvents.push({
      recordId: personId,
      type: logged.type,
      policy: activePolicy(state, MQL_HANDOFF)?.name ?? null, // the clock's, as its start and the monitor name it
      at: touchAt,
      escalatedTo: null,
      dueAt: formatInstant(due),
      breachedAt: logged.type === 'Breached' ? touchAt : null,
      metAt: logged.type === 'Met' ? touchAt : null,
    });
  }
}

/**
 * What SlaService.recordFirstTouch logs for the first touch (`touchAt`, epoch ms) of an open clock due `contactDue`
 * whose stored status is `stored`: Met in time (the status stays); late, Breached and the status Breached unless it
 * already is (then nothing). The event's Due_At__c is the contact due, its Met_At__c or Breached_At__c the touch.
 * Pure: the engine model and the demo generator (snapshot/demo/sla.ts) both use it.
 */
export function firstTouchLog(
  touchAt: number,
  contactDue: number,
  stored: unknown,
): { type: 'Met' | 'Breached' } | null {
  if (touchAt <= contactDue) return { type: 'Met' };
  return stored === 'Breached' ? null : { type: 'Breached' };
}

/** Tasks inserted through the Task trigger: each on a Lead/Contact is a touch by its owner (TA_Task_FirstTouch). */
export function insertTasks(state: EngineState, rows: Omit<TaskRow, 'id' | 'createdAt'>[]): void {
  traced(state, 'Task insert', rows.length);
  for (const row of rows) {
    state.tasks.push({ ...row, id: nextId(state, 'T'), createdAt: state.now });
    if (row.whoId) recordFirstTouch(state, row.whoId, row.ownerId);
  }
}

/** An Event is inserted: the Event trigger's after-insert actions (meeting booked, enrichment, then no-show). */
export function insertMeeting(state: EngineState, fields: Omit<MeetingRow, 'id'>): MeetingRow {
  personObject(state, fields.whoId);
  const meeting: MeetingRow = { ...fields, id: nextId(state, 'EV') };
  traced(state, 'Event insert');
  state.meetings.push(meeting);
  meetingBooked(state, meeting);
  if (parseInstant(meeting.start, 'StartDateTime') > parseInstant(state.now, 'now'))
    requestEnrichment(state, [meeting.whoId], 'meeting'); // TA_Event_Enrich
  if (meeting.noShow) {
    countNoShow(state, meeting.whoId, 1);
    noShowFollowUp(state, meeting);
  }
  return meeting;
}

/** An Event is updated: TA_Event_NoShow when No_Show__c became true (follow-up) or false (withdrawn). */
export function updateMeeting(state: EngineState, id: string, changes: Partial<MeetingRow>): MeetingRow {
  const meeting = state.meetings.find((m) => m.id === id);
  if (!meeting) throw new Error(`no Event ${id}`);
  traced(state, 'Event update');
  const before = { ...meeting };
  Object.assign(meeting, changes);
  if (!meeting.noShow && before.noShow) {
    withdrawNoShow(state, before);
    countNoShow(state, meeting.whoId, -1);
  }
  if (meeting.noShow && !before.noShow) {
    countNoShow(state, meeting.whoId, 1);
    noShowFollowUp(state, meeting);
  }
  return meeting;
}

/** MeetingService.meetingsBooked for one Event. */
function meetingBooked(state: EngineState, meeting: MeetingRow): void {
  recordFirstTouch(state, meeting.whoId, meeting.ownerId);
  const policy = activePolicy(state, MQL_HANDOFF);
  const advance = policy?.meetingAdvancesTo ?? null;
  if (!policy || (!advance && policy.sendNotification !== true)) return;
  const obj = personObject(state, meeting.whoId);
  const person = { ...state.records[obj].get(meeting.whoId)! }; // read once, before the stage moves
  if (obj === 'Lead' && person.IsConverted === true) return;
  if (advance && person.Lifecycle_Stage__c === 'MQL')
    savePerson(state, obj, meeting.whoId, { Lifecycle_Stage__c: advance }, false, { engineMove: true });
  const ownerId = String(person.OwnerId ?? '');
  if (policy.sendNotification !== true || !ownerId || meeting.createdBy === ownerId) return;
  const name = `${String(person.FirstName ?? '')} ${String(person.LastName ?? '')}`.trim();
  const alert: Alert = {
    recordId: meeting.whoId,
    isPerson: true,
    plan: {
      recipient: { kind: ownerId.startsWith('queue:') ? 'Queue' : 'User', id: ownerId },
      notification: true,
      email: false,
      task: false,
      taskDue: '',
      topSignals: [],
    },
    title: `Meeting booked: ${name}`,
    taskSubject: '',
    priority: 'Normal',
    dueDate: null,
  };
  deliver(state, [alert]);
}

/** The subjects of a meeting's no-show tasks: the call, then the re-engagement e-mail. */
function noShowSubjects(meeting: MeetingRow): [string, string] {
  const subject = meeting.subject || 'the meeting';
  const at = meeting.start ? ` (${formatInstant(parseInstant(meeting.start, 'StartDateTime'))})` : '';
  return [
    `No-show follow-up: call to rebook ${subject}${at}`.slice(0, 255),
    `Re-engagement e-mail after no-show: ${subject}`.slice(0, 255),
  ];
}

/** TA_Event_NoShow: the person's No_Show_Count__c +1 (marked) or -1 (taken back, never below 0). */
function countNoShow(state: EngineState, personId: string, delta: number): void {
  const obj = personObject(state, personId);
  const current = Number(state.records[obj].get(personId)?.No_Show_Count__c ?? 0);
  savePerson(state, obj, personId, { No_Show_Count__c: Math.max(0, current + delta) }, false);
}

/** TA_Event_NoShow taken back: the person's open tasks with the meeting's no-show subjects (as marked) are deleted. */
function withdrawNoShow(state: EngineState, before: MeetingRow): void {
  const subjects = new Set(noShowSubjects(before));
  state.tasks = state.tasks.filter((t) => !(t.whoId === before.whoId && subjects.has(t.subject)));
}

/** TA_Event_NoShow: the meeting owner's call task (today, GMT) and re-engagement e-mail task (tomorrow). */
function noShowFollowUp(state: EngineState, meeting: MeetingRow): void {
  const today = state.now.slice(0, 10);
  const tomorrow = formatInstant(parseInstant(`${today}T00:00:00Z`, 'today') + MS_PER_DAY).slice(0, 10);
  const [call, email] = noShowSubjects(meeting);
  const base = {
    whoId: meeting.whoId,
    whatId: null,
    ownerId: meeting.ownerId,
    priority: 'High',
    reminder: null,
  };
  insertEngineTasks(state, [
    {
      ...base,
      subject: call,
      due: today,
      subtype: 'Call',
    },
    {
      ...base,
      subject: email,
      due: tomorrow,
      subtype: 'Email',
    },
  ]);
}
