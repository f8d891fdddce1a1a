// engagement-import-1m: `revops engagement import` of a 1M-event HubSpot export (JSON lines, written here) into the
// fake org's Bulk API 2.0 ingest, with --execute (upsert jobs of 100,000 rows). The import runs in a child process
// (bench/engagementImportChild.ts) whose peak RSS (VmHWM) is sampled from /proc; the fake org runs here.
// REVOPS_BENCH_EVENTS changes the event count; REVOPS_BENCH_CHILD_HEAP_MB caps the import's V8 heap (it completes with
// 96 MB for 1M events: memory does not grow with the file).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOrg } from '../tests/e2e/fakeOrg.ts';
import { ingestOf } from '../tests/e2e/fakeOrg/bulkIngest.ts';

const EVENTS = Number(process.env.REVOPS_BENCH_EVENTS ?? 1_000_000);
const BATCH_ROWS = 100_000;
const PROPS = [
  'hs_email_last_click_date',
  'hs_email_last_open_date',
  'recent_conversion_event_name',
  'lifecyclestage',
];

async function writeExport(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < n; i++) {
    const prop = PROPS[i % PROPS.length];
    const line = `{"eventId":${i},"subscriptionId":${(i % 7) + 1},"portalId":62515,"appId":54321,"occurredAt":${t0 + i * 1000},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":${100000 + (i % 50000)},"changeSource":"CRM","propertyName":"${prop}","propertyValue":"${prop === 'recent_conversion_event_name' ? (i % 3 ? 'Ebook' : 'Demo request') : String(t0 + i * 1000)}"}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

export async function benchEngagementImport(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'revops-bench-import-'));
  const file = join(dir, 'hubspot.jsonl');
  const org = await new FakeOrg().start();
  try {
    await writeExport(file, EVENTS);
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/engagementImportChild.ts',
        org.url,
        org.accessToken,
        file,
        String(BATCH_ROWS),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak = 0;
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // exited
      }
    };
    const timer = setInterval(sample, 50);
    const code = await new Promise<number>((r) => child.on('exit', (c) => (sample(), r(c ?? 1))));
    clearInterval(timer);
    const ms = performance.now() - t0;
    if (code !== 0 && !stdout) throw new Error(`import failed (${code}): ${stderr.slice(-2000)}`);
    const r = JSON.parse(stdout) as {
      mapped: number;
      unmapped: number;
      processed: number;
      failedRows: number;
      batches: number;
    };
    const store = ingestOf(org);
    return {
      events: EVENTS,
      fileMb: Math.round(statSync(file).size / 1e6),
      mapped: r.mapped,
      unmapped: r.unmapped,
      upserted: store.created + store.updated,
      failedRows: r.failedRows,
      jobs: r.batches,
      seconds: Math.round(ms / 100) / 10,
      eventsPerSecond: Math.round(EVENTS / (ms / 1000)),
      peakRssMb: Math.round(peak),
    };
  } finally {
    await org.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
