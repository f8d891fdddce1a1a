import { createElement } from 'lwc';
import RevopsSlaDecision from 'c/revopsSlaDecision';
import getDecision from '@salesforce/apex/SlaDecisionController.getDecision';
import accept from '@salesforce/apex/SlaDecisionController.accept';
import reject from '@salesforce/apex/SlaDecisionController.reject';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';

const MQL = require('./data/getDecisionMql.json');
const SQL = require('./data/getDecisionSql.json');

jest.mock(
  '@salesforce/apex/SlaDecisionController.getDecision',
  () => {
    const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
    return { default: createApexTestWireAdapter(jest.fn()) };
  },
  { virtual: true },
);
jest.mock('@salesforce/apex/SlaDecisionController.accept', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/SlaDecisionController.reject', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn().mockResolvedValue() }), { virtual: true });

async function mount(data) {
  const element = createElement('c-revops-sla-decision', { is: RevopsSlaDecision });
  element.recordId = MQL.recordId;
  document.body.appendChild(element);
  if (data) {
    getDecision.emit(data);
    await Promise.resolve();
  }
  return element;
}

const q = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);
// the save, the record refresh and the wire refresh each take a microtask turn
const flush = () =>
  Array.from({ length: 10 }).reduce((p) => p.then(() => Promise.resolve()), Promise.resolve());
const shell = (element) => element.shadowRoot.querySelector('c-revops-panel').shadowRoot;

describe('c-revops-sla-decision', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
  });

  it('shows a spinner until the decision arrives', async () => {
    const element = await mount(null);
    expect(shell(element).querySelector('lightning-spinner')).not.toBeNull();
  });

  it('offers accept and reject on an MQL', async () => {
    const element = await mount(MQL);
    expect(q(element, 'accept').label).toBe('Accept');
    expect(q(element, 'reject').label).toBe('Reject');
    expect(q(element, 'reason')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it('accepts: saves, tells the rep, refreshes the record and closes the action', async () => {
    accept.mockResolvedValue();
    const element = await mount(MQL);
    const toast = jest.fn();
    const close = jest.fn();
    element.addEventListener('lightning__showtoast', toast);
    element.addEventListener('close', close);
    q(element, 'accept').click();
    await flush();
    expect(accept).toHaveBeenCalledWith({ recordId: MQL.recordId });
    expect(toast.mock.calls[0][0].detail.message).toBe('Accepted: it is now an SQL and the SLA is met.');
    expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: MQL.recordId }]);
    expect(close).toHaveBeenCalled();
  });

  it('rejects only with a reason, and recycles with the one chosen', async () => {
    reject.mockResolvedValue();
    const element = await mount(MQL);
    q(element, 'reject').click();
    await Promise.resolve();
    const reason = q(element, 'reason');
    expect(reason.options.map((o) => o.value)).toEqual(['No Budget', 'Not a Fit', 'Unresponsive']);
    expect(q(element, 'confirm-reject').disabled).toBe(true);
    reason.dispatchEvent(new CustomEvent('change', { detail: { value: 'Not a Fit' } }));
    await Promise.resolve();
    expect(q(element, 'confirm-reject').disabled).toBe(false);
    const toast = jest.fn();
    element.addEventListener('lightning__showtoast', toast);
    q(element, 'confirm-reject').click();
    await flush();
    expect(reject).toHaveBeenCalledWith({ recordId: MQL.recordId, reasonCode: 'Not a Fit' });
    expect(toast.mock.calls[0][0].detail.message).toBe('Rejected and recycled: Not a Fit.');
  });

  it('cancel goes back to the two buttons; focus follows to the control that replaced the one clicked', async () => {
    const focus = jest.spyOn(HTMLElement.prototype, 'focus');
    const element = await mount(MQL);
    q(element, 'reject').click();
    await Promise.resolve();
    expect(focus.mock.contexts.at(-1)).toBe(q(element, 'reason'));
    q(element, 'cancel').click();
    await Promise.resolve();
    expect(q(element, 'reason')).toBeNull();
    expect(q(element, 'accept')).not.toBeNull();
    expect(focus.mock.contexts.at(-1)).toBe(q(element, 'reject'));
    focus.mockRestore();
  });

  it('shows the refusal the save came back with and stays open', async () => {
    accept.mockRejectedValue({ body: { message: 'Lifecycle stage cannot move from SQL to SQL.' } });
    const element = await mount(MQL);
    const close = jest.fn();
    element.addEventListener('close', close);
    q(element, 'accept').click();
    await flush();
    expect(q(element, 'save-error').textContent).toBe('Lifecycle stage cannot move from SQL to SQL.');
    expect(close).not.toHaveBeenCalled();
  });

  it('says why there is nothing to decide when the record is not an MQL', async () => {
    const element = await mount(SQL);
    expect(q(element, 'accept')).toBeNull();
    expect(q(element, 'not-mql').textContent).toBe(
      'Only an MQL can be accepted or rejected; this record is SQL.',
    );
    await expect(element).toBeAccessible();
  });

  it('tells a rep who may not edit the MQL why, and a record without a stage that it has none', async () => {
    const element = await mount({ ...MQL, canDecide: false });
    expect(q(element, 'accept')).toBeNull();
    expect(q(element, 'not-mql').textContent).toMatch(
      /^You cannot accept or reject this MQL: you need edit access/,
    );
    getDecision.emit({ ...MQL, stage: null, canDecide: false });
    await Promise.resolve();
    expect(q(element, 'not-mql').textContent).toBe(
      'Only an MQL can be accepted or rejected; this record has no lifecycle stage.',
    );
  });

  it('shows the load error through the panel', async () => {
    const element = await mount(null);
    getDecision.error({ message: 'You cannot read or edit the lifecycle fields' });
    await Promise.resolve();
    const panel = shell(element).querySelector('c-revops-error-panel');
    expect(panel.shadowRoot.textContent).toContain('You cannot read or edit the lifecycle fields');
    expect(q(element, 'accept')).toBeNull();
    await expect(element).toBeAccessible();
  });
});
