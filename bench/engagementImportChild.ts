// The import without the CLI around it (bench only):
// node --import tsx bench/engagementImportChild.ts URL TOKEN FILE BATCH_ROWS
// Prints the ImportResult as JSON on stdout; the parent samples this process's peak RSS.
import { loadConfig } from '../scripts/lib/config/index.ts';
import { importEngagement } from '../scripts/lib/engagement/import.ts';
import { OrgHttp } from '../scripts/lib/org/http.ts';

const [instanceUrl, accessToken, file, batchRows] = process.argv.slice(2);
const http = new OrgHttp({ instanceUrl, accessToken, apiVersion: '66.0', orgId: '00D5e000000FAKEEAA' });
const result = await importEngagement({
  file,
  format: 'hubspot',
  mappings: loadConfig('force-app').engagementMappings ?? [],
  execute: true,
  http,
  batchRows: Number(batchRows),
  pollIntervalMs: 50,
});
process.stdout.write(JSON.stringify(result));
