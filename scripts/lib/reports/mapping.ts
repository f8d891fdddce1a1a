// What `revops dedup` reads from its flags before it runs: the column mapping of an exported person file and the
// country of national phone numbers.
import { existsSync, readFileSync } from 'node:fs';
import { ReportError } from './db.ts';
import { FEBRL_MAPPING, parsePersonMapping, type PersonMapping } from './dedup/profiles.ts';
import { CALLING_CODES, countryCode } from '../rules/match.ts';

/** --mapping: "febrl" (the default) or a JSON file naming the columns, e.g. {"id":"rec_id","givenName":"given_name"}. */
export function mappingFrom(flag: string | undefined): PersonMapping {
  if (!flag || flag === 'febrl') return FEBRL_MAPPING;
  if (!existsSync(flag))
    throw new ReportError(`Mapping file not found: ${flag}`, [
      'Use --mapping febrl or a JSON file such as {"id":"rec_id","givenName":"given_name","surname":"surname"}.',
    ]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(flag, 'utf8'));
  } catch (e) {
    throw new ReportError(`Mapping file ${flag} is not valid JSON: ${(e as Error).message}`);
  }
  return parsePersonMapping(json, flag);
}

/** --default-country: the country of national phone numbers on records whose own country is blank or unknown. */
export function defaultCountry(flag: string | undefined): string {
  if (flag === undefined) return 'US';
  const code = countryCode(flag);
  if (!code)
    throw new ReportError(`--default-country "${flag}" has no calling code here.`, [
      `Use an ISO 3166-1 alpha-2 code of any country or its English name, e.g. US, CA, GB, DE, IT or "Germany" (${Object.keys(CALLING_CODES).length} countries).`,
    ]);
  return code;
}
