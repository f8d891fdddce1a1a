// The commands as oclif loads them (package.json "oclif.commands": explicit strategy, this file, COMMANDS).
// The commands are TypeScript run from source: this plain-JS entry registers tsx's loader once per process (the sf
// CLI, which loads the plugin after `sf plugins link .`, knows nothing of TypeScript), then imports them.
const LOADER = Symbol.for('revops-engine.tsx-loader');
if (!globalThis[LOADER]) {
  const { register } = await import('tsx/esm/api');
  register();
  globalThis[LOADER] = true;
}
const { COMMANDS } = await import('./index.ts');
export { COMMANDS };
