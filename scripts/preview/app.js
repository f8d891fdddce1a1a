// Browser entry of the preview page (bundled by scripts/preview/build.ts). Renders every panel in every state
// from the mock data, and exposes window.__revopsMeasure for the render-time test and benchmark.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import { PANELS, PREVIEW_NOW } from 'virtual:revops-fixtures';
import RevopsScoreCard from 'c/revopsScoreCard';
import RevopsSlaTimer from 'c/revopsSlaTimer';
import RevopsRoutingTrace from 'c/revopsRoutingTrace';
import RevopsPipelineHealth from 'c/revopsPipelineHealth';
import RevopsDealDesk from 'c/revopsDealDesk';

const CONSTRUCTORS = {
  revopsScoreCard: RevopsScoreCard,
  revopsSlaTimer: RevopsSlaTimer,
  revopsRoutingTrace: RevopsRoutingTrace,
  revopsPipelineHealth: RevopsPipelineHealth,
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

const rendered = (element) =>
  !!element.shadowRoot &&
  !element.shadowRoot.querySelector('lightning-spinner') &&
  !!element.shadowRoot.querySelector('[data-id], c-revops-error-panel');

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

if (params.get('measure') !== '1') {
  renderGallery(document.getElementById('app'));
}
window.__revopsReady = true;
