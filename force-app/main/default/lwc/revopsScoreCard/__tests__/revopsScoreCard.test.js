import { createElement } from 'lwc';
import RevopsScoreCard from 'c/revopsScoreCard';
import getScoreCard from '@salesforce/apex/ScoreCardController.getScoreCard';

const NOT_YET = require('./data/getScoreCard.json');
const MQL = require('./data/getScoreCardMql.json');
const EMPTY = require('./data/getScoreCardEmpty.json');

jest.mock(
  '@salesforce/apex/ScoreCardController.getScoreCard',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);

function mount() {
  const element = createElement('c-revops-score-card', { is: RevopsScoreCard });
  element.recordId = NOT_YET.recordId;
  document.body.appendChild(element);
  return element;
}

const flush = () => Promise.resolve();
const text = (element, selector) => element.shadowRoot.querySelector(selector)?.textContent;
// Loading, error and empty are c-revops-panel's states, in its shadow root; the panel's content is slotted into it.
const shell = (element) => element.shadowRoot.querySelector('c-revops-panel').shadowRoot;

describe('c-revops-score-card', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('asks Apex for the record on the page', async () => {
    mount();
    await flush();
    expect(getScoreCard.getLastConfig()).toEqual({ recordId: NOT_YET.recordId });
  });

  it('shows a spinner until the score arrives', async () => {
    const element = mount();
    const card = shell(element).querySelector('lightning-card');
    expect(card.title).toBe('Lead score');
    expect(card.iconName).toBe('standard:lead');
    expect(shell(element).querySelector('lightning-spinner').alternativeText).toBe('Loading…');
    expect(element.shadowRoot.querySelector('[data-id="verdict"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('says which threshold a lead is short of, in words', async () => {
    const element = mount();
    getScoreCard.emit(NOT_YET);
    await flush();
    expect(element.shadowRoot.querySelector('lightning-badge').label).toBe('Not MQL');
    expect(text(element, '[data-id="verdict-text"]')).toBe('Not yet: engagement 18/30');
    expect(text(element, '[data-id="total"]')).toBe('Total 58');
    const bars = [...element.shadowRoot.querySelectorAll('[data-id="bar"]')];
    expect(bars.map((b) => b.querySelector('p').textContent)).toEqual([
      'MQL threshold 40: met',
      'MQL threshold 30: 12 points short',
      'Subtracted from the total',
    ]);
    expect(bars.map((b) => b.querySelector('lightning-progress-bar').value)).toEqual([45, 18, 5]);
    await expect(element).toBeAccessible();
  });

  it('lists every rule that fired with its points and decay arithmetic', async () => {
    const element = mount();
    getScoreCard.emit(NOT_YET);
    await flush();
    const rows = [...element.shadowRoot.querySelectorAll('[data-id="rules"] li')];
    expect(rows).toHaveLength(7);
    const pricing = rows[3].textContent;
    expect(pricing).toContain('Engagement · Pricing_Page');
    expect(pricing).toContain('+12.5');
    expect(pricing).toContain('+25 pricing page, 14 days ago, half-life 14 d → 12.5');
    expect(rows[6].textContent).toContain('-5');
    expect(text(element, '[data-id="scored-at"]')).toBe('Last scored Nov 24, 2026, 6:03 AM');
  });

  it('names both thresholds when a record meets them and is an MQL', async () => {
    const element = mount();
    getScoreCard.emit(MQL);
    await flush();
    expect(element.shadowRoot.querySelector('lightning-badge').label).toBe('MQL');
    expect(text(element, '[data-id="verdict-text"]')).toBe('MQL: fit 52 ≥ 40 and engagement 34.5 ≥ 30');
    await expect(element).toBeAccessible();
  });

  it('lists both short dimensions when fit and engagement are below threshold', async () => {
    const element = mount();
    getScoreCard.emit({ ...NOT_YET, fit: 30.25 });
    await flush();
    expect(text(element, '[data-id="verdict-text"]')).toBe('Not yet: fit 30.3/40, engagement 18/30');
  });

  it('says the record is not scored yet instead of showing zero bars', async () => {
    const element = mount();
    getScoreCard.emit(EMPTY);
    await flush();
    expect(shell(element).querySelector('[data-id="empty"]').textContent).toBe(
      'Not scored yet. Scores appear after the first scoring run.',
    );
    expect(element.shadowRoot.querySelector('[data-id="bar"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('shows the server message when the read fails', async () => {
    const element = mount();
    getScoreCard.error({ message: 'Insufficient access to Lead 00Q5e00000KpLmQEAV' });
    await flush();
    const panel = shell(element).querySelector('c-revops-error-panel');
    const alert = panel.shadowRoot.querySelector('[role="alert"]');
    expect(alert.textContent).toContain('This panel could not load.');
    expect(alert.textContent).toContain('Insufficient access to Lead 00Q5e00000KpLmQEAV');
    expect(element.shadowRoot.querySelector('[data-id="verdict"]')).toBeNull();
    await expect(element).toBeAccessible();
  });
});
