// The five standalone documents generated from the config records (Markdown + HTML in docs/generated/):
// lifecycle stages, scoring specification, routing rules, pipeline configuration, metrics dashboard spec.
// Deterministic (no timestamps), so `revops docs --check` can tell when the committed docs are stale. The Markdown
// is committed (reviewable in a diff); the HTML is built locally (git-ignored) and checked only where it exists.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RevOpsConfig } from '../config/index.ts';
import {
  ADVOCACY_SIGNALS,
  EVANGELIST_MIN_NPS,
  LIFECYCLE_STAGES,
  RECYCLE_REASONS,
} from '../rules/lifecycle.ts';
import type { ReportDoc } from '../render/doc.ts';
import type { RoutingRule } from '../rules/routing.ts';
import { renderMarkdown } from '../render/markdown.ts';
import { renderHtml } from '../render/html.ts';
import { BENCHMARKS, COVERAGE_NEXT_QUARTER_DAYS, DEFINITIONS } from './metrics.ts';
import { CURRENCY_DEFINITION } from './metrics/currency.ts';

export const DOCS_DIR = 'docs/generated';

const yes = (b: boolean | undefined | null): string => (b ? 'yes' : '');
const val = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** The SLA policy handing a stage on ("MQL to SQL" starts at MQL), as text with its windows; '' without one. */
function handoffFrom(c: RevOpsConfig, stage: string): string {
  return c.slaPolicies
    .filter((p) => p.active !== false && p.handoff.toLowerCase().startsWith(`${stage.toLowerCase()} to `))
    .map(
      (p) =>
        `${p.handoff} (SLA_Policy.${p.name}): contact within ${p.contactWithinHours} and qualify within ${p.qualifyWithinHours} business hours on ${p.businessCalendar}; escalates to the ${p.escalateTo === 'Queue' ? `queue ${val(p.escalationQueue)}` : 'owner’s manager'}${p.autoRecycleReason ? `, recycled as "${p.autoRecycleReason}" when qualifying is late` : ''}`,
    )
    .join('; ');
}

/**
 * Entry and exit criteria and the owner of each lifecycle stage, read from the config records: the MQL thresholds
 * and negative gate (Scoring_Setting), the hand-off policies (SLA_Policy.Handoff__c "X to Y"), the routing rules
 * that pick the owner (Routing_Rule), the won stage (Stage_Policy), the recycle reasons and advocacy signals.
 */
export function stageCriteria(
  c: RevOpsConfig,
): { stage: string; entry: string; exit: string; owner: string }[] {
  const s = c.scoringSettings;
  const gate = s.mqlMaxNegative ? ` and Negative_Score__c < ${s.mqlMaxNegative}` : '';
  const mql = `Fit_Score__c ≥ ${s.mqlFitThreshold} and Engagement_Score__c ≥ ${s.mqlEngagementThreshold}${gate} (Scoring_Setting.Default)`;
  const routing = c.routingRules
    .filter((r) => r.active !== false)
    .map((r) => `${r.name} (${r.method})`)
    .join(', ');
  const routed = routing
    ? `the rep the routing rules assign, in priority order: ${routing}`
    : 'no active Routing_Rule';
  const won =
    c.stagePolicies
      .filter((p) => p.isWon)
      .map((p) => p.stage)
      .join(' or ') || '(no won Stage_Policy)';
  const open = c.stagePolicies.filter((p) => !p.isClosed).map((p) => p.stage);
  const handoff = (stage: string, fallback: string) => handoffFrom(c, stage) || fallback;
  return [
    {
      stage: 'Subscriber',
      entry: 'opted in to content; scores below the MQL rule',
      exit: `MQL when ${mql}`,
      owner: 'no rep: not routed before MQL',
    },
    {
      stage: 'Lead',
      entry: `created with a buying signal, or recycled with Recycle_Reason__c (${RECYCLE_REASONS.join(', ')})`,
      exit: `MQL when ${mql}; a recycled lead needs engagement since the recycle`,
      owner: `no SLA yet; ${routed}`,
    },
    {
      stage: 'MQL',
      entry: mql,
      exit: `SQL when sales accepts it; back to Lead when recycled`,
      owner: `${routed}. ${handoff('MQL', 'No hand-off SLA_Policy starts at MQL.')}`,
    },
    {
      stage: 'SQL',
      entry: 'sales accepted the MQL (within the MQL hand-off window above)',
      exit: `Opportunity when the lead converts to an opportunity in ${open[0] ?? 'its first stage'}`,
      owner: handoff('SQL', 'the accepting rep (no hand-off SLA_Policy starts at SQL)'),
    },
    {
      stage: 'Opportunity',
      entry: `an open opportunity (${open.join(', ')}; Stage_Policy order)`,
      exit: `Customer when a deal reaches ${won}`,
      owner: 'the opportunity owner',
    },
    {
      stage: 'Customer',
      entry: `a deal of the account reached ${won}`,
      exit: `Evangelist on NPS ≥ ${EVANGELIST_MIN_NPS} or an advocacy signal (${ADVOCACY_SIGNALS.join(', ')})`,
      owner: handoff('Closed Won', 'the account owner (no hand-off SLA_Policy starts at Closed Won)'),
    },
    {
      stage: 'Evangelist',
      entry: `NPS ≥ ${EVANGELIST_MIN_NPS} or ${ADVOCACY_SIGNALS.join(' or ')}`,
      exit: 'none (final stage)',
      owner: handoff('Closed Won', 'the account owner'),
    },
  ].filter((r) => (LIFECYCLE_STAGES as readonly string[]).includes(r.stage));
}

/** The required fields of an object's active policy at a stage, comma-separated ('' when none). */
function fieldsOf(c: RevOpsConfig, object: 'Lead' | 'Contact', stage: string): string {
  const p = (c.lifecycleFieldPolicies ?? []).find(
    (x) => x.object === object && x.stage === stage && x.active !== false,
  );
  return (p?.requiredFields ?? '').split(';').filter(Boolean).join(', ');
}

function lifecycleDoc(c: RevOpsConfig): ReportDoc {
  const s = c.scoringSettings;
  return {
    title: 'Lifecycle stages',
    subtitle:
      'One lead lifecycle for Lead and Contact (Lifecycle_Stage__c), generated from the config records.',
    sections: [
      {
        title: 'Stages',
        blocks: [
          {
            kind: 'table',
            columns: ['order', 'stage', 'entry criteria', 'exit criteria', 'owner'],
            rows: stageCriteria(c).map((r, i) => [i + 1, r.stage, r.entry, r.exit, r.owner]),
          },
        ],
      },
      {
        title: 'Entry into MQL',
        blocks: [
          {
            kind: 'text',
            text: `A lead becomes an MQL when Fit_Score__c ≥ ${s.mqlFitThreshold} and Engagement_Score__c ≥ ${s.mqlEngagementThreshold} (Scoring_Setting.Default; each score capped at ${s.scoreCap}).`,
          },
        ],
      },
      {
        title: 'Required fields per stage',
        blocks: [
          {
            kind: 'text',
            text: 'What a Lead or Contact needs to enter each stage (Lifecycle_Field_Policy__mdt). A person moving a record into the stage without them is refused by the validation rule Lifecycle_<Stage>_Required_Fields; the engine holds its own move and says why in Lifecycle_Hold_Reason__c.',
          },
          {
            kind: 'table',
            columns: ['stage', 'Lead', 'Contact'],
            rows: LIFECYCLE_STAGES.map((stage) => [
              stage,
              fieldsOf(c, 'Lead', stage),
              fieldsOf(c, 'Contact', stage),
            ]).filter((r) => r[1] !== '' || r[2] !== ''),
          },
        ],
      },
      {
        title: 'Hand-off SLAs',
        blocks: [
          {
            kind: 'table',
            columns: [
              'policy',
              'hand-off',
              'business calendar',
              'contact within (business h)',
              'qualify within (business h)',
              'at risk from',
              'escalate to',
              'auto-recycle reason',
              'active',
            ],
            rows: c.slaPolicies.map((p) => [
              p.name,
              p.handoff,
              p.businessCalendar,
              p.contactWithinHours,
              p.qualifyWithinHours,
              `${p.warningPercent}%`,
              p.escalateTo === 'Queue' ? `queue ${val(p.escalationQueue)}` : 'manager',
              val(p.autoRecycleReason),
              yes(p.active !== false),
            ]),
          },
          {
            kind: 'table',
            title: 'Business calendars',
            columns: ['calendar', 'time zone', 'workdays', 'hours', 'holidays'],
            rows: c.businessCalendars.map((b) => [
              b.name,
              b.timeZone,
              b.workdays.join(', '),
              `${b.dayStart}-${b.dayEnd}`,
              b.holidays.join(', '),
            ]),
          },
        ],
      },
      {
        title: 'Recycle reasons',
        blocks: [
          {
            kind: 'text',
            text: `A lead that is not ready goes back to Lead with Recycle_Reason__c, one of: ${RECYCLE_REASONS.join(', ')}. Every change is appended to Lifecycle_Transition__c.`,
          },
        ],
      },
    ],
  };
}

function scoringDoc(c: RevOpsConfig): ReportDoc {
  const s = c.scoringSettings;
  const rules = (model: string) =>
    c.scoringRules
      .filter((r) => r.model === model)
      .map((r) => [
        r.name,
        val(r.object ?? 'Any'),
        r.signal ? `signal ${r.signal}` : `${val(r.field)} ${val(r.operator)} ${val(r.value)}`.trim(),
        r.points,
        val(r.halfLifeDays),
        val(r.maxPoints),
        yes(r.active !== false),
        val(r.description),
      ]);
  const cols = ['rule', 'object', 'condition', 'points', 'half-life (days)', 'cap', 'active', 'description'];
  return {
    title: 'Scoring specification',
    subtitle: 'Fit + engagement − negative, from Scoring_Rule__mdt and Scoring_Setting__mdt.',
    sections: [
      {
        title: 'Settings',
        blocks: [
          {
            kind: 'table',
            columns: ['setting', 'value'],
            rows: [
              ['MQL fit threshold', s.mqlFitThreshold],
              ['MQL engagement threshold', s.mqlEngagementThreshold],
              ['Cap per dimension', s.scoreCap],
              ['Bot-burst window (seconds)', val(s.burstWindowSeconds)],
              ['Max events of one signal per burst window', val(s.burstMaxEvents)],
            ],
          },
          {
            kind: 'text',
            text: 'Engagement points decay: points × 0.5^(age in days / half-life). Total score = fit + engagement − negative.',
          },
        ],
      },
      { title: 'Fit rules', blocks: [{ kind: 'table', columns: cols, rows: rules('Fit') }] },
      { title: 'Engagement rules', blocks: [{ kind: 'table', columns: cols, rows: rules('Engagement') }] },
      { title: 'Negative rules', blocks: [{ kind: 'table', columns: cols, rows: rules('Negative') }] },
    ],
  };
}

/** Lead rules first, then Contact, then Account; the loader's priority order within each. */
function byRoutedObject(a: RoutingRule, b: RoutingRule): number {
  const rank = (r: RoutingRule) => ['Lead', 'Contact', 'Account'].indexOf(r.object || 'Lead');
  return rank(a) - rank(b);
}

function routingDoc(c: RevOpsConfig): ReportDoc {
  return {
    title: 'Routing rules',
    subtitle:
      'Most specific first (lowest priority number), per object; every lead always gets an owner, a contact or account no rule places keeps its own.',
    sections: [
      {
        title: 'Rules in the order they are tried',
        blocks: [
          {
            kind: 'table',
            columns: [
              'object',
              'priority',
              'rule',
              'method',
              'criteria',
              'target',
              'fallback owner',
              'active',
            ],
            rows: [...c.routingRules]
              .sort(byRoutedObject)
              .map((r) => [
                r.object || 'Lead',
                r.priority,
                r.name,
                r.method,
                val(r.criteria) || '(every lead)',
                r.targetUser
                  ? `user ${r.targetUser}`
                  : r.targetPool
                    ? `pool ${r.targetPool}${r.targetQueue ? `, else queue ${r.targetQueue}` : ''}`
                    : r.targetQueue
                      ? `queue ${r.targetQueue}`
                      : r.method === 'Account-Based'
                        ? r.object === 'Contact'
                          ? "owner of the contact's account"
                          : 'owner of the matched account'
                        : '',
                val(r.fallbackOwner),
                yes(r.active !== false),
              ]),
          },
          {
            kind: 'text',
            text: "Account-Based matches the lead to an account by e-mail or website domain (3 points) and normalised company name (1 point). Round-robin pools skip inactive, out-of-office and at-capacity reps and respect weights; when no rule assigns the lead it goes to the Lead_Fallback queue. Contact rules route new contacts (Account-Based: the owner of the contact's account), Account rules new accounts; neither ever goes to a queue. A lead owned by a queue, an inactive user, a user listed in the MQL to SQL policy's Reroute_Owners__c or one away longer than its Reroute_Away_Days__c is routed again when it becomes an MQL (docs/routing.md). Every decision is stored in Routing_Decision__c with its trace.",
          },
        ],
      },
    ],
  };
}

function pipelineDoc(c: RevOpsConfig): ReportDoc {
  return {
    title: 'Pipeline configuration',
    subtitle: 'Opportunity stages, what each requires, and the deal-desk approval tiers.',
    sections: [
      {
        title: 'Stages',
        blocks: [
          {
            kind: 'table',
            columns: [
              'order',
              'stage',
              'required fields',
              'probability',
              'forecast category',
              'stale after (× team average)',
              'closed',
              'won',
            ],
            rows: c.stagePolicies.map((p) => [
              p.order,
              p.stage,
              val(p.requiredFields).split(';').filter(Boolean).join(', '),
              p.probability === null || p.probability === undefined ? '' : `${p.probability}%`,
              val(p.forecastCategory),
              val(p.staleMultiplier),
              yes(p.isClosed),
              yes(p.isWon),
            ]),
          },
        ],
      },
      {
        title: 'Approval tiers',
        blocks: [
          {
            kind: 'table',
            columns: [
              'order',
              'tier',
              'discount from',
              'discount below',
              'non-standard terms',
              'min term (months)',
              'segment',
              'approvers',
              'parallel',
              'approval process',
            ],
            rows: c.approvalTiers.map((t) => [
              t.order,
              t.tier,
              t.minDiscount === null || t.minDiscount === undefined ? '' : `${t.minDiscount}%`,
              t.maxDiscount === null || t.maxDiscount === undefined ? '(no limit)' : `${t.maxDiscount}%`,
              yes(t.triggersOnNonStandardTerms),
              val(t.minTermMonths),
              val(t.segment),
              val(t.approvers).split(';').join(', '),
              yes(t.parallel),
              val(t.approvalProcess),
            ]),
          },
        ],
      },
      {
        title: 'Dedup rules',
        blocks: [
          {
            kind: 'table',
            columns: [
              'rule',
              'object',
              'match keys',
              'match at',
              'review at',
              'system of record field',
              'merge priority',
              'weights',
            ],
            rows: c.dedupRules.map((d) => [
              d.name,
              d.object,
              d.matchKeys.join(', '),
              d.matchThreshold,
              d.reviewThreshold,
              val(d.systemOfRecordField),
              d.mergePriority.join(' > '),
              d.fieldWeights ? JSON.stringify(d.fieldWeights) : '',
            ]),
          },
        ],
      },
    ],
  };
}

const DIRECTION_WORD = { higher: 'higher', lower: 'lower', range: 'within the range' } as const;

/** A figure row with the direction of its benchmark (found by its benchmark text), '' without one. */
function withDirection(row: string[]): string[] {
  const b = Object.values(BENCHMARKS).find((x) => x.text === row[3]);
  return [...row, b ? DIRECTION_WORD[b.direction] : ''];
}

/** What each action report computes, with the config values it reads. */
function actionRows(c: RevOpsConfig): string[][] {
  const sla = c.slaPolicies.find((p) => p.active !== false && /mql/i.test(p.handoff));
  const stale = c.stagePolicies
    .filter((p) => !p.isClosed)
    .map((p) => `${p.stage} ${val(p.staleMultiplier)}×`)
    .join(', ');
  return [
    [
      'SLA compliance by rep and team',
      'MQLs of the period contacted (First_Touch_At__c) and qualified (SQL or recycled) within the windows, in business hours; breaches; SLA_Event__c escalations; team = the rep’s manager',
      sla
        ? `SLA_Policy.${sla.name}: contact ${sla.contactWithinHours} h, qualify ${sla.qualifyWithinHours} h on ${sla.businessCalendar}`
        : 'no active MQL hand-off SLA_Policy',
    ],
    [
      'Stale deals',
      'Open deals whose days in stage exceed the multiplier × the stage’s average finished stay (OpportunityHistory), with owners',
      `Stage_Policy Stale_Multiplier__c: ${stale}`,
    ],
    [
      'Stage skips and close-date pushes',
      'Forward moves past open stages, and later close dates by Close_Date_Push_Reason__c, from OpportunityHistory',
      'Stage_Policy order and closed stages',
    ],
    [
      'Non-standard terms',
      'Each Non_Standard_Terms__c value by deals, wins and amount; a term on 30%+ of the deals with terms: make it standard',
      '',
    ],
    [
      'Forecast accuracy',
      'Per finished quarter: commit, best case, pipeline and weighted forecast on its first day (OpportunityHistory) vs closed won; ±10% on target; "not enough history" otherwise',
      'Stage_Policy forecast category and probability where history lacks them',
    ],
  ];
}

function metricsSpecDoc(c: RevOpsConfig): ReportDoc {
  const b = BENCHMARKS;
  const rows: string[][] = [
    ['Marketing', 'Lead volume', 'Leads created in the period (CreatedDate)', ''],
    [
      'Marketing',
      'Lead → MQL',
      'Leads of the period with MQL_Date__c / leads of the period',
      b.leadToMql.text,
    ],
    ['Marketing', 'MQL → SQL', 'SQL_Date__c set / MQL_Date__c set (same cohort)', b.mqlToSql.text],
    ['Marketing', 'SQL → opportunity', 'SQLs with ConvertedOpportunityId / SQLs', b.sqlToOpp.text],
    ['Marketing', 'MQL rate by source', 'Lead → MQL grouped by LeadSource', b.leadToMql.text],
    ['Marketing', 'Cost per MQL', 'Spend of the period (costs CSV: source,month,amount) / MQLs', ''],
    ['Marketing', 'Speed to lead', DEFINITIONS.speedToLead, b.speedToLead.text],
    ['Marketing', 'MQLs contacted', DEFINITIONS.mqlsContacted, b.mqlsContacted.text],
    ['Sales', 'Pipeline value', 'Sum of Amount of open opportunities', ''],
    ['Sales', 'Stage conversion', DEFINITIONS.stageConversion, ''],
    ['Sales', 'Average time in stage', DEFINITIONS.daysInStage, ''],
    ['Sales', 'Win rate', 'Closed won / closed (CloseDate in the period)', b.winRate.text],
    [
      'Sales',
      'Pipeline velocity',
      'Open deals × average won deal size × win rate / average sales cycle (days)',
      '',
    ],
    [
      'Sales',
      'Forecast coverage',
      `Open pipeline closing in the quarter / (quarterly quota − won in it); the next quarter when under ${COVERAGE_NEXT_QUARTER_DAYS} days of this one remain; a met quota is on target`,
      b.coverage.text,
    ],
    ['Sales', 'Win rate by source', 'Win rate grouped by LeadSource', b.winRate.text],
    [
      'Executive',
      'Revenue vs target',
      'Closed-won Amount in the period / revenue target',
      b.revenueVsTarget.text,
    ],
    ['Executive', 'CAC', DEFINITIONS.cac, ''],
    ['Executive', 'LTV', 'Average won deal × gross margin / annual churn (targets file)', ''],
    [
      'Executive',
      'LTV : CAC',
      `LTV / CAC; above ${b.ltvToCac.implausible} flagged implausible`,
      b.ltvToCac.text,
    ],
    ['Executive', 'Coverage', 'As forecast coverage', b.coverage.text],
  ];
  return {
    title: 'Metrics dashboard specification',
    subtitle: `What revops metrics computes, from which fields, against which benchmark. MQL thresholds in force: fit ≥ ${c.scoringSettings.mqlFitThreshold}, engagement ≥ ${c.scoringSettings.mqlEngagementThreshold}.`,
    sections: [
      {
        title: 'Figures',
        blocks: [
          {
            kind: 'table',
            columns: ['view', 'figure', 'definition', 'benchmark', 'better'],
            rows: rows.map(withDirection),
          },
        ],
      },
      {
        title: 'Status',
        blocks: [
          {
            kind: 'text',
            text: 'Each status is written in words beside its colour. Higher is better: at or above the lower edge is on target. Lower is better: at or below the upper edge. Within a range: inside it. Within 20% of the edge that matters: watch; further out: off target. A benchmarked figure that could not be computed (no targets, no costs) is not checked (grey).',
          },
        ],
      },
      { title: 'Currency', blocks: [{ kind: 'text', text: CURRENCY_DEFINITION }] },
      {
        title: 'Action reports',
        blocks: [
          {
            kind: 'table',
            columns: ['report', 'definition', 'from the config'],
            rows: actionRows(c),
          },
        ],
      },
    ],
  };
}

export const DOCUMENTS: { file: string; build: (c: RevOpsConfig) => ReportDoc }[] = [
  { file: 'lifecycle-stages', build: lifecycleDoc },
  { file: 'scoring-specification', build: scoringDoc },
  { file: 'routing-rules', build: routingDoc },
  { file: 'pipeline-configuration', build: pipelineDoc },
  { file: 'metrics-dashboard-spec', build: metricsSpecDoc },
];

/** Every generated file: relative name → content. */
export function generateDocs(c: RevOpsConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of DOCUMENTS) {
    const doc = d.build(c);
    out[`${d.file}.md`] = renderMarkdown(doc);
    out[`${d.file}.html`] = renderHtml([doc]);
  }
  return out;
}

export interface DocsResult {
  dir: string;
  files: string[];
  stale: string[];
  written: boolean;
}

/** The committed form of the docs; the HTML renderings are built, not committed. */
const committed = (name: string): boolean => name.endsWith('.md');

/**
 * Writes the docs, or with `check` only compares them with what is on disk: every Markdown file must be there and
 * current; an HTML file is stale only when it is there and differs (a fresh clone has none).
 */
export function syncDocs(c: RevOpsConfig, dir = DOCS_DIR, check = false): DocsResult {
  const files = generateDocs(c);
  const stale = Object.entries(files)
    .filter(([name, content]) => {
      const path = join(dir, name);
      if (!existsSync(path)) return !check || committed(name);
      return readFileSync(path, 'utf8') !== content;
    })
    .map(([name]) => name);
  if (!check) {
    mkdirSync(dir, { recursive: true });
    for (const name of stale) writeFileSync(join(dir, name), files[name]);
  }
  return { dir, files: Object.keys(files), stale, written: !check && stale.length > 0 };
}
