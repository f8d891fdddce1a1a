// Accessibility matchers (sa11y) for every LWC jest test.
const { registerSa11yMatcher } = require('@sa11y/jest');
registerSa11yMatcher();
