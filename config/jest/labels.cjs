// Reads the custom labels (force-app/main/default/labels) as name -> text. Used by the jest setup and by the
// preview build (tooling/preview/build.ts), so both show the rep the real label text.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const LABELS_FILE = join(__dirname, '../../force-app/main/default/labels/CustomLabels.labels-meta.xml');

const unescapeXml = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function readLabels() {
  const labels = {};
  for (const [, block] of readFileSync(LABELS_FILE, 'utf8').matchAll(/<labels>([\s\S]*?)<\/labels>/g)) {
    const name = /<fullName>(.*?)<\/fullName>/.exec(block)[1];
    labels[name] = unescapeXml(/<value>([\s\S]*?)<\/value>/.exec(block)[1]);
  }
  return labels;
}

module.exports = { readLabels };
