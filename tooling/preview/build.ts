// `npm run preview`: compiles the rep-facing panels with LWC OSS (rollup + @lwc/rollup-plugin) into a static
// page, preview/dist/index.html, styled with SLDS and fed with the jest mock data. Small stand-ins replace the
// lightning-* base components the panels use (tooling/preview/lwc/lightning/) and the @salesforce/* imports.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type Plugin } from 'rollup';
import lwcModule from '@lwc/rollup-plugin';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { LWC_DIR, PREVIEW_NOW, previewPanels } from './fixtures.ts';

type LwcPlugin = typeof lwcModule.default;
/** @lwc/rollup-plugin is CommonJS: its factory is `default` of the module object, or the default itself under interop. */
const lwc: LwcPlugin =
  (lwcModule as unknown as { default?: LwcPlugin }).default ?? (lwcModule as unknown as LwcPlugin);

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SLDS = join(ROOT, 'node_modules/@salesforce-ux/design-system/assets');
const STANDINS = join(HERE, 'lwc/lightning');
/** The user locale and time zone the panels format with (the same defaults sfdx-lwc-jest uses). */
const I18N: Record<string, string> = {
  locale: 'en-US',
  timeZone: 'America/Los_Angeles',
  lang: 'en',
  dir: 'ltr',
};

const { readLabels } = createRequire(import.meta.url)(join(ROOT, 'config/jest/labels.cjs')) as {
  readLabels(): Record<string, string>;
};

export interface PreviewBuild {
  outDir: string;
  indexHtml: string;
  ms: number;
}

function moduleRecords(): { name: string; path: string }[] {
  const bundles = readdirSync(join(ROOT, LWC_DIR), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: `c/${d.name}`, path: join(ROOT, LWC_DIR, d.name, `${d.name}.js`) }));
  const standins = readdirSync(STANDINS).map((n) => ({
    name: `lightning/${n}`,
    path: join(STANDINS, n, `${n}.js`),
  }));
  return [...bundles, ...standins];
}

/** Resolves @salesforce/* imports and the fixture module to preview stand-ins. */
function salesforceStandins(): Plugin {
  const labels = readLabels();
  const panels = previewPanels();
  const VIRTUAL = '\0revops:';
  return {
    name: 'revops-salesforce-standins',
    resolveId(id) {
      if (id.startsWith('@salesforce/') || id.startsWith('virtual:revops-')) {
        return VIRTUAL + id;
      }
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) {
        return null;
      }
      const source = id.slice(VIRTUAL.length);
      if (source === 'virtual:revops-fixtures') {
        return `export const PANELS = ${JSON.stringify(panels)};\nexport const PREVIEW_NOW = ${JSON.stringify(PREVIEW_NOW)};`;
      }
      if (source === 'virtual:revops-apex') {
        return APEX_RUNTIME;
      }
      if (source === '@salesforce/apex') {
        // refreshApex: the fixtures do not change, so there is nothing to fetch again
        return 'export function refreshApex() { return Promise.resolve(); }';
      }
      const [, kind, name] = /^@salesforce\/([^/]+)\/(.+)$/.exec(source) ?? [];
      if (kind === 'label') {
        const label = labels[name.replace(/^c\./, '')];
        if (label === undefined)
          this.error(`${source}: no such custom label in force-app/main/default/labels`);
        return `export default ${JSON.stringify(label)};`;
      }
      if (kind === 'i18n' && name in I18N) {
        return `export default ${JSON.stringify(I18N[name])};`;
      }
      if (kind === 'apex') {
        return `import { adapterFor } from 'virtual:revops-apex';\nexport default adapterFor(${JSON.stringify(name)});`;
      }
      this.error(
        `${source}: the preview has no stand-in for this import; add one in tooling/preview/build.ts`,
      );
    },
  };
}

/** Wire adapter stand-in: answers a config's recordId with the fixture's data or error, or never (loading). */
const APEX_RUNTIME = `
import { PANELS } from 'virtual:revops-fixtures';
const byKey = new Map();
for (const panel of PANELS) for (const state of panel.states) byKey.set(panel.apex + '|' + state.recordId, state);
window.__revopsApexCalls = 0;
export function adapterFor(apex) {
  class PreviewApexAdapter {
    constructor(dataCallback) { this.dataCallback = dataCallback; }
    connect() {}
    disconnect() {}
    update(config) {
      window.__revopsApexCalls += 1;
      const state = byKey.get(apex + '|' + config.recordId);
      if (state && state.data) this.dataCallback({ data: state.data, error: undefined });
      else if (state && state.error) this.dataCallback({ data: undefined, error: state.error });
    }
  }
  const imperative = () => Promise.reject(new Error(apex + ': the panels only wire Apex'));
  imperative.adapter = PreviewApexAdapter;
  return imperative;
}`;

/** The LWC engine reads process.env.NODE_ENV; the preview runs the production engine. */
function productionMode(): Plugin {
  return {
    name: 'revops-production-mode',
    transform(code) {
      return code.includes('process.env.NODE_ENV')
        ? code.replaceAll('process.env.NODE_ENV', '"production"')
        : null;
    },
  };
}

function iconNames(): string[] {
  const names = new Set<string>();
  for (const d of readdirSync(join(ROOT, LWC_DIR))) {
    const html = join(ROOT, LWC_DIR, d, `${d}.html`);
    try {
      for (const [, icon] of readFileSync(html, 'utf8').matchAll(/icon-name="([a-z_]+:[a-z_]+)"/g))
        names.add(icon);
    } catch {
      // modules without a template have no icons
    }
  }
  return [...names];
}

function indexHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>RevOps Engine: rep-facing panels (preview)</title>
<link rel="stylesheet" href="assets/styles/salesforce-lightning-design-system.min.css">
<style>
  body { background: #f3f3f3; padding: 1rem; }
  .preview-grid { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
  .preview-state { width: 400px; margin: 0; }
  #measure { position: absolute; left: -10000px; width: 400px; }
</style>
</head>
<body>
<main>
  <h1 class="slds-text-heading_large slds-m-bottom_medium">RevOps Engine: rep-facing panels</h1>
  <p class="slds-m-bottom_medium slds-text-color_weak">LWC OSS preview with mock data; the clock starts at ${PREVIEW_NOW}.</p>
  <div id="app"></div>
  <div id="measure"></div>
</main>
<script src="app.js"></script>
</body>
</html>
`;
}

/** Builds the preview into outDir (default preview/dist). */
export async function buildPreview(outDir = join(ROOT, 'preview/dist')): Promise<PreviewBuild> {
  const t0 = performance.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'assets/styles'), { recursive: true });
  const bundle = await rollup({
    input: join(HERE, 'app.js'),
    plugins: [
      salesforceStandins(),
      productionMode(),
      lwc({ rootDir: join(ROOT, LWC_DIR), modules: moduleRecords() }),
      nodeResolve(),
    ],
    onwarn(warning, warn) {
      if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
    },
  });
  await bundle.write({ file: join(outDir, 'app.js'), format: 'iife' });
  await bundle.close();
  copyFileSync(
    join(SLDS, 'styles/salesforce-lightning-design-system.min.css'),
    join(outDir, 'assets/styles/salesforce-lightning-design-system.min.css'),
  );
  for (const icon of iconNames()) {
    const [category, name] = icon.split(':');
    mkdirSync(join(outDir, 'assets/icons', category), { recursive: true });
    copyFileSync(
      join(SLDS, 'icons', category, `${name}.svg`),
      join(outDir, 'assets/icons', category, `${name}.svg`),
    );
  }
  const index = join(outDir, 'index.html');
  writeFileSync(index, indexHtml());
  return { outDir, indexHtml: index, ms: Math.round(performance.now() - t0) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildPreview();
  process.stdout.write(`preview: built ${built.indexHtml} in ${built.ms} ms (open it in a browser)\n`);
}
