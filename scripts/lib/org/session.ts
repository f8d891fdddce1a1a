// Entry script: prints the session of an org as one JSON line. `revops snapshot --from-org` runs it in a short-lived
// child process, so the long pull never loads @salesforce/core (about 45 MB that would stay resident for hours).
import { resolveOrg } from './connect.ts';

try {
  const { session } = await resolveOrg(process.env.REVOPS_TARGET_ORG || undefined);
  process.stdout.write(JSON.stringify({ session }) + '\n');
} catch (e) {
  const err = e as Error & { actions?: string[] };
  process.stdout.write(
    JSON.stringify({ error: { name: err.name, message: err.message, actions: err.actions ?? [] } }) + '\n',
  );
}
