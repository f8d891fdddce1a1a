// The dedup review keys twin: what the golden vectors do not show (the Apex field lists are the same, bad Ids
// are refused with the input named). The behaviour itself is pinned by tests/vectors/dedupReview.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  REVIEW_FIELDS,
  blockKeys,
  clusterKey,
  id18,
  pairKey,
} from '../../../scripts/lib/rules/dedupReview.ts';

const apex = readFileSync(
  join(import.meta.dirname, '../../../force-app/main/default/classes/services/DedupReviewKeys.cls'),
  'utf8',
);

describe('dedup review keys (twin of DedupReviewKeys.cls)', () => {
  it('compares the same fields per object as the Apex class', () => {
    for (const [object, fields] of Object.entries(REVIEW_FIELDS)) {
      const m = new RegExp(`'${object}' => new List<String>\\{([^}]*)\\}`).exec(apex);
      expect(m, `DedupReviewKeys.FIELDS has ${object}`).not.toBeNull();
      const apexFields = [...m![1].matchAll(/'(\w+)'/g)].map((x) => x[1]);
      expect(apexFields).toEqual(fields);
    }
  });

  it('refuses what is not a Salesforce Id, naming it', () => {
    expect(() => id18('00Q-bad')).toThrow(/"00Q-bad" is not a Salesforce Id/);
    expect(() => pairKey('00Q000000000001', '')).toThrow(/is not a Salesforce Id/);
  });

  it('refuses an object the review does not run over', () => {
    expect(() => blockKeys({ Name: 'x' }, 'Opportunity')).toThrow(
      /"Opportunity" is unknown; use Lead, Contact or Account/,
    );
  });

  it('keys a record the same in its 15- and 18-character form', () => {
    const a = '00Q5g00000AbCdE';
    expect(clusterKey('Lead', 'Merge', [id18(a), '00Q5g00000aAAAA'])).toBe(
      clusterKey('Lead', 'Merge', ['00Q5g00000aAAAAEA4', a]),
    );
  });
});
