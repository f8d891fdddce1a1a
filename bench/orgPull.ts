// The org pull without the CLI around it (bench only): node --import tsx bench/orgPull.ts URL TOKEN OUT
// Separates the library's memory from the CLI process's baseline (@salesforce/core, every command module).
import { OrgHttp } from '../scripts/lib/org/http.ts';
import { buildOrgSnapshot } from '../scripts/lib/snapshot/fromOrg.ts';

const [instanceUrl, accessToken, out] = process.argv.slice(2);
const http = new OrgHttp({ instanceUrl, accessToken, apiVersion: '66.0', orgId: '00D5e000000FAKEEAA' });
await buildOrgSnapshot({ out, http, objects: ['Lead'] });
