import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDb, type Db } from '../../scripts/lib/reports/db.ts';
import { dedupSnapshot } from '../../scripts/lib/reports/dedup/report.ts';
import { demoQuality, withReviewPairs } from '../../scripts/lib/reports/dedup/quality.ts';
import type { DedupRule } from '../../scripts/lib/rules/match.ts';
import { loadConfig } from '../../scripts/lib/config/index.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'reports-e2e-'));
const snap = join(dir, 'demo.duckdb');

async function cli(
  args: string[],
): Promise<{ code: number; json: { status: number; result: Record<string, unknown> } }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args, '--json'], {
      maxBuffer: 64 << 20,
    });
    return { code: 0, json: JSON.parse(stdout) };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    if (!err.stdout) throw new Error(`revops ${args.join(' ')} failed: ${err.stderr}`);
    return { code: err.code, json: JSON.parse(err.stdout) };
  }
}

beforeAll(async () => {
  // built by the CLI in a child process, as a user would (revops snapshot --demo), so no lock stays in this process
  const { code } = await cli(['snapshot', '--demo', '--size', 'small', '--out', snap]);
  expect(code).toBe(0);
}, 120_000);

describe('report commands on the demo snapshot', () => {
  it('revops report writes one offline HTML file with the audit and the metrics, charts inline', async () => {
    const html = join(dir, 'out', 'report.html');
    const { code, json } = await cli(['report', '--snapshot', snap, '--html', html]);
    expect(json.status).toBe(0);
    expect(code).toBe(0);
    expect(json.result.html).toBe(html);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Quarterly data audit');
    expect(page).toContain('Metrics dashboard');
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/<script|<link|(src|href)="(https?:)?\/\//);
  });

  it('revops dedup --json gives exactly clusters/pairsCompared/records with input Ids', async () => {
    const { code, json } = await cli([
      'dedup',
      '--snapshot',
      snap,
      '--object',
      'Lead',
      '--review-csv',
      join(dir, 'review.csv'),
    ]);
    expect(code).toBe(0);
    expect(Object.keys(json.result).sort()).toEqual(['clusters', 'pairsCompared', 'records']);
    const clusters = json.result.clusters as {
      survivorId: string;
      memberIds: string[];
      score: number;
      reasons: string[];
    }[];
    // the demo's 5,000 leads but the converted ones, which dedup leaves out as the Apex finder does
    const db = await openDb(snap, { readOnly: true });
    const [{ n }] = await db.all<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM "Lead" WHERE NOT coalesce("IsConverted", false)',
    );
    db.close();
    expect(n).toBeGreaterThan(4000);
    expect(n).toBeLessThan(5000);
    expect(json.result.records).toBe(n);
    expect(clusters.length).toBeGreaterThan(0);
    expect(Object.keys(clusters[0]).sort()).toEqual(['memberIds', 'reasons', 'score', 'survivorId']);
    expect(clusters[0].memberIds[0]).toMatch(/^00Q/);
    expect(readFileSync(join(dir, 'review.csv'), 'utf8').split('\n')[0]).toMatch(
      /^cluster,decision,record_id,proposed_winner,confidence/,
    );
  });

  it('dedup takes the default country for national phone numbers by code or name, and names a bad one', async () => {
    const ok = await cli([
      'dedup',
      '--snapshot',
      snap,
      '--object',
      'Contact',
      '--default-country',
      'germany',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.json.result.records).toBeGreaterThan(0);
    const bad = await cli(['dedup', '--snapshot', snap, '--default-country', 'Narnia']);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({
      name: 'ReportError',
      message: expect.stringContaining('--default-country "Narnia" has no calling code'),
      actions: [expect.stringContaining('US, CA, GB')],
    });
  });

  it('metrics, backtest and route simulate return their figures as JSON', async () => {
    const [m, b, r] = await Promise.all([
      cli(['metrics', '--snapshot', snap]),
      cli(['backtest', '--snapshot', snap]),
      cli(['route', 'simulate', '--snapshot', snap]),
    ]);
    expect(m.code).toBe(0);
    expect(
      (m.json.result.marketing as { figures: { key: string; benchmark?: string }[] }).figures.find(
        (f) => f.key === 'leadToMql',
      )?.benchmark,
    ).toBe('5-15%');
    expect(b.code).toBe(0);
    expect(b.json.result.auc).toBeGreaterThan(0.5);
    expect(r.code).toBe(0);
    expect(r.json.result.leads).toBeGreaterThan(0);
  });

  it('bad input fails with a named error and a hint', async () => {
    const { code, json } = await cli(['metrics', '--snapshot', join(dir, 'missing.duckdb')]);
    expect(code).toBe(1);
    expect(json).toMatchObject({
      name: 'ReportError',
      message: expect.stringContaining('Snapshot file not found'),
    });
  });
});

describe('dedup quality on the demo planted duplicates', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(snap, { readOnly: true });
  });
  afterAll(() => db.close());

  it('merges planted lead duplicates with precision >= 0.99 and sends every one it does not merge to review (recommended weights)', async () => {
    // the planted variants include moved phones, qualified company names and abbreviated addresses
    const rule: DedupRule = {
      name: 'Lead_Recommended',
      object: 'Lead',
      matchKeys: ['email', 'email_domain', 'name', 'company', 'phone', 'address'],
      matchThreshold: 0.75,
      reviewThreshold: 0.55,
      mergePriority: ['most_recent_activity', 'oldest_created'],
      fieldWeights: { email: 1, email_domain: 0.5, name: 2, company: 1, phone: 1, address: 1.5 },
    };
    const result = await dedupSnapshot(db, rule);
    const q = await demoQuality(db, 'Lead', result.clusters);
    expect(q.truePairs).toBeGreaterThan(100);
    expect(q.precision).toBeGreaterThanOrEqual(0.99);
    // Merged outright: a duplicate with a moved phone and another e-mail (free-mail or a typo) scores 0.69, a review
    // pair; how many the sample plants decides the merge recall (0.92-0.96 on the small demo; the 0.95 target is not
    // met at 100k and 1M leads: docs/benchmarks.md). None escapes both the merge and the review queue.
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
    const reviewed = await demoQuality(db, 'Lead', withReviewPairs(result.clusters, result.review));
    expect(reviewed.recall).toBeGreaterThanOrEqual(0.99);
  });

  it('finds planted account duplicates (qualified names, abbreviated addresses, moved phones) with the shipped rule', async () => {
    const rule = loadConfig('force-app').dedupRules.find(
      (r) => r.object === 'Account' && r.active !== false,
    )!;
    expect(rule.matchKeys).toContain('address');
    const q = await demoQuality(db, 'Account', (await dedupSnapshot(db, rule)).clusters);
    expect(q.truePairs).toBeGreaterThan(5);
    expect(q.precision).toBeGreaterThanOrEqual(0.99);
    expect(q.recall).toBeGreaterThanOrEqual(0.95);
  });
});
