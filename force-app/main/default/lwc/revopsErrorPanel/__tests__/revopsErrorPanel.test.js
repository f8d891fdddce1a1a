import { createElement } from 'lwc';
import RevopsErrorPanel from 'c/revopsErrorPanel';

describe('c-revops-error-panel', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
  });

  it('announces the friendly line and every server message as an alert', async () => {
    const element = createElement('c-revops-error-panel', { is: RevopsErrorPanel });
    element.friendlyMessage = 'This panel could not load.';
    element.errors = [
      { body: { message: 'Insufficient access' } },
      { body: [{ message: 'Field is not readable' }] },
    ];
    document.body.appendChild(element);
    await Promise.resolve();

    const alert = element.shadowRoot.querySelector('[role="alert"]');
    expect(alert.querySelector('h2').textContent).toBe('This panel could not load.');
    expect([...alert.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Insufficient access',
      'Field is not readable',
    ]);
    await expect(element).toBeAccessible();
  });
});
