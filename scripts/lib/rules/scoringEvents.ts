// Which engagement events a scoring rule can count and what each is worth: the age after which a rule's decayed
// points round to 0 (its horizon), decay by half-life, and bot-burst suppression (linear: a sliding window per
// signal). Part of the scoring rule (scoring.ts), as ruleHorizonDays, decayedPoints and suppressBursts are part of
// its Apex twin ScoringService.

/** A decayed event is worth nothing once its points round (1 decimal, half up) to 0, i.e. below this. */
const SMALLEST_POINTS = 0.05;

/**
 * Days after which an event of a rule can add nothing: ceil(halfLife × log2(|points| / 0.05)) + 1 (one day of
 * margin), at least 1; null (no bound) for a rule without a half-life. log2 is computed as ln(x) / ln(2) with a
 * 1e-9 tolerance before ceil, exactly as the Apex twin does.
 */
export function ruleHorizonDays(points: number, halfLifeDays: number | null | undefined): number | null {
  if (!halfLifeDays || halfLifeDays <= 0) return null;
  const days = halfLifeDays * (Math.log(Math.abs(points) / SMALLEST_POINTS) / Math.log(2));
  return Math.max(0, Math.ceil(days - 1e-9)) + 1;
}

export interface TimedEvent {
  signal: string;
  at: number;
  index: number;
}

/**
 * The burst rule on columns, linear: `order` holds `count` event positions in time order; writes the positions
 * kept (still in time order) into `kept` and returns how many. An event is dropped when `maxEvents` kept events of
 * its signal lie less than `windowMs` before it. Each signal keeps a queue of its kept times; the head moves past
 * times that left the window, so every event is pushed and popped at most once.
 */
export function keepOutsideBursts(
  at: ArrayLike<number>,
  signal: ArrayLike<number>,
  order: ArrayLike<number>,
  count: number,
  windowMs: number,
  maxEvents: number,
  kept: Int32Array,
): number {
  const queues = new Map<number, { times: number[]; head: number }>();
  let k = 0;
  for (let j = 0; j < count; j++) {
    const e = order[j];
    let q = queues.get(signal[e]);
    if (!q) queues.set(signal[e], (q = { times: [], head: 0 }));
    while (q.head < q.times.length && at[e] - q.times[q.head] >= windowMs) q.head++;
    if (q.times.length - q.head >= maxEvents) continue;
    q.times.push(at[e]);
    kept[k++] = e;
  }
  return k;
}

export const burstsOn = (
  windowSeconds: number | null | undefined,
  maxEvents: number | null | undefined,
): boolean => !(!windowSeconds || !maxEvents || windowSeconds <= 0 || maxEvents <= 0);

/**
 * Bot-burst suppression: per signal, in time order, an event is ignored when `burstMaxEvents` already
 * counted events of the same signal lie less than `burstWindowSeconds` before it. Returns the kept events.
 */
export function suppressBursts(
  events: TimedEvent[],
  windowSeconds: number | null | undefined,
  maxEvents: number | null | undefined,
): { kept: TimedEvent[]; suppressed: number } {
  if (!burstsOn(windowSeconds, maxEvents)) return { kept: events, suppressed: 0 };
  const sorted = [...events].sort((a, b) => a.at - b.at || a.index - b.index);
  const codes = new Map<string, number>();
  const signal = sorted.map((e) => {
    const key = e.signal.toLowerCase();
    if (!codes.has(key)) codes.set(key, codes.size);
    return codes.get(key)!;
  });
  const kept = new Int32Array(sorted.length);
  const k = keepOutsideBursts(
    sorted.map((e) => e.at),
    signal,
    sorted.map((_, i) => i),
    sorted.length,
    windowSeconds! * 1000,
    maxEvents!,
    kept,
  );
  const out = Array.from(kept.subarray(0, k), (i) => sorted[i]);
  return { kept: out, suppressed: events.length - out.length };
}

/** Decayed points of one event: points × 0.5^(ageDays / halfLifeDays); no decay without a half-life. */
export function decayedPoints(
  points: number,
  ageDays: number,
  halfLifeDays: number | null | undefined,
): number {
  if (!halfLifeDays || halfLifeDays <= 0) return points;
  return points * Math.pow(0.5, ageDays / halfLifeDays);
}
