// The JSON text of a Routing_Decision__c row's Candidates__c and Trace__c, built as strings: the same text
// JSON.stringify gives for the same values, without building the objects it would walk (a row per lead).
import type { Assignment } from '../../rules/routing.ts';

/** JSON.stringify of a string: quoted as is unless it holds a character JSON escapes. */
function str(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /["\\\u0000-\u001f\ud800-\udfff]/.test(s) ? JSON.stringify(s) : `"${s}"`;
}

const strOrNull = (s: string | null): string => (s === null ? 'null' : str(s));
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** Candidates__c: the first six candidates (routing.ts DECISION_CANDIDATES), as JSON.stringify writes them. */
export function candidatesJson(a: Assignment): string {
  let out = '[';
  const n = Math.min(6, a.candidates.length); // the router keeps DECISION_CANDIDATES (6) of them
  for (let i = 0; i < n; i++) {
    const c = a.candidates[i];
    if (i) out += ',';
    out += `{"userId":${str(c.userId)},"name":${str(c.name)},"skippedReason":${strOrNull(c.skippedReason)}}`;
  }
  return out + ']';
}

/** Trace__c: the rules tried, the pool and the account matches (not the pointers: routing.ts DECISION_CANDIDATES). */
export function traceJson(a: Assignment): string {
  const t = a.trace;
  let out = '{"rulesTried":[';
  for (let i = 0; i < t.rulesTried.length; i++) {
    const r = t.rulesTried[i];
    if (i) out += ',';
    out += `{"rule":${str(r.rule)},"matched":${r.matched},"note":${str(r.note)}}`;
  }
  out += `],"pool":${strOrNull(t.pool)},"accountMatches":[`;
  for (let i = 0; i < t.accountMatches.length; i++) {
    const m = t.accountMatches[i];
    if (i) out += ',';
    out += `{"accountId":${str(m.accountId)},"score":${num(m.score)},"reasons":[`;
    for (let k = 0; k < m.reasons.length; k++) out += (k ? ',' : '') + str(m.reasons[k]);
    out += ']}';
  }
  return out + ']}';
}
