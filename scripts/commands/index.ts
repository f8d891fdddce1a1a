import type { Command } from './types.ts';
import { snapshot } from './snapshot.ts';
import { dedup, dedupUndo } from './dedup.ts';
import { audit } from './audit.ts';
import { metrics } from './metrics.ts';
import { backtest } from './backtest.ts';
import { routeSimulate } from './route.ts';
import { report } from './report.ts';
import { docs } from './docs.ts';

/** Every CLI command, in the order `revops --help` lists them. Add new commands here. */
export const commands: Command[] = [
  snapshot,
  report, audit, metrics, dedup, dedupUndo, backtest, routeSimulate, docs,
];
