import { createElement } from 'lwc';
import { refreshesOnSave } from '../../revopsRefresh/__tests__/refreshesOnSave';
import RevopsPipelineHygiene from 'c/revopsPipelineHygiene';
import getPipelineHygiene from '@salesforce/apex/PipelineHygieneController.getPipelineHygiene';
import { navigateCalls } from 'lightning/navigation';

const STALE = require('./data/getPipelineHygiene.json');
const HEALTHY = require('./data/getPipelineHygieneHealthy.json');
const NO_POLICY = require('./data/getPipelineHygieneEmpty.json');

jest.mock(
  '@salesforce/apex/PipelineHygieneController.getPipelineHygiene',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn().mockResolvedValue() }), { virtual: true });

async function mount(data) {
  const element = createElement('c-revops-pipeline-hygiene', { is: RevopsPipelineHygiene });
  element.recordId = STALE.recordId;
  document.body.appendChild(element);
  if (data) {
    getPipelineHygiene.emit(data);
    await Promise.resolve();
  }
  return element;
}

const text = (element, selector) => element.shadowRoot.querySelector(selector)?.textContent;
const items = (element, selector) =>
  [...element.shadowRoot.querySelectorAll(selector)].map((e) => e.textContent);
// Loading, error and empty are c-revops-panel's states, in its shadow root; the panel's content is slotted into it.
const shell = (element) => element.shadowRoot.querySelector('c-revops-panel').shadowRoot;

describe('c-revops-pipeline-hygiene', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
    navigateCalls.length = 0;
  });

  it('shows a spinner until the hygiene check arrives', async () => {
    const element = await mount();
    const card = shell(element).querySelector('lightning-card');
    expect(card.title).toBe('Pipeline hygiene');
    expect(card.iconName).toBe('standard:opportunity');
    expect(shell(element).querySelector('lightning-spinner').alternativeText).toBe('Loading…');
    expect(element.shadowRoot.querySelector('[data-id="days"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('marks a deal stale when days in stage exceed the multiple of the team average', async () => {
    const element = await mount(STALE);
    expect(text(element, '[data-id="days"]')).toBe('27 days in Proposal');
    expect(element.shadowRoot.querySelector('[data-id="stale"]').label).toBe('Stale');
    expect(text(element, '[data-id="benchmark"]')).toBe(
      'Team average 9.5 days; stale after 19 days (2 × average)',
    );
    await expect(element).toBeAccessible();
  });

  it('lists the fields the next stage requires as buttons that open the record for editing', async () => {
    const element = await mount(STALE);
    expect(text(element, '[data-id="next-stage"] p')).toBe('Required before Negotiation:');
    const buttons = [...element.shadowRoot.querySelectorAll('[data-id="next-stage"] lightning-button')];
    expect(buttons.map((b) => b.label)).toEqual(['Fill in Redlines', 'Fill in Approval Chain']);
    buttons[0].click();
    expect(navigateCalls).toEqual([
      {
        pageReference: {
          type: 'standard__recordPage',
          attributes: { recordId: STALE.recordId, objectApiName: 'Opportunity', actionName: 'edit' },
        },
        replace: undefined,
      },
    ]);
  });

  it('shows stage skips and close-date pushes with their reasons', async () => {
    const element = await mount(STALE);
    expect(items(element, '[data-id="skips"] li')).toEqual([
      'Discovery → Proposal skipped Demo/Evaluation (Oct 28, 2026, 9:00 AM)',
    ]);
    expect(text(element, '[data-id="pushes"] h3')).toBe('Close date pushed 2 times');
    expect(items(element, '[data-id="pushes"] li')).toEqual([
      'Oct 31, 2026 → Nov 30, 2026 on Oct 15, 2026, 6:00 AM: Legal review of the MSA',
      'Nov 30, 2026 → Jan 29, 2027 on Nov 18, 2026, 7:00 AM: Budget review moved to January',
    ]);
  });

  it('says one day and one push in the singular, and a push without a reason ends without a colon', async () => {
    const element = await mount({
      ...STALE,
      daysInStage: 1,
      closeDatePushCount: 1,
      closeDatePushes: [{ ...STALE.closeDatePushes[0], reason: null }],
    });
    expect(text(element, '[data-id="days"]')).toBe('1 day in Proposal');
    expect(text(element, '[data-id="pushes"] h3')).toBe('Close date pushed once');
    expect(items(element, '[data-id="pushes"] li')).toEqual([
      'Oct 31, 2026 → Nov 30, 2026 on Oct 15, 2026, 6:00 AM',
    ]);
  });

  it('says a moving deal is ready for the next stage with nothing skipped or pushed', async () => {
    const element = await mount(HEALTHY);
    expect(element.shadowRoot.querySelector('[data-id="stale"]').label).toBe('Moving');
    expect(text(element, '[data-id="next-stage"] p')).toBe(
      'Ready for Demo/Evaluation: every required field is filled.',
    );
    expect(element.shadowRoot.querySelector('lightning-button')).toBeNull();
    expect(text(element, '[data-id="skips"] p')).toBe('No stage was skipped.');
    expect(text(element, '[data-id="pushes"] p')).toBe('The close date has not moved.');
    await expect(element).toBeAccessible();
  });

  it('shows a closed deal as closed, not stale', async () => {
    const element = await mount({ ...STALE, stageName: 'Closed Won', isClosed: true, nextStage: null });
    expect(element.shadowRoot.querySelector('[data-id="stale"]').label).toBe('Closed');
    expect(element.shadowRoot.querySelector('[data-id="next-stage"]')).toBeNull();
  });

  it('asks for a stage policy when the stage has none', async () => {
    const element = await mount(NO_POLICY);
    expect(shell(element).querySelector('[data-id="empty"]').textContent).toBe(
      'No stage policy exists for stage Prospecting. Ask your RevOps admin to add a Stage Policy record.',
    );
    expect(element.shadowRoot.querySelector('[data-id="days"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('shows the server message when the read fails', async () => {
    const element = await mount();
    getPipelineHygiene.error({ message: 'Stage_Policy__mdt Proposal lists unknown field Budget__c' });
    await Promise.resolve();
    const panel = shell(element).querySelector('c-revops-error-panel');
    expect(panel.shadowRoot.textContent).toContain('This panel could not load.');
    expect(panel.shadowRoot.textContent).toContain(
      'Stage_Policy__mdt Proposal lists unknown field Budget__c',
    );
    expect(element.shadowRoot.querySelector('[data-id="days"]')).toBeNull();
    await expect(element).toBeAccessible();
  });
  it('reads the panel again after the deal is saved (the Edit field button opens the record edit form)', async () => {
    await mount(STALE);
    expect(await refreshesOnSave()).toEqual([0, 1]);
  });
});
