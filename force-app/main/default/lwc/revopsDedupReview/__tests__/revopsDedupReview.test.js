import { createElement } from 'lwc';
import RevopsDedupReview from 'c/revopsDedupReview';
import listReviews from '@salesforce/apex/DedupReviewQueue.listReviews';
import getReview from '@salesforce/apex/DedupReviewQueue.getReview';
import acceptReview from '@salesforce/apex/DedupReviewQueue.accept';
import rejectReview from '@salesforce/apex/DedupReviewQueue.reject';
import changeSurvivor from '@salesforce/apex/DedupReviewQueue.changeSurvivor';
import undoReview from '@salesforce/apex/DedupReviewQueue.undo';
import { refreshApex } from '@salesforce/apex';

const QUEUE = require('./data/listReviews.json');
const REVIEW = require('./data/getReview.json');
const PICKED = require('./data/changeSurvivor.json');
const MERGED = require('./data/accept.json');

jest.mock(
  '@salesforce/apex/DedupReviewQueue.listReviews',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);
jest.mock('@salesforce/apex/DedupReviewQueue.getReview', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/DedupReviewQueue.accept', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/DedupReviewQueue.reject', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/DedupReviewQueue.changeSurvivor', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex/DedupReviewQueue.undo', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

// settles the component's awaited server calls and the re-render (a chain of microtasks, no timers)
const flush = () => Array.from({ length: 10 }).reduce((p) => p.then(() => undefined), Promise.resolve());
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => [...element.shadowRoot.querySelectorAll(selector)];
const shell = (element) => $(element, 'c-revops-panel').shadowRoot;

async function mount(rows) {
  const element = createElement('c-revops-dedup-review', { is: RevopsDedupReview });
  document.body.appendChild(element);
  if (rows) {
    listReviews.emit(rows);
    await flush();
  }
  return element;
}

async function open(element, review = REVIEW) {
  getReview.mockResolvedValue(review);
  $(element, 'lightning-datatable').dispatchEvent(
    new CustomEvent('rowaction', { detail: { action: { name: 'open' }, row: QUEUE[0] } }),
  );
  await flush();
}

const click = async (element, selector) => {
  $(element, selector).click();
  await flush();
};

describe('c-revops-dedup-review', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('shows a spinner until the queue arrives, then the new reviews best score first', async () => {
    const element = await mount();
    expect(shell(element).querySelector('lightning-spinner')).not.toBeNull();
    listReviews.emit(QUEUE);
    await flush();
    const table = $(element, 'lightning-datatable');
    expect(table.data.map((r) => [r.name, r.kind, r.scoreText])).toEqual([
      ['DR-0000001', 'Merge', '0.92'],
      ['DR-0000002', 'Convert Lead', '0.88'],
    ]);
    expect(table.columns.map((c) => c.label)).toContain('Matched on');
    expect(listReviews.getLastConfig()).toEqual({ status: 'New' });
    await expect(element).toBeAccessible();
  });

  it('switches the queue to another status and says when it is empty', async () => {
    const element = await mount(QUEUE);
    $$(element, '[data-id="statuses"] lightning-button')
      .find((b) => b.label === 'Rejected')
      .click();
    await flush();
    expect(listReviews.getLastConfig()).toEqual({ status: 'Rejected' });
    listReviews.emit([]);
    await flush();
    expect($(element, '[data-id="empty"]').textContent).toBe('No rejected reviews.');
    expect($(element, 'lightning-datatable')).toBeNull();
    // the filter stays usable on an empty queue
    expect($$(element, '[data-id="statuses"] lightning-button').map((b) => b.variant)).toEqual([
      'neutral',
      'neutral',
      'neutral',
      'brand',
      'neutral',
    ]);
  });

  it('opens a review side by side, the survivor first and the winning value of each field marked', async () => {
    const element = await mount(QUEUE);
    await open(element);
    expect(getReview).toHaveBeenCalledWith({ reviewId: 'a0B5g00000DrV01EAF' });
    expect($(element, '[data-id="heading"]').textContent).toBe(
      'DR-0000001: 3 Lead records · score 0.92 · New',
    );
    const headers = $$(element, 'thead th[data-record-id]').map((th) => th.dataset.recordId);
    expect(headers).toEqual(['00Q5g00000AnnLe1EA', '00Q5g00000AnnLe2EA', '00Q5g00000AnnLe3EA']);
    // each column is headed by the record's name, its Id in the link's title
    expect($$(element, 'thead th[data-record-id] a').map((a) => [a.textContent, a.title])).toEqual([
      ['Ann Lee', '00Q5g00000AnnLe1EA'],
      ['Ann Lee (CTO)', '00Q5g00000AnnLe2EA'],
      ['A. Lee', '00Q5g00000AnnLe3EA'],
    ]);
    expect($$(element, 'thead lightning-button').map((b) => b.title)).toEqual([
      'Make Ann Lee (CTO) the survivor',
      'Make A. Lee the survivor',
    ]);
    const title = $$(element, 'tr[data-field="Title"] td');
    expect(title.map((td) => td.className)).toEqual(['', 'slds-theme_success', '', 'slds-text-title_bold']);
    expect(title[1].textContent).toBe('CTO (wins)');
    expect($(element, 'tr[data-field="Title"] [data-id="winner"]').textContent).toBe('CTO');
    // the survivor cannot be picked again; the two others can
    expect($$(element, 'thead lightning-button').map((b) => b.dataset.recordId)).toEqual([
      '00Q5g00000AnnLe2EA',
      '00Q5g00000AnnLe3EA',
    ]);
    expect($(element, '[data-id="accept"]').label).toBe('Merge into the survivor');
    await expect(element).toBeAccessible();
  });

  it('makes another record the survivor and shows the recomputed winners', async () => {
    const element = await mount(QUEUE);
    await open(element);
    changeSurvivor.mockResolvedValue(PICKED);
    $$(element, 'thead lightning-button')[1].click();
    await flush();
    expect(changeSurvivor).toHaveBeenCalledWith({
      reviewId: 'a0B5g00000DrV01EAF',
      survivorId: '00Q5g00000AnnLe3EA',
    });
    expect($(element, 'tr[data-field="Title"] [data-id="winner"]').textContent).toBe('VP Engineering');
    expect($$(element, 'thead th[data-record-id]')[0].dataset.recordId).toBe('00Q5g00000AnnLe3EA');
    expect(refreshApex).not.toHaveBeenCalled();
  });

  it('merges an accepted review, says so, refreshes the queue and offers the undo', async () => {
    const element = await mount(QUEUE);
    await open(element, PICKED);
    acceptReview.mockResolvedValue(MERGED);
    await click(element, '[data-id="accept"]');
    expect(acceptReview).toHaveBeenCalledWith({ reviewId: 'a0B5g00000DrV01EAF' });
    expect($(element, '[data-id="message"]').textContent).toBe('DR-0000001 merged into the survivor.');
    expect(refreshApex).toHaveBeenCalledTimes(1);
    expect($(element, '[data-id="accept"]')).toBeNull();
    undoReview.mockResolvedValue({ ...MERGED, review: { ...MERGED.review, status: 'Undone' } });
    await click(element, '[data-id="undo"]');
    expect(undoReview).toHaveBeenCalledWith({ reviewId: 'a0B5g00000DrV01EAF' });
    expect($(element, '[data-id="message"]').textContent).toBe(
      'DR-0000001 undone; the merged records are back.',
    );
    await expect(element).toBeAccessible();
  });

  it('offers a lead matching a contact for conversion, with no survivor to pick', async () => {
    const element = await mount(QUEUE);
    const conversion = {
      ...REVIEW,
      review: { ...QUEUE[1] },
      records: [
        { recordId: '0035g00000AnnCoEAB', objectName: 'Contact', isSurvivor: true },
        { recordId: '00Q5g00000AnnLe1EA', objectName: 'Lead', isSurvivor: false },
      ],
      fields: [],
    };
    await open(element, conversion);
    expect($(element, '[data-id="accept"]').label).toBe('Convert into the contact');
    expect($$(element, 'thead lightning-button')).toEqual([]);
    expect($$(element, 'thead .slds-text-title').map((d) => d.textContent)).toEqual([
      'Contact (converts into)',
      'Lead',
    ]);
  });

  it('shows the server message when a decision fails and keeps the review open', async () => {
    const element = await mount(QUEUE);
    await open(element);
    rejectReview.mockRejectedValue({ body: { message: 'Review DR-0000001 is Merged already' } });
    await click(element, '[data-id="reject"]');
    const panel = $(element, 'c-revops-error-panel');
    expect(panel.shadowRoot.textContent).toContain('The review was not changed.');
    expect(panel.shadowRoot.textContent).toContain('Review DR-0000001 is Merged already');
    expect($(element, '[data-id="reject"]')).not.toBeNull();
    expect(refreshApex).not.toHaveBeenCalled();
    await click(element, '[data-id="back"]');
    expect($(element, 'lightning-datatable')).not.toBeNull();
  });

  it('says why a review could not be opened, above the queue it stays on', async () => {
    const element = await mount(QUEUE);
    getReview.mockRejectedValue({ body: { message: 'Review DR-0000001 was deleted' } });
    $(element, 'lightning-datatable').dispatchEvent(
      new CustomEvent('rowaction', { detail: { action: { name: 'open' }, row: QUEUE[0] } }),
    );
    await flush();
    const panel = $(element, '[data-id="action-error"]');
    expect(panel.shadowRoot.textContent).toContain('Review DR-0000001 was deleted');
    expect($(element, '[data-id="detail"]')).toBeNull();
    expect($(element, 'lightning-datatable')).not.toBeNull();
  });

  it('sends one survivor change however often it is clicked while the first runs, the buttons disabled meanwhile', async () => {
    const element = await mount(QUEUE);
    await open(element);
    let answer;
    changeSurvivor.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const pick = $$(element, 'thead lightning-button')[1];
    pick.click();
    await flush();
    expect($$(element, 'thead lightning-button').every((b) => b.disabled)).toBe(true);
    expect($(element, 'lightning-datatable')).toBeNull();
    pick.click();
    await flush();
    expect(changeSurvivor).toHaveBeenCalledTimes(1);
    answer(PICKED);
    await flush();
    expect($(element, 'tr[data-field="Title"] [data-id="winner"]').textContent).toBe('VP Engineering');
  });

  it('goes back to the queue a status button asks for when a review is open', async () => {
    const element = await mount(QUEUE);
    await open(element);
    $$(element, '[data-id="statuses"] lightning-button')
      .find((b) => b.label === 'Rejected')
      .click();
    await flush();
    expect($(element, '[data-id="detail"]')).toBeNull();
    expect(listReviews.getLastConfig()).toEqual({ status: 'Rejected' });
  });

  it('shows the server message when the queue cannot be read', async () => {
    const element = await mount();
    listReviews.error({ message: "sObject type 'Dedup_Review__c' is not supported" });
    await flush();
    const panel = shell(element).querySelector('c-revops-error-panel');
    expect(panel.shadowRoot.textContent).toContain("sObject type 'Dedup_Review__c' is not supported");
    await expect(element).toBeAccessible();
  });
});
