// The loopback fake of the Salesforce REST, Bulk API 2.0 and Metadata APIs that the e2e tests, the config push
// test and the bench run the CLI against. The server and its dispatch are in fakeOrg/org.ts; the endpoints live
// by API area in fakeOrg/ (query.ts, bulk.ts, sobjects.ts, metadata.ts, merge.ts); see org.ts for where a new
// route goes.
export { FakeOrg } from './fakeOrg/org.ts';
export { syntheticDataset } from './fakeOrg/dataset.ts';
export { FakeUsers, type FakeUser } from './fakeOrg/users.ts';
export {
  FakeMergeResource,
  type FakeField,
  type MergeFaults,
  type Rec,
  type Value,
} from './fakeOrg/merge.ts';
export type { Dataset, DeployFailure, FakeOrgOptions, Faults, LoggedRequest } from './fakeOrg/types.ts';
