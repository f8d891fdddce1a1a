import { createElement } from 'lwc';
import RevopsSlaTimer from 'c/revopsSlaTimer';
import getSlaTimer from '@salesforce/apex/SlaTimerController.getSlaTimer';
import { refreshesOnSave } from '../../revopsRefresh/__tests__/refreshesOnSave';

const RUNNING = require('./data/getSlaTimer.json');
const MET = require('./data/getSlaTimerMet.json');
const EMPTY = require('./data/getSlaTimerEmpty.json');

jest.mock(
  '@salesforce/apex/SlaTimerController.getSlaTimer',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn().mockResolvedValue() }), { virtual: true });

// The lead became an MQL at 09:30 New York time on Tuesday 24 Nov 2026; contact is due at 13:30.
const TUESDAY_10_00_NY = Date.parse('2026-11-24T15:00:00Z');
const TUESDAY_12_45_NY = Date.parse('2026-11-24T17:45:00Z');
const TUESDAY_14_00_NY = Date.parse('2026-11-24T19:00:00Z');
const TUESDAY_20_00_NY = Date.parse('2026-11-25T01:00:00Z');

async function mountAt(now, data) {
  jest.setSystemTime(now);
  const element = createElement('c-revops-sla-timer', { is: RevopsSlaTimer });
  element.recordId = RUNNING.recordId;
  element.objectApiName = 'Lead';
  document.body.appendChild(element);
  if (data) {
    getSlaTimer.emit(data);
    await Promise.resolve();
  }
  return element;
}

function deadline(element, key) {
  const li = element.shadowRoot.querySelector(`[data-deadline="${key}"]`);
  return {
    status: li.querySelector('lightning-badge').label,
    countdown: li.querySelector('[data-id="countdown"]').textContent,
  };
}

// Loading, error and empty are c-revops-panel's states, in its shadow root; the panel's content is slotted into it.
const shell = (element) => element.shadowRoot.querySelector('c-revops-panel').shadowRoot;

describe('c-revops-sla-timer', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
    jest.useRealTimers();
  });

  it('shows a spinner until the SLA arrives', async () => {
    const element = await mountAt(TUESDAY_10_00_NY);
    const card = shell(element).querySelector('lightning-card');
    expect(card.title).toBe('SLA timer');
    expect(card.iconName).toBe('standard:service_contract');
    expect(shell(element).querySelector('lightning-spinner').alternativeText).toBe('Loading…');
    expect(element.shadowRoot.querySelector('[data-id="deadline"]')).toBeNull();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('counts down business time to both deadlines, On Track early in the window', async () => {
    const element = await mountAt(TUESDAY_10_00_NY, RUNNING);
    expect(deadline(element, 'contact')).toEqual({
      status: 'On Track',
      countdown: '3 h 30 min 00 s business time left',
    });
    // 48 business hours from 09:30 Tuesday skip Thanksgiving (Thursday) and the weekend.
    expect(deadline(element, 'qualify')).toEqual({
      status: 'On Track',
      countdown: '47 h 30 min 00 s business time left',
    });
    expect(element.shadowRoot.querySelector('[data-id="escalation"]')).toBeNull();
    // the due time names the user's zone, since the calendar line names the calendar's
    expect(
      element.shadowRoot.querySelector('[data-deadline="contact"] .slds-text-color_weak').textContent,
    ).toBe('Due Nov 24, 2026, 10:30 AM PST');
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('ticks every second on the client without calling Apex again', async () => {
    const element = await mountAt(TUESDAY_10_00_NY, RUNNING);
    const configBefore = getSlaTimer.getLastConfig();
    jest.advanceTimersByTime(2000);
    await Promise.resolve();
    expect(deadline(element, 'contact').countdown).toBe('3 h 29 min 58 s business time left');
    jest.advanceTimersByTime(60000);
    await Promise.resolve();
    expect(deadline(element, 'contact').countdown).toBe('3 h 28 min 58 s business time left');
    expect(getSlaTimer).not.toHaveBeenCalled();
    expect(getSlaTimer.getLastConfig()).toBe(configBefore);
  });

  it('turns At Risk once the warning share of the window has elapsed', async () => {
    const element = await mountAt(TUESDAY_12_45_NY, RUNNING);
    expect(deadline(element, 'contact')).toEqual({
      status: 'At Risk',
      countdown: '45 min 00 s business time left',
    });
  });

  it('turns Breached at the deadline and names the escalation target', async () => {
    const element = await mountAt(TUESDAY_14_00_NY, RUNNING);
    expect(deadline(element, 'contact')).toEqual({
      status: 'Breached',
      countdown: 'Overdue by 30 min 00 s business time',
    });
    expect(element.shadowRoot.querySelector('[data-id="escalation"]').textContent).toBe(
      'Escalated to Maria Lopez',
    );
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('stops counting outside business hours', async () => {
    const element = await mountAt(TUESDAY_20_00_NY, RUNNING);
    const before = deadline(element, 'qualify').countdown;
    jest.advanceTimersByTime(5000);
    await Promise.resolve();
    expect(deadline(element, 'qualify').countdown).toBe(before);
    // 7.5 of the 48 hours were used on Tuesday (09:30-17:00).
    expect(before).toBe('40 h 30 min 00 s business time left');
  });

  it('shows Met with the time of first touch and stops ticking', async () => {
    const element = await mountAt(TUESDAY_14_00_NY, MET);
    expect(deadline(element, 'contact')).toEqual({ status: 'Met', countdown: 'Met Nov 24, 2026, 8:10 AM' });
    expect(deadline(element, 'qualify').status).toBe('Met');
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });

  it('shows a first touch after the deadline as Breached, late by the business time, as the server records it', async () => {
    // contact was due 13:30 New York time; the rep called at 14:45
    const element = await mountAt(TUESDAY_20_00_NY, { ...RUNNING, firstTouchAt: '2026-11-24T19:45:00.000Z' });
    const contact = deadline(element, 'contact');
    expect(contact.status).toBe('Breached');
    expect(contact.countdown).toMatch(/^Met .+ · Overdue by 1 h 15 min 00 s business time$/);
    expect(element.shadowRoot.querySelector('[data-id="escalation"]').textContent).toBe(
      'Escalated to Maria Lopez',
    );
    // the contact deadline no longer runs; the qualify one does
    jest.advanceTimersByTime(5000);
    await Promise.resolve();
    expect(deadline(element, 'contact').countdown).toBe(contact.countdown);
    expect(jest.getTimerCount()).toBe(1);
  });

  it('counts qualifying or recycling without a logged touch as the contact, and stops ticking', async () => {
    // accepted at 12:00 New York time, before the 13:30 contact deadline, with no task logged
    const element = await mountAt(TUESDAY_14_00_NY, { ...RUNNING, qualifiedAt: '2026-11-24T17:00:00.000Z' });
    expect(deadline(element, 'contact').status).toBe('Met');
    expect(deadline(element, 'contact').countdown).toMatch(/^Met /);
    expect(deadline(element, 'qualify').status).toBe('Met');
    expect(element.shadowRoot.querySelector('[data-id="escalation"]')).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reads the deadlines again after the record is saved (Accept, Reject, an edit)', async () => {
    await mountAt(TUESDAY_10_00_NY, RUNNING);
    expect(await refreshesOnSave()).toEqual([0, 1]);
  });

  it('clears its timer when removed from the page', async () => {
    const element = await mountAt(TUESDAY_10_00_NY, RUNNING);
    expect(jest.getTimerCount()).toBe(1);
    document.body.removeChild(element);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('says no SLA is running when the record has no deadlines', async () => {
    const element = await mountAt(TUESDAY_10_00_NY, EMPTY);
    expect(shell(element).querySelector('[data-id="empty"]').textContent).toBe(
      'No SLA is running for this record.',
    );
    expect(element.shadowRoot.querySelector('[data-id="deadline"]')).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('shows the server message when the read fails', async () => {
    const element = await mountAt(TUESDAY_10_00_NY);
    getSlaTimer.error({ message: 'No active SLA policy: add an SLA_Policy__mdt record' });
    await Promise.resolve();
    const panel = shell(element).querySelector('c-revops-error-panel');
    expect(panel.shadowRoot.textContent).toContain('This panel could not load.');
    expect(panel.shadowRoot.textContent).toContain('No active SLA policy: add an SLA_Policy__mdt record');
    expect(element.shadowRoot.querySelector('[data-id="deadline"]')).toBeNull();
    jest.useRealTimers();
    await expect(element).toBeAccessible();
  });
});
