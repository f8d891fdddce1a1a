// The demo org: a deterministic generator of a realistic B2B SaaS org (reps, accounts, a lead funnel with
// believable conversion, opportunities with stage histories, activities, our history objects, planted
// duplicates with known truth). It writes one CSV per object in the Salesforce Data Export format (formula
// fields omitted, as exports do), so the demo snapshot is loaded by exactly the same code as a real export.
import { join } from 'node:path';
import { CsvWriter, type CsvChunking, type CsvColumn, type CsvValue } from './csv.ts';
import { IdSequence, KEY_PREFIX } from './ids.ts';
import { Random, Weighted } from './random.ts';
import { DEDUP_TRUTH_FIELDS, DEDUP_TRUTH_TABLE, SCHEMA } from './schema.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

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

export interface DemoOptions {
  leads: number;
  seed: number;
  /** Folder the CSV files go to (must exist). */
  dir: string;
  /** The moment the snapshot is "taken" (epoch ms). Default 2026-10-01T00:00:00Z, so output is reproducible. */
  asOf?: number;
  /** Split each object's CSV every `rows` rows and report each finished file (lets loading overlap generation). */
  chunking?: { rows: number; onFile(object: string, file: string): void };
  /** Quote every text value as a Data Export does (default); false quotes only where CSV needs it (faster). */
  quoteAllText?: boolean;
}

export interface DemoFile {
  object: string;
  /** The object's CSV files (one unless chunked). */
  files: string[];
  rows: number;
  bytes: number;
}

export interface DemoOutput {
  asOf: number;
  /** When the engine was installed (180 days before asOf): the history objects (transitions, routing decisions, SLA events) start here. */
  installedAt: number;
  files: DemoFile[];
  /** Planted duplicate ground truth (not a Salesforce object). */
  truth: DemoFile;
}

/** Date fields (no time part) among the TIMESTAMP columns. */
const DATE_FIELDS = new Set([
  'CloseDate',
  'ActivityDate',
  'ConvertedDate',
  'StartDate',
  'EndDate',
  'LastActivityDate',
  'FirstRespondedDate',
]);

type Rec = Record<string, CsvValue>;

class ObjectWriter {
  readonly columns: string[];
  readonly csv: CsvWriter;
  constructor(
    dir: string,
    readonly object: string,
    fields: ReadonlyArray<readonly [string, string]>,
    omit: ReadonlySet<string> = new Set(),
    chunking?: CsvChunking,
    quoteAllText = true,
  ) {
    const kept = fields.filter(([n]) => !omit.has(n));
    this.columns = kept.map(([n]) => n);
    const types = kept.map(([n, t]) => (DATE_FIELDS.has(n) ? 'DATE' : t) as CsvColumn);
    this.csv = new CsvWriter(join(dir, `${object}.csv`), this.columns, types, chunking, quoteAllText);
  }
  write(rec: Rec): void {
    this.csv.write(rec);
  }
  close(): DemoFile {
    this.csv.close();
    return { object: this.object, files: this.csv.files, rows: this.csv.rows, bytes: this.csv.bytes };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reference data

interface Country {
  code: string;
  weight: number;
  language: string;
  territory: string;
  tld: string;
  suffixes: string[];
  dial: string;
  utcOffset: number;
  states?: string[];
}

const COUNTRIES: Country[] = [
  {
    code: 'US',
    weight: 42,
    language: 'English',
    territory: 'North America',
    tld: '.com',
    suffixes: ['Inc.', 'LLC', 'Corp.'],
    dial: '1',
    utcOffset: -6,
    states: ['CA', 'NY', 'TX', 'MA', 'WA', 'IL', 'GA', 'CO', 'FL', 'NC'],
  },
  {
    code: 'CA',
    weight: 5,
    language: 'English',
    territory: 'North America',
    tld: '.ca',
    suffixes: ['Inc.', 'Ltd.'],
    dial: '1',
    utcOffset: -5,
    states: ['ON', 'BC', 'QC', 'AB'],
  },
  {
    code: 'GB',
    weight: 10,
    language: 'English',
    territory: 'EMEA',
    tld: '.co.uk',
    suffixes: ['Ltd', 'PLC'],
    dial: '44',
    utcOffset: 0,
  },
  {
    code: 'DE',
    weight: 9,
    language: 'German',
    territory: 'DACH',
    tld: '.de',
    suffixes: ['GmbH', 'AG'],
    dial: '49',
    utcOffset: 1,
  },
  {
    code: 'AT',
    weight: 1,
    language: 'German',
    territory: 'DACH',
    tld: '.at',
    suffixes: ['GmbH'],
    dial: '43',
    utcOffset: 1,
  },
  {
    code: 'CH',
    weight: 1.5,
    language: 'German',
    territory: 'DACH',
    tld: '.ch',
    suffixes: ['AG', 'GmbH'],
    dial: '41',
    utcOffset: 1,
  },
  {
    code: 'FR',
    weight: 7,
    language: 'French',
    territory: 'EMEA',
    tld: '.fr',
    suffixes: ['SA', 'SAS'],
    dial: '33',
    utcOffset: 1,
  },
  {
    code: 'ES',
    weight: 3,
    language: 'Spanish',
    territory: 'EMEA',
    tld: '.es',
    suffixes: ['S.L.', 'S.A.'],
    dial: '34',
    utcOffset: 1,
  },
  {
    code: 'NL',
    weight: 3,
    language: 'English',
    territory: 'EMEA',
    tld: '.nl',
    suffixes: ['B.V.'],
    dial: '31',
    utcOffset: 1,
  },
  {
    code: 'SE',
    weight: 2,
    language: 'English',
    territory: 'EMEA',
    tld: '.se',
    suffixes: ['AB'],
    dial: '46',
    utcOffset: 1,
  },
  {
    code: 'BR',
    weight: 4,
    language: 'Portuguese',
    territory: 'LATAM',
    tld: '.com.br',
    suffixes: ['Ltda.', 'S.A.'],
    dial: '55',
    utcOffset: -3,
  },
  {
    code: 'MX',
    weight: 3,
    language: 'Spanish',
    territory: 'LATAM',
    tld: '.mx',
    suffixes: ['S.A. de C.V.'],
    dial: '52',
    utcOffset: -6,
  },
  {
    code: 'JP',
    weight: 4,
    language: 'Japanese',
    territory: 'APAC',
    tld: '.co.jp',
    suffixes: ['K.K.'],
    dial: '81',
    utcOffset: 9,
  },
  {
    code: 'AU',
    weight: 4,
    language: 'English',
    territory: 'APAC',
    tld: '.com.au',
    suffixes: ['Pty Ltd'],
    dial: '61',
    utcOffset: 10,
  },
  {
    code: 'IN',
    weight: 3,
    language: 'English',
    territory: 'APAC',
    tld: '.in',
    suffixes: ['Pvt. Ltd.'],
    dial: '91',
    utcOffset: 5,
  },
];

const NAMES: Record<string, { first: string[]; last: string[] }> = {
  English: {
    first: [
      'James',
      'Mary',
      'Robert',
      'Patricia',
      'Michael',
      'Jennifer',
      'William',
      'Linda',
      'David',
      'Elizabeth',
      'Richard',
      'Susan',
      'Joseph',
      'Jessica',
      'Thomas',
      'Sarah',
      'Christopher',
      'Karen',
      'Daniel',
      'Nancy',
      'Matthew',
      'Lisa',
      'Anthony',
      'Margaret',
      'Andrew',
      'Emily',
      'Joshua',
      'Michelle',
      'Kevin',
      'Amanda',
      'Brian',
      'Melissa',
      'Alexander',
      'Rachel',
      'Samuel',
      'Katherine',
      'Benjamin',
      'Olivia',
      'Priya',
      'Wei',
      'Aisha',
      'Omar',
      'Chloe',
      'Liam',
      'Grace',
      'Ethan',
    ],
    last: [
      'Smith',
      'Johnson',
      'Williams',
      'Brown',
      'Jones',
      'Garcia',
      'Miller',
      'Davis',
      'Wilson',
      'Anderson',
      'Taylor',
      'Thomas',
      'Moore',
      'Jackson',
      'Martin',
      'Lee',
      'Thompson',
      'White',
      'Harris',
      'Clark',
      'Lewis',
      'Robinson',
      'Walker',
      'Young',
      'Allen',
      'King',
      'Wright',
      'Scott',
      'Hill',
      'Green',
      'Adams',
      'Baker',
      'Nelson',
      'Carter',
      'Mitchell',
      'Roberts',
      'Turner',
      'Phillips',
      'Campbell',
      'Parker',
      'Evans',
      'Edwards',
      'Collins',
      'Stewart',
      'Patel',
      'Nguyen',
      'Chen',
      'Murphy',
      'Kelly',
      'Sullivan',
    ],
  },
  German: {
    first: [
      'Lukas',
      'Anna',
      'Jonas',
      'Lea',
      'Felix',
      'Laura',
      'Maximilian',
      'Julia',
      'Paul',
      'Katharina',
      'Stefan',
      'Sabine',
      'Thomas',
      'Claudia',
      'Andreas',
      'Birgit',
      'Matthias',
      'Nina',
    ],
    last: [
      'Mueller',
      'Schmidt',
      'Schneider',
      'Fischer',
      'Weber',
      'Meyer',
      'Wagner',
      'Becker',
      'Schulz',
      'Hoffmann',
      'Koch',
      'Richter',
      'Bauer',
      'Klein',
      'Wolf',
      'Schroeder',
      'Neumann',
      'Zimmermann',
    ],
  },
  French: {
    first: [
      'Louis',
      'Camille',
      'Hugo',
      'Manon',
      'Jules',
      'Chloe',
      'Lucas',
      'Ines',
      'Antoine',
      'Claire',
      'Nicolas',
      'Sophie',
      'Julien',
      'Amelie',
    ],
    last: [
      'Martin',
      'Bernard',
      'Dubois',
      'Durand',
      'Lefebvre',
      'Moreau',
      'Laurent',
      'Simon',
      'Michel',
      'Garnier',
      'Rousseau',
      'Fournier',
      'Girard',
      'Bonnet',
    ],
  },
  Spanish: {
    first: [
      'Alejandro',
      'Lucia',
      'Pablo',
      'Maria',
      'Javier',
      'Carmen',
      'Diego',
      'Sofia',
      'Carlos',
      'Elena',
      'Miguel',
      'Isabel',
      'Fernando',
      'Paula',
    ],
    last: [
      'Garcia',
      'Fernandez',
      'Gonzalez',
      'Rodriguez',
      'Lopez',
      'Martinez',
      'Sanchez',
      'Perez',
      'Gomez',
      'Ruiz',
      'Hernandez',
      'Diaz',
      'Moreno',
      'Alvarez',
    ],
  },
  Portuguese: {
    first: [
      'Joao',
      'Ana',
      'Pedro',
      'Beatriz',
      'Gabriel',
      'Mariana',
      'Rafael',
      'Juliana',
      'Lucas',
      'Fernanda',
      'Bruno',
      'Camila',
    ],
    last: [
      'Silva',
      'Santos',
      'Oliveira',
      'Souza',
      'Rodrigues',
      'Ferreira',
      'Alves',
      'Pereira',
      'Lima',
      'Gomes',
      'Costa',
      'Ribeiro',
    ],
  },
  Japanese: {
    first: [
      'Haruto',
      'Yui',
      'Sota',
      'Hina',
      'Ren',
      'Aoi',
      'Takumi',
      'Sakura',
      'Kenji',
      'Yuki',
      'Hiroshi',
      'Emi',
    ],
    last: [
      'Sato',
      'Suzuki',
      'Takahashi',
      'Tanaka',
      'Watanabe',
      'Ito',
      'Yamamoto',
      'Nakamura',
      'Kobayashi',
      'Kato',
      'Yoshida',
      'Yamada',
    ],
  },
};

const NICKNAMES: Record<string, string> = {
  Robert: 'Bob',
  William: 'Bill',
  Elizabeth: 'Liz',
  Katherine: 'Kate',
  Michael: 'Mike',
  James: 'Jim',
  Jennifer: 'Jen',
  Christopher: 'Chris',
  Daniel: 'Dan',
  Thomas: 'Tom',
  Margaret: 'Maggie',
  Richard: 'Rick',
  Joseph: 'Joe',
  Alexander: 'Alex',
  Matthew: 'Matt',
  Anthony: 'Tony',
  Andrew: 'Andy',
  Joshua: 'Josh',
  Samuel: 'Sam',
  Benjamin: 'Ben',
  Patricia: 'Pat',
  Susan: 'Sue',
  Jessica: 'Jess',
  Rachel: 'Rach',
  Melissa: 'Mel',
};

const SYLLABLES = [
  'kor',
  'va',
  'lin',
  'tex',
  'dra',
  'mo',
  'zen',
  'quo',
  'ri',
  'sta',
  'nex',
  'ul',
  'bri',
  'cal',
  'fen',
  'gra',
  'hol',
  'ix',
  'jo',
  'ka',
  'lum',
  'mar',
  'nor',
  'ob',
  'pra',
  'qui',
  'ro',
  'sol',
  'tri',
  'ven',
  'wex',
  'yor',
  'zu',
  'al',
  'bel',
  'cor',
  'del',
  'el',
  'fir',
  'gen',
];
const CORE_WORDS = [
  'Logic',
  'Data',
  'Works',
  'Systems',
  'Labs',
  'Health',
  'Bank',
  'Foods',
  'Energy',
  'Motors',
  'Media',
  'Cloud',
  'Retail',
  'Logistics',
  'Capital',
  'Pharma',
  'Networks',
  'Analytics',
  'Robotics',
  'Textiles',
  'Insurance',
  'Solutions',
  'Dynamics',
  'Software',
  'Freight',
];
const CORE_INDUSTRY: Record<string, string> = {
  Logic: 'Software',
  Data: 'Software',
  Works: 'Manufacturing',
  Systems: 'Technology',
  Labs: 'Biotechnology',
  Health: 'Healthcare',
  Bank: 'Financial Services',
  Foods: 'Consumer Goods',
  Energy: 'Energy',
  Motors: 'Manufacturing',
  Media: 'Media',
  Cloud: 'Software',
  Retail: 'Retail',
  Logistics: 'Transportation',
  Capital: 'Financial Services',
  Pharma: 'Healthcare',
  Networks: 'Telecommunications',
  Analytics: 'Software',
  Robotics: 'Manufacturing',
  Textiles: 'Manufacturing',
  Insurance: 'Insurance',
  Solutions: 'Consulting',
  Dynamics: 'Technology',
  Software: 'Software',
  Freight: 'Transportation',
};
const TARGET_INDUSTRIES = new Set([
  'Software',
  'Technology',
  'Financial Services',
  'Healthcare',
  'Insurance',
]);

interface Title {
  title: string;
  fit: number;
  negative: number;
}
const TITLES = new Weighted<Title>([
  [{ title: 'CEO', fit: 30, negative: 0 }, 3],
  [{ title: 'Chief Revenue Officer', fit: 30, negative: 0 }, 2],
  [{ title: 'VP Sales', fit: 28, negative: 0 }, 5],
  [{ title: 'VP Marketing', fit: 25, negative: 0 }, 4],
  [{ title: 'Head of Revenue Operations', fit: 30, negative: 0 }, 4],
  [{ title: 'Director of Sales Operations', fit: 25, negative: 0 }, 6],
  [{ title: 'Director of Marketing', fit: 20, negative: 0 }, 6],
  [{ title: 'Sales Operations Manager', fit: 18, negative: 0 }, 9],
  [{ title: 'Marketing Operations Manager', fit: 16, negative: 0 }, 8],
  [{ title: 'IT Manager', fit: 10, negative: 0 }, 6],
  [{ title: 'Account Executive', fit: 6, negative: 0 }, 9],
  [{ title: 'Software Engineer', fit: 4, negative: 0 }, 8],
  [{ title: 'Business Analyst', fit: 6, negative: 0 }, 7],
  [{ title: 'Consultant', fit: 5, negative: 5 }, 5],
  [{ title: 'Student', fit: 0, negative: 25 }, 3],
  [{ title: 'Intern', fit: 0, negative: 20 }, 2],
]);

const LEAD_SOURCES = new Weighted<string>([
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
const PRODUCTS = new Weighted<string>([
  ['Core Platform', 45],
  ['Analytics', 25],
  ['Payments', 18],
  ['Enterprise Suite', 12],
]);
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'gmx.de'];

interface Signal {
  signal: string;
  points: number;
  url: string;
  source: string;
}
const SIGNALS = new Weighted<Signal>([
  [{ signal: 'Email Open', points: 1, url: '', source: 'Marketing Automation' }, 30],
  [
    {
      signal: 'Email Click',
      points: 5,
      url: 'https://www.example-revops.com/blog',
      source: 'Marketing Automation',
    },
    14,
  ],
  [
    {
      signal: 'Content Download',
      points: 8,
      url: 'https://www.example-revops.com/resources/guide',
      source: 'Website',
    },
    12,
  ],
  [
    { signal: 'Case Study', points: 8, url: 'https://www.example-revops.com/customers', source: 'Website' },
    8,
  ],
  [
    {
      signal: 'Webinar',
      points: 10,
      url: 'https://www.example-revops.com/webinars',
      source: 'Webinar Platform',
    },
    7,
  ],
  [
    { signal: 'Pricing Page', points: 15, url: 'https://www.example-revops.com/pricing', source: 'Website' },
    10,
  ],
  [{ signal: 'Product Usage', points: 12, url: 'https://app.example-revops.com', source: 'Product' }, 8],
  [{ signal: 'Demo Request', points: 30, url: 'https://www.example-revops.com/demo', source: 'Website' }, 4],
  [{ signal: 'Unsubscribe', points: -10, url: '', source: 'Marketing Automation' }, 2],
]);
const HALF_LIFE_DAYS = 30;
const MQL_FIT = 40;
const MQL_ENGAGEMENT = 25;

const RECYCLE_REASONS = new Weighted<string>([
  ['Unresponsive', 35],
  ['Bad Timing', 22],
  ['No Budget', 18],
  ['No Authority', 12],
  ['Not a Fit', 8],
  ['Competitor', 5],
]);
const LOSS_REASONS = new Weighted<string>([
  ['No Decision', 30],
  ['Competitor', 25],
  ['Price', 18],
  ['Timing', 12],
  ['Product Fit', 10],
  ['Lost Champion', 5],
]);
const COMPETITORS = ['Clari', 'Gong', 'HubSpot', 'Outreach', 'LeanData', 'Chili Piper', 'In-house build'];
const NON_STANDARD_TERMS = [
  'Net-90',
  'Quarterly Billing',
  'Custom SLA',
  'Custom Legal Terms',
  'Multi-Year Price Lock',
  'Termination for Convenience',
  'Uncapped Liability',
];
const PAYMENT_TERMS = new Weighted<string>([
  ['Net 30', 50],
  ['Net 45', 12],
  ['Net 60', 12],
  ['Net 90', 4],
  ['Quarterly', 8],
  ['Annual Upfront', 14],
]);

const OPEN_STAGES = ['Qualified', 'Discovery', 'Demo/Evaluation', 'Proposal', 'Negotiation'] as const;
const STAGE_PROBABILITY: Record<string, number> = {
  Qualified: 10,
  Discovery: 20,
  'Demo/Evaluation': 40,
  Proposal: 60,
  Negotiation: 80,
  'Closed Won': 100,
  'Closed Lost': 0,
};
const STAGE_FORECAST: Record<string, string> = {
  Qualified: 'Pipeline',
  Discovery: 'Pipeline',
  'Demo/Evaluation': 'Pipeline',
  Proposal: 'Best Case',
  Negotiation: 'Commit',
  'Closed Won': 'Closed',
  'Closed Lost': 'Omitted',
};
/** Median days in stage, and the chance to advance (else lost) when leaving it. */
const STAGE_DAYS = [6, 12, 14, 10, 12];
const STAGE_ADVANCE = [0.85, 0.72, 0.68, 0.72, 0.78];
/** Fields each stage requires (Stage_Policy__mdt), filled by reps most of the time. */
const STAGE_FIELDS: Record<string, Array<[string, string[]]>> = {
  Discovery: [
    [
      'Pain_Points__c',
      [
        'Manual lead routing takes hours',
        'No SLA visibility for MQL follow-up',
        'Forecast misses by 20%',
        'Duplicate records across regions',
      ],
    ],
    ['Current_Solution__c', ['Spreadsheets', 'HubSpot workflows', 'In-house scripts', 'LeanData', 'None']],
    ['Timeline__c', ['This quarter', 'Next quarter', 'Before fiscal year end', 'Within 6 months']],
  ],
  'Demo/Evaluation': [
    [
      'Technical_Requirements__c',
      [
        'SSO, sandbox-first rollout',
        'API access for data warehouse sync',
        'EU data residency',
        'Custom objects support',
      ],
    ],
    ['Decision_Makers__c', ['VP Sales; CFO', 'CRO; Head of RevOps', 'CEO', 'VP Marketing; IT Director']],
  ],
  Proposal: [
    [
      'Pricing_Notes__c',
      ['List price, annual billing', 'Bundle with Analytics', 'Volume tier 2', 'Ramp pricing year 1'],
    ],
    [
      'Terms_Summary__c',
      ['Standard MSA', 'MSA with DPA', 'Paper on customer template', 'Standard order form'],
    ],
  ],
  Negotiation: [
    [
      'Stakeholder_Map__c',
      ['Champion: RevOps lead; Economic buyer: CFO', 'Champion: VP Sales; Blocker: IT', 'Champion: CRO'],
    ],
    ['Redlines__c', ['Liability cap 2x fees', 'Payment terms Net 60', 'None', 'Auto-renewal removed']],
    ['Approval_Chain__c', ['Manager', 'Manager; VP Sales', 'Deal Desk', 'Finance; Legal']],
  ],
};

type Segment = 'SMB' | 'Mid-Market' | 'Enterprise';

/** The shipped routing rules after Named_Account, in priority order (Routing_Rule__mdt: criteria → pool). */
const EMEA_ROUTED = new Set(['GB', 'IE', 'FR', 'NL', 'ES', 'DE', 'AT', 'CH']);
const SDR_ROUTES: ReadonlyArray<{
  rule: string;
  method: string;
  pool: string;
  applies(c: Country): boolean;
}> = [
  { rule: 'Skill_Japanese', method: 'Skill', pool: 'APAC_SDR', applies: (c) => c.language === 'Japanese' },
  { rule: 'Skill_German', method: 'Skill', pool: 'DACH_SDR', applies: (c) => c.language === 'German' },
  { rule: 'Territory_EMEA', method: 'Territory', pool: 'EMEA_SDR', applies: (c) => EMEA_ROUTED.has(c.code) },
  {
    rule: 'Territory_North_America',
    method: 'Territory',
    pool: 'NA_SDR',
    applies: (c) => c.territory === 'North America',
  },
  { rule: 'Round_Robin_Default', method: 'Round-Robin', pool: 'Global_SDR', applies: () => true },
];

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
const weekday = (ms: number): number => (Math.floor(ms / DAY) + 4) % 7;

// ---------------------------------------------------------------------------------------------------------
// Generator state

interface RepUser {
  id: string;
  name: string;
  managerId: string;
  pool: string;
  /** Two PTO windows per year: [start, end) epoch ms. */
  pto: Array<[number, number]>;
  active: boolean;
  openLeads: number;
  assignments: number;
  lastAssigned: number | null;
}

interface AccountRow {
  id: string;
  name: string;
  /** Company name without legal suffix, and the domain (unique). */
  base: string;
  domain: string;
  country: Country;
  state: string | null;
  industry: string;
  employees: number;
  revenue: number;
  segment: Segment;
  territory: string;
  ownerId: string;
  createdDate: number;
  isSystemOfRecord: boolean;
  customer: boolean;
  lastActivity: number | null;
  phone: string;
  phoneDigits: string;
}

interface Person {
  id: string;
  entity: string;
  object: 'Lead' | 'Contact';
  first: string;
  last: string;
  email: string;
  phoneDigits: string;
  phoneFormat: number;
  country: Country;
  company: string;
  companyBase: string;
  domain: string;
  title: Title;
  industry: string;
  employees: number;
}

export function generateDemo(opts: DemoOptions): DemoOutput {
  const rnd = new Random(opts.seed);
  const asOf = opts.asOf ?? Date.UTC(2026, 9, 1);
  const installedAt = asOf - 180 * DAY;
  const start = asOf - 730 * DAY;
  const nLeads = opts.leads;
  const ids: Record<string, IdSequence> = {};
  const newId = (object: string): string => (ids[object] ??= new IdSequence(KEY_PREFIX[object])).next();
  const writers: Record<string, ObjectWriter> = {};
  for (const [object, schema] of Object.entries(SCHEMA)) {
    const chunking = opts.chunking && {
      rows: opts.chunking.rows,
      onFile: (file: string) => opts.chunking!.onFile(object, file),
    };
    writers[object] = new ObjectWriter(
      opts.dir,
      object,
      schema.fields,
      new Set(Object.keys(schema.derived ?? {})),
      chunking,
      opts.quoteAllText,
    );
  }
  const truthWriter = new ObjectWriter(opts.dir, DEDUP_TRUTH_TABLE, DEDUP_TRUTH_FIELDS);
  const W = (object: string, rec: Rec): void => writers[object].write(rec);
  const truthWritten = new Set<string>();
  const plantTruth = (id: string, entity: string, object: string, variant: string): void => {
    if (truthWritten.has(id)) return;
    truthWritten.add(id);
    truthWriter.write({ Id: id, entity_id: entity, object, variant });
  };

  const countries = new Weighted(COUNTRIES.map((c) => [c, c.weight] as const));

  // ----- users: integration user, leadership, deal desk, managers, SDRs and AEs in pools
  const userRow = (
    first: string,
    last: string,
    title: string,
    dept: string,
    managerId: string | null,
    tz: string,
    created: number,
  ): string => {
    const id = newId('User');
    const uname = `${first}.${last}`.toLowerCase().replaceAll(' ', '');
    W('User', {
      Id: id,
      Username: `${uname}@revops-demo.example`,
      FirstName: first,
      LastName: last,
      Email: `${uname}@revops-demo.example`,
      IsActive: true,
      Title: title,
      Department: dept,
      ManagerId: managerId,
      TimeZoneSidKey: tz,
      LanguageLocaleKey: 'en_US',
      CreatedDate: created,
    });
    return id;
  };
  const integrationUser = userRow(
    'Integration',
    'User',
    'Integration User',
    'IT',
    null,
    'America/Los_Angeles',
    start - 400 * DAY,
  );
  const vpSales = userRow(
    'Dana',
    'Whitfield',
    'VP Sales',
    'Sales',
    null,
    'America/New_York',
    start - 300 * DAY,
  );
  for (const [f, l, t] of [
    ['Morgan', 'Reyes', 'Deal Desk Manager'],
    ['Priya', 'Raman', 'Finance Director'],
    ['Tom', 'Becker', 'Legal Counsel'],
  ]) {
    userRow(f, l, t, t.split(' ')[0], vpSales, 'America/New_York', start - 300 * DAY);
  }
  const fallbackQueue = '00G8a00000001LFAA0';
  const repTotal = Math.max(60, Math.min(400, Math.round(nLeads / 2500)));
  // SDR pools and territories as the shipped routing config names them (Routing_Rule__mdt Target_Pool__c):
  // Skill_Japanese → APAC_SDR, Skill_German → DACH_SDR, Territory_EMEA → EMEA_SDR,
  // Territory_North_America → NA_SDR, Round_Robin_Default → Global_SDR.
  const sdrPools: Array<[string, number, string, string]> = [
    // pool, share of SDRs, territory, languages
    ['NA_SDR', 0.4, 'North America', 'English'],
    ['EMEA_SDR', 0.22, 'EMEA', 'English;French;Spanish'],
    ['DACH_SDR', 0.12, 'DACH', 'English;German'],
    ['APAC_SDR', 0.08, 'APAC', 'English;Japanese'],
    ['Global_SDR', 0.18, 'Global', 'English;Spanish;Portuguese'],
  ];
  const aePools: Array<[Segment, string, number]> = [
    ['SMB', 'SMB_AE', 0.45],
    ['Mid-Market', 'MidMarket_AE', 0.35],
    ['Enterprise', 'Enterprise_AE', 0.2],
  ];
  const pools = new Map<string, RepUser[]>();
  /** Rep_Availability__c rows, written at the end when their counters (open leads, assignments) are final. */
  const repRows: Rec[] = [];
  const repById = new Map<string, RepUser>();
  const nameFor = (lang: string): [string, string] => [
    rnd.pick(NAMES[lang].first),
    rnd.pick(NAMES[lang].last),
  ];
  const makeReps = (
    pool: string,
    count: number,
    title: string,
    territory: string,
    languages: string,
  ): void => {
    const managerName = nameFor('English');
    const managerId = userRow(
      managerName[0],
      managerName[1],
      `${title} Manager`,
      'Sales',
      vpSales,
      'America/New_York',
      start - 200 * DAY,
    );
    const list: RepUser[] = [];
    for (let i = 0; i < count; i++) {
      const nameLanguage = rnd.pick(languages.split(';'));
      const [f, l] = nameFor(nameLanguage in NAMES ? nameLanguage : 'English');
      const created = start - rnd.int(0, 400) * DAY;
      const id = userRow(f, l, title, 'Sales', managerId, 'America/New_York', created);
      const pto: Array<[number, number]> = [];
      for (let t = start - 30 * DAY; t < asOf + 60 * DAY; t += 180 * DAY) {
        const s = t + rnd.int(0, 170) * DAY;
        pto.push([s, s + rnd.int(3, 14) * DAY]);
      }
      const rep: RepUser = {
        id,
        name: `${f} ${l}`,
        managerId,
        pool,
        pto,
        active: !rnd.chance(0.03),
        openLeads: 0,
        assignments: 0,
        lastAssigned: null,
      };
      list.push(rep);
      repById.set(id, rep);
      repRows.push({
        Id: newId('Rep_Availability__c'),
        Name: `${f} ${l} - ${pool}`,
        User__c: id,
        Pool__c: pool,
        Territory__c: territory,
        Languages__c: languages,
        CreatedDate: Math.max(created, installedAt),
        // Capacity, open leads, weight, PTO and assignment counters are filled in at the end (see repAvailabilityRows).
      });
    }
    pools.set(pool, list);
  };
  const sdrCount = Math.round(repTotal * 0.55);
  for (const [pool, share, territory, languages] of sdrPools)
    makeReps(
      pool,
      Math.max(2, Math.round(sdrCount * share)),
      'Sales Development Representative',
      territory,
      languages,
    );
  for (const [, pool, share] of aePools)
    makeReps(
      pool,
      Math.max(2, Math.round((repTotal - sdrCount) * share)),
      'Account Executive',
      'Global',
      'English',
    );
  const rrPointer = new Map<string, number>();
  const available = (rep: RepUser, t: number): boolean =>
    rep.active && !rep.pto.some(([s, e]) => t >= s && t < e);
  /** Round-robin over a pool, skipping reps out of office; null when nobody is available. */
  const roundRobin = (
    pool: string,
    t: number,
  ): {
    rep: RepUser | null;
    candidates: Array<{ userId: string; name: string; skippedReason: string | null }>;
  } => {
    const list = pools.get(pool)!;
    let p = rrPointer.get(pool) ?? 0;
    const candidates: Array<{ userId: string; name: string; skippedReason: string | null }> = [];
    for (let k = 0; k < list.length; k++) {
      const rep = list[p % list.length];
      p++;
      if (available(rep, t)) {
        candidates.push({ userId: rep.id, name: rep.name, skippedReason: null });
        rrPointer.set(pool, p % list.length);
        return { rep, candidates };
      }
      candidates.push({
        userId: rep.id,
        name: rep.name,
        skippedReason: rep.active ? 'out_of_office' : 'inactive',
      });
    }
    return { rep: null, candidates };
  };
  const aeFor = (segment: Segment): RepUser => rnd.pick(pools.get(aePools.find(([s]) => s === segment)![1])!);

  // ----- companies
  const usedBases = new Set<string>();
  const companyBase = (): { base: string; core: string } => {
    for (;;) {
      const n = rnd.chance(0.6) ? 2 : 3;
      let w = '';
      for (let i = 0; i < n; i++) w += rnd.pick(SYLLABLES);
      const core = rnd.pick(CORE_WORDS);
      const base = `${w[0].toUpperCase()}${w.slice(1)} ${core}`;
      if (!usedBases.has(base)) {
        usedBases.add(base);
        return { base, core };
      }
    }
  };
  const domainOf = (base: string, c: Country): string => base.toLowerCase().replaceAll(' ', '') + c.tld;
  const phoneDigits = (c: Country): string => {
    let d = '';
    const len = c.dial === '1' ? 10 : 9;
    for (let i = 0; i < len; i++) d += i === 0 ? String(rnd.int(2, 9)) : String(rnd.int(0, 9));
    return d;
  };
  /**
   * Phone in one of four common formats (dups use a different one). Outside North America one of them is the bare
   * national form with its trunk 0 ("020 7946 0958"): dedup reads it in the record's own country.
   */
  const formatPhone = (c: Country, d: string, format: number): string => {
    if (c.dial === '1') {
      const [a, b, x] = [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
      return [`(${a}) ${b}-${x}`, `${a}-${b}-${x}`, `+1 ${a} ${b} ${x}`, `${a}.${b}.${x}`][format % 4];
    }
    return [
      `+${c.dial} ${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5)}`,
      `0${d.slice(0, 2)} ${d.slice(2)}`,
      `+${c.dial} (0)${d.slice(0, 2)} ${d.slice(2)}`,
      `00${c.dial} ${d}`,
    ][format % 4];
  };
  const segmentOf = (employees: number): Segment =>
    employees < 200 ? 'SMB' : employees < 2000 ? 'Mid-Market' : 'Enterprise';
  const employeesSample = (): number => Math.max(2, Math.round(rnd.logNormal(180, 1.6)));

  // ----- accounts
  const accounts: AccountRow[] = [];
  const makeAccount = (
    created: number,
    base?: { base: string; core: string },
    country?: Country,
    employees?: number,
  ): AccountRow => {
    const b = base ?? companyBase();
    const c = country ?? countries.sample(rnd);
    const emp = employees ?? employeesSample();
    const seg = segmentOf(emp);
    const state = c.states ? rnd.pick(c.states) : null;
    const suffix = rnd.pick(c.suffixes);
    const digits = phoneDigits(c);
    const a: AccountRow = {
      id: newId('Account'),
      name: `${b.base} ${suffix}`,
      base: b.base,
      domain: domainOf(b.base, c),
      country: c,
      state,
      industry: CORE_INDUSTRY[b.core],
      employees: emp,
      revenue: Math.round((emp * rnd.logNormal(180_000, 0.5)) / 1000) * 1000,
      segment: seg,
      territory: c.territory,
      ownerId: aeFor(seg).id,
      createdDate: created,
      isSystemOfRecord: true,
      customer: false,
      lastActivity: null,
      phone: formatPhone(c, digits, 0),
      phoneDigits: digits,
    };
    accounts.push(a);
    return a;
  };
  const nAccounts = Math.max(200, Math.round(nLeads / 8));
  for (let i = 0; i < nAccounts; i++) makeAccount(start - rnd.int(30, 1500) * DAY);
  // Duplicate accounts (a second record for the same company, not the system of record).
  const nDupAccounts = Math.round(nAccounts * 0.02);
  for (let i = 0; i < nDupAccounts; i++) {
    const orig = accounts[rnd.int(0, nAccounts - 1)];
    if (truthWritten.has(orig.id)) continue;
    const variant = rnd.pick(['company_suffix', 'company_case', 'website_format']);
    const dup = makeAccount(
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
    plantTruth(orig.id, orig.id, 'Account', 'original');
    plantTruth(dup.id, orig.id, 'Account', variant);
  }
  const baseAccounts = accounts.slice(0, nAccounts);
  const accountByDomain = new Map(baseAccounts.map((a) => [a.domain, a]));
  /** Accounts created when a lead from a prospect company (no account yet) converts, by company name. */
  const convertedAccounts = new Map<string, AccountRow>();

  // Base contacts at accounts (existing customers/prospects before the period).
  const contactBuffer: Person[] = [];
  const personName = (c: Country): [string, string] => nameFor(c.language in NAMES ? c.language : 'English');
  const emailOf = (first: string, last: string, domain: string, style: number): string => {
    const f = first.toLowerCase();
    const l = last.toLowerCase();
    return `${style === 0 ? `${f}.${l}` : style === 1 ? `${f[0]}${l}` : f}@${domain}`;
  };
  /** Every address given out so far (lower case): distinct people never share an e-mail address. */
  const usedEmails = new Set<string>();
  /** `local@domain`, or `local2@domain`, `local3@domain`, ... when taken; the result is marked used. */
  const claimEmail = (email: string): string => {
    let e = email;
    const at = email.indexOf('@');
    for (let n = 2; usedEmails.has(e); n++) e = `${email.slice(0, at)}${n}${email.slice(at)}`;
    usedEmails.add(e);
    return e;
  };
  /** A new person's name and address: a few other names are tried before the address gets a number. */
  const newPerson = (
    c: Country,
    domain: string,
    maxStyle: number,
    freeMail: number,
  ): { first: string; last: string; email: string } => {
    let first = '';
    let last = '';
    let email = '';
    for (let tries = 0; tries < 4; tries++) {
      [first, last] = personName(c);
      email = rnd.chance(freeMail)
        ? `${first.toLowerCase()}${rnd.int(1, 999)}@${rnd.pick(FREE_MAIL)}`
        : emailOf(first, last, domain, rnd.int(0, maxStyle));
      if (!usedEmails.has(email)) break;
    }
    return { first, last, email: claimEmail(email) };
  };
  const writeContact = (
    p: Person,
    accountId: string,
    ownerId: string,
    created: number,
    source: string | null,
    funnel: Rec,
  ): void => {
    W('Contact', {
      ...funnel,
      Id: p.id,
      AccountId: accountId,
      FirstName: p.first,
      LastName: p.last,
      Email: p.email,
      Phone: formatPhone(p.country, p.phoneDigits, p.phoneFormat),
      Title: p.title.title,
      MailingCountry: p.country.code,
      LeadSource: source,
      OwnerId: ownerId,
      HasOptedOutOfEmail: false,
      CreatedDate: created,
      LastModifiedDate: Math.min(asOf, created + 40 * DAY),
      Preferred_Language__c: p.country.language,
    });
  };
  for (const a of baseAccounts) {
    const n = rnd.int(0, 3);
    for (let i = 0; i < n; i++) {
      const { first, last, email } = newPerson(a.country, a.domain, 1, 0);
      const p: Person = {
        id: newId('Contact'),
        entity: '',
        object: 'Contact',
        first,
        last,
        email,
        phoneDigits: phoneDigits(a.country),
        phoneFormat: rnd.int(0, 3),
        country: a.country,
        company: a.name,
        companyBase: a.base,
        domain: a.domain,
        title: TITLES.sample(rnd),
        industry: a.industry,
        employees: a.employees,
      };
      p.entity = p.id;
      writeContact(p, a.id, a.ownerId, a.createdDate + rnd.int(0, 200) * DAY, null, {
        Lifecycle_Stage__c: 'Lead',
        Lifecycle_Stage_Entered_At__c: a.createdDate,
      });
      if (contactBuffer.length < 5000) contactBuffer.push(p);
    }
  }

  // ----- campaigns
  const campaigns: Array<{ id: string; start: number; type: string }> = [];
  for (let t = start; t < asOf; t += rnd.int(15, 30) * DAY) {
    const type = rnd.pick(['Webinar', 'Event', 'Content Syndication', 'Paid Search', 'Email']);
    const id = newId('Campaign');
    campaigns.push({ id, start: t, type });
    W('Campaign', {
      Id: id,
      Name: `${new Date(t).toISOString().slice(0, 7)} ${type}`,
      Type: type,
      Status: t + 30 * DAY < asOf ? 'Completed' : 'In Progress',
      StartDate: t,
      EndDate: t + 30 * DAY,
      CreatedDate: t - 14 * DAY,
    });
  }
  const campaignAt = (t: number, type: string): string => {
    let best = campaigns[0];
    for (let i = campaigns.length - 1; i >= 0; i--) {
      if (campaigns[i].start <= t) {
        best = campaigns[i];
        if (campaigns[i].type === type || i === 0 || campaigns[i].start < t - 60 * DAY) break;
      }
    }
    return best.id;
  };

  // ----- helpers for time
  /** Adds business hours (Mon-Fri 09:00-17:00 in the country's offset). */
  const addBusinessHours = (t: number, hours: number, offsetHours: number): number => {
    let local = t + offsetHours * HOUR;
    let remaining = hours * HOUR;
    for (let guard = 0; guard < 30 && remaining > 0; guard++) {
      const dayStart = Math.floor(local / DAY) * DAY;
      const dow = weekday(dayStart);
      const open = dayStart + 9 * HOUR;
      const close = dayStart + 17 * HOUR;
      if (dow === 0 || dow === 6 || local >= close) {
        local = dayStart + DAY + 9 * HOUR;
        continue;
      }
      if (local < open) local = open;
      const step = Math.min(remaining, close - local);
      local += step;
      remaining -= step;
    }
    return local - offsetHours * HOUR;
  };
  /** A business-hours-ish time of day for a day (local time, converted to UTC). */
  const workTime = (day: number, offsetHours: number): number => {
    let d = day;
    const dow = weekday(d);
    if ((dow === 0 || dow === 6) && rnd.chance(0.8)) d += (dow === 6 ? 2 : 1) * DAY;
    const hour = rnd.chance(0.85) ? 8 + rnd.next() * 10 : rnd.next() * 24;
    return d + Math.floor((hour * HOUR) / 1000) * 1000 - offsetHours * HOUR;
  };
  const later = (t: number, medianMinutes: number, sigma: number): number =>
    t + Math.max(1, Math.round(rnd.logNormal(medianMinutes, sigma))) * MIN;

  // ----- history object writers
  const transition = (
    leadId: string | null,
    contactId: string | null,
    t: number,
    from: string | null,
    to: string,
    by: string,
    reason: string,
    code: string | null,
    recycle: boolean,
  ): void => {
    if (t < installedAt || t > asOf) return;
    W('Lifecycle_Transition__c', {
      Id: newId('Lifecycle_Transition__c'),
      Lead__c: leadId,
      Contact__c: contactId,
      Record_Id__c: leadId ?? contactId,
      Object_Type__c: leadId ? 'Lead' : 'Contact',
      From_Stage__c: from,
      To_Stage__c: to,
      Transitioned_At__c: t,
      Transitioned_By__c: by,
      Reason__c: reason,
      Reason_Code__c: code,
      Is_Recycle__c: recycle,
      CreatedDate: t,
    });
  };
  const slaEvent = (leadId: string, t: number, type: string, due: number, extra: Rec = {}): void => {
    if (t < installedAt || t > asOf) return;
    W('SLA_Event__c', {
      Id: newId('SLA_Event__c'),
      Lead__c: leadId,
      Record_Id__c: leadId,
      Policy__c: 'MQL_to_SQL',
      Event_Type__c: type,
      Due_At__c: due,
      Occurred_At__c: t,
      CreatedDate: t,
      ...extra,
    });
  };
  const task = (
    whoId: string | null,
    whatId: string | null,
    ownerId: string,
    t: number,
    kind: 'Call' | 'Email',
    subject: string,
  ): void => {
    if (t > asOf) return;
    W('Task', {
      Id: newId('Task'),
      WhoId: whoId,
      WhatId: whatId,
      OwnerId: ownerId,
      Subject: subject,
      Type: kind,
      TaskSubtype: kind,
      Status: 'Completed',
      ActivityDate: t,
      CompletedDateTime: t,
      CreatedDate: t,
    });
  };

  // ----- opportunities
  const simulateOpportunity = (
    acc: AccountRow,
    contactId: string,
    created: number,
    ownerId: string,
    source: string,
    fit: number,
    product: string,
  ): { id: string; won: boolean; closed: boolean; at: number } => {
    const oppId = newId('Opportunity');
    const seg = acc.segment;
    const amount =
      Math.round(rnd.logNormal(seg === 'SMB' ? 15_000 : seg === 'Mid-Market' ? 60_000 : 240_000, 0.5) / 100) *
      100;
    const cycleDays = (seg === 'SMB' ? 35 : seg === 'Mid-Market' ? 80 : 150) * rnd.logNormal(1, 0.3);
    let closeDate = created + Math.round(cycleDays) * DAY;
    // A stale deal stalls after Qualified and sits open in its stage (recent deals only: old ones were cleaned up).
    const stale = rnd.chance(0.1) && created > asOf - 240 * DAY;
    const speed = seg === 'SMB' ? 0.7 : seg === 'Mid-Market' ? 1 : 1.6;
    let t = created;
    let i = 0;
    let prev: string | null = null;
    let pushes = 0;
    let pushReason: string | null = null;
    let stageName: string = OPEN_STAGES[0];
    let stageEntered = created;
    let closed = false;
    let won = false;
    const fields: Rec = {};
    const history = (at: number, stage: string): void => {
      W('OpportunityHistory', {
        Id: newId('OpportunityHistory'),
        OpportunityId: oppId,
        StageName: stage,
        Amount: amount,
        CloseDate: closeDate,
        Probability: STAGE_PROBABILITY[stage],
        ForecastCategory: STAGE_FORECAST[stage],
        CreatedById: ownerId,
        CreatedDate: at,
      });
    };
    let reachedProposal = false;
    for (;;) {
      stageName = OPEN_STAGES[i];
      stageEntered = t;
      history(t, stageName);
      for (const [field, values] of STAGE_FIELDS[stageName] ?? [])
        if (rnd.chance(0.93)) fields[field] = rnd.pick(values);
      if (i >= 3) reachedProposal = true;
      if (i === 2) {
        const s = t + rnd.int(1, 5) * DAY;
        if (s < asOf)
          W('Event', {
            Id: newId('Event'),
            WhoId: contactId,
            WhatId: oppId,
            OwnerId: ownerId,
            Subject: 'Product demo',
            Type: 'Meeting',
            StartDateTime: s,
            EndDateTime: s + 45 * MIN,
            DurationInMinutes: 45,
            CreatedDate: t,
          });
      }
      const dur = stale && i >= 1 ? asOf - t + DAY : rnd.logNormal(STAGE_DAYS[i] * speed, 0.6) * DAY;
      for (let k = 0, n = rnd.int(0, 2); k < n; k++)
        task(
          contactId,
          oppId,
          ownerId,
          t + rnd.next() * dur,
          rnd.chance(0.5) ? 'Call' : 'Email',
          `${stageName} follow-up`,
        );
      // Close-date pushes while the deal is still open past its close date.
      while (t + dur > closeDate && closeDate < asOf && pushes < 6) {
        const pushedAt = Math.min(Math.max(t, closeDate), t + dur - 1000, asOf);
        closeDate += rnd.int(20, 60) * DAY;
        pushes++;
        pushReason = rnd.pick([
          'Customer budget moved to next quarter',
          'Legal review taking longer',
          'Champion on leave',
          'Waiting on security review',
          'Procurement backlog',
        ]);
        history(pushedAt, stageName);
      }
      if (t + dur > asOf) break; // still open today
      t += dur;
      prev = stageName;
      const advance = rnd.chance(Math.min(0.95, STAGE_ADVANCE[i] + (fit - 50) / 400));
      if (!advance) {
        stageName = 'Closed Lost';
        closed = true;
        const reason = LOSS_REASONS.sample(rnd);
        fields.Loss_Reason__c = reason;
        if (reason === 'Competitor' || rnd.chance(0.2)) fields.Competitor__c = rnd.pick(COMPETITORS);
        break;
      }
      if (i === OPEN_STAGES.length - 1) {
        stageName = 'Closed Won';
        closed = true;
        won = true;
        fields.Signed_Contract__c = rnd.chance(0.97);
        fields.Payment_Terms__c = PAYMENT_TERMS.sample(rnd);
        break;
      }
      i += i < 3 && rnd.chance(0.04) ? 2 : 1; // occasionally a stage is skipped
    }
    if (closed) {
      stageEntered = t;
      closeDate = t;
      history(t, stageName);
    } else if (closeDate < asOf && rnd.chance(0.6)) {
      closeDate = asOf + rnd.int(5, 60) * DAY;
      pushes++;
      pushReason = 'Re-forecast at quarter end';
    }
    // Discounts, terms and approvals once a proposal has been made.
    let discount: number | null = null;
    let term = 12;
    let terms: string[] = [];
    let tier: string | null = null;
    let approval: string | null = null;
    if (reachedProposal) {
      const u = rnd.next();
      discount =
        u < 0.4
          ? 0
          : u < 0.65
            ? rnd.int(5, 9)
            : u < 0.85
              ? rnd.int(10, 19)
              : u < 0.97
                ? rnd.int(20, 39)
                : rnd.int(40, 55);
      term = seg === 'Enterprise' ? rnd.pick([12, 12, 24, 36]) : rnd.chance(0.85) ? 12 : 24;
      if (seg !== 'SMB' && rnd.chance(seg === 'Enterprise' ? 0.2 : 0.06)) {
        terms = [rnd.pick(NON_STANDARD_TERMS)];
        if (rnd.chance(0.3)) terms.push(rnd.pick(NON_STANDARD_TERMS.filter((x) => x !== terms[0])));
      }
      tier =
        seg === 'Enterprise' && term >= 36
          ? 'Finance and Legal'
          : discount >= 40 || terms.length
            ? 'Deal Desk'
            : discount >= 20
              ? 'VP Sales'
              : discount >= 10
                ? 'Manager'
                : 'Standard';
      approval =
        tier === 'Standard'
          ? 'Not Required'
          : won
            ? 'Approved'
            : closed
              ? rnd.pick(['Approved', 'Rejected', 'Recalled'])
              : rnd.pick(['Pending', 'Pending', 'Approved', 'Approved', 'Approved', 'Rejected']);
    }
    const lastAct = Math.min(asOf, stageEntered + rnd.int(0, 20) * DAY);
    W('Opportunity', {
      ...fields,
      Id: oppId,
      Name: `${acc.base} - ${product}`,
      AccountId: acc.id,
      OwnerId: ownerId,
      StageName: stageName,
      Amount: amount,
      CloseDate: closeDate,
      Probability: STAGE_PROBABILITY[stageName],
      ForecastCategoryName: STAGE_FORECAST[stageName],
      IsClosed: closed,
      IsWon: won,
      Type: acc.customer ? 'Existing Business' : 'New Business',
      LeadSource: source,
      CreatedDate: created,
      LastModifiedDate: Math.min(asOf, Math.max(stageEntered, lastAct)),
      LastActivityDate: lastAct,
      Fit_Score_Snapshot__c: fit,
      Segment__c: seg,
      Discount_Percent__c: discount,
      Contract_Term_Months__c: reachedProposal ? term : null,
      Non_Standard_Terms__c: terms.length ? terms.join(';') : null,
      Close_Date_Push_Reason__c: pushReason,
      Close_Date_Push_Count__c: pushes,
      Stage_Entered_At__c: stageEntered,
      Previous_Stage__c: prev,
      Approval_Status__c: approval,
      Approval_Tier__c: tier,
    });
    if (won) acc.customer = true;
    acc.lastActivity = Math.max(acc.lastActivity ?? 0, lastAct);
    return { id: oppId, won, closed, at: t };
  };

  // ----- leads
  const leadBuffer: Person[] = [];
  const prospects: Array<{ base: string; core: string; country: Country; employees: number }> = [];
  const nProspects = Math.max(100, Math.round(nLeads / 3));
  for (let i = 0; i < nProspects; i++)
    prospects.push({ ...companyBase(), country: countries.sample(rnd), employees: employeesSample() });
  const span = asOf - start;
  const ownersOpen = (ownerId: string, delta: number): void => {
    const r = repById.get(ownerId);
    if (r) r.openLeads += delta;
  };

  for (let li = 0; li < nLeads; li++) {
    // Lead volume grows over the two years (density ∝ t): created = start + span * sqrt(u).
    const u = (li + rnd.next()) / nLeads;
    const id = newId('Lead');
    // Who is this? A new person, or a planted duplicate of an earlier lead or contact.
    let p: Person;
    let dupVariants: string[] = [];
    let dupOf: Person | null = null;
    const isDup = li > 50 && rnd.chance(0.04);
    let matched: AccountRow | null = null;
    if (isDup) {
      dupOf =
        rnd.chance(0.8) || contactBuffer.length === 0
          ? leadBuffer[rnd.int(Math.max(0, leadBuffer.length - 2000), leadBuffer.length - 1)]
          : rnd.pick(contactBuffer);
      p = { ...dupOf, id, object: 'Lead' };
      const all = [
        'email_case',
        'email_typo',
        'free_mail',
        'phone_format',
        'company_suffix',
        'name_typo',
        'nickname',
      ];
      const n = rnd.int(1, 3);
      for (let k = 0; k < n; k++) {
        const v = rnd.pick(all);
        if (!dupVariants.includes(v)) dupVariants.push(v);
      }
      for (const v of dupVariants) {
        if (v === 'email_case')
          p.email =
            p.email[0].toUpperCase() +
            p.email.slice(1).replace(/\.(\w)/, (_m, c: string) => `.${c.toUpperCase()}`);
        else if (v === 'email_typo') {
          const at = p.email.indexOf('@');
          const k = rnd.int(0, Math.max(0, at - 2));
          const typo = p.email.slice(0, k) + p.email[k + 1] + p.email[k] + p.email.slice(k + 2);
          // a typo that lands on someone else's address would make this a different person's record
          if (usedEmails.has(typo.toLowerCase()) && typo !== p.email)
            dupVariants[dupVariants.indexOf(v)] = '';
          else p.email = typo;
        } else if (v === 'free_mail')
          p.email = claimEmail(
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
      }
      plantTruth(dupOf.id, dupOf.entity, dupOf.object, 'original');
      plantTruth(id, dupOf.entity, 'Lead', dupVariants.filter(Boolean).join(';') || 'exact');
      matched = accountByDomain.get(p.domain) ?? null;
    } else {
      const fromAccount = rnd.chance(0.55);
      let company: string;
      let companyBaseName: string;
      let domain: string;
      let country: Country;
      let industry: string;
      let employees: number;
      if (fromAccount) {
        matched = baseAccounts[Math.floor(Math.pow(rnd.next(), 1.5) * baseAccounts.length)];
        ({ domain, country, industry, employees } = matched);
        companyBaseName = matched.base;
        company = rnd.chance(0.7) ? matched.name : matched.base;
      } else {
        const pr = prospects[Math.floor(Math.pow(rnd.next(), 1.3) * prospects.length)];
        country = pr.country;
        companyBaseName = pr.base;
        company = rnd.chance(0.6) ? `${pr.base} ${pr.country.suffixes[0]}` : pr.base;
        domain = domainOf(pr.base, country);
        industry = CORE_INDUSTRY[pr.core];
        employees = pr.employees;
      }
      const { first, last, email } = newPerson(country, domain, 2, 0.07);
      const title = TITLES.sample(rnd);
      p = {
        id,
        entity: id,
        object: 'Lead',
        first,
        last,
        email,
        phoneDigits: phoneDigits(country),
        phoneFormat: rnd.int(0, 3),
        country,
        company,
        companyBase: companyBaseName,
        domain,
        title,
        industry,
        employees,
      };
      if (leadBuffer.length < 4000) leadBuffer.push(p);
      else leadBuffer[li % 4000] = p;
    }
    const c = p.country;
    const state = c.states ? rnd.pick(c.states) : null;
    // Every requested lead exists (a weekend moved to Monday can pass the snapshot moment: it is pulled back).
    const created = Math.min(
      workTime(start + Math.floor((span * Math.sqrt(u)) / DAY) * DAY, c.utcOffset),
      asOf - rnd.int(10, 600) * MIN,
    );
    const source = p.title.title === 'Student' ? 'Web' : LEAD_SOURCES.sample(rnd);
    const language = c.language;
    const product = PRODUCTS.sample(rnd);
    const segment = segmentOf(p.employees);
    const freeMail = FREE_MAIL.some((d) => p.email.endsWith(`@${d}`));

    // Fit and negative scores.
    const fit = Math.min(
      100,
      (segment === 'SMB' ? 10 : segment === 'Mid-Market' ? 25 : 35) +
        (TARGET_INDUSTRIES.has(p.industry) ? 15 : 5) +
        p.title.fit +
        (['US', 'CA', 'GB', 'DE'].includes(c.code) ? 10 : 0),
    );
    let negative = p.title.negative + (freeMail ? 10 : 0);

    // Routing at creation, as the shipped Routing_Rule__mdt records do it (see SDR_ROUTES): named account →
    // language skill → territory → global round-robin → the rule's fallback queue.
    const routedAt = created + rnd.int(2, 40) * 1000;
    let ownerId: string;
    let rule: string;
    let method: string;
    let fallback = false;
    const tried: Array<{ rule: string; matched: boolean; note: string }> = [];
    let candidates: Array<{ userId: string; name: string; skippedReason: string | null }> = [];
    let pool: string | null = null;
    if (matched) {
      ownerId = matched.ownerId;
      rule = 'Named_Account';
      method = 'Account-Based';
      tried.push({
        rule,
        matched: true,
        note: `matched account ${matched.id} by ${p.email.endsWith(matched.domain) ? 'email domain' : 'company name'}`,
      });
    } else {
      tried.push({ rule: 'Named_Account', matched: false, note: 'no account match' });
      const route = SDR_ROUTES.find((r) => r.applies(c))!;
      for (const r of SDR_ROUTES) {
        if (r === route) break;
        tried.push({ rule: r.rule, matched: false, note: 'criteria not met' });
      }
      ({ rule, method, pool } = route);
      const rr = roundRobin(pool, routedAt);
      candidates = rr.candidates;
      if (rr.rep) {
        ownerId = rr.rep.id;
        tried.push({ rule, matched: true, note: 'round-robin' });
      } else {
        ownerId = fallbackQueue;
        fallback = true;
        tried.push({ rule, matched: true, note: `no available rep in ${pool}; rule fallback Lead_Fallback` });
      }
    }
    const owner = repById.get(ownerId);
    if (owner && routedAt >= installedAt) {
      owner.assignments++;
      owner.lastAssigned = routedAt;
    }
    if (routedAt >= installedAt && routedAt <= asOf) {
      W('Routing_Decision__c', {
        Id: newId('Routing_Decision__c'),
        Lead__c: id,
        Record_Id__c: id,
        Rule_Matched__c: rule,
        Method__c: method,
        Chosen_Owner_Id__c: ownerId,
        Fallback_Used__c: fallback,
        Decided_At__c: routedAt,
        Candidates__c: JSON.stringify(candidates.slice(0, 6)),
        Trace__c: JSON.stringify({
          rulesTried: tried,
          pool,
          accountMatches: matched ? [{ accountId: matched.id, score: 1, reasons: ['domain'] }] : [],
        }),
        CreatedDate: routedAt,
      });
    }

    // Engagement events and the moment the lead becomes an MQL.
    let engagement = 0;
    let mqlAt: number | null = null;
    let unsubscribed = false;
    let lastEvent = created;
    const eventCount =
      source === 'Outbound' ? (rnd.chance(0.3) ? 1 : 0) : Math.min(14, Math.floor(rnd.logNormal(2, 0.9)));
    let t = created;
    let running = 0;
    for (let k = 0; k < eventCount; k++) {
      t = k === 0 ? created + rnd.int(0, 30) * MIN : t + Math.round(rnd.logNormal(2, 1.2) * DAY);
      if (t > asOf) break;
      const s = SIGNALS.sample(rnd);
      W('Engagement_Event__c', {
        Id: newId('Engagement_Event__c'),
        Lead__c: id,
        Record_Id__c: id,
        Signal__c: s.signal,
        Occurred_At__c: t,
        Source__c: s.source,
        Url__c: s.url || null,
        CreatedDate: t,
      });
      if (s.signal === 'Unsubscribe') unsubscribed = true;
      running = Math.max(0, running * Math.pow(0.5, (t - lastEvent) / (HALF_LIFE_DAYS * DAY)) + s.points);
      lastEvent = t;
      if (
        mqlAt === null &&
        ((fit >= MQL_FIT && running >= MQL_ENGAGEMENT) || (s.signal === 'Demo Request' && fit >= 25))
      )
        mqlAt = t + rnd.int(1, 300) * 1000;
    }
    if (unsubscribed) negative += 15;
    engagement = Math.min(
      100,
      Math.round(running * Math.pow(0.5, (asOf - lastEvent) / (HALF_LIFE_DAYS * DAY)) * 10) / 10,
    );
    if (source === 'Outbound' && mqlAt === null && fit >= 55 && rnd.chance(0.12))
      mqlAt = created + rnd.int(2, 20) * DAY; // replied to outreach
    if (mqlAt !== null && mqlAt > asOf) mqlAt = null;
    if (isDup && rnd.chance(0.6)) mqlAt = null; // most duplicates are re-submissions that go nowhere

    const rec: Rec = {
      Id: id,
      FirstName: p.first,
      LastName: p.last,
      Email: p.email,
      Phone: formatPhone(c, p.phoneDigits, p.phoneFormat),
      Company: p.company,
      Website: rnd.chance(0.6) ? `www.${p.domain}` : null,
      Title: p.title.title,
      Industry: p.industry,
      NumberOfEmployees: rnd.chance(0.8) ? p.employees : null,
      AnnualRevenue: rnd.chance(0.5) ? Math.round(p.employees * 150) * 1000 : null,
      Country: c.code,
      State: state,
      LeadSource: source,
      OwnerId: ownerId,
      IsConverted: false,
      HasOptedOutOfEmail: unsubscribed,
      CreatedDate: created,
      Fit_Score__c: fit,
      Engagement_Score__c: engagement,
      Negative_Score__c: negative,
      Scored_At__c: lastEvent,
      Score_Breakdown__c: null,
      Preferred_Language__c: language,
      Product_Interest__c: product,
      Matched_Account__c: matched?.id ?? null,
      Routed_At__c: routedAt,
      Routing_Rule__c: rule,
      // Set below as the funnel runs; listed here so every lead record has one shape (fast to write out).
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
    };
    let stage = source === 'Newsletter' && mqlAt === null ? 'Subscriber' : 'Lead';
    let stageAt = created;
    let status = 'Open - Not Contacted';
    let lastModified = created;
    transition(id, null, created, null, stage, integrationUser, 'Lead created', null, false);

    if (source === 'Outbound') {
      for (let k = 0, n = rnd.int(1, 3); k < n; k++)
        task(
          id,
          null,
          ownerId,
          created + rnd.int(0, 20) * DAY + rnd.int(0, 480) * MIN,
          'Email',
          `Outreach step ${k + 1}`,
        );
      status = 'Working - Contacted';
    }
    if (['Webinar', 'Event', 'Content Syndication'].includes(source) || (eventCount > 2 && rnd.chance(0.2))) {
      const responded = rnd.chance(0.6);
      W('CampaignMember', {
        Id: newId('CampaignMember'),
        CampaignId: campaignAt(created, source),
        LeadId: id,
        Status: responded ? 'Responded' : 'Sent',
        HasResponded: responded,
        FirstRespondedDate: responded ? created : null,
        CreatedDate: created,
      });
    }

    if (mqlAt !== null) {
      const mql = mqlAt;
      transition(id, null, mql, stage, 'MQL', integrationUser, 'Score crossed MQL thresholds', null, false);
      stage = 'MQL';
      stageAt = mql;
      rec.MQL_Date__c = mql;
      const due = addBusinessHours(mql, 4, c.utcOffset);
      const qualifyDue = addBusinessHours(mql, 40, c.utcOffset);
      rec.SLA_Contact_Due__c = due;
      rec.SLA_Qualify_Due__c = qualifyDue;
      slaEvent(id, mql, 'Started', due);
      // Speed to lead: most within the window, a long tail breaches it (reps out, weekends, queue).
      const ownerAway = owner ? !available(owner, mql) : true;
      const touched = rnd.chance(ownerAway ? 0.75 : 0.93);
      const touchAt = touched ? later(mql, ownerAway ? 600 : 70, 1.2) : null;
      const firstTouch = touchAt !== null && touchAt <= asOf ? touchAt : null;
      const breached = firstTouch !== null ? firstTouch > due : asOf > due;
      if (firstTouch !== null) {
        rec.First_Touch_At__c = firstTouch;
        rec.Speed_To_Lead_Minutes__c = Math.round((firstTouch - mql) / MIN);
        task(id, null, ownerId, firstTouch, rnd.chance(0.6) ? 'Call' : 'Email', 'First touch');
        for (let k = 0, n = rnd.int(0, 3); k < n; k++)
          task(
            id,
            null,
            ownerId,
            firstTouch + rnd.int(1, 6) * DAY,
            rnd.chance(0.5) ? 'Call' : 'Email',
            'Follow-up',
          );
        status = 'Working - Contacted';
      }
      const warnAt = mql + (due - mql) * 0.75;
      if (breached || (firstTouch !== null && firstTouch > warnAt)) slaEvent(id, warnAt, 'Warning', due);
      if (breached) {
        slaEvent(id, due, 'Breached', due, { Breached_At__c: due });
        if (rnd.chance(0.5) && owner)
          slaEvent(id, due + HOUR, 'Escalated', due, { Escalated_To__c: owner.managerId });
      }
      if (firstTouch !== null) slaEvent(id, firstTouch, 'Met', due, { Met_At__c: firstTouch });
      const elapsed = (asOf - mql) / (due - mql);
      rec.SLA_Status__c = breached
        ? 'Breached'
        : firstTouch !== null
          ? 'Met'
          : elapsed > 0.75
            ? 'At Risk'
            : 'On Track';

      // Qualification: SQL, or recycled back to nurture.
      const pSql = Math.min(0.75, 0.22 + fit / 200 - (breached ? 0.1 : 0));
      if (firstTouch !== null && rnd.chance(pSql)) {
        const sqlAt = firstTouch + Math.round(rnd.logNormal(3, 0.8) * DAY);
        if (sqlAt <= asOf) {
          transition(id, null, sqlAt, 'MQL', 'SQL', ownerId, 'Qualified by SDR', null, false);
          stage = 'SQL';
          stageAt = sqlAt;
          rec.SQL_Date__c = sqlAt;
          lastModified = sqlAt;
          const meet = sqlAt + rnd.int(1, 4) * DAY;
          if (meet <= asOf)
            W('Event', {
              Id: newId('Event'),
              WhoId: id,
              OwnerId: ownerId,
              Subject: 'Discovery call',
              Type: 'Meeting',
              StartDateTime: meet,
              EndDateTime: meet + 30 * MIN,
              DurationInMinutes: 30,
              CreatedDate: sqlAt,
            });
          const convertAt = sqlAt + Math.round(rnd.logNormal(2, 0.7) * DAY);
          if (convertAt <= asOf && rnd.chance(0.75)) {
            // Conversion: account (matched or new), contact, opportunity owned by an AE.
            // A prospect company gets one account, however many of its leads convert.
            let acc = matched ?? convertedAccounts.get(p.companyBase);
            if (!acc) {
              acc = makeAccount(convertAt, { base: p.companyBase, core: 'Software' }, c, p.employees);
              acc.industry = p.industry;
              convertedAccounts.set(p.companyBase, acc);
            }
            const contactId = newId('Contact');
            const ae = acc.ownerId;
            const opp = simulateOpportunity(acc, contactId, convertAt, ae, source, fit, product);
            transition(id, null, convertAt, 'SQL', 'Opportunity', ownerId, 'Converted', null, false);
            rec.IsConverted = true;
            rec.ConvertedDate = convertAt;
            rec.ConvertedAccountId = acc.id;
            rec.ConvertedContactId = contactId;
            rec.ConvertedOpportunityId = opp.id;
            status = 'Closed - Converted';
            stage = 'Opportunity';
            stageAt = convertAt;
            lastModified = convertAt;
            const funnel: Rec = {
              Fit_Score__c: fit,
              Engagement_Score__c: engagement,
              Negative_Score__c: negative,
              Scored_At__c: lastEvent,
              MQL_Date__c: mql,
              SQL_Date__c: sqlAt,
              First_Touch_At__c: firstTouch,
              Speed_To_Lead_Minutes__c: rec.Speed_To_Lead_Minutes__c,
              Product_Interest__c: product,
              Lifecycle_Stage__c: 'Opportunity',
              Lifecycle_Stage_Entered_At__c: convertAt,
            };
            if (opp.closed && opp.won) {
              funnel.Lifecycle_Stage__c = 'Customer';
              funnel.Lifecycle_Stage_Entered_At__c = opp.at;
              transition(
                null,
                contactId,
                opp.at,
                'Opportunity',
                'Customer',
                ae,
                'Opportunity won',
                null,
                false,
              );
            } else if (opp.closed) {
              const reason = rnd.pick(['No Budget', 'Bad Timing', 'Competitor', 'No Authority']);
              funnel.Lifecycle_Stage__c = 'Lead';
              funnel.Lifecycle_Stage_Entered_At__c = opp.at;
              funnel.Recycled_Date__c = opp.at;
              funnel.Recycle_Reason__c = reason;
              transition(
                null,
                contactId,
                opp.at,
                'Opportunity',
                'Lead',
                ae,
                'Opportunity lost; recycled',
                reason,
                true,
              );
            }
            const cp: Person = { ...p, id: contactId, entity: p.entity, object: 'Contact' };
            writeContact(cp, acc.id, ae, convertAt, source, funnel);
            if (contactBuffer.length < 5000) contactBuffer.push(cp);
          }
        }
      } else if (mql + 10 * DAY < asOf) {
        const recycleAt = mql + Math.round(rnd.logNormal(14, 0.5) * DAY);
        if (recycleAt <= asOf) {
          const reason = firstTouch === null ? 'Unresponsive' : RECYCLE_REASONS.sample(rnd);
          const disqualified = reason === 'Not a Fit' || reason === 'Competitor';
          transition(
            id,
            null,
            recycleAt,
            'MQL',
            'Lead',
            ownerId,
            disqualified ? 'Disqualified' : 'Recycled to nurture',
            reason,
            true,
          );
          if (firstTouch === null) slaEvent(id, recycleAt, 'Recycled', due);
          stage = 'Lead';
          stageAt = recycleAt;
          rec.Recycled_Date__c = recycleAt;
          rec.Recycle_Reason__c = reason;
          status = disqualified ? 'Closed - Not Converted' : 'Nurture';
          lastModified = recycleAt;
        }
      }
    }
    // The nurture program takes open leads nobody has worked for 60 days off the reps' queues.
    const isOpen = status === 'Open - Not Contacted' || status === 'Working - Contacted';
    if (isOpen && Math.max(lastModified, lastEvent) < asOf - 60 * DAY) status = 'Nurture';
    rec.Lifecycle_Stage__c = stage;
    rec.Lifecycle_Stage_Entered_At__c = stageAt;
    rec.Status = status;
    rec.LastModifiedDate = Math.max(lastModified, lastEvent);
    if (status === 'Open - Not Contacted' || status === 'Working - Contacted') ownersOpen(ownerId, 1);
    W('Lead', rec);
  }

  // ----- accounts and rep availability (their counters are final now)
  for (const a of accounts) {
    W('Account', {
      Id: a.id,
      Name: a.name,
      Website: a.isSystemOfRecord ? `www.${a.domain}` : a.domain,
      Phone: a.phone,
      Industry: a.industry,
      Type: a.customer ? 'Customer' : 'Prospect',
      NumberOfEmployees: a.employees,
      AnnualRevenue: a.revenue,
      BillingCountry: a.country.code,
      BillingState: a.state,
      OwnerId: a.ownerId,
      Segment__c: a.segment,
      Territory__c: a.territory,
      Is_System_Of_Record__c: a.isSystemOfRecord,
      CreatedDate: a.createdDate,
      LastActivityDate: a.lastActivity,
    });
  }
  for (const r of repRows) {
    const rep = repById.get(String(r.User__c))!;
    const sdr = rep.pool.endsWith('_SDR');
    const ooo = rep.pto.find(([s, e]) => asOf >= s && asOf < e);
    W('Rep_Availability__c', {
      ...r,
      Capacity__c: sdr ? rnd.int(15, 30) * 10 : rnd.int(4, 8) * 10,
      Open_Leads__c: rep.openLeads,
      Weight__c: rnd.chance(0.1) ? 0.5 : rnd.chance(0.1) ? 1.5 : 1,
      Active__c: rep.active,
      Out_Of_Office_Until__c: ooo ? ooo[1] : null,
      Product_Lines__c: 'Core Platform;Analytics;Payments;Enterprise Suite',
      Assignment_Count__c: rep.assignments,
      Last_Assigned_At__c: rep.lastAssigned,
    });
  }

  const files = Object.values(writers).map((w) => w.close());
  return { asOf, installedAt, files, truth: truthWriter.close() };
}
