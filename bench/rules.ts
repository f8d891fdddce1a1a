// Rules benchmark: score 100k leads (10 engagement events each = 1M events), route 100k leads in one bulk call,
// compute 100k SLA due times. Deterministic synthetic data; prints milliseconds.
import { addBusinessMs, type BusinessCalendar } from '../scripts/lib/rules/calendar.ts';
import { route, type Rep, type RoutingRule } from '../scripts/lib/rules/routing.ts';
import { score, type EngagementEvent, type ScoringRule } from '../scripts/lib/rules/scoring.ts';
import type { SRecord } from '../scripts/lib/rules/types.ts';

const N = 100_000;
const NOW = '2026-03-15T12:00:00Z';
const nowMs = Date.parse(NOW);

const scoringRules: ScoringRule[] = [
  {
    name: 'Fit_Title',
    model: 'Fit',
    field: 'Title',
    operator: 'contains',
    value: 'VP;Head of;Chief',
    points: 20,
  },
  {
    name: 'Fit_Size',
    model: 'Fit',
    field: 'NumberOfEmployees',
    operator: 'between',
    value: '200;5000',
    points: 15,
  },
  { name: 'Fit_Country', model: 'Fit', field: 'Country', operator: 'in', value: 'US;CA;GB;DE', points: 10 },
  {
    name: 'Eng_Pricing',
    model: 'Engagement',
    signal: 'Pricing Page',
    operator: 'equals',
    points: 25,
    halfLifeDays: 14,
    maxPoints: 40,
  },
  {
    name: 'Eng_Open',
    model: 'Engagement',
    signal: 'Email Open',
    operator: 'equals',
    points: 2,
    halfLifeDays: 7,
    maxPoints: 10,
  },
  {
    name: 'Eng_Demo',
    model: 'Engagement',
    signal: 'Demo Request',
    operator: 'equals',
    points: 40,
    halfLifeDays: 30,
  },
  {
    name: 'Neg_Free',
    model: 'Negative',
    field: 'Email',
    operator: 'email domain in',
    value: 'gmail.com;yahoo.com',
    points: 15,
  },
];
const settings = {
  mqlFitThreshold: 40,
  mqlEngagementThreshold: 30,
  scoreCap: 100,
  burstWindowSeconds: 10,
  burstMaxEvents: 3,
};
const signals = ['Pricing Page', 'Email Open', 'Email Open', 'Demo Request', 'Webinar'];
const countries = ['US', 'CA', 'DE', 'FR', 'JP', 'GB'];

function lead(i: number): SRecord {
  return {
    Id: `L${i}`,
    Email: i % 7 === 0 ? `p${i}@gmail.com` : `p${i}@co${i % 5000}.com`,
    Title: i % 3 === 0 ? 'VP Sales' : 'Analyst',
    NumberOfEmployees: (i * 37) % 9000,
    Country: countries[i % countries.length],
    Preferred_Language__c: i % 11 === 0 ? 'German' : null,
  };
}

function events(i: number): EngagementEvent[] {
  return Array.from({ length: 10 }, (_, k) => ({
    signal: signals[(i + k) % signals.length],
    occurredAt: new Date(nowMs - ((i * 7919 + k * 104_729) % (60 * 86_400)) * 1000).toISOString(),
  }));
}

export async function runRulesBench(): Promise<Record<string, unknown>> {
  const leads = Array.from({ length: N }, (_, i) => lead(i));
  const evs = leads.map((_, i) => events(i));

  let t0 = performance.now();
  let mql = 0;
  for (let i = 0; i < N; i++) {
    const r = score({
      object: 'Lead',
      record: leads[i],
      events: evs[i],
      rules: scoringRules,
      settings,
      now: NOW,
    });
    if (r.fit >= settings.mqlFitThreshold && r.engagement >= settings.mqlEngagementThreshold) mql++;
  }
  const scoreMs = performance.now() - t0;

  const reps: Rep[] = Array.from({ length: 60 }, (_, k) => ({
    userId: `u${String(k).padStart(3, '0')}`,
    name: `Rep ${k}`,
    pool: k < 20 ? 'NA' : k < 30 ? 'EU' : 'General',
    capacity: null,
    openLeads: 0,
    weight: 1 + (k % 3),
    active: k % 13 !== 0,
    outOfOfficeUntil: k % 17 === 0 ? '2026-03-20T00:00:00Z' : null,
    languages: k % 2 ? ['German'] : [],
  }));
  const rules: RoutingRule[] = [
    { name: 'Named', priority: 10, method: 'Account-Based' },
    { name: 'NA', priority: 20, method: 'Territory', criteria: 'Country in US;CA', targetPool: 'NA' },
    { name: 'EU', priority: 30, method: 'Territory', criteria: 'Country in DE;FR;GB', targetPool: 'EU' },
    { name: 'RR', priority: 90, method: 'Round-Robin', targetPool: 'General' },
  ];
  const accounts = Array.from({ length: 200 }, (_, k) => ({
    id: `a${k}`,
    name: `Co ${k}`,
    website: `co${k}.com`,
    ownerId: `owner${k}`,
  }));
  t0 = performance.now();
  const routed = route({ leads, rules, reps, accounts, pointers: {}, now: NOW });
  const routeMs = performance.now() - t0;

  const cal: BusinessCalendar = {
    timeZone: 'America/New_York',
    workdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
    dayStart: '09:00',
    dayEnd: '17:00',
    holidays: ['2026-12-25'],
  };
  t0 = performance.now();
  for (let i = 0; i < N; i++) addBusinessMs(cal, nowMs + i * 60_000, 4 * 3_600_000);
  const slaMs = performance.now() - t0;

  return {
    leads: N,
    events: N * 10,
    score100kLeadsMs: Math.round(scoreMs),
    mqls: mql,
    route100kLeadsMs: Math.round(routeMs),
    routedToFallback: routed.ownerCounts.Lead_Fallback ?? 0,
    slaDue100kMs: Math.round(slaMs),
  };
}
