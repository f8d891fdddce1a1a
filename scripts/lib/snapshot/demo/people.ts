// People and accounts of the demo org: users (integration user, leadership, deal desk, managers, SDRs in the pools
// the routing rules target, AEs by segment) with their Rep_Availability__c rows, companies and accounts (with
// planted duplicate accounts), contacts, e-mail addresses and phone numbers, and the campaigns leads respond to.
import { parseCriteria, splitList } from '../../rules/types.ts';
import { CORE_INDUSTRY, CORE_WORDS, NAMES, SYLLABLES, type Country } from './places.ts';
import { accountSources } from './enrichment.ts';
import { addRep, indexAccount } from './routing.ts';
import {
  abbreviatedAddress,
  businessVariants,
  companyAddress,
  hasAddress,
  movedPhoneDigits,
  qualifiedName,
  trunkOf,
} from './addresses.ts';
import {
  AE_POOLS,
  DEFAULT_STAFFING,
  FREE_MAIL,
  SDR_STAFFING,
  TITLES,
  type Segment,
  type Staffing,
} from './sales.ts';
import {
  DAY,
  newId,
  plantTruth,
  ptoAt,
  write,
  type AccountRow,
  type DemoState,
  type Person,
  type Rec,
  type RepUser,
} from './state.ts';

const PRODUCT_LINES = ['Core Platform', 'Analytics', 'Payments', 'Enterprise Suite'];

function userRow(
  s: DemoState,
  [first, last]: readonly [string, string],
  title: string,
  dept: string,
  managerId: string | null,
  created: number,
): string {
  const id = newId(s, 'User');
  const uname = `${first}.${last}`.toLowerCase().replaceAll(' ', '');
  write(s, 'User', {
    Id: id,
    Username: `${uname}@revops-demo.example`,
    FirstName: first,
    LastName: last,
    Email: `${uname}@revops-demo.example`,
    IsActive: true,
    Title: title,
    Department: dept,
    ManagerId: managerId,
    TimeZoneSidKey: managerId === null && dept === 'IT' ? 'America/Los_Angeles' : 'America/New_York',
    LanguageLocaleKey: 'en_US',
    CreatedDate: created,
  });
  return id;
}

export function nameFor(s: DemoState, lang: string): [string, string] {
  const names = NAMES[lang in NAMES ? lang : 'English'];
  return [s.rnd.pick(names.first), s.rnd.pick(names.last)];
}

/** Open leads a rep of a pool can expect to hold (leads arriving at the end, open up to 60 days). */
function expectedLoad(s: DemoState, share: number, reps: number): number {
  return (((2 * s.nLeads) / 730) * share * 60) / Math.max(1, reps);
}

interface Team {
  pool: string;
  count: number;
  title: string;
  staffing: Staffing;
  /** Capacity__c is drawn from [min, max] × 10 and sized to at least 1.5× the expected load. */
  capacity: [number, number];
  leadShare: number;
}

function makeReps(s: DemoState, team: Team): void {
  const { rnd, start, asOf, installedAt } = s;
  const managerId = userRow(
    s,
    nameFor(s, 'English'),
    `${team.title} Manager`,
    'Sales',
    s.vpSales,
    start - 200 * DAY,
  );
  const floor = Math.ceil((1.5 * expectedLoad(s, team.leadShare, team.count)) / 10) * 10;
  const list: RepUser[] = [];
  for (let i = 0; i < team.count; i++) {
    const [f, l] = nameFor(s, rnd.pick(team.staffing.languages.split(';')));
    const created = start - rnd.int(0, 400) * DAY;
    const id = userRow(s, [f, l], team.title, 'Sales', managerId, created);
    const pto: Array<[number, number]> = [];
    for (let t = start - 30 * DAY; t < asOf + 60 * DAY; t += 180 * DAY) {
      const from = t + rnd.int(0, 170) * DAY;
      pto.push([from, from + rnd.int(3, 14) * DAY]);
    }
    const rep: RepUser = {
      id,
      name: `${f} ${l}`,
      managerId,
      pool: team.pool,
      pto,
      active: !rnd.chance(0.03),
      assignments: 0,
      lastAssigned: null,
    };
    const capacity = Math.max(floor, rnd.int(team.capacity[0], team.capacity[1]) * 10);
    const weight = rnd.chance(0.1) ? 0.5 : rnd.chance(0.1) ? 1.5 : 1;
    list.push(rep);
    s.repById.set(id, rep);
    addRep(s, {
      userId: id,
      name: rep.name,
      pool: team.pool,
      capacity,
      openLeads: 0,
      weight,
      active: rep.active,
      outOfOfficeUntil: null,
      languages: splitList(team.staffing.languages),
      productLines: PRODUCT_LINES,
      territory: team.staffing.territory,
    });
    s.repRows.push({
      Id: newId(s, 'Rep_Availability__c'),
      Name: `${f} ${l} - ${team.pool}`,
      User__c: id,
      Pool__c: team.pool,
      Territory__c: team.staffing.territory,
      Languages__c: team.staffing.languages,
      Capacity__c: capacity,
      Weight__c: weight,
      Active__c: rep.active,
      Product_Lines__c: PRODUCT_LINES.join(';'),
      CreatedDate: Math.max(created, installedAt),
      // Open leads, PTO and assignment counters are filled in at the end (writeRepAvailability).
    });
  }
  s.pools.set(team.pool, list);
}

/** The pools the active routing rules target, with how they are staffed (a Skill rule's language is spoken). */
function sdrTeams(s: DemoState): Array<[string, Staffing]> {
  const teams = new Map<string, Staffing>();
  for (const rule of s.rules.config.routingRules) {
    if (rule.active === false || !rule.targetPool || teams.has(rule.targetPool)) continue;
    const known = SDR_STAFFING[rule.targetPool];
    // the languages the rule asks for (Preferred_Language__c equals X, or in X;Y), as the routing rules read them
    const languages = parseCriteria(rule.criteria)
      .filter((c) => c.field === 'Preferred_Language__c' && (c.operator === 'equals' || c.operator === 'in'))
      .flatMap((c) => splitList(c.value));
    teams.set(
      rule.targetPool,
      known ?? {
        ...DEFAULT_STAFFING,
        languages: languages.length ? ['English', ...languages].join(';') : DEFAULT_STAFFING.languages,
      },
    );
  }
  return [...teams];
}

/** Integration user, leadership, deal desk, managers, SDRs in every pool the routing rules target, AEs. */
export function makeUsers(s: DemoState): void {
  const { start } = s;
  s.integrationUser = userRow(s, ['Integration', 'User'], 'Integration User', 'IT', null, start - 400 * DAY);
  s.vpSales = userRow(s, ['Dana', 'Whitfield'], 'VP Sales', 'Sales', null, start - 300 * DAY);
  for (const [f, l, t] of [
    ['Morgan', 'Reyes', 'Deal Desk Manager'],
    ['Priya', 'Raman', 'Finance Director'],
    ['Tom', 'Becker', 'Legal Counsel'],
  ]) {
    userRow(s, [f, l], t, t.split(' ')[0], s.vpSales, start - 300 * DAY);
  }
  const repTotal = Math.max(60, Math.min(400, Math.round(s.nLeads / 2500)));
  const sdrCount = Math.round(repTotal * 0.55);
  const teams = sdrTeams(s);
  const shares = teams.reduce((sum, [, t]) => sum + t.share, 0);
  for (const [pool, staffing] of teams) {
    const count = Math.max(2, Math.round((sdrCount * staffing.share) / shares));
    const leadShare = (0.45 * staffing.share) / shares;
    const title = 'Sales Development Representative';
    makeReps(s, { pool, count, title, staffing, capacity: [15, 30], leadShare });
  }
  for (const [, pool, share] of AE_POOLS) {
    const count = Math.max(2, Math.round((repTotal - sdrCount) * share));
    const staffing: Staffing = { share, territory: 'Global', languages: 'English' };
    makeReps(s, {
      pool,
      count,
      title: 'Account Executive',
      staffing,
      capacity: [4, 8],
      leadShare: 0.55 * share,
    });
  }
}

export function aeFor(s: DemoState, segment: Segment): RepUser {
  return s.rnd.pick(s.pools.get(AE_POOLS.find(([seg]) => seg === segment)![1])!);
}

export function companyBase(s: DemoState): { base: string; core: string } {
  for (;;) {
    const n = s.rnd.chance(0.6) ? 2 : 3;
    let w = '';
    for (let i = 0; i < n; i++) w += s.rnd.pick(SYLLABLES);
    const core = s.rnd.pick(CORE_WORDS);
    const base = `${w[0].toUpperCase()}${w.slice(1)} ${core}`;
    if (!s.usedBases.has(base)) {
      s.usedBases.add(base);
      return { base, core };
    }
  }
}

export const domainOf = (base: string, c: Country): string => base.toLowerCase().replaceAll(' ', '') + c.tld;

export function phoneDigits(s: DemoState, c: Country): string {
  // as a number (at most 10 digits, the first 2-9: no leading zero), written out once
  let d = s.rnd.int(2, 9);
  for (let i = 1, len = c.dial === '1' ? 10 : 9; i < len; i++) d = d * 10 + s.rnd.int(0, 9);
  return String(d);
}

/**
 * Phone in one of four common formats (dups use a different one). Outside North America one of them is the bare
 * national form with the country's trunk prefix ("020 7946 0958"; none in Spain or Mexico): dedup reads it in the
 * record's own country.
 */
export function formatPhone(c: Country, d: string, format: number): string {
  if (c.dial === '1') {
    const [a, b, x] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
    switch (format % 4) {
      case 0:
        return `(${a}) ${b}-${x}`;
      case 1:
        return `${a}-${b}-${x}`;
      case 2:
        return `+1 ${a} ${b} ${x}`;
      default:
        return `${a}.${b}.${x}`;
    }
  }
  switch (format % 4) {
    case 0:
      return `+${c.dial} ${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5)}`;
    case 1:
      return `${trunkOf(c)}${d.slice(0, 2)} ${d.slice(2)}`;
    case 2: {
      const trunk = trunkOf(c);
      return `+${c.dial} ${trunk ? `(${trunk})` : ''}${d.slice(0, 2)} ${d.slice(2)}`;
    }
    default:
      return `00${c.dial} ${d}`;
  }
}

export const segmentOf = (employees: number): Segment =>
  employees < 200 ? 'SMB' : employees < 2000 ? 'Mid-Market' : 'Enterprise';

export const employeesSample = (s: DemoState): number => Math.max(2, Math.round(s.rnd.logNormal(180, 1.6)));

export function makeAccount(
  s: DemoState,
  created: number,
  base?: { base: string; core: string },
  country?: Country,
  employees?: number,
): AccountRow {
  const { rnd } = s;
  const b = base ?? companyBase(s);
  const c = country ?? s.countries.sample(rnd);
  const emp = employees ?? employeesSample(s);
  const seg = segmentOf(emp);
  const state = c.states ? rnd.pick(c.states) : null;
  const suffix = rnd.pick(c.suffixes);
  const digits = phoneDigits(s, c);
  const domain = domainOf(b.base, c);
  const a: AccountRow = {
    id: newId(s, 'Account'),
    name: `${b.base} ${suffix}`,
    base: b.base,
    domain,
    country: c,
    state,
    industry: CORE_INDUSTRY[b.core],
    employees: emp,
    revenue: Math.round((emp * rnd.logNormal(180_000, 0.5)) / 1000) * 1000,
    segment: seg,
    territory: c.territory,
    ownerId: aeFor(s, seg).id,
    createdDate: created,
    isSystemOfRecord: true,
    customer: false,
    lastActivity: null,
    phone: formatPhone(c, digits, 0),
    phoneDigits: digits,
    address: companyAddress(domain, c),
  };
  s.accounts.push(a);
  return a;
}

/** A second record for the same company (not the system of record), in one of three variants. */
function duplicateAccount(s: DemoState, orig: AccountRow): AccountRow {
  const { rnd } = s;
  const variant = rnd.pick(['company_suffix', 'company_case', 'website_format']);
  const dup = makeAccount(
    s,
    orig.createdDate + rnd.int(30, 400) * DAY,
    { base: orig.base, core: 'Software' },
    orig.country,
    orig.employees,
  );
  dup.industry = orig.industry;
  dup.isSystemOfRecord = false;
  dup.name =
    variant === 'company_suffix'
      ? `${orig.base}${rnd.pick([', Inc.', ' Incorporated', ' Group', ''])}`
      : variant === 'company_case'
        ? orig.name.toUpperCase()
        : orig.name;
  dup.domain = variant === 'website_format' ? `https://www.${orig.domain}/` : orig.domain;
  // The same switchboard in another format, often left blank, sometimes a branch office's number.
  const phoneRoll = rnd.next();
  dup.phone =
    phoneRoll < 0.6
      ? formatPhone(orig.country, orig.phoneDigits, rnd.int(1, 3))
      : phoneRoll < 0.9
        ? ''
        : dup.phone;
  // the business variants the address key is for (from a hash of the Id: the random stream is untouched)
  const bv = businessVariants(dup.id, 0.25);
  const variants = [variant];
  if (bv.abbreviate) {
    dup.address = abbreviatedAddress(orig.domain, orig.country, dup.id);
    variants.push('address_abbrev');
  }
  if (bv.qualifier) {
    dup.name = qualifiedName(orig.base, orig.address.city, dup.id);
    dup.noWebsite = true;
    variants.push('name_qualifier');
  }
  if (bv.movePhone) {
    dup.phoneDigits = movedPhoneDigits(dup.id, orig.country);
    dup.phone = formatPhone(orig.country, dup.phoneDigits, 0);
    variants.push('moved_phone');
  }
  plantTruth(s, orig.id, orig.id, 'Account', 'original');
  plantTruth(s, dup.id, orig.id, 'Account', variants.join(';'));
  return dup;
}

/** Accounts that exist before the two years (2% of them with a planted duplicate), indexed for routing. */
export function makeAccounts(s: DemoState): void {
  const nAccounts = Math.max(200, Math.round(s.nLeads / 8));
  for (let i = 0; i < nAccounts; i++) makeAccount(s, s.start - s.rnd.int(30, 1500) * DAY);
  const nDupAccounts = Math.round(nAccounts * 0.02);
  for (let i = 0; i < nDupAccounts; i++) {
    const orig = s.accounts[s.rnd.int(0, nAccounts - 1)];
    if (!s.truthWritten.has(orig.id)) duplicateAccount(s, orig);
  }
  s.baseAccounts = s.accounts.slice(0, nAccounts);
  s.accountByDomain = new Map(s.baseAccounts.map((a) => [a.domain, a]));
  for (const a of s.accounts) indexAccount(s, a);
}

const emailOf = (first: string, last: string, domain: string, style: number): string => {
  const f = first.toLowerCase();
  const l = last.toLowerCase();
  return `${style === 0 ? `${f}.${l}` : style === 1 ? `${f[0]}${l}` : f}@${domain}`;
};

/** `local@domain`, or `local2@domain`, `local3@domain`, ... when taken; the result is marked used. */
export function claimEmail(s: DemoState, email: string): string {
  let e = email;
  const at = email.indexOf('@');
  for (let n = 2; s.usedEmails.has(e); n++) e = `${email.slice(0, at)}${n}${email.slice(at)}`;
  s.usedEmails.add(e);
  return e;
}

/** A new person's name and address: a few other names are tried before the address gets a number. */
export function newPerson(
  s: DemoState,
  c: Country,
  domain: string,
  maxStyle: number,
  freeMail: number,
): { first: string; last: string; email: string } {
  const { rnd } = s;
  let first = '';
  let last = '';
  let email = '';
  for (let tries = 0; tries < 4; tries++) {
    [first, last] = nameFor(s, c.language);
    email = rnd.chance(freeMail)
      ? `${first.toLowerCase()}${rnd.int(1, 999)}@${rnd.pick(FREE_MAIL)}`
      : emailOf(first, last, domain, rnd.int(0, maxStyle));
    if (!s.usedEmails.has(email)) {
      s.usedEmails.add(email); // what claimEmail does with a free address
      return { first, last, email };
    }
  }
  return { first, last, email: claimEmail(s, email) };
}

/** A contact's row (its funnel fields, then who it is): written by the caller (a converted one scored first). */
export function contactRow(
  s: DemoState,
  p: Person,
  accountId: string,
  ownerId: string,
  created: number,
  source: string | null,
  funnel: Rec,
): Rec {
  // one shape for every contact row (a spread of the funnel fields made a new shape per row)
  return {
    Fit_Score__c: funnel.Fit_Score__c,
    Engagement_Score__c: funnel.Engagement_Score__c,
    Negative_Score__c: funnel.Negative_Score__c,
    Scored_At__c: funnel.Scored_At__c,
    MQL_Date__c: funnel.MQL_Date__c,
    SQL_Date__c: funnel.SQL_Date__c,
    First_Touch_At__c: funnel.First_Touch_At__c,
    Speed_To_Lead_Minutes__c: funnel.Speed_To_Lead_Minutes__c,
    Product_Interest__c: funnel.Product_Interest__c,
    Lifecycle_Stage__c: funnel.Lifecycle_Stage__c,
    Lifecycle_Stage_Entered_At__c: funnel.Lifecycle_Stage_Entered_At__c,
    Recycled_Date__c: funnel.Recycled_Date__c,
    Recycle_Reason__c: funnel.Recycle_Reason__c,
    Id: p.id,
    AccountId: accountId,
    FirstName: p.first,
    LastName: p.last,
    Email: p.email,
    Phone: formatPhone(p.country, p.phoneDigits, p.phoneFormat),
    Title: p.title,
    MailingCountry: p.country.code,
    MailingStreet: p.address?.street ?? null,
    MailingPostalCode: p.address?.postalCode ?? null,
    MailingCity: p.address?.city ?? null,
    LeadSource: source,
    OwnerId: ownerId,
    HasOptedOutOfEmail: false,
    CreatedDate: created,
    LastModifiedDate: Math.min(s.asOf, created + 40 * DAY),
    Preferred_Language__c: p.country.language,
  };
}

/** Contacts at the accounts (existing customers and prospects before the two years). */
export function makeBaseContacts(s: DemoState): void {
  const { rnd } = s;
  for (const a of s.baseAccounts) {
    const n = rnd.int(0, 3);
    for (let i = 0; i < n; i++) {
      const { first, last, email } = newPerson(s, a.country, a.domain, 1, 0);
      const p: Person = {
        id: newId(s, 'Contact'),
        entity: '',
        object: 'Contact',
        first,
        last,
        email,
        phoneDigits: phoneDigits(s, a.country),
        phoneFormat: rnd.int(0, 3),
        country: a.country,
        company: a.name,
        companyBase: a.base,
        domain: a.domain,
        title: TITLES.sample(rnd),
        industry: a.industry,
        employees: a.employees,
      };
      p.address = hasAddress(p.id, 0.5) ? a.address : null;
      p.entity = p.id;
      const created = a.createdDate + rnd.int(0, 200) * DAY;
      write(
        s,
        'Contact',
        contactRow(s, p, a.id, a.ownerId, created, null, {
          Lifecycle_Stage__c: 'Lead',
          Lifecycle_Stage_Entered_At__c: a.createdDate,
        }),
      );
      if (s.contactBuffer.length < 5000) s.contactBuffer.push(p);
    }
  }
}

export function makeCampaigns(s: DemoState): void {
  const { rnd, asOf } = s;
  for (let t = s.start; t < asOf; t += rnd.int(15, 30) * DAY) {
    const type = rnd.pick(['Webinar', 'Event', 'Content Syndication', 'Paid Search', 'Email']);
    const id = newId(s, 'Campaign');
    s.campaigns.push({ id, start: t, type });
    write(s, 'Campaign', {
      Id: id,
      Name: `${new Date(t).toISOString().slice(0, 7)} ${type}`,
      Type: type,
      Status: t + 30 * DAY < asOf ? 'Completed' : 'In Progress',
      StartDate: t,
      EndDate: t + 30 * DAY,
      CreatedDate: t - 14 * DAY,
    });
  }
}

/** The campaign a lead created at `t` responded to: the latest of its type that started before (within 60 days). */
export function campaignAt(s: DemoState, t: number, type: string): string {
  const campaigns = s.campaigns;
  let best = campaigns[0];
  for (let i = campaigns.length - 1; i >= 0; i--) {
    if (campaigns[i].start <= t) {
      best = campaigns[i];
      if (campaigns[i].type === type || i === 0 || campaigns[i].start < t - 60 * DAY) break;
    }
  }
  return best.id;
}

/** Accounts and rep availability rows, written last: their counters (customer, open leads) are final now. */
export function writeAccountsAndReps(s: DemoState): void {
  for (const a of s.accounts) {
    const row: Rec = {
      Id: a.id,
      Name: a.name,
      Website: a.noWebsite ? null : a.isSystemOfRecord ? `www.${a.domain}` : a.domain,
      Phone: a.phone,
      Industry: a.industry,
      Type: a.customer ? 'Customer' : 'Prospect',
      NumberOfEmployees: a.employees,
      AnnualRevenue: a.revenue,
      BillingCountry: a.country.code,
      BillingState: a.state,
      BillingStreet: a.address.street,
      BillingPostalCode: a.address.postalCode,
      BillingCity: a.address.city,
      OwnerId: a.ownerId,
      Segment__c: a.segment,
      Territory__c: a.territory,
      Is_System_Of_Record__c: a.isSystemOfRecord,
      CreatedDate: a.createdDate,
      LastActivityDate: a.lastActivity,
      Enrichment_Sources__c: null,
    };
    row.Enrichment_Sources__c = accountSources(s, a, row);
    write(s, 'Account', row);
  }
  for (const r of s.repRows) {
    const userId = String(r.User__c);
    const rep = s.repById.get(userId)!;
    const ooo = ptoAt(rep, s.asOf);
    write(s, 'Rep_Availability__c', {
      ...r,
      Open_Leads__c: s.desk.repByUser.get(userId)!.openLeads ?? 0,
      Out_Of_Office_Until__c: ooo ? ooo[1] : null,
      Assignment_Count__c: rep.assignments,
      Last_Assigned_At__c: rep.lastAssigned,
    });
  }
}
