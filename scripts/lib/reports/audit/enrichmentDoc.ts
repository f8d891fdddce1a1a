// The audit document's enrichment accuracy section: what each provider enriched, the sample to verify by hand and,
// with a verified sample, the accuracy per provider and field (flagged below the threshold, with the action).
import { num, pct, type Block, type Section } from '../../render/doc.ts';
import { ENRICHMENT_FIGURE, type EnrichmentAudit } from './enrichment.ts';

export function enrichmentAccuracySection(e: EnrichmentAudit): Section | null {
  if (e.notAvailable.length) return null; // listed under "Not available in this snapshot"
  const blocks: Block[] = [];
  if (!e.providers.length) {
    blocks.push({
      kind: 'text',
      text: 'No field in this snapshot was filled by an enrichment provider (Enrichment_Sources__c is empty everywhere).',
    });
    return { title: ENRICHMENT_FIGURE, blocks };
  }
  blocks.push({
    kind: 'table',
    title: 'Fields enriched per provider',
    columns: ['provider', 'records', 'field', 'values set'],
    rows: e.providers.flatMap((p) =>
      p.fields.map((f, i) => [
        i === 0 ? p.provider : '',
        i === 0 ? num(p.records) : '',
        `${f.object}.${f.field}`,
        num(f.count),
      ]),
    ),
  });
  blocks.push({
    kind: 'table',
    title:
      'Sample to verify by hand (write it with --enrichment-sample, fill in "correct", give it back with --enrichment-verified)',
    columns: ['record', 'object', 'field', 'enriched value', 'provider', 'enriched at', 'correct? (y/n)'],
    rows: e.sample.map((s) => [
      s.recordId,
      s.object,
      s.field,
      s.value ?? '',
      s.provider,
      (s.at ?? '').slice(0, 10),
      '',
    ]),
    idColumns: [0],
  });
  if (e.accuracy === null) {
    blocks.push({
      kind: 'text',
      text: `Accuracy not measured yet: verify the sample and run the audit again with --enrichment-verified FILE. A field below ${pct(e.threshold, 0)} is flagged with the action to take.`,
    });
  } else {
    blocks.push({
      kind: 'table',
      title: `Accuracy per provider and field (95% Wilson interval; below ${pct(e.threshold, 0)} flagged)`,
      columns: ['provider', 'field', 'verified', 'correct', 'accuracy', '95% interval', 'action'],
      rows: e.accuracy.map((a) => [
        a.provider,
        a.field,
        num(a.verified),
        num(a.correct),
        pct(a.accuracy),
        `${pct(a.low)} – ${pct(a.high)}`,
        a.action ?? '',
      ]),
      rowStatus: e.accuracy.map((a) => (a.flagged ? (a.high < e.threshold ? 'bad' : 'warn') : 'good')),
    });
  }
  return { title: ENRICHMENT_FIGURE, blocks };
}
