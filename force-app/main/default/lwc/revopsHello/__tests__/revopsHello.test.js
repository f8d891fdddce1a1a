import { createElement } from 'lwc';
import RevopsHello from 'c/revopsHello';

describe('c-revops-hello', () => {
  afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  });

  it('shows the label it is given', async () => {
    const el = createElement('c-revops-hello', { is: RevopsHello });
    el.label = 'Pipeline';
    document.body.appendChild(el);
    expect(el.shadowRoot.querySelector('p').textContent).toBe('Pipeline');
    await expect(el).toBeAccessible();
  });
});
