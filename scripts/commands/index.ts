import type { Command } from '@oclif/core';
import Snapshot from './snapshot.ts';
import Deploy from './deploy.ts';
import { ConfigInit, ConfigCheck, ConfigPush, ConfigDiffCommand } from './config.ts';
import Report from './report.ts';
import Audit from './audit.ts';
import Metrics from './metrics.ts';
import Dedup, { DedupUndo } from './dedup.ts';
import Backtest from './backtest.ts';
import RouteSimulate from './route.ts';
import Docs from './docs.ts';
import EngagementImport from './engagement.ts';

/**
 * Every command, by its oclif id (`sf revops config init` is revops:config:init). package.json "oclif.commands"
 * points here (through plugin.js, which loads TypeScript); add new commands one per line.
 */
export const COMMANDS: Record<string, Command.Class> = {
  'revops:snapshot': Snapshot,
  'revops:deploy': Deploy,
  'revops:config:init': ConfigInit,
  'revops:config:check': ConfigCheck,
  'revops:config:push': ConfigPush,
  'revops:config:diff': ConfigDiffCommand,
  'revops:report': Report,
  'revops:audit': Audit,
  'revops:metrics': Metrics,
  'revops:dedup': Dedup,
  'revops:dedup:undo': DedupUndo,
  'revops:backtest': Backtest,
  'revops:route:simulate': RouteSimulate,
  'revops:docs': Docs,
  'revops:engagement:import': EngagementImport,
};
