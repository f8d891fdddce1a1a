// Files written whole or not at all: a state or resume file cut short by a full disk or a kill would otherwise be
// read back as broken JSON on the next run.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes a file whole or not at all (a temp file beside it, then rename). */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file) || '.', { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
