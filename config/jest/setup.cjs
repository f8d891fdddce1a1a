// Accessibility matchers (sa11y) for every LWC jest test.
const { registerSa11yMatcher } = require('@sa11y/jest');
registerSa11yMatcher();

// Custom labels resolve to their real text (force-app/main/default/labels), so tests read what a rep reads.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const labelsXml = readFileSync(
  join(__dirname, '../../force-app/main/default/labels/CustomLabels.labels-meta.xml'),
  'utf8',
);
const unescapeXml = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
for (const [, block] of labelsXml.matchAll(/<labels>([\s\S]*?)<\/labels>/g)) {
  const name = /<fullName>(.*?)<\/fullName>/.exec(block)[1];
  const value = unescapeXml(/<value>([\s\S]*?)<\/value>/.exec(block)[1]);
  jest.mock(`@salesforce/label/c.${name}`, () => ({ __esModule: true, default: value }), { virtual: true });
}
