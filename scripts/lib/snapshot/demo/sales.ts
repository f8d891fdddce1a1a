// Reference data of the demo org, sales side: job titles, lead sources, products, engagement signals, recycle and
// loss reasons, deal terms, the values reps type into the fields a stage requires, and how the sales team is
// staffed. Plain data that describes behaviour (how often, how long, which words); every rule value (points,
// thresholds, routes, required fields, business hours, SLA windows, approval tiers) comes from the config.
import { Weighted } from '../random.ts';

export const TITLES = new Weighted<string>([
  ['CEO', 3],
  ['Chief Revenue Officer', 2],
  ['VP Sales', 5],
  ['VP Marketing', 4],
  ['Head of Revenue Operations', 4],
  ['Director of Sales Operations', 6],
  ['Director of Marketing', 6],
  ['Sales Operations Manager', 9],
  ['Marketing Operations Manager', 8],
  ['IT Manager', 6],
  ['Account Executive', 9],
  ['Software Engineer', 8],
  ['Business Analyst', 7],
  ['Consultant', 5],
  ['Student', 3],
  ['Intern', 2],
]);

export const LEAD_SOURCES = new Weighted<string>([
  ['Web', 24],
  ['Paid Search', 13],
  ['Content Syndication', 10],
  ['Webinar', 9],
  ['Event', 7],
  ['Partner', 6],
  ['Referral', 5],
  ['Outbound', 16],
  ['Newsletter', 6],
  ['Product Signup', 4],
]);
export const PRODUCTS = new Weighted<string>([
  ['Core Platform', 45],
  ['Analytics', 25],
  ['Payments', 18],
  ['Enterprise Suite', 12],
]);
export const FREE_MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'gmx.de'];

/** An engagement signal as the marketing tools log it (its points and half-life are the scoring rules'). */
export interface Signal {
  signal: string;
  url: string;
  source: string;
}
/** A hand-raiser: also what an outbound prospect who replies does. */
export const DEMO_REQUEST: Signal = {
  signal: 'Demo Request',
  url: 'https://www.example-revops.com/demo',
  source: 'Website',
};
export const SIGNALS = new Weighted<Signal>([
  [{ signal: 'Email Open', url: '', source: 'Marketing Automation' }, 30],
  [
    {
      signal: 'Email Click',

      url: 'https://www.example-revops.com/blog',
      source: 'Marketing Automation',
    },
    14,
  ],
  [
    {
      signal: 'Content Download',

      url: 'https://www.example-revops.com/resources/guide',
      source: 'Website',
    },
    12,
  ],
  [{ signal: 'Case Study', url: 'https://www.example-revops.com/customers', source: 'Website' }, 8],
  [
    {
      signal: 'Webinar',

      url: 'https://www.example-revops.com/webinars',
      source: 'Webinar Platform',
    },
    7,
  ],
  [{ signal: 'Pricing Page', url: 'https://www.example-revops.com/pricing', source: 'Website' }, 10],
  [{ signal: 'Product Usage', url: 'https://app.example-revops.com', source: 'Product' }, 8],
  [DEMO_REQUEST, 4],
  [{ signal: 'Unsubscribe', url: '', source: 'Marketing Automation' }, 2],
]);

export const RECYCLE_REASONS = new Weighted<string>([
  ['Unresponsive', 35],
  ['Bad Timing', 22],
  ['No Budget', 18],
  ['No Authority', 12],
  ['Not a Fit', 8],
  ['Competitor', 5],
]);
export const LOSS_REASONS = new Weighted<string>([
  ['No Decision', 30],
  ['Competitor', 25],
  ['Price', 18],
  ['Timing', 12],
  ['Product Fit', 10],
  ['Lost Champion', 5],
]);
export const COMPETITORS = [
  'Clari',
  'Gong',
  'HubSpot',
  'Outreach',
  'LeanData',
  'Chili Piper',
  'In-house build',
];
export const NON_STANDARD_TERMS = [
  'Net-90',
  'Quarterly Billing',
  'Custom SLA',
  'Custom Legal Terms',
  'Multi-Year Price Lock',
  'Termination for Convenience',
  'Uncapped Liability',
];
export const PAYMENT_TERMS = new Weighted<string>([
  ['Net 30', 50],
  ['Net 45', 12],
  ['Net 60', 12],
  ['Net 90', 4],
  ['Quarterly', 8],
  ['Annual Upfront', 14],
]);

/** How deals behave in an open stage. */
export interface StageBehaviour {
  /** Median days in the stage, and the chance to advance from it (else the deal is lost). */
  days: number;
  advance: number;
  /** The deal gets its product demo meeting on entering the stage. */
  demo?: true;
  /** From this stage on, the deal is priced: a discount, a term, maybe non-standard terms, and their approval tier. */
  priced?: true;
}
/**
 * By stage name: which open stages exist and in what order is the stage policies'; a stage not named here behaves
 * as OTHER_STAGE (a pipeline without a demo stage has no demo meetings, one without a priced stage no priced deals).
 */
export const STAGE_BEHAVIOUR: Readonly<Record<string, StageBehaviour>> = {
  Qualified: { days: 6, advance: 0.85 },
  Discovery: { days: 12, advance: 0.72 },
  'Demo/Evaluation': { days: 14, advance: 0.68, demo: true },
  Proposal: { days: 10, advance: 0.72, priced: true },
  Negotiation: { days: 12, advance: 0.78, priced: true },
};
export const OTHER_STAGE: StageBehaviour = { days: 12, advance: 0.75 };
/** How often a rep fills a field the stage requires (Stage_Policy__mdt Required_Fields__c): most of the time. */
export const REQUIRED_FIELD_FILL_RATE = 0.93;
/** What reps type into the fields stage policies may require (which fields a stage requires is the policy's). */
export const FIELD_VALUES: Record<string, string[]> = {
  Pain_Points__c: [
    'Manual lead routing takes hours',
    'No SLA visibility for MQL follow-up',
    'Forecast misses by 20%',
    'Duplicate records across regions',
  ],
  Current_Solution__c: ['Spreadsheets', 'HubSpot workflows', 'In-house scripts', 'LeanData', 'None'],
  Timeline__c: ['This quarter', 'Next quarter', 'Before fiscal year end', 'Within 6 months'],
  Technical_Requirements__c: [
    'SSO, sandbox-first rollout',
    'API access for data warehouse sync',
    'EU data residency',
    'Custom objects support',
  ],
  Decision_Makers__c: ['VP Sales; CFO', 'CRO; Head of RevOps', 'CEO', 'VP Marketing; IT Director'],
  Pricing_Notes__c: [
    'List price, annual billing',
    'Bundle with Analytics',
    'Volume tier 2',
    'Ramp pricing year 1',
  ],
  Terms_Summary__c: ['Standard MSA', 'MSA with DPA', 'Paper on customer template', 'Standard order form'],
  Stakeholder_Map__c: [
    'Champion: RevOps lead; Economic buyer: CFO',
    'Champion: VP Sales; Blocker: IT',
    'Champion: CRO',
  ],
  Redlines__c: ['Liability cap 2x fees', 'Payment terms Net 60', 'None', 'Auto-renewal removed'],
  Approval_Chain__c: ['Manager', 'Manager; VP Sales', 'Deal Desk', 'Finance; Legal'],
  // when no vendor competed (a deal lost to one names it from COMPETITORS)
  Competitor__c: ['None', 'Status quo'],
};
export const PUSH_REASONS = [
  'Customer budget moved to next quarter',
  'Legal review taking longer',
  'Champion on leave',
  'Waiting on security review',
  'Procurement backlog',
];

/** How SDRs are spread over the pools the routing rules target: share of SDRs, territory, languages spoken. */
export interface Staffing {
  share: number;
  territory: string;
  languages: string;
}
/** The shipped pools; a pool a config adds gets DEFAULT_STAFFING (plus the language its Skill rule asks for). */
export const SDR_STAFFING: Record<string, Staffing> = {
  NA_SDR: { share: 0.4, territory: 'North America', languages: 'English' },
  EMEA_SDR: { share: 0.22, territory: 'EMEA', languages: 'English;French;Spanish' },
  DACH_SDR: { share: 0.12, territory: 'DACH', languages: 'English;German' },
  APAC_SDR: { share: 0.08, territory: 'APAC', languages: 'English;Japanese' },
  Global_SDR: { share: 0.18, territory: 'Global', languages: 'English;Spanish;Portuguese' },
};
export const DEFAULT_STAFFING: Staffing = { share: 0.1, territory: 'Global', languages: 'English' };
/** Account executives by segment (they own accounts, so named-account leads). */
export const AE_POOLS: ReadonlyArray<readonly [Segment, string, number]> = [
  ['SMB', 'SMB_AE', 0.45],
  ['Mid-Market', 'MidMarket_AE', 0.35],
  ['Enterprise', 'Enterprise_AE', 0.2],
];
export type Segment = 'SMB' | 'Mid-Market' | 'Enterprise';

/** Outbound prospects who reply and ask for a demo (behaviour, not a rule): only well-fitting ones, some of them. */
export const OUTBOUND_REPLY = { minFit: 55, chance: 0.12 };
