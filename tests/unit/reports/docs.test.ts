import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import { DOCUMENTS, generateDocs, stageCriteria, syncDocs } from '../../../scripts/lib/reports/docs.ts';

const config = loadConfig('force-app');

describe('docs from config', () => {
  it('generates the five documents as Markdown and self-contained HTML from the shipped records', () => {
    const files = generateDocs(config);
    expect(DOCUMENTS.map((d) => d.file)).toEqual([
      'lifecycle-stages',
      'scoring-specification',
      'routing-rules',
      'pipeline-configuration',
      'metrics-dashboard-spec',
    ]);
    expect(Object.keys(files)).toHaveLength(10);
    const scoring = files['scoring-specification.md'];
    expect(scoring).toContain(`| MQL fit threshold | ${config.scoringSettings.mqlFitThreshold} |`);
    for (const r of config.scoringRules) expect(scoring).toContain(`| ${r.name} |`);
    for (const r of config.routingRules)
      expect(files['routing-rules.md']).toContain(`| ${r.priority} | ${r.name} | ${r.method} |`);
    expect(files['metrics-dashboard-spec.md']).toContain('| Marketing | Lead → MQL |');
    expect(files['pipeline-configuration.html']).not.toMatch(/(src|href)="https?:/);
  });

  it('takes each lifecycle stage’s entry and exit criteria and owner from the config records', () => {
    const changed = {
      ...config,
      scoringSettings: { ...config.scoringSettings, mqlFitThreshold: 55, mqlEngagementThreshold: 35 },
      slaPolicies: config.slaPolicies.map((p) =>
        p.handoff === 'MQL to SQL' ? { ...p, contactWithinHours: 2, autoRecycleReason: 'Bad Timing' } : p,
      ),
    };
    const rows = stageCriteria(changed);
    expect(rows.map((r) => r.stage)).toEqual([
      'Subscriber',
      'Lead',
      'MQL',
      'SQL',
      'Opportunity',
      'Customer',
      'Evangelist',
    ]);
    const mql = rows.find((r) => r.stage === 'MQL')!;
    expect(mql.entry).toMatch(/^Fit_Score__c ≥ 55 and Engagement_Score__c ≥ 35/);
    expect(mql.owner).toContain('contact within 2 and qualify within');
    expect(mql.owner).toContain('recycled as "Bad Timing"');
    for (const r of config.routingRules.filter((x) => x.active !== false))
      expect(mql.owner).toContain(r.name);
    const lifecycle = generateDocs(changed)['lifecycle-stages.md'];
    expect(lifecycle).toContain('| order | stage | entry criteria | exit criteria | owner |');
    expect(lifecycle).toContain('Fit_Score__c ≥ 55');
  });

  it('--check reports the files that differ from the config and writes nothing; a normal run fixes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-'));
    expect(syncDocs(config, dir).written).toBe(true);
    expect(syncDocs(config, dir, true).stale).toEqual([]);
    const changed = {
      ...config,
      scoringSettings: {
        ...config.scoringSettings,
        mqlFitThreshold: config.scoringSettings.mqlFitThreshold + 5,
      },
    };
    const check = syncDocs(changed, dir, true);
    expect(check.stale).toEqual(
      expect.arrayContaining([
        'lifecycle-stages.md',
        'scoring-specification.md',
        'metrics-dashboard-spec.md',
      ]),
    );
    expect(check.stale).not.toContain('routing-rules.md');
    writeFileSync(join(dir, 'routing-rules.md'), 'edited by hand\n');
    expect(syncDocs(config, dir, true).stale).toEqual(['routing-rules.md']);
    syncDocs(config, dir);
    expect(readFileSync(join(dir, 'routing-rules.md'), 'utf8')).toContain('# Routing rules');
  });

  it('--check needs every Markdown file; an HTML file only counts when it is there (it is built, not committed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-'));
    syncDocs(config, dir);
    for (const d of DOCUMENTS) rmSync(join(dir, `${d.file}.html`));
    expect(syncDocs(config, dir, true).stale).toEqual([]);
    rmSync(join(dir, 'routing-rules.md'));
    writeFileSync(join(dir, 'scoring-specification.html'), '<p>old</p>');
    expect(syncDocs(config, dir, true).stale).toEqual(['scoring-specification.html', 'routing-rules.md']);
    const fixed = syncDocs(config, dir);
    expect(fixed.stale.length).toBe(DOCUMENTS.length + 1); // every missing HTML, the old one and the Markdown
    expect(syncDocs(config, dir, true).stale).toEqual([]);
  });

  it('the committed docs/generated match the shipped config', () => {
    expect(syncDocs(config, 'docs/generated', true).stale).toEqual([]);
  });
});
