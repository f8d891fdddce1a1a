// The engine model's daily lead activity digest: one hourly run of LeadDigestJob over the model's users, leads,
// contacts and engagement events, with the rule rules/digest.ts (planDigests, the twin of LeadDigestService.plan).
// What the model keeps for it (the users' time zones, the digests each run sent, the local date each rep last got
// one, as Lead_Digest__c does) lives here, beside the shared state, so the rest of the model is untouched.
import { readDefaultRecord } from '../config/index.ts';
import { LEAD_DIGEST_SETTING } from '../config/schema/index.ts';
import {
  DIGEST_WINDOW_HOURS,
  isWebVisit,
  planDigests,
  type Digest,
  type DigestPerson,
  type DigestSetting,
} from '../rules/digest.ts';
import { traced, type EngineState } from './state.ts';
import { MS_PER_DAY, MS_PER_HOUR, parseInstant } from '../rules/types.ts';

/** A user's time zone when none is set: what Apex tests give new users (RevOpsTestData.userWith). */
export const DEFAULT_TIME_ZONE = 'America/New_York';

interface DigestModel {
  timeZones: Map<string, string>;
  lastSentOn: Map<string, string>;
  setting: DigestSetting;
}

const models = new WeakMap<EngineState, DigestModel>();

function modelOf(state: EngineState): DigestModel {
  let m = models.get(state);
  if (!m) {
    m = { timeZones: new Map(), lastSentOn: new Map(), setting: readDigestSetting(state.root) };
    models.set(state, m);
  }
  return m;
}

/**
 * Lead_Digest_Setting.Default of the tree (root: the force-app folder), validated as the config loader validates it
 * (off when missing). The scenario bundle carries it too, so the Apex replay runs with the same setting.
 */
export function readDigestSetting(root: string): DigestSetting {
  return readDefaultRecord<DigestSetting>(root, LEAD_DIGEST_SETTING, {
    active: false,
    sendHour: 0,
    signals: [],
    returnVisitDays: null,
    maxLeads: 1,
  });
}

/** User.TimeZoneSidKey of a model user. */
export function setUserTimeZone(state: EngineState, userId: string, timeZone: string): void {
  modelOf(state).timeZones.set(userId, timeZone);
}

/**
 * One hourly LeadDigestJob run at the model's now: the digests it sends (one per due rep with something to report),
 * recorded so a second run the same local day sends nothing.
 */
export function runLeadDigest(state: EngineState): Digest[] {
  const model = modelOf(state);
  const reps = [...state.users.values()]
    .filter((u) => u.active)
    .map((u) => ({
      id: u.id,
      timeZone: model.timeZones.get(u.id) ?? DEFAULT_TIME_ZONE,
      lastSentOn: model.lastSentOn.get(u.id) ?? null,
    }));
  const people: DigestPerson[] = [];
  for (const obj of ['Lead', 'Contact'] as const) {
    for (const r of state.records[obj].values()) {
      if (obj === 'Lead' && r.IsConverted === true) continue;
      people.push({
        id: r.Id,
        object: obj,
        name: [r.FirstName, r.LastName].filter((x) => x).join(' '),
        ownerId: String(r.OwnerId ?? ''),
        lastEngagementBefore: null, // the events below reach back further
      });
    }
  }
  const events = state.events.map((e) => ({
    id: e.id,
    personId: e.leadId ?? e.contactId ?? '',
    signal: e.signal,
    occurredAt: e.occurredAt,
  }));
  const plan = planDigests({ now: state.now, setting: model.setting, reps, people, events });
  // LeadDigestJob reads the window's other events of possible returners: the budget's conditional read (looked
  // for only when the run is traced)
  const returnDays = model.setting.returnVisitDays ?? 0;
  if (state.trace && returnDays > 0 && mayReturn(state, returnDays))
    traced(state, 'LeadDigestJob', 0)!.when = ['visits'];
  for (const d of plan.digests) model.lastSentOn.set(d.repId, d.localDate);
  return plan.digests;
}

/**
 * A web visit (WEB_VISIT_SIGNALS) in the window up to now that may be a return visit: its person's latest engagement
 * before the window is at least `returnVisitDays` before it. The Apex job then reads those people's other events.
 */
function mayReturn(state: EngineState, returnVisitDays: number): boolean {
  const now = parseInstant(state.now, 'now');
  const windowStart = now - DIGEST_WINDOW_HOURS * MS_PER_HOUR;
  const at = (e: { occurredAt: string }) => parseInstant(e.occurredAt, 'occurredAt');
  const person = (e: { leadId?: string | null; contactId?: string | null }) => e.leadId ?? e.contactId ?? '';
  const lastBefore = new Map<string, number>();
  for (const e of state.events) {
    const t = at(e);
    if (t <= windowStart && t > (lastBefore.get(person(e)) ?? -Infinity)) lastBefore.set(person(e), t);
  }
  return state.events.some((e) => {
    const t = at(e);
    const before = lastBefore.get(person(e));
    return (
      isWebVisit(e.signal) &&
      t > windowStart &&
      t <= now &&
      before !== undefined &&
      t - before >= returnVisitDays * MS_PER_DAY
    );
  });
}
