import type { Command } from './types.ts';
import { snapshot } from './snapshot.ts';
import { deploy } from './deploy.ts';
import { configInit, configCheck, configPush, configDiff } from './config.ts';

/** Every CLI command, in the order `revops --help` lists them. Add new commands here. */
export const commands: Command[] = [snapshot, deploy, configInit, configCheck, configPush, configDiff];
