// Worker thread of PartsWorker (parts.ts): computes blocking-key parts and sends them back, typed arrays transferred.
import { parentPort } from 'node:worker_threads';
import { computeParts, type PartsJob } from './parts.ts';

parentPort!.on('message', (job: PartsJob) => {
  const t=performance.now(); const result = computeParts(job); console.log('  worker compute', Math.round(performance.now()-t));
  parentPort!.postMessage(
    result,
    result.flat().flatMap((p) => [p.hashes.buffer as ArrayBuffer, p.offsets.buffer as ArrayBuffer]),
  );
});
