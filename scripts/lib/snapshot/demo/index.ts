// The demo org: a deterministic generator of a realistic B2B SaaS org (reps, accounts, a lead funnel with
// believable conversion, opportunities with stage histories, activities, our history objects, planted
// duplicates with known truth), whose history is made by the rules of a RevOpsConfig (default: the shipped
// records), so the demo shows what the engine would do. It writes one CSV per object in the Salesforce Data
// Export format (formula fields omitted, as exports do), so the demo snapshot is loaded by exactly the same code
// as a real export.
//
//   places.ts, sales.ts   reference data tables (what is drawn from; no rule values)
//   people.ts             users and pools, accounts, contacts, campaigns
//   arrivals.ts           who arrives as a lead, and when
//   routing.ts            the routing desk: the prepared router at each arrival, capacity and PTO over time
//   funnel.ts             the funnel over time: scoring, MQL, the rep's touch, qualification, conversion
//   requalify.ts          a recycled lead an MQL again on new engagement (its engagement since the recycle)
//   sla.ts                each MQL's SLA clock, checked when the org checks it (engine/jobs.ts checkClock)
//   reassign.ts           an MQL routed again: its owner away at the MQL, or uncontacted past the reassign due
//   handoffs.ts           the engine's hand-off tasks (engine/handoffs.ts): MQL, SQL, stage, won, re-engagement
//   events.ts             engagement events as a conversion links them; the converted contact's scores
//   opportunities.ts      deals through the stage policies, terms and approval tiers
//   lifecycle.ts          lifecycle stage moves through rules/lifecycle.ts, one Lifecycle_Transition__c row each
//   rules.ts              the config prepared once; history.ts the history-row writers; state.ts the state
import { runLeads } from './funnel.ts';
import { makeAccounts, makeBaseContacts, makeCampaigns, makeUsers, writeAccountsAndReps } from './people.ts';
import { shippedConfig } from './rules.ts';
import { closeAll, createState, type DemoOptions, type DemoOutput, type DemoState } from './state.ts';

export type { DemoFile, DemoOptions, DemoOutput } from './state.ts';
export { SHIPPED_CONFIG_ROOT, shippedConfig } from './rules.ts';

export const DEMO_SIZES: Readonly<Record<string, number>> = { small: 5_000, large: 1_000_000 };

/** `small` | `large` | a positive integer → number of leads. */
export function demoLeadCount(size: string): number {
  if (size in DEMO_SIZES) return DEMO_SIZES[size];
  const n = Number(size.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 100 || n > 20_000_000) {
    throw Object.assign(
      new Error(
        `--size must be small, large or a whole number of leads from 100 to 20000000 (got "${size}").`,
      ),
      {
        name: 'InvalidSize',
        actions: ['Use --size small (5,000 leads), --size large (1,000,000) or e.g. --size 250000.'],
      },
    );
  }
  return n;
}

export function generateDemo(opts: DemoOptions): DemoOutput {
  return makeDemo(opts).output;
}

/** The demo written, and the state it was made with (its reps' PTO, pools, ...: for tests against the rules). */
export function makeDemo(opts: DemoOptions): { output: DemoOutput; state: DemoState } {
  const s = createState(opts, opts.config ?? shippedConfig());
  makeUsers(s);
  makeAccounts(s);
  makeBaseContacts(s);
  makeCampaigns(s);
  runLeads(s);
  writeAccountsAndReps(s);
  return { output: closeAll(s), state: s };
}
