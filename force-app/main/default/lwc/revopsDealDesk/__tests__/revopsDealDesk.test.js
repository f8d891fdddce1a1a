import { createElement } from 'lwc';
import { refreshesOnSave } from '../../revopsRefresh/__tests__/refreshesOnSave';
import RevopsDealDesk from 'c/revopsDealDesk';
import getDealDesk from '@salesforce/apex/DealDeskController.getDealDesk';
import submitForApproval from '@salesforce/apex/DealDeskSubmitter.submitForApproval';
import { refreshApex } from '@salesforce/apex';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';

const PENDING = require('./data/getDealDesk.json');
const APPROVED = require('./data/getDealDeskApproved.json');
const STANDARD = require('./data/getDealDeskStandard.json');
const REJECTED_PARALLEL = require('./data/getDealDeskParallel.json');

jest.mock(
  '@salesforce/apex/DealDeskController.getDealDesk',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);
jest.mock('@salesforce/apex/DealDeskSubmitter.submitForApproval', () => ({ default: jest.fn() }), {
  virtual: true,
});
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn().mockResolvedValue() }), { virtual: true });

async function mount(data) {
  const element = createElement('c-revops-deal-desk', { is: RevopsDealDesk });
  element.recordId = PENDING.recordId;
  document.body.appendChild(element);
  if (data) {
    getDealDesk.emit(data);
    await Promise.resolve();
  }
  return element;
}

// the submission, the record refresh and the wire refresh each take a microtask turn
const flush = () =>
  Array.from({ length: 10 }).reduce((p) => p.then(() => Promise.resolve()), Promise.resolve());
const submitButton = (element) => element.shadowRoot.querySelector('[data-id="submit"]');
const text = (element, selector) => element.shadowRoot.querySelector(selector)?.textContent;
const status = (element) => element.shadowRoot.querySelector('[data-id="status"]').label;
// Loading, error and empty are c-revops-panel's states, in its shadow root; the panel's content is slotted into it.
const shell = (element) => element.shadowRoot.querySelector('c-revops-panel').shadowRoot;

describe('c-revops-deal-desk', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('shows a spinner until the deal arrives', async () => {
    const element = await mount();
    const card = shell(element).querySelector('lightning-card');
    expect(card.title).toBe('Deal desk');
    expect(card.iconName).toBe('standard:approval');
    expect(shell(element).querySelector('lightning-spinner').alternativeText).toBe('Loading…');
    expect(element.shadowRoot.querySelector('[data-id="terms"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('shows discount, terms, the required tier and who must approve a pending deal', async () => {
    const element = await mount(PENDING);
    expect(text(element, '[data-id="terms"]')).toBe('Discount 32% · term 12 months · Mid-Market · Net 90');
    expect(
      [...element.shadowRoot.querySelectorAll('[data-id="non-standard"] lightning-badge')].map(
        (b) => b.label,
      ),
    ).toEqual(['Net-90', 'Custom SLA']);
    expect(text(element, '[data-id="tier"]')).toBe('Approval tier: Deal Desk');
    expect(text(element, '[data-id="approvers"]')).toBe('Approvers, one after another: Deal Desk');
    expect(status(element)).toBe('Status: Pending');
    await expect(element).toBeAccessible();
  });

  it('marks the required row in the tier ladder in text', async () => {
    const element = await mount(PENDING);
    const tiers = [...element.shadowRoot.querySelectorAll('[data-id="ladder"] tbody th')].map(
      (th) => th.textContent,
    );
    expect(tiers).toEqual(['Standard', 'Manager', 'VP Sales', 'Deal Desk (required)', 'Finance and Legal']);
  });

  it('lists the approval history with actors and comments', async () => {
    const element = await mount(APPROVED);
    expect(status(element)).toBe('Status: Approved');
    const steps = [...element.shadowRoot.querySelectorAll('[data-id="history"] li')].map(
      (li) => li.textContent,
    );
    expect(steps).toEqual([
      'Nov 18, 2026, 6:00 AM: Submitted by Lee Wong ',
      'Nov 18, 2026, 8:25 AM: Approved by Maria Lopez OK for a 12-month term',
    ]);
  });

  it('says parallel approvers and a rejection plainly', async () => {
    const element = await mount(REJECTED_PARALLEL);
    expect(text(element, '[data-id="approvers"]')).toBe(
      'Approvers, with parallel steps: Manager, Finance, Legal',
    );
    expect(status(element)).toBe('Status: Rejected');
    expect(element.shadowRoot.querySelector('[data-id="status"]').className).toContain('slds-theme_error');
    await expect(element).toBeAccessible();
  });

  it('leaves out what a new deal has not filled in: no gaps, no empty status, no empty approver list', async () => {
    const element = await mount({
      ...PENDING,
      termMonths: null,
      segment: null,
      paymentTerms: '',
      approvalStatus: null,
      approvers: [],
    });
    expect(text(element, '[data-id="terms"]')).toBe('Discount 32% · no term set');
    expect(element.shadowRoot.querySelector('[data-id="status"]')).toBeNull();
    expect(text(element, '[data-id="approvers"]')).toBe('Approvers, one after another: none');
  });

  it('says no approval is needed for a standard deal and that nothing was submitted', async () => {
    const element = await mount(STANDARD);
    expect(text(element, '[data-id="tier"]')).toBe('No approval needed (Standard tier)');
    expect(element.shadowRoot.querySelector('[data-id="approvers"]')).toBeNull();
    expect(text(element, '[data-id="non-standard"]')).toBe('No non-standard terms.');
    expect(text(element, '[data-id="history"] p')).toBe('Not submitted for approval yet.');
    expect(status(element)).toBe('Status: Not Required');
    // The deal desk has no empty state: a standard deal is still a deal to show.
    expect(shell(element).querySelector('[data-id="empty"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('offers to submit a rejected deal, submits it, tells the rep and refreshes the panel', async () => {
    submitForApproval.mockResolvedValue({
      recordId: REJECTED_PARALLEL.recordId,
      submitted: true,
      tier: REJECTED_PARALLEL.tier,
      approvalProcess: 'Deal_Desk_Manager_Approval',
      status: 'Pending',
    });
    const element = await mount(REJECTED_PARALLEL);
    const toast = jest.fn();
    element.addEventListener('lightning__showtoast', toast);
    expect(submitButton(element).label).toBe('Submit for approval');
    submitButton(element).click();
    await flush();
    expect(submitForApproval).toHaveBeenCalledWith({ oppId: element.recordId });
    expect(toast.mock.calls[0][0].detail.message).toBe(
      'Submitted for approval (Deal_Desk_Manager_Approval).',
    );
    expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: element.recordId }]);
    expect(refreshApex).toHaveBeenCalled();
    expect(element.shadowRoot.querySelector('[data-id="submit-error"]')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it("shows why a submission was refused and keeps the button, the deal's status unchanged", async () => {
    const refusal =
      'Salesforce refused the submission to Deal_Desk_Manager_Approval: No applicable approval process';
    submitForApproval.mockResolvedValue({
      recordId: REJECTED_PARALLEL.recordId,
      submitted: false,
      message: refusal,
    });
    const element = await mount(REJECTED_PARALLEL);
    const toast = jest.fn();
    element.addEventListener('lightning__showtoast', toast);
    submitButton(element).click();
    await flush();
    expect(text(element, '[data-id="submit-error"]').trim()).toBe(refusal);
    expect(toast).not.toHaveBeenCalled();
    expect(refreshApex).not.toHaveBeenCalled();
    expect(submitButton(element).disabled).toBe(false);
    // a failed call (no access to the class, a limit) is shown the same way
    submitForApproval.mockRejectedValue({
      body: { message: 'You do not have access to the Apex class named DealDeskSubmitter' },
    });
    submitButton(element).click();
    await flush();
    expect(text(element, '[data-id="submit-error"]')).toContain('DealDeskSubmitter');
    await expect(element).toBeAccessible();
  });

  it.each([
    ['pending', PENDING],
    ['approved', APPROVED],
    ['standard', STANDARD],
  ])('offers no submission for a %s deal', async (_, deal) => {
    const element = await mount(deal);
    expect(element.shadowRoot.querySelector('[data-id="tier"]')).not.toBeNull();
    expect(submitButton(element)).toBeNull();
  });

  it('shows the server message when the read fails', async () => {
    const element = await mount();
    getDealDesk.error({ message: 'No Approval_Tier__mdt matches a 55% discount' });
    await Promise.resolve();
    const panel = shell(element).querySelector('c-revops-error-panel');
    expect(panel.shadowRoot.textContent).toContain('This panel could not load.');
    expect(panel.shadowRoot.textContent).toContain('No Approval_Tier__mdt matches a 55% discount');
    expect(element.shadowRoot.querySelector('[data-id="terms"]')).toBeNull();
    await expect(element).toBeAccessible();
  });
  it('reads the panel again after the deal is saved elsewhere on the page (a new discount, an approval)', async () => {
    await mount(PENDING);
    expect(await refreshesOnSave()).toEqual([0, 1]);
  });
});
