import { createElement } from 'lwc';
import RevopsPanel from 'c/revopsPanel';
import PanelHost from './panelHost/panelHost';

const SERVER_ERROR = { body: { message: 'Insufficient access to Lead 00Q5e00000KpLmQEAV' } };

function mountHost(props = {}) {
  const host = createElement('c-panel-host', { is: PanelHost });
  Object.assign(host, props);
  document.body.appendChild(host);
  return host;
}

// The shell's own markup is in its shadow root; the slotted content belongs to the host's shadow root.
const shell = (host) => host.shadowRoot.querySelector('c-revops-panel').shadowRoot;
const content = (host) => host.shadowRoot.querySelector('[data-id="content"]');

/**
 * Which of the shell's states is on screen, and whether the slotted content is. The host's content is in the
 * DOM in every state (with native shadow, as here) but on screen only while assigned to the shell's slot.
 */
function shown(host) {
  const root = shell(host);
  return {
    spinner: !!root.querySelector('lightning-spinner'),
    error: !!root.querySelector('c-revops-error-panel'),
    empty: !!root.querySelector('[data-id="empty"]'),
    slot: !!root.querySelector('slot'),
    content: !!content(host)?.assignedSlot,
  };
}

const NOTHING = { spinner: false, error: false, empty: false, slot: false, content: false };

describe('c-revops-panel', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
  });

  it('puts the title and icon on a card with the panel padding', async () => {
    const host = mountHost();
    const card = shell(host).querySelector('lightning-card');
    expect(card.title).toBe('Lead score');
    expect(card.iconName).toBe('standard:lead');
    expect(shell(host).querySelector('lightning-card > div.slds-p-horizontal_medium')).not.toBeNull();
    await expect(host).toBeAccessible();
  });

  it('shows a small spinner with the loading text, and not the content, while loading', async () => {
    const host = mountHost({ loading: true });
    expect(shown(host)).toEqual({ ...NOTHING, spinner: true });
    const spinner = shell(host).querySelector('.slds-is-relative.slds-p-vertical_large > lightning-spinner');
    expect(spinner.alternativeText).toBe('Loading…');
    expect(spinner.size).toBe('small');
    await expect(host).toBeAccessible();
  });

  it('shows the friendly line and the server message, and not the content, when the read fails', async () => {
    const host = mountHost({ errors: SERVER_ERROR });
    expect(shown(host)).toEqual({ ...NOTHING, error: true });
    const panel = shell(host).querySelector('c-revops-error-panel');
    expect(panel.errors).toEqual(SERVER_ERROR);
    const alert = panel.shadowRoot.querySelector('[role="alert"]');
    expect(alert.querySelector('h2').textContent).toBe(
      'This panel could not load. Reload the page; if it keeps failing, send these details to your RevOps admin.',
    );
    expect(alert.querySelector('li').textContent).toBe('Insufficient access to Lead 00Q5e00000KpLmQEAV');
    await expect(host).toBeAccessible();
  });

  it('says why there is nothing to show instead of the content when empty', async () => {
    const host = mountHost({ empty: true });
    expect(shown(host)).toEqual({ ...NOTHING, empty: true });
    const empty = shell(host).querySelector('[data-id="empty"]');
    expect(empty.textContent).toBe('Not scored yet.');
    expect(empty.className).toBe('slds-text-color_weak');
    await expect(host).toBeAccessible();
  });

  it('shows the slotted content only when no state applies', async () => {
    const host = mountHost();
    expect(shown(host)).toEqual({ ...NOTHING, slot: true, content: true });
    expect(content(host).assignedSlot).toBe(shell(host).querySelector('lightning-card slot'));
    expect(content(host).textContent).toBe('Fit 45 of 100');
    await expect(host).toBeAccessible();

    host.loading = true;
    await Promise.resolve();
    expect(shown(host)).toEqual({ ...NOTHING, spinner: true });

    host.loading = false;
    await Promise.resolve();
    expect(shown(host)).toEqual({ ...NOTHING, slot: true, content: true });
  });

  it('checks the states in order: loading, then error, then empty', () => {
    const host = mountHost({ loading: true, errors: SERVER_ERROR, empty: true });
    expect(shown(host)).toEqual({ ...NOTHING, spinner: true });
    document.body.removeChild(host);
    expect(shown(mountHost({ errors: SERVER_ERROR, empty: true }))).toEqual({ ...NOTHING, error: true });
  });

  it('lets a panel word the loading and error lines itself', () => {
    const element = createElement('c-revops-panel', { is: RevopsPanel });
    element.loading = true;
    element.loadingMessage = 'Scoring…';
    document.body.appendChild(element);
    expect(element.shadowRoot.querySelector('lightning-spinner').alternativeText).toBe('Scoring…');

    const failed = createElement('c-revops-panel', { is: RevopsPanel });
    failed.errors = SERVER_ERROR;
    failed.errorMessage = 'The score could not load.';
    document.body.appendChild(failed);
    expect(failed.shadowRoot.querySelector('c-revops-error-panel').friendlyMessage).toBe(
      'The score could not load.',
    );
  });
});
