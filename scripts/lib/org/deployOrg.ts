// What `revops deploy` reads from the org before and between its phases: matching rule status (REST SOQL on
// MatchingRule: DeveloperName, SobjectType, RuleStatus), the org's duplicate rules with their sort orders (Metadata
// API listMetadata + readMetadata of DuplicateRule: the DuplicateRule sObject has no sort order), and the org's
// OpportunityStage value set (readMetadata of StandardValueSet). Plus the wait of phase 2.
import type { Connection } from '@salesforce/core';
import { ruleKey, type MatchingRuleRef, type OrgDuplicateRule, type RuleStatus } from './deployPlan.ts';
import type { StageValue } from './opportunityStages.ts';

export interface DeployOrgReader {
  /** RuleStatus by `Object.Name` for the named rules (absent = the org has no such rule). */
  matchingRuleStatus(rules: MatchingRuleRef[]): Promise<Map<string, RuleStatus>>;
  /** Every duplicate rule on the given objects, with its sort order. */
  duplicateRules(objects: string[]): Promise<OrgDuplicateRule[]>;
  /** The org's OpportunityStage values (the active ones, as readMetadata returns them). */
  opportunityStages(): Promise<StageValue[]>;
}

const soqlList = (values: string[]): string => values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(', ');
const READ_CHUNK = 10; // readMetadata takes at most 10 full names per call

export function orgReader(connection: Connection): DeployOrgReader {
  return {
    async matchingRuleStatus(rules) {
      const out = new Map<string, RuleStatus>();
      if (!rules.length) return out;
      const names = [...new Set(rules.map((r) => r.name))];
      const res = await connection.query<{
        DeveloperName: string;
        SobjectType: string;
        RuleStatus: RuleStatus;
      }>(
        `SELECT DeveloperName, SobjectType, RuleStatus FROM MatchingRule WHERE DeveloperName IN (${soqlList(names)})`,
      );
      const wanted = new Set(rules.map(ruleKey));
      for (const r of res.records) {
        const k = ruleKey({ object: r.SobjectType, name: r.DeveloperName });
        if (wanted.has(k)) out.set(k, r.RuleStatus);
      }
      return out;
    },
    async duplicateRules(objects) {
      if (!objects.length) return [];
      const listed = await connection.metadata.list([{ type: 'DuplicateRule' }]);
      const names = (Array.isArray(listed) ? listed : [listed])
        .map((p) => p?.fullName)
        .filter((n): n is string => typeof n === 'string' && objects.includes(n.split('.')[0]));
      const out: OrgDuplicateRule[] = [];
      for (let i = 0; i < names.length; i += READ_CHUNK) {
        const read = (await connection.metadata.read(
          'DuplicateRule',
          names.slice(i, i + READ_CHUNK),
        )) as unknown as Array<{
          fullName?: string;
          sortOrder?: number | string;
        }>;
        for (const r of read)
          if (r?.fullName && r.sortOrder !== undefined)
            out.push({ fullName: r.fullName, sortOrder: Number(r.sortOrder) });
      }
      return out;
    },
    async opportunityStages() {
      const read = (await connection.metadata.read('StandardValueSet', [
        'OpportunityStage',
      ])) as unknown as Array<{
        standardValue?: Array<Record<string, unknown>> | Record<string, unknown>;
      }>;
      const raw = read[0]?.standardValue;
      const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      const bool = (v: unknown): boolean | undefined =>
        v === undefined ? undefined : v === true || v === 'true';
      return list.map((v) => {
        const s: StageValue = { fullName: String(v.fullName), default: bool(v.default) ?? false };
        if (v.label !== undefined) s.label = String(v.label);
        if (v.description !== undefined && v.description !== null) s.description = String(v.description);
        if (v.closed !== undefined) s.closed = bool(v.closed);
        if (v.won !== undefined) s.won = bool(v.won);
        if (v.forecastCategory !== undefined) s.forecastCategory = String(v.forecastCategory);
        if (v.probability !== undefined) s.probability = Number(v.probability);
        return s;
      });
    },
  };
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  onProgress?(message: string): void;
  /** Replaceable in tests. */
  sleep?(ms: number): Promise<void>;
  now?(): number;
}

export interface WaitOutcome {
  /** all: every rule Active; failed: a rule's activation failed; timeout: still not Active when the wait ended. */
  result: 'all' | 'failed' | 'timeout';
  status: Map<string, RuleStatus>;
  waitedMs: number;
  /** Rules not Active at the end, with their status. */
  notActive: Array<{ rule: string; status: RuleStatus }>;
}

const FAILED: ReadonlySet<RuleStatus> = new Set(['ActivationFailed', 'DeactivationFailed', 'Deactivating']);
/** Polls during which a just-deployed rule may still read Inactive or Missing before activation shows. */
const GRACE_POLLS = 3;

/**
 * Polls MatchingRule until every rule is Active. Stops early when a rule's activation failed or it is being
 * deactivated, or when a rule still reads Inactive or Missing after GRACE_POLLS polls; gives up after timeoutMs.
 */
export async function waitForActive(
  reader: Pick<DeployOrgReader, 'matchingRuleStatus'>,
  rules: MatchingRuleRef[],
  opts: WaitOptions,
): Promise<WaitOutcome> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const start = now();
  let last = '';
  for (let poll = 1; ; poll++) {
    const status = await reader.matchingRuleStatus(rules);
    const notActive = rules
      .map((r) => ({ rule: ruleKey(r), status: status.get(ruleKey(r)) ?? ('Missing' as RuleStatus) }))
      .filter((r) => r.status !== 'Active');
    const waitedMs = now() - start;
    const line = `  ${rules.length - notActive.length}/${rules.length} matching rules Active${notActive.length ? ` (${notActive.map((r) => `${r.rule} ${r.status}`).join(', ')})` : ''}`;
    if (line !== last) opts.onProgress?.(line);
    last = line;
    if (!notActive.length) return { result: 'all', status, waitedMs, notActive };
    const stuck = (s: RuleStatus): boolean => poll > GRACE_POLLS && (s === 'Missing' || s === 'Inactive');
    if (notActive.some((r) => FAILED.has(r.status) || stuck(r.status)))
      return { result: 'failed', status, waitedMs, notActive };
    if (waitedMs + opts.pollMs > opts.timeoutMs) return { result: 'timeout', status, waitedMs, notActive };
    await sleep(opts.pollMs);
  }
}
