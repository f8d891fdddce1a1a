// Worker thread of PartsWorker (columns.ts): computes blocking-key parts and sends them back, arrays transferred.
import { parentPort } from 'node:worker_threads';
import { computeParts, type PartsJob } from './columns.ts';

parentPort!.on('message', (job: PartsJob) => {
  const result = computeParts(job);
  parentPort!.postMessage(
    result,
    result.flat().map((p) => p.buffer as ArrayBuffer),
  );
});
