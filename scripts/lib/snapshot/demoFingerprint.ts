// What a demo snapshot was made from: the shipped config's records and the code that turns them into the demo's
// history (the demo generator and snapshot code, the rules, the engine model, the config loader and schema: whole
// folders, a little more than the generator imports, so an edit there rebuilds once for nothing). A demo
// snapshot kept on disk (the reports' default, .revops/snapshots/demo-small.duckdb) is current only while both are
// unchanged: after an admin edits a record or an upgrade changes the rules, it is rebuilt, so the demo never
// shows history the config would no longer make.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_CONFIG_ROOT } from './demo/rules.ts';

/** The table of a demo snapshot that holds its fingerprint (and the size and seed it was made with). */
export const DEMO_TABLE = '_demo';

const LIB = fileURLToPath(new URL('..', import.meta.url));
/** The code the demo's history comes from, under scripts/lib. */
const CODE_DIRS = ['snapshot', 'rules', 'engine', 'config', 'schema'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The metadata the demo reads: the custom metadata records, and the lead conversion's field mapping. */
const CONFIG_DIRS = ['customMetadata', 'LeadConvertSettings'];

/** sha256 over the config records and the generating code (each file's path and bytes), hex. */
export function demoFingerprint(configRoot = SHIPPED_CONFIG_ROOT): string {
  const hash = createHash('sha256');
  const metadata = join(configRoot, 'main/default');
  for (const dir of CONFIG_DIRS)
    for (const file of files(join(metadata, dir)))
      hash.update(`${relative(metadata, file)}\0`).update(readFileSync(file));
  for (const dir of CODE_DIRS)
    for (const file of files(join(LIB, dir)).filter((f) => f.endsWith('.ts')))
      hash.update(`${relative(LIB, file)}\0`).update(readFileSync(file));
  return hash.digest('hex');
}
