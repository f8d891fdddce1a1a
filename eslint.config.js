import { createRequire } from 'node:module';
import globals from 'globals';

const require = createRequire(import.meta.url);
const lwcConfig = require('@salesforce/eslint-config-lwc');
const jestPlugin = require('eslint-plugin-jest');

// ESLint covers the Lightning Web Components (the LWC rule set Salesforce publishes).
// TypeScript under scripts/ (product), tooling/ (the verify gate, formula evaluator, LWC preview) and tests/ is
// checked by `tsc --noEmit` and formatted by prettier.
export default [
  {
    ignores: [
      'node_modules/**',
      'coverage/**',
      'preview/dist/**',
      'scripts/**',
      'tooling/**',
      'tests/**',
      'bench/**',
      '*.ts',
    ],
  },
  ...lwcConfig.configs.recommended.map((c) => ({ ...c, files: ['force-app/**/lwc/**/*.js'] })),
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.js', 'config/jest/**/*.{js,cjs}'],
    plugins: { jest: jestPlugin },
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
];
