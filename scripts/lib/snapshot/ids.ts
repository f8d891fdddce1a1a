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

/** Sequential Ids for one object: prefix + pod "8a" + base-62 counter, e.g. 00Q8a0000000001AAA. */
export class IdSequence {
  private n = 0;
  constructor(private readonly prefix: string) {}

  next(): string {
    this.n++;
    let x = this.n;
    let body = '';
    for (let i = 0; i < 10; i++) {
      body = BASE62[x % 62] + body;
      x = Math.floor(x / 62);
    }
    return to18(this.prefix + '8a' + body);
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
