// RevOps configuration: the custom metadata records, loaded, validated and typed.
export {
  loadConfig,
  parseConfig,
  readDefaultRecord,
  serializeRecord,
  findRecordFiles,
  configQueries,
  recordFromQueryRow,
  packageDirectories,
  readRecords,
  sourceContext,
  CONFIG_TYPES,
} from './load.ts';
export { validateSet, type SetContext } from './validateSet.ts';
export {
  REFERENCED_OBJECTS,
  contextFromOrg,
  leadQueuesFromSource,
  schemaFromDescribe,
  schemaFromSource,
  type DescribedField,
  type LeadQueues,
  type ObjectSchema,
  type OrgReader,
} from './orgSchema.ts';
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
