import type { Command } from './types.ts';
import { snapshot } from './snapshot.ts';
import { deploy } from './deploy.ts';
import { configInit, configCheck, configPush, configDiff } from './config.ts';
import { report } from './report.ts';
import { audit } from './audit.ts';
import { metrics } from './metrics.ts';
import { dedup, dedupUndo } from './dedup.ts';
import { backtest } from './backtest.ts';
import { routeSimulate } from './route.ts';
import { docs } from './docs.ts';

/** Every CLI command, in the order `revops --help` lists them. Add new commands here, one per line. */
export const commands: Command[] = [
  snapshot,
  deploy,
  configInit,
  configCheck,
  configPush,
  configDiff,
  // report commands (reports area) follow, one per line
  report,
  audit,
  metrics,
  dedup,
  dedupUndo,
  backtest,
  routeSimulate,
  docs,
];
