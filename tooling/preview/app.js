// Browser entry of the preview page (bundled by tooling/preview/build.ts). Renders every panel in every state
// from the mock data, and exposes window.__revopsMeasure for the render-time test and benchmark.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import { PANELS, PREVIEW_NOW } from 'virtual:revops-fixtures';
import RevopsScoreCard from 'c/revopsScoreCard';
import RevopsSlaTimer from 'c/revopsSlaTimer';
import RevopsRoutingTrace from 'c/revopsRoutingTrace';
import RevopsPipelineHygiene from 'c/revopsPipelineHygiene';
import RevopsDealDesk from 'c/revopsDealDesk';
import RevopsErrorPanel from 'c/revopsErrorPanel';
import LightningCard from 'lightning/card';
import LightningBadge from 'lightning/badge';
import LightningButton from 'lightning/button';
import LightningProgressBar from 'lightning/progressBar';
import LightningSpinner from 'lightning/spinner';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';

const CONSTRUCTORS = {
  revopsScoreCard: RevopsScoreCard,
  revopsSlaTimer: RevopsSlaTimer,
  revopsRoutingTrace: RevopsRoutingTrace,
  revopsPipelineHygiene: RevopsPipelineHygiene,
  revopsDealDesk: RevopsDealDesk,
};

// The page's clock starts at ?now=<ISO> (default PREVIEW_NOW) and runs in real time from there;
// ?now=real keeps the machine's clock.
const params = new URLSearchParams(window.location.search);
const nowParam = params.get('now') || PREVIEW_NOW;
if (nowParam !== 'real') {
  const realNow = Date.now.bind(Date);
  const offset = Date.parse(nowParam) - realNow();
  Date.now = () => realNow() + offset;
}

function find(panelName, stateName) {
  const panel = PANELS.find((p) => p.name === panelName);
  const state = panel && panel.states.find((s) => s.state === stateName);
  if (!state) throw new Error(`no preview state ${panelName}/${stateName}`);
  return { panel, state };
}

function mount(panel, state, host) {
  const element = createElement(panel.tag, { is: CONSTRUCTORS[panel.name] });
  element.recordId = state.recordId;
  host.appendChild(element);
  return element;
}

function renderGallery(root) {
  for (const panel of PANELS) {
    const section = document.createElement('section');
    section.className = 'slds-m-bottom_large';
    section.dataset.panel = panel.name;
    const heading = document.createElement('h2');
    heading.className = 'slds-text-heading_medium slds-m-bottom_small';
    heading.textContent = panel.title;
    const grid = document.createElement('div');
    grid.className = 'preview-grid';
    for (const state of panel.states) {
      const figure = document.createElement('figure');
      figure.className = 'preview-state';
      figure.dataset.panel = panel.name;
      figure.dataset.state = state.state;
      const caption = document.createElement('figcaption');
      caption.className = 'slds-text-title slds-m-bottom_xx-small';
      caption.textContent = `${state.state}: ${state.caption}`;
      figure.appendChild(caption);
      grid.appendChild(figure);
      mount(panel, state, figure);
    }
    section.append(heading, grid);
    root.appendChild(section);
  }
}

// A panel's loading, error and empty states are in the shadow root of its c-revops-panel; its own content
// (slotted into the shell) is in the panel's shadow root.
const rendered = (element) => {
  const shell = element.shadowRoot && element.shadowRoot.querySelector('c-revops-panel');
  const states = shell && shell.shadowRoot;
  return (
    !!states &&
    !states.querySelector('lightning-spinner') &&
    !!(
      element.shadowRoot.querySelector('[data-id]') ||
      states.querySelector('[data-id="empty"], c-revops-error-panel')
    )
  );
};

/**
 * Creates a panel with its mock data and measures creation + first render with performance.now.
 * @returns {Promise<{ms: number, rendered: boolean}>}
 */
window.__revopsMeasure = async (panelName, stateName) => {
  const { panel, state } = find(panelName, stateName);
  const host = document.getElementById('measure');
  const t0 = performance.now();
  const element = mount(panel, state, host);
  for (let i = 0; i < 20 && !rendered(element); i++) {
    await Promise.resolve();
  }
  const ms = performance.now() - t0;
  const ok = rendered(element);
  host.removeChild(element);
  return { ms, rendered: ok };
};

/**
 * Brings the page to the state Lightning Experience is in before a record page's sidebar renders: the LWC
 * engine started, the base components loaded and the browser's date formatting for the user's locale set up.
 * Renders none of the measured panels, so each panel's first render is still its own first render.
 */
window.__revopsWarmUp = async () => {
  const host = document.getElementById('measure');
  const base = [
    ['c-revops-error-panel', RevopsErrorPanel],
    ['lightning-card', LightningCard],
    ['lightning-badge', LightningBadge],
    ['lightning-button', LightningButton],
    ['lightning-progress-bar', LightningProgressBar],
    ['lightning-spinner', LightningSpinner],
  ].map(([tag, is]) => host.appendChild(createElement(tag, { is })));
  new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(
    new Date(),
  );
  await Promise.resolve();
  base.forEach((element) => host.removeChild(element));
};

if (params.get('measure') !== '1') {
  renderGallery(document.getElementById('app'));
}
window.__revopsReady = true;
