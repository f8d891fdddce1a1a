import { createElement } from 'lwc';
import RevopsRoutingTrace from 'c/revopsRoutingTrace';
import getRoutingTrace from '@salesforce/apex/RoutingTraceController.getRoutingTrace';

const ROUND_ROBIN = require('./data/getRoutingTrace.json');
const FALLBACK = require('./data/getRoutingTraceFallback.json');
const EMPTY = require('./data/getRoutingTraceEmpty.json');

jest.mock(
  '@salesforce/apex/RoutingTraceController.getRoutingTrace',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);

async function mount(data) {
  const element = createElement('c-revops-routing-trace', { is: RevopsRoutingTrace });
  element.recordId = ROUND_ROBIN.recordId;
  document.body.appendChild(element);
  if (data) {
    getRoutingTrace.emit(data);
    await Promise.resolve();
  }
  return element;
}

const text = (element, selector) => element.shadowRoot.querySelector(selector)?.textContent;
// Loading, error and empty are c-revops-panel's states, in its shadow root; the panel's content is slotted into it.
const shell = (element) => element.shadowRoot.querySelector('c-revops-panel').shadowRoot;

describe('c-revops-routing-trace', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('shows a spinner until the trace arrives', async () => {
    const element = await mount();
    const card = shell(element).querySelector('lightning-card');
    expect(card.title).toBe('Why did I get this lead?');
    expect(card.iconName).toBe('standard:assignment');
    expect(shell(element).querySelector('lightning-spinner').alternativeText).toBe('Loading…');
    expect(element.shadowRoot.querySelector('[data-id="headline"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('answers "why did I get this lead" with the rule, method and time', async () => {
    const element = await mount(ROUND_ROBIN);
    expect(text(element, '[data-id="headline"]')).toBe(
      'Assigned to Priya Shah by rule RR_Enterprise_NA (Round-Robin)',
    );
    expect(element.shadowRoot.querySelector('[data-id="fallback"]').label).toBe('No fallback needed');
    expect(text(element, '[data-id="decided-at"]')).toBe('Decided Nov 24, 2026, 6:31 AM');
    expect(text(element, '[data-id="pointer"]')).toBe(
      'Round-robin pool Enterprise_NA, weights before: Jordan Blake 0, Sam Carter 0, Priya Shah 1, Lee Wong -1; after: Jordan Blake 0, Sam Carter 0, Priya Shah -1, Lee Wong 1',
    );
    await expect(element).toBeAccessible();
  });

  it('lists the rules tried in order with why each did or did not match', async () => {
    const element = await mount(ROUND_ROBIN);
    const rules = [...element.shadowRoot.querySelectorAll('[data-id="rules-tried"] li')].map(
      (li) => li.textContent,
    );
    expect(rules).toEqual([
      'Named_Account: no match (no account with domain northwind.io)',
      'Territory_EMEA: no match (Country US not in DE;FR;GB)',
      'Skill_German: no match (Preferred_Language__c is English)',
      'RR_Enterprise_NA: matched (pool Enterprise_NA: 2 of 4 reps eligible, chose 0055e000001XyZ3AAK)',
    ]);
  });

  it('says why each rep was skipped and marks the chosen one', async () => {
    const element = await mount(ROUND_ROBIN);
    const rows = [...element.shadowRoot.querySelectorAll('[data-id="candidates"] tbody tr')];
    expect(rows.map((r) => [r.querySelector('th').textContent, r.querySelector('td').textContent])).toEqual([
      ['Jordan Blake', 'Skipped: out of office'],
      ['Sam Carter', 'Skipped: at capacity (open leads at the maximum)'],
      ['Priya Shah', 'Chosen'],
      ['Lee Wong', 'Eligible, not next in turn'],
    ]);
    expect(rows[2].className).toContain('slds-is-selected');
  });

  it('flags the fallback owner when every rep was skipped', async () => {
    const element = await mount(FALLBACK);
    expect(element.shadowRoot.querySelector('[data-id="fallback"]').label).toBe('Fallback owner used');
    expect(text(element, '[data-id="headline"]')).toBe(
      'Assigned to Lead Fallback (queue) by rule RR_SMB (Round-Robin)',
    );
    const results = [...element.shadowRoot.querySelectorAll('[data-id="candidates"] td')].map(
      (td) => td.textContent,
    );
    expect(results).toEqual(['Skipped: inactive', 'Skipped: out of office']);
    await expect(element).toBeAccessible();
  });

  it('says the lead has not been routed when there is no decision', async () => {
    const element = await mount(EMPTY);
    expect(shell(element).querySelector('[data-id="empty"]').textContent).toBe(
      'This lead has not been routed yet.',
    );
    expect(element.shadowRoot.querySelector('[data-id="headline"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('shows the server message when the read fails', async () => {
    const element = await mount();
    getRoutingTrace.error({ message: 'Routing_Decision__c.Trace__c is not readable for your profile' });
    await Promise.resolve();
    const panel = shell(element).querySelector('c-revops-error-panel');
    expect(panel.shadowRoot.textContent).toContain('This panel could not load.');
    expect(panel.shadowRoot.textContent).toContain(
      'Routing_Decision__c.Trace__c is not readable for your profile',
    );
    expect(element.shadowRoot.querySelector('[data-id="headline"]')).toBeNull();
    await expect(element).toBeAccessible();
  });
});
