// Where `revops snapshot -o ORG` writes without --out: today's file, or the interrupted pull it can resume.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOut } from '../../../scripts/commands/snapshotOrg.ts';
import { resumePath } from '../../../scripts/lib/snapshot/fromOrg.ts';

const ORG = '00D5e000000TESTAAA';
const AFTER_MIDNIGHT = new Date('2026-12-04T00:05:00Z');

describe('snapshot -o without --out', () => {
  it("resumes yesterday's interrupted pull of the same org after midnight, instead of starting over", () => {
    const dir = mkdtempSync(join(tmpdir(), 'revops-out-'));
    const yesterday = join(dir, `org-${ORG}-2026-12-03.duckdb`);
    writeFileSync(`${yesterday}.partial`, '');
    writeFileSync(resumePath(yesterday), '{}');
    expect(defaultOut(dir, ORG, false, AFTER_MIDNIGHT)).toBe(yesterday);
    // --restart starts today's; another org's pull is not this org's
    expect(defaultOut(dir, ORG, true, AFTER_MIDNIGHT)).toBe(join(dir, `org-${ORG}-2026-12-04.duckdb`));
    expect(defaultOut(dir, '00D5e000000OTHERAA', false, AFTER_MIDNIGHT)).toBe(
      join(dir, 'org-00D5e000000OTHERAA-2026-12-04.duckdb'),
    );
  });

  it("takes today's file when nothing is left to resume (a .partial without its resume file is not resumable)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'revops-out-'));
    writeFileSync(join(dir, `org-${ORG}-2026-12-02.duckdb.partial`), '');
    expect(defaultOut(dir, ORG, false, AFTER_MIDNIGHT)).toBe(join(dir, `org-${ORG}-2026-12-04.duckdb`));
    expect(defaultOut(join(dir, 'missing'), ORG, false, AFTER_MIDNIGHT)).toBe(
      join(dir, 'missing', `org-${ORG}-2026-12-04.duckdb`),
    );
  });
});
