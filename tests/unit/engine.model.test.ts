// The engine model itself: what a scenario relies on it to do the way the org does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../scripts/lib/engine/engine.ts';
import { SaveError } from '../../scripts/lib/engine/state.ts';
import { validate } from '../scenarios/validation.ts';

const root = join(import.meta.dirname, '..', '..', 'force-app');
/** An engine that runs the tree's validation rules, as scenario replays do. */
const engine = () =>
  new Engine({ root, now: '2026-03-02T14:00:00Z', validate: (o, r, old) => validate(root, o, r, old) });
const LEAD = {
  LastName: 'Okafor',
  Company: 'Acme Robotics',
  Email: 'ada@acme-robotics.com',
  Title: 'VP Sales',
  NumberOfEmployees: 500,
  Industry: 'Technology',
  Country: 'US',
};

describe('the engine model', () => {
  it('lets time run forwards only', () => {
    const e = engine();
    e.setNow('2026-03-03T14:00:00Z');
    expect(() => e.setNow('2026-03-02T15:00:00Z')).toThrow(/forwards only/);
  });

  it('refuses a rep availability row the org would refuse, with the validation rule message', () => {
    const e = engine();
    expect(() => e.addRep({ userId: '005a', pool: 'NA_SDR', weight: 0 })).toThrow(
      /Weight \(Weight__c\) must be greater than 0/,
    );
    expect(e.state.reps).toEqual([]);
  });

  it('refuses an update of a converted lead as the org does (CANNOT_UPDATE_CONVERTED_LEAD)', () => {
    const e = engine();
    const lead = e.insertLead(LEAD);
    const { contactId } = e.convert(lead.Id, { createOpportunity: false });
    expect(() => e.update('Lead', lead.Id, { Title: 'CEO' })).toThrow(SaveError);
    // an engagement event for the converted lead scores its contact instead
    e.engagement(lead.Id, 'Demo Request');
    expect(e.get(contactId)?.Engagement_Score__c).toBe(30);
  });

  it('gives no escalation task when a queue owns the breached lead and the escalation queue is missing', () => {
    // SlaMonitorJob.assignQueue: without the queue in the org, the owner is told, unless the owner is a queue
    const e = engine(); // no reps: the lead goes to the fallback queue, which is also the escalation queue
    const lead = e.insertLead(LEAD);
    e.setNow('2026-03-02T15:00:00Z');
    e.engagement(lead.Id, 'Demo Request');
    expect(e.get(lead.Id)?.OwnerId).toBe('queue:Lead_Fallback');
    e.state.queues.delete('Lead_Fallback');
    e.setNow('2026-03-02T19:30:00Z');
    e.runSlaMonitor();
    expect(e.state.slaEvents.map((x) => [x.type, x.escalatedTo])).toEqual([
      ['Started', null],
      ['Breached', null],
      ['Escalated', null],
    ]);
    expect(e.state.tasks.filter((t) => t.subject.startsWith('SLA breached'))).toEqual([]);
  });

  it('keeps the stage of a refused save and logs no transition', () => {
    const e = engine();
    const lead = e.insertLead(LEAD);
    expect(() => e.update('Lead', lead.Id, { Lifecycle_Stage__c: 'MQL' })).toThrow(/MQL needs/);
    expect(e.get(lead.Id)?.Lifecycle_Stage__c).toBe('Lead');
    expect(e.state.transitions).toEqual([]);
  });
});
