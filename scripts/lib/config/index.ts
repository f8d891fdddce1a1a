// RevOps configuration: the custom metadata records, loaded, validated and typed.
export {
  loadConfig,
  parseConfig,
  serializeRecord,
  findRecordFiles,
  configQueries,
  recordFromQueryRow,
  CONFIG_TYPES,
} from './load.ts';
export type { ConfigTypeName } from './load.ts';
export { parseRecordXml, readRecordFile, recordToXml, recordFileName } from './xml.ts';
export { ConfigError } from './types.ts';
export type {
  ApprovalTierConfig,
  BusinessCalendarConfig,
  ConfigIssue,
  RawRecord,
  RawValue,
  RevOpsConfig,
  StagePolicyConfig,
} from './types.ts';
