// The scorer of Lead / Contact / Account pairs: the engine's rows scored by the match step (scorePair, the twin of
// the Apex DedupMatchService) through the fast path (fastpath.ts): each row prepared once, at first use, with the
// e-mail, domain and phone ids the blocking keys already interned.
import {
  normalizePersonName,
  pairDecision,
  ruleWeights,
  type DedupRule,
  type MatchKey,
  type MatchRecord,
} from '../../rules/match.ts';
import { roundHalfUp } from '../../rules/types.ts';
import type { RecordTable } from './columns.ts';
import type { Decision, PairScorer } from './engine.ts';
import {
  companyRows,
  prepareMatchRecord,
  scorePrepared,
  scorePreparedBound,
  type PreparedMatch,
  type PreparedParts,
} from './fastpath.ts';
import { partKey, type BlockTransform, type Parts } from './parts.ts';

/** Which input column feeds each MatchRecord field of the rules' scorePair. */
export interface MatchColumns {
  email?: string;
  phone?: string;
  company?: string;
  /** Person name: one column, or [first, last] joined with a space. */
  name?: string | [string, string];
  website?: string;
  /** The record's country (the blocking's countryField): national phone numbers get its calling code. */
  country?: string;
  /** The postal address of the address key (Lead Street, Contact MailingStreet, Account BillingStreet, ...). */
  address?: { street: string; postalCode: string; city: string };
}

const REASON_TEXT: Record<string, string> = {
  email: 'same email',
  email_domain: 'same email domain',
  phone: 'phone match',
  company: 'company name match',
  name: 'name match',
  website: 'same website',
  address: 'same address',
};

/**
 * Scorer for Lead / Contact / Account: the rules' scorePair (the Apex twin) with each record prepared once
 * (prepareMatchRecord) instead of once per pair; scores are those of scorePair on the raw records.
 * Reasons are the keys that agree (similarity >= 0.9 at scorePair's 2 decimals).
 */
export function ruleScorer(table: RecordTable, rule: DedupRule, cols: MatchColumns): PairScorer {
  const read = matchRecordReader(table, cols);
  const companies = cols.company && table.columns[cols.company] ? companyRows(table, cols.company) : null;
  const personNames = new Map<string, string>(); // by the (shared) full-name string
  const known: PreparedParts = {};
  const rec: MatchRecord = { id: '' };
  const recs: (PreparedMatch | undefined)[] = new Array(table.ids.length);
  // e-mail, domain and phone as interned ids of the blocking keys' parts (same normalisation), found at first use
  const country = rule.defaultCountry ?? 'US';
  let fromBlocking: { email?: Parts; emailDomain?: Parts; phone?: Parts; address?: Parts } | null = null;
  const blockingParts = () => {
    const part = (name: string | undefined, t: BlockTransform) =>
      name ? table.parts?.get(partKey(name, t, country, cols.country)) : undefined;
    return {
      email: part(cols.email, 'exact'),
      emailDomain: part(cols.email, 'email_domain'),
      phone: part(cols.phone, 'phone'),
      address: part(cols.address?.street, 'address'),
    };
  };
  /** A row's prepared record, made on first use: only rows in some candidate pair are ever prepared. */
  const prepared = (i: number): PreparedMatch => {
    let p = recs[i];
    if (p === undefined) {
      read(i, rec);
      fromBlocking ??= blockingParts();
      known.email = fromBlocking.email?.[i];
      known.emailDomain = fromBlocking.emailDomain?.[i];
      known.phone = fromBlocking.phone?.[i];
      known.address = fromBlocking.address?.[i];
      known.company = companies?.[i] ?? undefined;
      known.personName = undefined;
      if (rec.name) {
        let pn = personNames.get(rec.name);
        if (pn === undefined) personNames.set(rec.name, (pn = normalizePersonName(rec.name)));
        known.personName = pn;
      }
      recs[i] = p = prepareMatchRecord(rec, rule, known);
    }
    return p;
  };
  const weights = ruleWeights(rule);
  const keys = rule.matchKeys;
  const sims = new Float64Array(keys.length);
  const floor = Math.min(rule.matchThreshold, rule.reviewThreshold);
  // Most candidate pairs share a block but not the e-mail or phone: scorePreparedBound rejects them without
  // Jaro-Winkler. It reads only the equality keys and whether company and name are comparable, so when the rule's
  // equality keys all have interned ids, two scratch records holding just those give its exact value and only
  // the rows of pairs it lets through are prepared.
  const scratchA = prepareMatchRecord({ id: '' }, rule);
  const scratchB = prepareMatchRecord({ id: '' }, rule);
  let fillScratch: ((row: number, into: PreparedMatch) => void) | null | undefined;
  const scratchFiller = () => {
    fromBlocking ??= blockingParts();
    const { email, emailDomain, phone, address } = fromBlocking;
    const ids: Partial<Record<MatchKey, Parts>> = { email, email_domain: emailDomain, phone, address };
    if (!keys.every((k) => k === 'company' || k === 'name' || ids[k])) return null;
    return (i: number, p: PreparedMatch) => {
      p.email = email?.[i] ?? 0;
      p.emailDomain = emailDomain?.[i] ?? 0;
      p.phone = phone?.[i] ?? 0;
      p.address = address?.[i] ?? 0;
      p.company = companies?.[i]?.name ?? '';
      p.name = read.hasName(i) ? '' : null;
    };
  };
  const decide = (a: number, b: number): Decision => {
    if (fillScratch === undefined) fillScratch = scratchFiller();
    if (fillScratch) {
      fillScratch(a, scratchA);
      fillScratch(b, scratchB);
      if (scorePreparedBound(scratchA, scratchB, rule, weights) < floor) return 'no match';
    }
    const pa = prepared(a);
    const pb = prepared(b);
    if (!fillScratch && scorePreparedBound(pa, pb, rule, weights) < floor) return 'no match';
    const score = scorePrepared(pa, pb, rule, weights, sims);
    let comparable = 0;
    for (let k = 0; k < keys.length; k++) if (sims[k] === sims[k]) comparable++;
    return pairDecision(score, comparable, rule);
  };
  const scorer: PairScorer = (a, b) => {
    const score = scorePrepared(prepared(a), prepared(b), rule, weights, sims);
    let comparable = 0;
    for (let k = 0; k < keys.length; k++) if (sims[k] === sims[k]) comparable++;
    const decision = pairDecision(score, comparable, rule);
    const reasons: string[] = [];
    for (let k = 0; k < keys.length; k++)
      if (roundHalfUp(sims[k], 2) >= 0.9) reasons.push(REASON_TEXT[keys[k]] ?? keys[k]);
    return { a, b, score, decision, reasons };
  };
  scorer.decide = decide;
  return scorer;
}

/**
 * Reads a row's MatchRecord into `into`: the raw values of the mapped columns, person name = first + " " + last.
 */
export interface MatchRecordReader {
  (row: number, into: MatchRecord): MatchRecord;
  /** Whether the row has a person name (first or last name not blank): its MatchRecord's name is not null. */
  hasName(row: number): boolean;
}

export function matchRecordReader(table: RecordTable, cols: MatchColumns): MatchRecordReader {
  const col = (c: string | undefined) => (c ? table.columns[c] : undefined);
  const email = col(cols.email);
  const phone = col(cols.phone);
  const company = col(cols.company);
  const website = col(cols.website);
  const country = col(cols.country);
  const street = col(cols.address?.street);
  const postalCode = col(cols.address?.postalCode);
  const city = col(cols.address?.city);
  const [first, last] = Array.isArray(cols.name)
    ? [col(cols.name[0]), col(cols.name[1])]
    : [undefined, col(cols.name)];
  // one string per distinct (first, last): names repeat, and the scorer memoises by the name string
  const names = new Map<string, Map<string, string>>();
  const fullName = (f: string, l: string): string => {
    let byLast = names.get(f);
    if (!byLast) names.set(f, (byLast = new Map()));
    let nm = byLast.get(l);
    if (nm === undefined) byLast.set(l, (nm = `${f} ${l}`));
    return nm;
  };
  const present = (v: string | null | undefined): v is string => !!v && v.trim() !== '';
  const reader: MatchRecordReader = (i, rec) => {
    const f = first?.[i];
    const l = last?.[i];
    const hasF = present(f);
    const hasL = present(l);
    rec.id = table.ids[i];
    rec.email = email?.[i] ?? null;
    rec.phone = phone?.[i] ?? null;
    rec.company = company?.[i] ?? null;
    rec.name = hasF && hasL ? fullName(f, l) : hasF ? f : hasL ? l : null;
    rec.website = website?.[i] ?? null;
    rec.country = country?.[i] ?? null;
    rec.street = street?.[i] ?? null;
    rec.postalCode = postalCode?.[i] ?? null;
    rec.city = city?.[i] ?? null;
    return rec;
  };
  reader.hasName = (i) => present(first?.[i]) || present(last?.[i]);
  return reader;
}
