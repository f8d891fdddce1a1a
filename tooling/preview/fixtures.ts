// The preview's panels and states, fed with the same mock data as the jest tests
// (force-app/main/default/lwc/<panel>/__tests__/data/*.json). One entry per panel and state; the recordId
// keys the stand-in Apex wire adapter to its data, its error, or nothing (loading).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LWC_DIR = 'force-app/main/default/lwc';

/** The instant the preview page treats as "now", so SLA states read the same in every screenshot. */
export const PREVIEW_NOW = '2026-11-24T17:00:00.000Z';

export interface PreviewState {
  state: string;
  /** What the state shows, as the page caption says it. */
  caption: string;
  recordId: string;
  data?: unknown;
  error?: unknown;
}

export interface PreviewPanel {
  /** LWC bundle name (c/<name>). */
  name: string;
  tag: string;
  title: string;
  /** Apex method the panel wires, as imported: '@salesforce/apex/<apex>'. */
  apex: string;
  states: PreviewState[];
}

type Json = Record<string, unknown>;

function mock(panel: string, file: string): Json {
  return JSON.parse(readFileSync(join(LWC_DIR, panel, '__tests__', 'data', file), 'utf8')) as Json;
}

function apexError(message: string): Json {
  return { ok: false, status: 500, statusText: 'Server Error', body: { message } };
}

function states(panel: string, list: [string, string, Json | undefined, string?][]): PreviewState[] {
  return list.map(([state, caption, data, error]) => ({
    state,
    caption,
    recordId: `${panel}-${state}`,
    ...(data ? { data } : {}),
    ...(error ? { error: apexError(error) } : {}),
  }));
}

/** Lead score card: revopsScoreCard. */
function scoreCardPanel(): PreviewPanel {
  return {
    name: 'revopsScoreCard',
    tag: 'c-revops-score-card',
    title: 'Lead score card',
    apex: 'ScoreCardController.getScoreCard',
    states: states('revopsScoreCard', [
      [
        'not-mql',
        'Not MQL yet: engagement short of the threshold',
        mock('revopsScoreCard', 'getScoreCard.json'),
      ],
      ['mql', 'MQL: both thresholds met', mock('revopsScoreCard', 'getScoreCardMql.json')],
      ['empty', 'Never scored', mock('revopsScoreCard', 'getScoreCardEmpty.json')],
      ['loading', 'Loading', undefined],
      ['error', 'Apex error', undefined, 'Insufficient access to Lead 00Q5e00000KpLmQEAV'],
    ]),
  };
}

/** SLA timer: revopsSlaTimer. */
function slaTimerPanel(): PreviewPanel {
  const sla = mock('revopsSlaTimer', 'getSlaTimer.json');
  return {
    name: 'revopsSlaTimer',
    tag: 'c-revops-sla-timer',
    title: 'SLA timer',
    apex: 'SlaTimerController.getSlaTimer',
    states: states('revopsSlaTimer', [
      ['on-track', 'On Track: MQL at 09:30, contact due 13:30 (New York)', sla],
      [
        'at-risk',
        'At Risk: MQL Monday 16:30, contact due Tuesday 12:30 (New York)',
        {
          ...sla,
          mqlAt: '2026-11-23T21:30:00.000Z',
          contactDue: '2026-11-24T17:30:00.000Z',
          qualifyDue: '2026-12-02T21:30:00.000Z',
          storedStatus: 'At Risk',
        },
      ],
      [
        'breached',
        'Breached: contact was due Monday 14:00 New York, escalated',
        {
          ...sla,
          mqlAt: '2026-11-23T15:00:00.000Z',
          contactDue: '2026-11-23T19:00:00.000Z',
          qualifyDue: '2026-12-02T15:00:00.000Z',
          storedStatus: 'Breached',
        },
      ],
      ['met', 'Met: first touch and qualification in time', mock('revopsSlaTimer', 'getSlaTimerMet.json')],
      ['empty', 'No SLA running', mock('revopsSlaTimer', 'getSlaTimerEmpty.json')],
      ['loading', 'Loading', undefined],
      [
        'error',
        'Apex error',
        undefined,
        'No active SLA_Policy__mdt for the "MQL to SQL" handoff: activate the MQL_To_SQL policy record.',
      ],
    ]),
  };
}

/** Routing trace: revopsRoutingTrace. */
function routingTracePanel(): PreviewPanel {
  return {
    name: 'revopsRoutingTrace',
    tag: 'c-revops-routing-trace',
    title: 'Routing trace',
    apex: 'RoutingTraceController.getRoutingTrace',
    states: states('revopsRoutingTrace', [
      ['round-robin', 'Round-robin assignment', mock('revopsRoutingTrace', 'getRoutingTrace.json')],
      [
        'fallback',
        'Every rep skipped: fallback owner',
        mock('revopsRoutingTrace', 'getRoutingTraceFallback.json'),
      ],
      ['empty', 'Not routed yet', mock('revopsRoutingTrace', 'getRoutingTraceEmpty.json')],
      ['loading', 'Loading', undefined],
      [
        'error',
        'Apex error',
        undefined,
        'The routing trace works on Lead records only; 0035e00000AbCdEAAV is not a Lead.',
      ],
    ]),
  };
}

/** Pipeline hygiene: revopsPipelineHygiene. */
function pipelineHygienePanel(): PreviewPanel {
  return {
    name: 'revopsPipelineHygiene',
    tag: 'c-revops-pipeline-hygiene',
    title: 'Pipeline hygiene',
    apex: 'PipelineHygieneController.getPipelineHygiene',
    states: states('revopsPipelineHygiene', [
      [
        'stale',
        'Stale deal with missing fields, a skip and two pushes',
        mock('revopsPipelineHygiene', 'getPipelineHygiene.json'),
      ],
      [
        'healthy',
        'Moving deal, ready for the next stage',
        mock('revopsPipelineHygiene', 'getPipelineHygieneHealthy.json'),
      ],
      [
        'empty',
        'Stage without a stage policy',
        mock('revopsPipelineHygiene', 'getPipelineHygieneEmpty.json'),
      ],
      ['loading', 'Loading', undefined],
      [
        'error',
        'Apex error',
        undefined,
        'Stage_Policy__mdt Proposal lists "Budget__c" in Required_Fields__c, which is not an Opportunity field: fix the record.',
      ],
    ]),
  };
}

/** Deal desk: revopsDealDesk. */
function dealDeskPanel(): PreviewPanel {
  return {
    name: 'revopsDealDesk',
    tag: 'c-revops-deal-desk',
    title: 'Deal desk',
    apex: 'DealDeskController.getDealDesk',
    states: states('revopsDealDesk', [
      [
        'pending',
        'Pending: non-standard terms need the deal desk',
        mock('revopsDealDesk', 'getDealDesk.json'),
      ],
      ['approved', 'Approved by the manager', mock('revopsDealDesk', 'getDealDeskApproved.json')],
      [
        'rejected',
        'Rejected: parallel Finance and Legal step',
        mock('revopsDealDesk', 'getDealDeskParallel.json'),
      ],
      ['standard', 'Standard tier, no approval needed', mock('revopsDealDesk', 'getDealDeskStandard.json')],
      ['loading', 'Loading', undefined],
      [
        'error',
        'Apex error',
        undefined,
        'Deal desk cannot place this deal: discount 120% must be between 0 and 100.',
      ],
    ]),
  };
}
/** Builds the panel list (reads the mock JSON files). */
export function previewPanels(): PreviewPanel[] {
  return [scoreCardPanel(), slaTimerPanel(), routingTracePanel(), pipelineHygienePanel(), dealDeskPanel()];
}
