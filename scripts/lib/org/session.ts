// Entry script: prints which org `-o` (REVOPS_TARGET_ORG) resolves to, as one JSON line: its instance URL, org id,
// username and API version, or the error with its actions. No token is printed. The org arrives through the
// environment, never the command line: it may be an access token, and a process's arguments are visible to ps.
import { resolveOrg } from './connect.ts';

try {
  const { session } = await resolveOrg(process.env.REVOPS_TARGET_ORG || undefined);
  const { instanceUrl, orgId, username, apiVersion } = session;
  process.stdout.write(JSON.stringify({ org: { instanceUrl, orgId, username, apiVersion } }) + '\n');
} catch (e) {
  const err = e as Error & { actions?: string[] };
  process.stdout.write(
    JSON.stringify({ error: { name: err.name, message: err.message, actions: err.actions ?? [] } }) + '\n',
  );
}
