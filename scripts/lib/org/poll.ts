// Waiting for a Bulk API 2.0 job (query or ingest): poll its info with a growing delay until JobComplete; Failed or
// Aborted, or the wait running out, throw an OrgApiError that says what to do.
import { OrgApiError, sleep, type OrgHttp } from './http.ts';

export interface JobPoll<T> {
  /** How messages name the job: 'Bulk query job', 'Bulk ingest job'. */
  what: string;
  /** Reads the job's info once. */
  read: () => Promise<T>;
  /** First poll delay; grows ×1.5 up to 10 s. */
  intervalMs: number;
  /** Give up after this long. */
  timeoutMs: number;
  onJob?: (info: T) => void;
  /** How long it waited, as the timeout message says it ("after the wait", "after 60s"). */
  waited: string;
  /** What to do when the job failed or was aborted, and when the wait ran out. */
  failedHint: string;
  timeoutHint: string;
}

/** Polls until the job is JobComplete (returned); Failed or Aborted throw an OrgApiError with the org's message. */
export async function pollJob<T extends { state: string; errorMessage?: string }>(
  http: OrgHttp,
  jobId: string,
  p: JobPoll<T>,
): Promise<T> {
  const deadline = Date.now() + p.timeoutMs;
  let delay = p.intervalMs;
  for (;;) {
    const info = await p.read();
    p.onJob?.(info);
    if (info.state === 'JobComplete') return info;
    if (info.state === 'Failed' || info.state === 'Aborted') {
      throw new OrgApiError(
        `${p.what} ${jobId} ${info.state.toLowerCase()}: ${info.errorMessage ?? 'no message'}`,
        200,
        info.state,
        [p.failedHint],
      );
    }
    if (Date.now() > deadline) {
      throw new OrgApiError(`${p.what} ${jobId} still ${info.state} ${p.waited}.`, 200, 'Timeout', [
        p.timeoutHint,
      ]);
    }
    await sleep(delay, http.signal, `while waiting for ${p.what} ${jobId}`);
    delay = Math.min(10_000, delay * 1.5);
  }
}
