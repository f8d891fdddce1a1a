// The audit's opt-in MX check (`revops audit --check-mx`): does each e-mail domain publish a mail exchanger? Real
// DNS lookups (node:dns/promises resolveMx) with a timeout per lookup and a limit on lookups in flight; tests inject a
// resolver instead of the network. Without the flag nothing is looked up and the audit says "not checked".
import { resolveMx } from 'node:dns/promises';

/** Looks up a domain's MX records (node:dns/promises resolveMx, or a stand-in in tests). */
export type MxResolver = (domain: string) => Promise<{ exchange: string; priority: number }[]>;

export interface MxOptions {
  resolver?: MxResolver;
  /** Per lookup; a lookup that takes longer counts as unknown (default 3 s). */
  timeoutMs?: number;
  /** Lookups in flight at once (default 8). */
  concurrency?: number;
}

/** 'mx': mail can be delivered there; 'no mx': the domain does not exist or publishes no MX; 'unknown': no answer. */
export type MxVerdict = 'mx' | 'no mx' | 'unknown';

export interface MxCheck {
  domains: number;
  noMx: string[];
  unknown: string[];
}

/** DNS answers that say the domain has no mail exchanger (as opposed to a lookup that failed). */
const NO_MX = new Set(['ENOTFOUND', 'ENODATA']);

async function lookup(domain: string, resolver: MxResolver, timeoutMs: number): Promise<MxVerdict> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const r = await Promise.race([resolver(domain), timeout]);
    if (r === 'timeout') return 'unknown';
    return r.some((x) => x.exchange !== '') ? 'mx' : 'no mx'; // a null MX ("." → '') says: no mail here
  } catch (e) {
    return NO_MX.has((e as { code?: string }).code ?? '') ? 'no mx' : 'unknown';
  } finally {
    clearTimeout(timer);
  }
}

/** The MX verdict of each distinct domain, at most `concurrency` lookups at a time. */
export async function checkMx(domains: Iterable<string>, o: MxOptions = {}): Promise<Map<string, MxVerdict>> {
  const resolver = o.resolver ?? resolveMx;
  const timeoutMs = o.timeoutMs ?? 3000;
  const todo = [...new Set([...domains].filter((d) => d !== ''))].sort();
  const out = new Map<string, MxVerdict>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const d = todo[next++];
      out.set(d, await lookup(d, resolver, timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 8, todo.length)) }, worker));
  return new Map(todo.map((d) => [d, out.get(d)!]));
}

/** Summary of checkMx for the audit. */
export function mxSummary(verdicts: Map<string, MxVerdict>): MxCheck {
  const pick = (v: MxVerdict) => [...verdicts].filter(([, x]) => x === v).map(([d]) => d);
  return { domains: verdicts.size, noMx: pick('no mx'), unknown: pick('unknown') };
}
