import type { Command } from './types.ts';

/** Every CLI command, in the order `revops --help` lists them. Add new commands here. */
export const commands: Command[] = [];
