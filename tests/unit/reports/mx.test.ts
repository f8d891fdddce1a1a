// The opt-in MX check with an injected resolver (never the network): verdicts per domain, a timeout per lookup,
// and a limit on lookups in flight.
import { describe, expect, it } from 'vitest';
import { checkMx, mxSummary, type MxResolver } from '../../../scripts/lib/reports/mx.ts';

const fail = (code: string) => Object.assign(new Error(`queryMx ${code}`), { code });

describe('MX check', () => {
  it('reads MX records, a missing domain or record set, a null MX and a failed lookup', async () => {
    const resolver: MxResolver = async (d) => {
      if (d === 'gone.example') throw fail('ENOTFOUND');
      if (d === 'nomail.example') throw fail('ENODATA');
      if (d === 'broken.example') throw fail('ESERVFAIL');
      if (d === 'nullmx.example') return [{ exchange: '', priority: 0 }];
      return [{ exchange: `mx.${d}`, priority: 10 }];
    };
    const v = await checkMx(
      ['acme.com', 'gone.example', 'nomail.example', 'broken.example', 'nullmx.example', 'acme.com', ''],
      {
        resolver,
      },
    );
    expect([...v]).toEqual([
      ['acme.com', 'mx'],
      ['broken.example', 'unknown'],
      ['gone.example', 'no mx'],
      ['nomail.example', 'no mx'],
      ['nullmx.example', 'no mx'],
    ]);
    expect(mxSummary(v)).toEqual({
      domains: 5,
      noMx: ['gone.example', 'nomail.example', 'nullmx.example'],
      unknown: ['broken.example'],
    });
  });

  it('gives up on a lookup after the timeout (unknown, not undeliverable)', async () => {
    const resolver: MxResolver = (d) =>
      d === 'slow.example' ? new Promise(() => {}) : Promise.resolve([{ exchange: 'mx', priority: 1 }]);
    const v = await checkMx(['slow.example', 'fast.example'], { resolver, timeoutMs: 20 });
    expect(v.get('slow.example')).toBe('unknown');
    expect(v.get('fast.example')).toBe('mx');
  });

  it('keeps at most `concurrency` lookups in flight and looks each domain up once', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const resolver: MxResolver = async (d) => {
      asked.push(d);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return [{ exchange: 'mx', priority: 1 }];
    };
    const domains = Array.from({ length: 40 }, (_, i) => `d${i % 25}.example`);
    const v = await checkMx(domains, { resolver, concurrency: 3 });
    expect(v.size).toBe(25);
    expect(asked).toHaveLength(25);
    expect(most).toBe(3);
  });
});
