// The demo org generator lives in ./demo/ (one file per thing it makes); this path keeps its public API.
export {
  DEMO_SIZES,
  demoLeadCount,
  generateDemo,
  type DemoFile,
  type DemoOptions,
  type DemoOutput,
} from './demo/index.ts';
