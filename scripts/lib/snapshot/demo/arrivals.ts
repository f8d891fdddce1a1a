// Who arrives as a lead, and when: a new person (at one of the accounts, or at a prospect company), or a planted
// duplicate of an earlier lead or contact with known variants. Lead volume grows over the two years. The lead
// record is set up here with everything the routing rules read; the funnel fills in the rest.
import { normalizeCompany, websiteDomain } from '../../rules/match.ts';
import { CORE_INDUSTRY, NICKNAMES, type Country } from './places.ts';
import {
  claimEmail,
  companyBase,
  domainOf,
  employeesSample,
  formatPhone,
  newPerson,
  phoneDigits,
} from './people.ts';
import { leadSources } from './enrichment.ts';
import { FREE_MAIL, LEAD_SOURCES, PRODUCTS, TITLES } from './sales.ts';
import {
  abbreviatedAddress,
  businessVariants,
  companyAddress,
  hasAddress,
  movedPhoneDigits,
  qualifiedName,
} from './addresses.ts';
import {
  DAY,
  MIN,
  newId,
  plantTruth,
  type AccountRow,
  type DemoState,
  type FirmKeys,
  type Person,
  type Prospect,
  type Rec,
  type RepUser,
} from './state.ts';
import type { Scores } from './rules.ts';

/**
 * One lead on its way through the funnel: the record, what the generator knows about it, and its state in the
 * funnel (funnel.ts; every field is set at arrival, so each run keeps one shape as the funnel fills it in).
 */
export interface LeadRun {
  id: string;
  index: number;
  p: Person;
  isDup: boolean;
  /** The account the person works at (if it has one): the company a conversion lands on. */
  company: AccountRow | null;
  /** UTC day the lead arrived on (leads of one day are routed together). */
  day: number;
  created: number;
  /** Routed_At__c: the insert (TA_Lead_Route routes before insert), then each time it is routed again. */
  routedAt: number;
  source: string;
  product: string;
  rec: Rec;
  ownerId: string;
  /** normalizeCompany(rec.Company) and websiteDomain(rec.Website) when known from the firm (fresh leads), else null. */
  nameKey: string | null;
  websiteKey: string | null;
  // the funnel's state of the lead
  owner: RepUser | undefined;
  fields: Scores | null;
  /** Its engagement events so far (time order): when, and the signal's code for the scoring rules. */
  at: number[];
  signal: number[];
  lastEvent: number;
  mqlAt: number | null;
  /** The scores it became an MQL with (the MQL guard's, in its Lifecycle_Transition__c reason), or null. */
  mqlScores: Scores | null;
  /** The recycle it became an MQL again after, and its engagement since then (null: its first MQL). */
  mqlSinceRecycle: { at: number; engagement: number } | null;
  /** Its recycles as [recycled at, an MQL again at (Infinity: not yet)] pairs, flat. */
  recycles: number[];
  /** The event whose opt-out changed its field scores (-1: none), and the field scores before it. */
  optOut: number;
  fieldsBeforeOptOut: Scores | null;
  eventCount: number;
  stage: string;
  stageAt: number;
  status: string;
  lastModified: number;
  /** Until when the lead holds its owner's capacity (converted, recycled, closed, nurtured), or null. */
  releaseAt: number | null;
  convertedAt: number | null;
  /** The contact its conversion made, written when the lead's run is done (it carries the lead's fields then). */
  contact: Rec | null;
}

export function makeProspects(s: DemoState): void {
  const n = Math.max(100, Math.round(s.nLeads / 3));
  for (let i = 0; i < n; i++) {
    const { base, core } = companyBase(s);
    const country = s.countries.sample(s.rnd);
    s.prospects.push({
      base,
      core,
      country,
      employees: employeesSample(s),
      suffixed: `${base} ${country.suffixes[0]}`,
      domain: domainOf(base, country),
      address: null, // companyAddress(domain, country), made when a lead first needs it
    });
  }
}

const DUP_VARIANTS = [
  'email_case',
  'email_typo',
  'free_mail',
  'phone_format',
  'company_suffix',
  'name_typo',
  'nickname',
];

/** Applies one planted-duplicate variant to the copy; returns false when it could not be applied. */
function applyVariant(s: DemoState, p: Person, v: string): boolean {
  const { rnd } = s;
  if (v === 'email_case')
    p.email =
      p.email[0].toUpperCase() + p.email.slice(1).replace(/\.(\w)/, (_m, c: string) => `.${c.toUpperCase()}`);
  else if (v === 'email_typo') {
    const at = p.email.indexOf('@');
    const k = rnd.int(0, Math.max(0, at - 2));
    const typo = p.email.slice(0, k) + p.email[k + 1] + p.email[k] + p.email.slice(k + 2);
    // a typo that lands on someone else's address would make this a different person's record
    if (s.usedEmails.has(typo.toLowerCase()) && typo !== p.email) return false;
    p.email = typo;
  } else if (v === 'free_mail')
    p.email = claimEmail(
      s,
      `${p.first.toLowerCase()}.${p.last.toLowerCase()}${rnd.int(1, 99)}@${rnd.pick(FREE_MAIL)}`,
    );
  else if (v === 'phone_format') p.phoneFormat = (p.phoneFormat + rnd.int(1, 3)) % 4;
  else if (v === 'company_suffix')
    p.company = rnd.chance(0.5)
      ? p.companyBase
      : `${p.companyBase}${rnd.pick([', Inc.', ' Inc', ' Corporation', ' Ltd.', ' GmbH', ' Group'])}`;
  else if (v === 'name_typo' && p.last.length > 3) {
    const k = rnd.int(1, p.last.length - 2);
    p.last = rnd.chance(0.5)
      ? p.last.slice(0, k) + p.last.slice(k + 1)
      : p.last.slice(0, k) + p.last[k + 1] + p.last[k] + p.last.slice(k + 2);
  } else if (v === 'nickname' && NICKNAMES[p.first]) p.first = NICKNAMES[p.first];
  return true;
}

/** A planted duplicate of a recent lead (80%) or a contact, with one to three variants. */
function duplicatePerson(s: DemoState, id: string): { p: Person; company: AccountRow | null } {
  const { rnd, leadBuffer, contactBuffer } = s;
  const dupOf =
    rnd.chance(0.8) || contactBuffer.length === 0
      ? leadBuffer[rnd.int(Math.max(0, leadBuffer.length - 2000), leadBuffer.length - 1)]
      : rnd.pick(contactBuffer);
  const p: Person = { ...dupOf, id, object: 'Lead' };
  const variants: string[] = [];
  for (let k = 0, n = rnd.int(1, 3); k < n; k++) {
    const v = rnd.pick(DUP_VARIANTS);
    if (!variants.includes(v)) variants.push(v);
  }
  for (let k = 0; k < variants.length; k++) if (!applyVariant(s, p, variants[k])) variants[k] = '';
  // the business variants the address key is for (from a hash of the Id: the random stream is untouched)
  const bv = businessVariants(id, 0.1);
  if (p.address && bv.abbreviate) {
    p.address = abbreviatedAddress(p.domain, p.country, id);
    variants.push('address_abbrev');
  }
  if (bv.movePhone) {
    p.phoneDigits = movedPhoneDigits(id, p.country);
    variants.push('moved_phone');
  }
  if (bv.qualifier) {
    p.company = qualifiedName(p.companyBase, p.address?.city ?? p.country.code, id);
    variants.push('company_qualifier');
  }
  plantTruth(s, dupOf.id, dupOf.entity, dupOf.object, 'original');
  plantTruth(s, id, dupOf.entity, 'Lead', variants.filter(Boolean).join(';') || 'exact');
  return { p, company: s.accountByDomain.get(p.domain) ?? null };
}

/** A new person at one of the accounts (55%) or at a prospect company. */
function freshPerson(
  s: DemoState,
  id: string,
  li: number,
): { p: Person; company: AccountRow | null; keys: FirmKeys | null } {
  const { rnd } = s;
  let company: AccountRow | null = null;
  let name: string;
  let base: string;
  let domain: string;
  let country: Country;
  let industry: string;
  let employees: number;
  let pr: Prospect | null = null;
  let keys: FirmKeys;
  if (rnd.chance(0.55)) {
    company = s.baseAccounts[Math.floor(Math.pow(rnd.next(), 1.5) * s.baseAccounts.length)];
    name = rnd.chance(0.7) ? company.name : company.base;
    ({ base, domain, country, industry, employees } = company);
    keys = company.keys ??= { name: null, base: null, website: null };
  } else {
    pr = s.prospects[Math.floor(Math.pow(rnd.next(), 1.3) * s.prospects.length)];
    name = rnd.chance(0.6) ? pr.suffixed : pr.base;
    ({ base, domain, country, employees } = pr);
    industry = CORE_INDUSTRY[pr.core];
    keys = pr.keys ??= { name: null, base: null, website: null };
  }
  const { first, last, email } = newPerson(s, country, domain, 2, 0.07);
  const phone = phoneDigits(s, country);
  const phoneFormat = rnd.int(0, 3);
  const title = TITLES.sample(rnd);
  // a base account's address is companyAddress(domain, country) (makeAccount); a prospect's is made once
  const address = !hasAddress(id, 0.65)
    ? null
    : company
      ? company.address
      : (pr!.address ??= companyAddress(domain, country));
  const p: Person = {
    id,
    entity: id,
    object: 'Lead',
    first,
    last,
    email,
    phoneDigits: phone,
    phoneFormat,
    country,
    company: name,
    companyBase: base,
    domain,
    title,
    industry,
    employees,
    address,
  };
  if (s.leadBuffer.length < 4000) s.leadBuffer.push(p);
  else s.leadBuffer[li % 4000] = p;
  return { p, company, keys };
}

/** A business-hours-ish time of day for a day (local time, converted to UTC); most weekend leads wait for Monday. */
function workTime(s: DemoState, day: number, offsetHours: number): number {
  const { rnd } = s;
  let d = day;
  const dow = (Math.floor(d / DAY) + 4) % 7; // 0 = Sunday (1970-01-01 was a Thursday)
  if ((dow === 0 || dow === 6) && rnd.chance(0.8)) d += (dow === 6 ? 2 : 1) * DAY;
  const hour = rnd.chance(0.85) ? 8 + rnd.next() * 10 : rnd.next() * 24;
  return d + Math.floor((hour * 3_600_000) / 1000) * 1000 - offsetHours * 3_600_000;
}

/** Lead number `li` of the two years: who, when, from where, and its record as the routing rules see it. */
export function arrive(s: DemoState, li: number): LeadRun {
  const { rnd, asOf, start } = s;
  // Lead volume grows over the two years (density ∝ t): created = start + span * sqrt(u).
  const u = (li + rnd.next()) / s.nLeads;
  const id = newId(s, 'Lead');
  const isDup = li > 50 && rnd.chance(0.04);
  const { p, company, keys } = isDup ? { ...duplicatePerson(s, id), keys: null } : freshPerson(s, id, li);
  const c = p.country;
  const state = c.states ? rnd.pick(c.states) : null;
  const day = start + Math.floor(((asOf - start) * Math.sqrt(u)) / DAY) * DAY;
  // Every requested lead exists (a weekend moved to Monday can pass the snapshot moment: it is pulled back).
  const created = Math.min(workTime(s, day, c.utcOffset), asOf - rnd.int(10, 600) * MIN);
  const source = p.title === 'Student' ? 'Web' : LEAD_SOURCES.sample(rnd);
  const product = PRODUCTS.sample(rnd);
  const rec: Rec = {
    Id: id,
    FirstName: p.first,
    LastName: p.last,
    Email: p.email,
    Phone: formatPhone(c, p.phoneDigits, p.phoneFormat),
    Company: p.company,
    Website: rnd.chance(0.6) ? `www.${p.domain}` : null,
    Title: p.title,
    Industry: p.industry,
    NumberOfEmployees: rnd.chance(0.8) ? p.employees : null,
    AnnualRevenue: rnd.chance(0.5) ? Math.round(p.employees * 150) * 1000 : null,
    Country: c.code,
    State: state,
    Street: p.address?.street ?? null,
    PostalCode: p.address?.postalCode ?? null,
    City: p.address?.city ?? null,
    LeadSource: source,
    OwnerId: null,
    IsConverted: false,
    HasOptedOutOfEmail: false,
    CreatedDate: created,
    Preferred_Language__c: c.language,
    Product_Interest__c: product,
    Matched_Account__c: null,
    // Set as routing and the funnel run; listed here so every lead record has one shape (fast to write out).
    Routed_At__c: null,
    Routing_Rule__c: null,
    Fit_Score__c: null,
    Engagement_Score__c: null,
    Negative_Score__c: null,
    Scored_At__c: null,
    Score_Breakdown__c: null,
    MQL_Date__c: null,
    SQL_Date__c: null,
    SLA_Contact_Due__c: null,
    SLA_Qualify_Due__c: null,
    SLA_Status__c: null,
    First_Touch_At__c: null,
    Speed_To_Lead_Minutes__c: null,
    ConvertedDate: null,
    ConvertedAccountId: null,
    ConvertedContactId: null,
    ConvertedOpportunityId: null,
    Recycled_Date__c: null,
    Recycle_Reason__c: null,
    Lifecycle_Stage__c: null,
    Lifecycle_Stage_Entered_At__c: null,
    Status: null,
    LastModifiedDate: null,
    Enrichment_Sources__c: null,
  };
  rec.Enrichment_Sources__c = leadSources(s, rec, created);
  return {
    id,
    index: li,
    p,
    isDup,
    company,
    day,
    created,
    routedAt: created,
    source,
    product,
    rec,
    ownerId: '',
    nameKey: keys && nameKeyOf(keys, p),
    websiteKey: keys && websiteKeyOf(keys, rec.Website as string | null),
    owner: undefined,
    fields: null,
    at: [],
    signal: [],
    lastEvent: created,
    mqlAt: null,
    mqlScores: null,
    mqlSinceRecycle: null,
    recycles: [],
    optOut: -1,
    fieldsBeforeOptOut: null,
    eventCount: 0,
    stage: 'Lead',
    stageAt: created,
    status: 'Open - Not Contacted',
    lastModified: created,
    releaseAt: null,
    convertedAt: null,
    contact: null,
  };
}

/** A fresh lead's Company is its firm's name (with suffix) or base name: their keys are kept on the firm. */
function nameKeyOf(keys: FirmKeys, p: Person): string {
  return p.company === p.companyBase
    ? (keys.base ??= normalizeCompany(p.company))
    : (keys.name ??= normalizeCompany(p.company));
}

/** A fresh lead's Website is blank or www.<its firm's domain>: the key is kept on the firm. */
function websiteKeyOf(keys: FirmKeys, website: string | null): string {
  return website === null ? '' : (keys.website ??= websiteDomain(website));
}
