// Opportunity stages (pure: no I/O). Deploying standardValueSets/OpportunityStage makes the org's stage list exactly
// the file's values: every stage the file leaves out is deactivated (opportunities keep their value, but nobody can
// pick it any more and sales processes lose it). `revops deploy --opportunity-stages` chooses:
//   merge   (default) the org's stages stay active: the deployed list is ours plus the org's others (see mergeStages);
//   replace the file as it is (the org's other stages are deactivated; the deploy says which);
//   skip    the stage list is not deployed at all.

export type StageMode = 'merge' | 'replace' | 'skip';
export const STAGE_MODES: readonly StageMode[] = ['merge', 'replace', 'skip'];

export interface StageValue {
  fullName: string;
  label?: string;
  default: boolean;
  description?: string;
  closed?: boolean;
  won?: boolean;
  forecastCategory?: string;
  probability?: number;
}

const text = (block: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(block)?.[1];
const unescapeXml = (s: string): string =>
  s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
const escapeXml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The values of a StandardValueSet file, in file order. */
export function parseStandardValueSet(xml: string): { sorted: boolean; values: StageValue[] } {
  const values = [...xml.matchAll(/<standardValue>([\s\S]*?)<\/standardValue>/g)].map(([, b]) => {
    const v: StageValue = {
      fullName: unescapeXml(text(b, 'fullName') ?? ''),
      default: text(b, 'default') === 'true',
    };
    const label = text(b, 'label');
    if (label !== undefined) v.label = unescapeXml(label);
    const description = text(b, 'description');
    if (description !== undefined) v.description = unescapeXml(description);
    const closed = text(b, 'closed');
    if (closed !== undefined) v.closed = closed === 'true';
    const won = text(b, 'won');
    if (won !== undefined) v.won = won === 'true';
    const fc = text(b, 'forecastCategory');
    if (fc !== undefined) v.forecastCategory = fc;
    const p = text(b, 'probability');
    if (p !== undefined) v.probability = Number(p);
    return v;
  });
  return { sorted: /<sorted>\s*true\s*<\/sorted>/.test(xml), values };
}

export function serializeStandardValueSet(sorted: boolean, values: StageValue[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<StandardValueSet xmlns="http://soap.sforce.com/2006/04/metadata">',
    `    <sorted>${sorted}</sorted>`,
  ];
  for (const v of values) {
    lines.push('    <standardValue>', `        <fullName>${escapeXml(v.fullName)}</fullName>`);
    lines.push(`        <default>${v.default}</default>`);
    if (v.description !== undefined)
      lines.push(`        <description>${escapeXml(v.description)}</description>`);
    lines.push(`        <label>${escapeXml(v.label ?? v.fullName)}</label>`);
    if (v.closed !== undefined) lines.push(`        <closed>${v.closed}</closed>`);
    if (v.forecastCategory !== undefined)
      lines.push(`        <forecastCategory>${v.forecastCategory}</forecastCategory>`);
    if (v.probability !== undefined) lines.push(`        <probability>${v.probability}</probability>`);
    if (v.won !== undefined) lines.push(`        <won>${v.won}</won>`);
    lines.push('    </standardValue>');
  }
  lines.push('</StandardValueSet>', '');
  return lines.join('\n');
}

export interface StageMerge {
  values: StageValue[];
  /** Our stages the org did not have. */
  added: string[];
  /** Stages both have whose probability, forecast category, closed/won or label ours change. */
  updated: string[];
  /** The org's own stages, kept active. */
  kept: string[];
}

const same = (a: StageValue, b: StageValue): boolean =>
  (a.label ?? a.fullName) === (b.label ?? b.fullName) &&
  a.closed === b.closed &&
  a.won === b.won &&
  a.forecastCategory === b.forecastCategory &&
  a.probability === b.probability;

/**
 * Our stages plus the org's other active stages. Names compare case-insensitively (picklist API names do); where both
 * have a stage, ours sets its attributes. Order: open stages before closed ones; within each, ours first in our order,
 * then the org's in the org's order. Exactly one default: ours when we name one, else the org's.
 */
export function mergeStages(ours: StageValue[], org: StageValue[]): StageMerge {
  const norm = (s: string): string => s.trim().toLowerCase();
  const orgByName = new Map(org.map((v) => [norm(v.fullName), v]));
  const ourNames = new Set(ours.map((v) => norm(v.fullName)));
  const theirs = org.filter((v) => !ourNames.has(norm(v.fullName)));
  const ourDefault = ours.some((v) => v.default);
  const copy = (v: StageValue, keepDefault: boolean): StageValue => ({
    ...v,
    default: keepDefault && v.default,
  });
  const mine = ours.map((v) => copy(v, true));
  const others = theirs.map((v) => copy(v, !ourDefault));
  const open = (v: StageValue): boolean => v.closed !== true;
  const values = [
    ...mine.filter(open),
    ...others.filter(open),
    ...mine.filter((v) => !open(v)),
    ...others.filter((v) => !open(v)),
  ];
  return {
    values,
    added: ours.filter((v) => !orgByName.has(norm(v.fullName))).map((v) => v.fullName),
    updated: ours
      .filter((v) => orgByName.has(norm(v.fullName)) && !same(v, orgByName.get(norm(v.fullName))!))
      .map((v) => v.fullName),
    kept: theirs.map((v) => v.fullName),
  };
}

/** The org's stages a replace deploy deactivates (those the file leaves out). */
export function stagesDeactivatedByReplace(ours: StageValue[], org: StageValue[]): string[] {
  const names = new Set(ours.map((v) => v.fullName.trim().toLowerCase()));
  return org.filter((v) => !names.has(v.fullName.trim().toLowerCase())).map((v) => v.fullName);
}
