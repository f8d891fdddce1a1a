// The phase planner of `revops deploy` (pure: no I/O). Salesforce activates matching rules asynchronously, and it
// refuses an active duplicate rule whose matching rules are not Active yet ("all associated matching rules must be
// active"), so one transaction cannot carry both. The deploy runs in three phases:
//   1. the matching rules that are not already active in the org, with the components they need (custom objects
//      and fields they match on, and what those reference: custom permissions, lookups' objects, value sets);
//   2. wait until every matching rule the duplicate rules use is Active;
//   3. everything else, duplicate rules included (matching rules are not sent again).
// A check-only run (dry run) creates nothing, so nothing can activate: it validates phase 1, reports phase 2 from
// the org's current state, and validates phase 3 together with phase 1's components, leaving out the duplicate
// rules whose matching rules are not Active in the org yet (the real deploy sends them after phase 2).
// Duplicate rule sort orders must run 1..n per object across the org's own rules and ours, so ours are renumbered
// into the free places after reading the org's rules (renumberDuplicateRules).

/** One deployable component as the planner sees it: its metadata type, full name and XML text (with children). */
export interface SourceUnit {
  type: string;
  fullName: string;
  text: string;
}

export const unitKey = (type: string, fullName: string): string => `${type}:${fullName}`;

/** A matching rule named as Object.DeveloperName (how MatchingRule is keyed in the org: SobjectType + name). */
export interface MatchingRuleRef {
  object: string;
  name: string;
  /** The status the source declares (Active or Inactive). */
  declared?: string;
}
export const ruleKey = (r: { object: string; name: string }): string => `${r.object}.${r.name}`;

export interface DuplicateRuleDef {
  fullName: string;
  object: string;
  isActive: boolean;
  sortOrder: number;
  matchingRules: MatchingRuleRef[];
}

/** MatchingRule.RuleStatus in the org; Missing when the org has no such rule. */
export type RuleStatus =
  | 'Active'
  | 'Activating'
  | 'Inactive'
  | 'ActivationFailed'
  | 'Deactivating'
  | 'DeactivationFailed'
  | 'Missing';

const tag = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1].trim());

/** The rules of a MatchingRules file (its fullName is the object). */
export function parseMatchingRules(object: string, xml: string): MatchingRuleRef[] {
  return [...xml.matchAll(/<matchingRules>([\s\S]*?)<\/matchingRules>/g)].map((m) => ({
    object,
    name: tag(m[1], 'fullName')[0] ?? '',
    declared: tag(m[1], 'ruleStatus')[0] ?? 'Active',
  }));
}

/** The fields a MatchingRules file matches on. */
export function matchingRuleFields(xml: string): string[] {
  return tag(xml, 'fieldName');
}

export function parseDuplicateRule(fullName: string, xml: string): DuplicateRuleDef {
  const object = fullName.split('.')[0];
  const matchingRules = [
    ...xml.matchAll(/<duplicateRuleMatchRules>([\s\S]*?)<\/duplicateRuleMatchRules>/g),
  ].map((m) => ({
    object: tag(m[1], 'matchRuleSObjectType')[0] ?? object,
    name: tag(m[1], 'matchingRule')[0] ?? '',
  }));
  return {
    fullName,
    object,
    isActive: tag(xml, 'isActive')[0] === 'true',
    sortOrder: Number(tag(xml, 'sortOrder')[0] ?? '0'),
    matchingRules,
  };
}

/** The same duplicate rule XML with another sort order (nothing else in the file changes). */
export function withSortOrder(xml: string, sortOrder: number): string {
  return xml.replace(/<sortOrder>\s*\d+\s*<\/sortOrder>/, `<sortOrder>${sortOrder}</sortOrder>`);
}

/**
 * The components the seeds need in the same or an earlier deploy, closed transitively: custom objects and custom
 * fields a matching rule matches on, custom permissions named by `$Permission.X`, custom objects named by
 * `<referenceTo>` or `$CustomMetadata.X__mdt`, global value sets named by `<valueSetName>`. Only components present in
 * `units` are returned (standard objects and fields exist in every org).
 */
export function dependenciesOf(units: SourceUnit[], seeds: SourceUnit[]): SourceUnit[] {
  const byKey = new Map(units.map((u) => [unitKey(u.type, u.fullName), u]));
  const out = new Map<string, SourceUnit>();
  const queue = [...seeds];
  const want = (type: string, fullName: string): void => {
    const u = byKey.get(unitKey(type, fullName));
    if (u && !out.has(unitKey(type, fullName)) && !seeds.includes(u)) {
      out.set(unitKey(type, fullName), u);
      queue.push(u);
    }
  };
  const wantObject = (object: string): void => {
    if (/__(c|mdt)$/.test(object)) want('CustomObject', object);
  };
  while (queue.length) {
    const u = queue.shift()!;
    if (u.type === 'MatchingRules') {
      wantObject(u.fullName);
      for (const f of matchingRuleFields(u.text)) {
        if (!f.endsWith('__c')) continue;
        if (byKey.has(unitKey('CustomField', `${u.fullName}.${f}`)))
          want('CustomField', `${u.fullName}.${f}`);
        else wantObject(u.fullName);
      }
    }
    if (u.type === 'CustomField') wantObject(u.fullName.split('.')[0]);
    for (const m of u.text.matchAll(/\$Permission\.(\w+)/g)) want('CustomPermission', m[1]);
    for (const m of u.text.matchAll(/\$CustomMetadata\.(\w+__mdt)/g)) wantObject(m[1]);
    for (const r of tag(u.text, 'referenceTo')) wantObject(r);
    for (const v of tag(u.text, 'valueSetName')) want('GlobalValueSet', v);
  }
  return [...out.values()];
}

export interface PhasePlan {
  /** Phase 1: matching rule files to deploy, then the components they need (keys `Type:FullName`). */
  phase1: string[];
  /** The components phase 1 carries only because the matching rules need them. */
  phase1Dependencies: string[];
  /** Matching rule files left out because every rule in them is already Active or Activating in the org. */
  keptInOrg: string[];
  /** Phase 2: the matching rules that must be Active before phase 3 (ours declared Active + those duplicate rules use). */
  waitFor: MatchingRuleRef[];
  /** Phase 3: everything else (keys). */
  phase3: string[];
  /** Check-only runs: active duplicate rules left out of the validation because a matching rule is not Active yet. */
  heldBack: string[];
  /** Things no deploy order can fix (e.g. a duplicate rule using a matching rule that exists nowhere). */
  problems: string[];
}

export interface PlanInput {
  units: SourceUnit[];
  /** RuleStatus in the org, by `Object.Name`; absent = Missing. */
  orgStatus: Map<string, RuleStatus>;
  checkOnly: boolean;
}

const SETTLED: ReadonlySet<string> = new Set(['Active', 'Activating']);

export function planPhases(input: PlanInput): PhasePlan {
  const { units, orgStatus, checkOnly } = input;
  const status = (r: MatchingRuleRef): RuleStatus => orgStatus.get(ruleKey(r)) ?? 'Missing';
  const ruleFiles = units.filter((u) => u.type === 'MatchingRules');
  const ours = new Map<string, MatchingRuleRef>();
  for (const f of ruleFiles) for (const r of parseMatchingRules(f.fullName, f.text)) ours.set(ruleKey(r), r);

  // a file is sent again only when one of its rules is not already Active/Activating in the org: redeploying an
  // active rule that active duplicate rules use is refused, and a retry must not restart activation
  const toDeploy = ruleFiles.filter((f) =>
    parseMatchingRules(f.fullName, f.text).some((r) => !SETTLED.has(status(r))),
  );
  const keptInOrg = ruleFiles.filter((f) => !toDeploy.includes(f));
  const deps = toDeploy.length ? dependenciesOf(units, toDeploy) : [];

  const duplicateRules = units
    .filter((u) => u.type === 'DuplicateRule')
    .map((u) => parseDuplicateRule(u.fullName, u.text));
  const waitFor = new Map<string, MatchingRuleRef>();
  for (const r of ours.values()) if ((r.declared ?? 'Active') === 'Active') waitFor.set(ruleKey(r), r);
  const problems: string[] = [];
  for (const d of duplicateRules.filter((x) => x.isActive)) {
    for (const r of d.matchingRules) {
      const known = ours.get(ruleKey(r));
      if (known && known.declared !== 'Active')
        problems.push(
          `Duplicate rule ${d.fullName} is active but its matching rule ${ruleKey(r)} is declared ${known.declared} in the source: activate the matching rule or deactivate the duplicate rule.`,
        );
      else if (!known && status(r) === 'Missing')
        problems.push(
          `Duplicate rule ${d.fullName} uses matching rule ${ruleKey(r)}, which is neither in the source nor in the org.`,
        );
      else waitFor.set(ruleKey(r), known ?? r);
    }
  }

  const keys = (list: SourceUnit[]): string[] => list.map((u) => unitKey(u.type, u.fullName));
  const phase1 = [...keys(toDeploy), ...keys(deps)];
  const notActive = (d: DuplicateRuleDef): boolean => d.matchingRules.some((r) => status(r) !== 'Active');
  const heldBack = checkOnly
    ? duplicateRules
        .filter((d) => d.isActive && notActive(d))
        .map((d) => unitKey('DuplicateRule', d.fullName))
    : [];
  const leaveOut = new Set([...keys(ruleFiles), ...heldBack]);
  // a check-only phase 1 creates nothing, so phase 3's validation carries phase 1's components too
  if (checkOnly) for (const k of keys(toDeploy)) leaveOut.delete(k);
  const phase3 = keys(units).filter((k) => !leaveOut.has(k));
  return {
    phase1,
    phase1Dependencies: keys(deps),
    keptInOrg: keys(keptInOrg),
    waitFor: [...waitFor.values()],
    phase3,
    heldBack,
    problems,
  };
}

export interface OrgDuplicateRule {
  fullName: string;
  sortOrder: number;
}

/**
 * Sort orders for our duplicate rules that keep every rule the org already has (standard or the admin's) where it
 * is and make each object's sequence run 1..n: ours, in their source order, take the lowest free places. Our own
 * rules already in the org are renumbered like new ones. `orders` holds only the rules whose number changes.
 */
export function renumberDuplicateRules(
  ours: Array<Pick<DuplicateRuleDef, 'fullName' | 'object' | 'sortOrder'>>,
  org: OrgDuplicateRule[],
): { orders: Map<string, number>; problems: string[] } {
  const orders = new Map<string, number>();
  const problems: string[] = [];
  const mine = new Set(ours.map((r) => r.fullName));
  for (const object of [...new Set(ours.map((r) => r.object))].sort()) {
    const others = org.filter(
      (r) => r.fullName.split('.')[0] === object && !mine.has(r.fullName) && Number.isFinite(r.sortOrder),
    );
    const taken = new Set(others.map((r) => r.sortOrder));
    const list = ours
      .filter((r) => r.object === object)
      .sort((a, b) => a.sortOrder - b.sortOrder || a.fullName.localeCompare(b.fullName));
    let slot = 1;
    const assigned: number[] = [];
    for (const r of list) {
      while (taken.has(slot)) slot++;
      assigned.push(slot);
      if (slot !== r.sortOrder) orders.set(r.fullName, slot);
      slot++;
    }
    const all = [...taken, ...assigned].sort((a, b) => a - b);
    if (taken.size !== others.length || all.some((n, i) => n !== i + 1))
      problems.push(
        `The org's duplicate rules on ${object} (${others.map((r) => `${r.fullName.split('.').slice(1).join('.')} ${r.sortOrder}`).join(', ')}) leave gaps our ${list.length} rule(s) cannot fill: Salesforce needs sort orders 1..n per object. Reorder them in Setup > Duplicate Rules, then deploy again.`,
      );
  }
  return { orders, problems };
}
