// The phone rule against libphonenumber-js: thousands of valid numbers (each country's example mobile number with
// other last digits, kept when libphonenumber says the number is valid) written as E.164, in international format
// and in national format with the record's country must all normalise to libphonenumber's E.164. The tables the
// rule reads are generated from the same metadata (tooling/generate/matchTables.ts); a test fails when stale.
import { describe, expect, it } from 'vitest';
import { parsePhoneNumberWithError, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json' with { type: 'json' };
import { CALLING_CODES, TRUNK_PREFIXES, countryCode, phoneToE164 } from '../../../scripts/lib/rules/match.ts';
import { generatedFiles } from '../../../tooling/generate/matchTables.ts';
import { readFileSync } from 'node:fs';

/**
 * Countries whose national format differs from the international number by more than a trunk prefix, which a
 * trunk-prefix table cannot undo: Argentina (mobiles are "011 15-2345-6789" nationally, "+54 9 11 2345-6789"
 * abroad) and Belarus (trunk "8" followed by a "0" that is dropped abroad: "8 029 491-19-19" is +375 29 491 19 19).
 * Pinned, so a country joining them after a libphonenumber upgrade is noticed.
 */
const NATIONAL_FORMAT_REWRITTEN = new Set<string>(['AR', 'BY']);

/** Valid numbers of a country: its example mobile number with other last digits (deterministic). */
function numbersOf(country: string, example: string, count: number): PhoneNumber[] {
  let seed = [...country].reduce((s, c) => s * 31 + c.charCodeAt(0), 17);
  const digit = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return String(Math.floor((seed / 2147483648) * 10));
  };
  const out: PhoneNumber[] = [];
  const tail = Math.min(4, example.length - 2);
  for (let k = 0; k < count * 3 && out.length < count; k++) {
    let nsn = example.slice(0, example.length - tail);
    for (let i = 0; i < tail; i++) nsn += digit();
    try {
      const p = parsePhoneNumberWithError(nsn, country as CountryCode);
      if (p.isValid() && !out.some((o) => o.number === p.number)) out.push(p);
    } catch {
      /* not a number of this country: try other digits */
    }
  }
  return out;
}

describe('phone numbers against libphonenumber-js', () => {
  const all = Object.entries(examples as Record<string, string>).flatMap(([c, ex]) =>
    numbersOf(c, ex, 8).map((p) => ({ country: c, p })),
  );

  it('covers thousands of valid numbers of every country', () => {
    expect(all.length).toBeGreaterThan(1500);
    expect(new Set(all.map((x) => x.country)).size).toBeGreaterThan(230);
  });

  it('normalises E.164 and international formats to libphonenumber E.164', () => {
    const wrong: string[] = [];
    for (const { p } of all) {
      for (const input of [p.number, p.formatInternational(), `00${p.number.slice(1)}`]) {
        const got = phoneToE164(input, 'US');
        if (got !== p.number) wrong.push(`${input} -> ${got} (libphonenumber ${p.number})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('normalises national formats in the record country to libphonenumber E.164', () => {
    const wrong: string[] = [];
    for (const { country, p } of all) {
      if (NATIONAL_FORMAT_REWRITTEN.has(country)) continue;
      const input = p.formatNational();
      const got = phoneToE164(input, country);
      if (got !== p.number) wrong.push(`${country} ${input} -> ${got} (libphonenumber ${p.number})`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the Italian leading zero: 06 1234 5678 in Italy is +39 06 1234 5678', () => {
    expect(phoneToE164('06 1234 5678', 'IT')).toBe('+390612345678');
    expect(phoneToE164('+39 06 1234 5678', 'US')).toBe('+390612345678');
    expect(phoneToE164('06 1234 5678', countryCode('Italy')!)).toBe(
      parsePhoneNumberWithError('06 1234 5678', 'IT').number,
    );
    expect(TRUNK_PREFIXES.IT).toBeUndefined();
    expect(TRUNK_PREFIXES.RU).toBe('8');
    expect(TRUNK_PREFIXES.HU).toBe('06');
  });

  it('knows every country libphonenumber knows, by ISO code and English name', () => {
    expect(Object.keys(CALLING_CODES).length).toBeGreaterThanOrEqual(240);
    expect(countryCode('ZA')).toBe('ZA');
    expect(countryCode('South Africa')).toBe('ZA');
    expect(countryCode('côte d’ivoire')).toBe('CI');
    expect(phoneToE164('021 123 4567', 'ZA')).toBe('+27211234567');
  });

  it('names the input and the fix for a default country that is no country', () => {
    expect(() => phoneToE164('0301234567', 'XX')).toThrow(
      /default country "XX" is not an ISO 3166-1 alpha-2 country code/,
    );
  });

  it('has the generated tables up to date with the installed libphonenumber-js', async () => {
    for (const [path, text] of Object.entries(await generatedFiles()))
      expect(readFileSync(path, 'utf8'), `${path} is stale: run npm run generate:match`).toBe(text);
  });
});
