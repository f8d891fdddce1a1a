// Accessibility matchers (sa11y) for every LWC jest test.
const { registerSa11yMatcher } = require('@sa11y/jest');
registerSa11yMatcher();

// Custom labels resolve to their real text, so tests read what a rep reads.
const { readLabels } = require('./labels.cjs');

for (const [name, value] of Object.entries(readLabels())) {
  jest.mock(`@salesforce/label/c.${name}`, () => ({ __esModule: true, default: value }), { virtual: true });
}
