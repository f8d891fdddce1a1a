// Salesforce record Ids: 3-character key prefix + 12 characters, plus the 3-character case-safe suffix.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character form of a 15-character Id (the case-insensitive checksum suffix). */
export function to18(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const code = id15.charCodeAt(block * 5 + i);
      if (code >= 65 && code <= 90) flags |= 1 << i;
    }
    suffix += SUFFIX[flags];
  }
  return id15 + suffix;
}

/** Flags of uppercase letters among characters (bit i: character i is A-Z), as to18 sets them. */
const upper = (s: string): number => {
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 65 && code <= 90) flags |= 1 << i;
  }
  return flags;
};

/** Every two-digit base-62 number ("00" ... "zz") and its uppercase flags. */
const PAIRS = Array.from({ length: 62 * 62 }, (_, i) => BASE62[Math.floor(i / 62)] + BASE62[i % 62]);
const PAIR_FLAGS = PAIRS.map(upper);
/** Ids that share the first seven counter digits. */
const RUN = 62 * 62 * 62;

/** Sequential Ids for one object: prefix + pod "8a" + base-62 counter, e.g. 00Q8a0000000001AAA. */
export class IdSequence {
  private n = 0;
  /** For the current run of RUN Ids: the Id's first 12 characters, the first two suffix characters and the
   * uppercase flags of counter digits 6 and 7 (the third block's first two characters). */
  private run = -1;
  private head = '';
  private suffix = '';
  private flags = 0;
  constructor(private readonly prefix: string) {}

  /**
   * to18(prefix + '8a' + the 10-digit counter), the last three digits from tables. Joined, not concatenated: `+`
   * of strings 13 characters or longer makes a rope, which the CSV writer reads character by character about
   * three times slower than the flat string join makes (an Id is written up to three times per row).
   */
  next(): string {
    const n = ++this.n;
    const run = Math.floor(n / RUN);
    if (run !== this.run) this.startRun(run);
    const low = n - run * RUN;
    const d8 = Math.floor(low / 3844);
    const pair = low - d8 * 3844;
    const c8 = BASE62[d8];
    const flags = this.flags | (upper(c8) << 2) | (PAIR_FLAGS[pair] << 3);
    return [this.head, c8, PAIRS[pair], this.suffix, SUFFIX[flags]].join('');
  }

  private startRun(run: number): void {
    let x = run;
    let digits = '';
    for (let i = 0; i < 7; i++) {
      digits = BASE62[x % 62] + digits;
      x = Math.floor(x / 62);
    }
    this.run = run;
    this.head = this.prefix + '8a' + digits;
    this.suffix = SUFFIX[upper(this.head.slice(0, 5))] + SUFFIX[upper(this.head.slice(5, 10))];
    this.flags = upper(this.head.slice(10, 12));
  }
}

/** Key prefixes of the objects the demo org creates. */
export const KEY_PREFIX: Readonly<Record<string, string>> = {
  User: '005',
  Account: '001',
  Contact: '003',
  Lead: '00Q',
  Opportunity: '006',
  OpportunityHistory: '008',
  Task: '00T',
  Event: '00U',
  Campaign: '701',
  CampaignMember: '00v',
  Group: '00G',
  Rep_Availability__c: 'a01',
  Engagement_Event__c: 'a02',
  Lifecycle_Transition__c: 'a03',
  Routing_Decision__c: 'a04',
  SLA_Event__c: 'a05',
};
