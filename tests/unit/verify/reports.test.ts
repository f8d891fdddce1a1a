// Issue 20: the reports-and-dashboards check. A broken tree gets exactly its mistakes; real public reports (a trimmed
// copy of NPSP's, see tests/fixtures/verify/reports-npsp/README.md) and our own force-app get none; the check is
// registered in the gate under `deploy`.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MISSED_CHECKS } from '../../../tooling/verify/missed.ts';
import { checkReports, formulaColumns } from '../../../tooling/verify/reports.ts';
import { loadProjectSchema } from '../../../tooling/verify/schema.ts';
import { REPO, fixture } from './helpers.ts';

const run = (root: string) => checkReports({ root, repoDir: REPO }, loadProjectSchema(root, REPO));
const rel = (root: string, file: string) => relative(join(root, 'main', 'default'), file);

describe('reports and dashboards check', () => {
  it('names each mistake of the broken tree at its line and nothing else', () => {
    const root = fixture('reports-broken');
    const got = run(root).map((p) => [rel(root, p.file), p.line, p.severity, p.message] as const);
    const expected: [string, number, 'error' | 'warning', RegExp][] = [
      [
        'reportTypes/Bad_Join.reportType-meta.xml',
        23,
        'error',
        /'Opportunity\.Reviews__r' is not a child relationship/,
      ],
      [
        'reportTypes/Deal_Reviews.reportType-meta.xml',
        34,
        'error',
        /section Opportunity: No field 'Ghost_Field__c' on Opportunity/,
      ],
      [
        'reports/Broken/Missing_Type.report-meta.xml',
        8,
        'error',
        /custom report type 'Deal_Reviewz__c', which the tree does not define/,
      ],
      [
        'reports/Broken/Review_Scores.report-meta.xml',
        26,
        'error',
        /column 'Opportunity\$CloseDate': 'CloseDate' is not in section Opportunity of the report type Deal_Reviews/,
      ],
      [
        'reports/Broken/Review_Scores.report-meta.xml',
        37,
        'error',
        /column 'Opportunity\$Ghost__c': 'Ghost__c' is not in section Opportunity/,
      ],
      [
        'reports/Broken/Review_Scores.report-meta.xml',
        15,
        'error',
        /summary formula 'Opportunity\.Probability': 'Probability' is not in section Opportunity/,
      ],
      [
        'reports/Broken/Review_Scores.report-meta.xml',
        15,
        'error',
        /FORMULA2 is shown at grouping 'Opportunity\$Owner', which the report does not group by/,
      ],
      [
        'reports/Broken/Wrong_Type_Name.report-meta.xml',
        8,
        'error',
        /names the custom report type Deal_Reviews as 'Deal_Reviews__c'/,
      ],
      [
        'reports/Unfiled_Folder/Standard_Type.report-meta.xml',
        1,
        'error',
        /folder 'Unfiled_Folder', which the tree does not define: add reports\/Unfiled_Folder\.reportFolder-meta\.xml/,
      ],
      [
        'reports/Unfiled_Folder/Standard_Type.report-meta.xml',
        10,
        'error',
        /column 'Opportunity\.Nope__c': No field 'Nope__c' on Opportunity/,
      ],
      [
        'reports/Unfiled_Folder/Standard_Type.report-meta.xml',
        13,
        'warning',
        /'MADE_UP_TOKEN': not in the documented column list of the standard report type Opportunity/,
      ],
      [
        'dashboards/Broken/Board.dashboard-meta.xml',
        63,
        'error',
        /runs as a specified user but names no <runningUser>/,
      ],
      [
        'dashboards/Broken/Board.dashboard-meta.xml',
        36,
        'error',
        /component 'Missing report': no report 'Broken\/Missing_Report' in the tree/,
      ],
      [
        'dashboards/Broken/Board.dashboard-meta.xml',
        54,
        'error',
        /component 'Wrong summary': summary 'FORMULA9' is not one the report Broken\/Review_Scores has/,
      ],
      [
        'dashboards/Broken/Board.dashboard-meta.xml',
        54,
        'error',
        /component 'Wrong summary': grouping 'Opportunity\$Owner' is not a grouping of the report/,
      ],
    ];
    for (const [file, line, severity, message] of expected) {
      const hit = got.find((g) => g[0] === file && g[1] === line && g[2] === severity && message.test(g[3]));
      expect(
        hit,
        `${file}:${line} ${message}\ngot:\n${got.map((g) => g.join(' ')).join('\n')}`,
      ).toBeDefined();
    }
    expect(got).toHaveLength(expected.length);
  });

  it('accepts real public reports (NPSP: a custom report type and reports on ContactList and Opportunity)', () => {
    expect(run(fixture('reports-npsp'))).toEqual([]);
  });

  it('is not vacuous on the public reports: one renamed column in a copy is an error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reports-npsp-'));
    cpSync(fixture('reports-npsp'), dir, { recursive: true });
    const file = join(
      dir,
      'main/default/reports/NPSP_Health_Check/Contacts_Without_Accounts.report-meta.xml',
    );
    writeFileSync(file, readFileSync(file, 'utf8').replace('Contact$FirstName', 'Contact$Nickname__c'));
    const problems = run(dir);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/'Nickname__c' is not in section Contact of the report type Contacts_Only/),
    ]);
  });

  it('reads a summary formula on a child section by the object API name (SLA_Event__c.Met_Count__c) and checks its field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reports-ours-'));
    cpSync(join(REPO, 'force-app'), dir, { recursive: true });
    const file = join(dir, 'main/default/reports/RevOps_Sales/SLA_Compliance_by_Rep.report-meta.xml');
    expect(readFileSync(file, 'utf8')).toContain('SLA_Event__c.Met_Count__c:SUM');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('SLA_Event__c.Met_Count__c:SUM', 'SLA_Event__c.Nope__c:SUM'),
    );
    expect(run(dir).map((p) => p.message)).toEqual([
      expect.stringMatching(
        /'Nope__c' is not in section Lead\.SLA_Events__r of the report type RevOps_Leads_with_SLA_Events/,
      ),
    ]);
  });

  it("finds nothing in our own force-app's report types, reports and dashboards", () => {
    expect(run(join(REPO, 'force-app'))).toEqual([]);
  });

  it('reads the column references of summary formulas (dotted custom report type columns and standard tokens)', () => {
    expect(formulaColumns('Lead.MQL_Count__c:SUM / RowCount')).toEqual(['Lead.MQL_Count__c']);
    expect(formulaColumns('(AMOUNT_WON:SUM - ACTUAL_COST:SUM) / NUM_CONTACTS:AVG')).toEqual([
      'AMOUNT_WON',
      'ACTUAL_COST',
      'NUM_CONTACTS',
    ]);
  });

  it('runs in the gate under deploy', () => {
    const root = fixture('reports-broken');
    const problems = MISSED_CHECKS.deploy!({ root, repoDir: REPO }, loadProjectSchema(root, REPO));
    expect(problems.some((p) => p.check === 'deploy' && /Deal_Reviewz__c/.test(p.message))).toBe(true);
  });
});
