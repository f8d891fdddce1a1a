// Blocking-key parts: interned ids (exact equality, collisions resolved) and the worker thread that computes the
// e-mail and phone parts of a snapshot while the main thread reads the rest (scripts/lib/reports/dedup/columns.ts).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  computeParts,
  intern,
  PartsWorker,
  type PartsJob,
} from '../../../scripts/lib/reports/dedup/columns.ts';
import { addressPartValues } from '../../../scripts/lib/reports/dedup/parts.ts';
import { normalizeAddress } from '../../../scripts/lib/rules/match.ts';

describe('intern', () => {
  it('gives equal values equal ids, different values different ids, and blanks 0', () => {
    const values = ['a@x.com', '', 'b@x.com', 'a@x.com', 'c@y.org', '', 'b@x.com'];
    const ids = intern(values);
    expect(ids[1]).toBe(0);
    expect(ids[5]).toBe(0);
    expect(ids[0]).toBe(ids[3]);
    expect(ids[2]).toBe(ids[6]);
    expect(new Set([ids[0], ids[2], ids[4]]).size).toBe(3);
    expect([...ids].filter((i) => i !== 0).every((i) => i > 0)).toBe(true);
  });

  it('keeps values apart when their hashes collide', () => {
    const values = ['alpha', 'beta', 'alpha', 'gamma', 'beta', 'delta'];
    const ids = intern(values, () => 42); // every value in one hash run
    for (let i = 0; i < values.length; i++)
      for (let j = 0; j < values.length; j++) expect(ids[i] === ids[j]).toBe(values[i] === values[j]);
  });
});

describe('parts worker', () => {
  const job: PartsJob = {
    // interleaved Email, Phone columns; every value followed by chr(31)
    rows: [
      ['Ann@Acme.com ', '(415) 555-0100'],
      ['ann@acme.com', '+1 415 555 0100'],
      ['', '415-555-0199 x12'],
      ['bob@gmail.com', ''],
      ['carl@acme.com', 'not a phone'],
    ]
      .map((r) => r.map((v) => `${v}\x1f`).join(''))
      .join(''),
    n: 5,
    transforms: [['exact', 'email_domain'], ['phone']],
    country: 'US',
  };

  it('computes e-mail, company domain and E.164 phone ids as the rules normalise them', () => {
    const [[email, domain], [phone]] = computeParts(job);
    expect(email[0]).toBe(email[1]); // trimmed, lower case
    expect(email[2]).toBe(0);
    expect(email[4]).not.toBe(email[0]);
    expect(domain[0]).toBe(domain[4]); // acme.com
    expect(domain[3]).toBe(0); // free-mail is no company domain
    expect(phone[0]).toBe(phone[1]); // same number, national and international
    expect(phone[2]).not.toBe(0); // extension dropped
    expect(phone[2]).not.toBe(phone[0]);
    expect(phone[3]).toBe(0);
    expect(phone[4]).toBe(0);
  });

  it('runs on a worker thread and returns exactly what the calling thread computes', async () => {
    const worker = new PartsWorker();
    try {
      expect(worker.threaded).toBe(true);
      const [threaded, again] = await Promise.all([worker.run(job), worker.run({ ...job, country: 'GB' })]);
      expect(worker.threaded).toBe(true); // no fallback happened
      expect(threaded.map((c) => c.map((p) => [...p]))).toEqual(
        computeParts(job).map((c) => c.map((p) => [...p])),
      );
      expect(again[1][0][0]).not.toBe(0); // a second job on the same worker, another default country
    } finally {
      worker.close();
    }
  });

  it('computes jobs on the calling thread when the thread fails before its first job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revops-parts-worker-'));
    const script = join(dir, 'broken.mjs');
    writeFileSync(script, "throw new Error('this worker cannot load');\n");
    const worker = new PartsWorker(true, pathToFileURL(script));
    try {
      // the thread fails while the caller still reads its rows: no job listens yet, the process must go on
      for (let k = 0; k < 100 && worker.threaded; k++) await new Promise((r) => setTimeout(r, 50));
      expect(worker.threaded).toBe(false);
      const parts = await worker.run(job);
      expect(parts.map((c) => c.map((p) => [...p]))).toEqual(
        computeParts(job).map((c) => c.map((p) => [...p])),
      );
    } finally {
      worker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('computes the job on the calling thread when the worker has ended', async () => {
    const worker = new PartsWorker();
    worker.close();
    expect(worker.threaded).toBe(false);
    const parts = await worker.run(job);
    expect(parts.map((c) => c.map((p) => [...p]))).toEqual(
      computeParts(job).map((c) => c.map((p) => [...p])),
    );
  });
});

describe('address parts', () => {
  it('are normalizeAddress of every row, the same by dictionary codes as by text', () => {
    const street = [
      '100 North Main Street',
      null,
      '100 N. Main St.',
      '5 Elm Ave',
      '100 North Main Street',
      '7 Oak Rd',
    ];
    const postal = ['02110', '02110', '02110-1234', null, '02110', '02110'];
    const city = ['Boston', 'Boston', null, 'Denver', 'Boston', null];
    const dictionary = (values: (string | null)[]) => {
      const distinct = [null, ...new Set(values.filter((v): v is string => v !== null))];
      return { values, codes: Int32Array.from(values.map((v) => distinct.indexOf(v))) };
    };
    const expected = street.map((s, i) => normalizeAddress(s, postal[i], city[i]));
    expect(expected).toEqual([
      '100 n main st, 02110',
      '',
      '100 n main st, 02110',
      '5 elm ave, denver',
      '100 n main st, 02110',
      '7 oak rd, 02110',
    ]);
    expect(addressPartValues({ values: street }, { values: postal }, { values: city })).toEqual(expected);
    expect(addressPartValues(dictionary(street), dictionary(postal), dictionary(city))).toEqual(expected);
    // a table without a city column: by text
    expect(addressPartValues(dictionary(street), dictionary(postal), undefined)).toEqual(
      street.map((s, i) => normalizeAddress(s, postal[i], null)),
    );
  });
});
