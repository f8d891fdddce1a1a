// Reports and dashboards (issue 20): what a deploy of report types, reports and dashboards rejects, checked offline.
// - a custom report type's sections name its base object and the child relationships of its join, and each
//   section lists fields its object has;
// - a report lives in a folder the tree defines, names a report type that exists (a custom one by its developer
//   name + "__c", as Salesforce spells it in reports), and every column, filter, grouping, time-frame column and
//   summary formula names a field of that report type: for a custom report type `Table$Field` where Table is one of
//   its sections and Field is listed there (or `Lookup.Field` through a listed lookup); for a standard report type
//   `Object.Field__c` checked against the schema and upper-case column tokens (AMOUNT, STAGE_NAME ...) against the
//   documented allow-list below (a token outside it is a warning: the list is not every token Salesforce has);
// - a dashboard lives in a folder the tree defines; each component names a report of the tree, charts a summary the
//   report has (RowCount, one of its summary formulas or a summarized column) and groups by one of its groupings;
//   a SpecifiedUser dashboard names its running user (house policy: LoggedInUser, as a username exists in one org).
// Sources: Metadata API ReportType/Report/Dashboard (element names as in the Metadata WSDL), and the reports of
// SalesforceFoundation/NPSP (force-app/main/default/reports, reportTypes; see tests/fixtures/verify/reports/README.md).
import { loadReportTree, splitColumn, type ReportDef, type ReportTypeDef } from '../reports/reportMeta.ts';
import { escaped, locator, problemOf } from './metaXml.ts';
import { readFileSync } from 'node:fs';
import { getObject, resolvePath, type ProjectSchema } from './schema.ts';
import { asPolicy, type CheckInput, type Problem } from './types.ts';

/**
 * Column tokens of the standard report types this project and the public projects it was tried on use
 * (Salesforce names them in upper case; `Object.Field` columns are checked against the schema instead).
 */
export const STANDARD_REPORT_COLUMNS: Record<string, string[]> = {
  Opportunity: [
    'OPPORTUNITY_NAME',
    'OPPORTUNITY_ID',
    'ACCOUNT_NAME',
    'ACCOUNT_ID',
    'CONTACT',
    'AMOUNT',
    'EXP_AMOUNT',
    'STAGE_NAME',
    'CLOSE_DATE',
    'CREATED_DATE',
    'LAST_UPDATE',
    'TYPE',
    'CLOSED',
    'WON',
    'LEAD_SOURCE',
    'PROBABILITY',
    'FULL_NAME',
    'NEXT_STEP',
    'FORECAST_CATEGORY',
    'AGE',
    'FISCAL_QUARTER',
    'FISCAL_YEAR',
    'CAMPAIGN_SOURCE',
    'RECORDTYPE',
  ],
  LeadList: [
    'FIRST_NAME',
    'LAST_NAME',
    'COMPANY',
    'EMAIL',
    'PHONE',
    'LEAD_SOURCE',
    'STATUS',
    'OWNER',
    'CREATED_DATE',
    'CONVERTED',
    'CONVERTED_DATE',
    'RATING',
    'INDUSTRY',
    'COUNTRY',
    'STATE',
    'TITLE',
    'LAST_UPDATE',
  ],
  ContactList: [
    'FIRST_NAME',
    'LAST_NAME',
    'ACCOUNT.NAME',
    'EMAIL',
    'PHONE1',
    'TITLE',
    'CREATED_DATE',
    'LAST_UPDATE',
    'OWNER',
    'LEAD_SOURCE',
    'CONTACT_ID',
  ],
  AccountList: [
    'ACCOUNT.NAME',
    'ACCOUNT_ID',
    'TYPE',
    'INDUSTRY',
    'RATING',
    'USERS.NAME',
    'CREATED_DATE',
    'LAST_UPDATE',
    'LAST_UPDATE_BY',
    'DUE_DATE',
    'ADDRESS1_STREET',
    'ADDRESS1_CITY',
    'ADDRESS1_STATE',
    'ADDRESS1_ZIP',
    'ADDRESS1_COUNTRY',
    'PHONE1',
    'EMPLOYEES',
    'SALES',
  ],
  OpportunityContact: [
    'OPPORTUNITY.NAME',
    'OPPORTUNITY_ID',
    'CONTACT_ACCOUNT.NAME',
    'FIRST_NAME',
    'LAST_NAME',
    'CLOSE_DATE',
    'PRIMARY',
    'ROLE',
    'AMOUNT',
    'STAGE_NAME',
  ],
  CampaignContact: [
    'CAMPAIGN_ID',
    'CAMPAIGN_NAME',
    'MEMBER_STATUS',
    'FIRST_NAME',
    'LAST_NAME',
    'ADDRESS2_STREET',
    'ADDRESS2_CITY',
    'ADDRESS2_STATE',
    'ADDRESS2_ZIP',
    'ADDRESS2_COUNTRY',
    'EMAIL',
  ],
};
/** A custom object's standard report type (CustomEntity$Object__c) names its standard fields CUST_*. */
const CUSTOM_ENTITY_COLUMNS = [
  'CUST_NAME',
  'CUST_ID',
  'CUST_CREATED_DATE',
  'CUST_LAST_UPDATE',
  'CUST_LAST_UPDATE_NAME',
  'CUST_OWNER_NAME',
  'CUST_CREATED_NAME',
];

/** CumulusCI projects write their namespace as a token that the build replaces. */
const unNamespace = (s: string): string => s.replace(/%%%NAMESPACE%%%/g, '');

/** A field from another package (ns__Field__c) on an object the tree does not define: checked in the org only. */
const foreign = (name: string): boolean => /^[A-Za-z0-9]+__\w+__(c|r)$/i.test(name);

/** A folder of a managed package (ns__Folder): it arrives with the package, not with this tree. */
const packagedFolder = (name: string): boolean => /^[A-Za-z][A-Za-z0-9]*__[A-Za-z]\w*$/.test(name);

interface Ctx {
  schema: ProjectSchema;
  problems: Problem[];
}

const err = (ctx: Ctx, file: string, line: number, message: string) =>
  ctx.problems.push(problemOf('deploy', file, line, message));
const warn = (ctx: Ctx, file: string, line: number, message: string) =>
  ctx.problems.push(problemOf('deploy', file, line, message, 'warning'));

/** The object a section table names: the base object, then each child relationship of the join. */
function tableObject(schema: ProjectSchema, table: string): string | undefined | null {
  const [base, ...rels] = table.split('.');
  let current = getObject(schema, base)?.name;
  if (!current) return undefined; // outside the schema: not checked
  for (const rel of rels) {
    const obj = getObject(schema, current);
    const child = obj?.children.get(rel.toLowerCase());
    if (!child) return null;
    current = child;
  }
  return current;
}

/** A report type field: a field, or a lookup named by its relationship (Owner, Account, CreatedBy). */
function fieldError(schema: ProjectSchema, object: string, path: string): string | null {
  const parts = unNamespace(path).split('.');
  if (parts.some(foreign) && !getObject(schema, object)?.custom) return null;
  if (parts.length === 1) {
    const obj = getObject(schema, object);
    if (!obj) return null;
    const key = parts[0].toLowerCase();
    if (obj.fields.has(key)) return null;
    if ([...obj.fields.values()].some((f) => f.relationshipName?.toLowerCase() === key)) return null;
    if (foreign(parts[0])) return null;
    return `No field '${parts[0]}' on ${obj.name}.`;
  }
  // Lookup.Field: walk the lookup by its field name (Lead__c) or relationship name (Owner)
  const obj = getObject(schema, object);
  const lookup =
    obj?.fields.get(parts[0].toLowerCase()) ??
    [...(obj?.fields.values() ?? [])].find(
      (f) => f.relationshipName?.toLowerCase() === parts[0].toLowerCase(),
    );
  if (!obj || !lookup) return obj ? `No lookup '${parts[0]}' on ${obj.name}.` : null;
  if (!lookup.relationshipName) return `'${parts[0]}' on ${obj.name} is not a lookup.`;
  return resolvePath(schema, object, [lookup.relationshipName, ...parts.slice(1)]).error ?? null;
}

function checkReportType(ctx: Ctx, t: ReportTypeDef): void {
  const at = locator(readFileSync(t.file, 'utf8'));
  const tables = [t.baseObject];
  for (const rel of t.joins) tables.push(`${tables[tables.length - 1]}.${rel}`);
  for (const s of t.sections) {
    const line = at(`<table>${escaped(s.table)}</table>`);
    if (!tables.includes(s.table)) {
      err(
        ctx,
        t.file,
        line,
        `Report type ${t.name}: section table '${s.table}' is neither the base object nor a join of it (${tables.join(', ')}).`,
      );
      continue;
    }
    const object = tableObject(ctx.schema, s.table);
    if (object === null) {
      err(
        ctx,
        t.file,
        line,
        `Report type ${t.name}: '${s.table}' is not a child relationship the tree defines (the relationshipName of a lookup to ${s.table.split('.').slice(-2, -1)[0]}, with __r).`,
      );
      continue;
    }
    if (!object) continue;
    const fat = locator(readFileSync(t.file, 'utf8'));
    for (const f of s.fields) {
      const e = fieldError(ctx.schema, object, f);
      if (e)
        err(
          ctx,
          t.file,
          fat(`<field>${escaped(f)}</field>`),
          `Report type ${t.name}, section ${s.table}: ${e} Add the field or remove the column.`,
        );
    }
  }
}

interface ColumnCheck {
  /** the problem, or null when the column is fine; 'unknown' when it cannot be checked offline */
  error: string | null;
  warning?: string;
}

/** A column (or summary formula reference) of a report against its report type. */
function checkColumn(
  ctx: Ctx,
  report: ReportDef,
  type: ReportTypeDef | undefined,
  column: string,
  dotted: boolean,
): ColumnCheck {
  const col = unNamespace(column);
  if (report.buckets.includes(col) || report.aggregates.some((a) => a.developerName === col))
    return { error: null };
  if (type) {
    let parts = splitColumn(col);
    if (!parts && dotted) {
      // summary formulas name custom report type columns with dots: the section's object API name and the
      // field (Lead.MQL_Count__c, SLA_Event__c.Met_Count__c for the child section Lead.SLA_Events__r, as reports
      // retrieved from orgs write it); the relationship path (Lead.SLA_Events__r.Met_Count__c) is accepted too
      const table = type.sections
        .map((s) => s.table)
        .filter((t) => col.startsWith(`${t}.`))
        .sort((a, b) => b.length - a.length)[0];
      if (table) parts = { table, path: col.slice(table.length + 1) };
      else {
        const [object, ...rest] = col.split('.');
        const section = type.sections.find(
          (s) => tableObject(ctx.schema, s.table)?.toLowerCase() === object.toLowerCase(),
        );
        if (section && rest.length) parts = { table: section.table, path: rest.join('.') };
      }
    }
    if (!parts)
      return {
        error: `not a column of the custom report type ${type.name} (write Table$Field, e.g. ${type.baseObject}$Name).`,
      };
    if (parts.table.includes('*'))
      return {
        error: null,
        warning: `a lookup's object inside a section is checked in the org only.`,
      };
    const section = type.sections.find((s) => s.table === parts.table);
    if (!section)
      return {
        error: `'${parts.table}' is not a section of the report type ${type.name} (${type.sections.map((s) => s.table).join(', ')}).`,
      };
    const listed = section.fields.map((f) => unNamespace(f).toLowerCase());
    if (listed.includes(parts.path.toLowerCase())) return { error: null };
    const [head] = parts.path.split('.');
    if (parts.path.includes('.') && listed.includes(head.toLowerCase())) {
      const object = tableObject(ctx.schema, section.table);
      const e = object ? fieldError(ctx.schema, object, parts.path) : null;
      return { error: e };
    }
    return {
      error: `'${parts.path}' is not in section ${section.table} of the report type ${type.name}: add it to the report type's columns or use one of ${section.fields.join(', ')}.`,
    };
  }
  // standard report type
  const m = /^([A-Za-z]\w*)\.(\w+)$/.exec(col);
  if (m && !/^[A-Z0-9_]+$/.test(m[1])) {
    const obj = getObject(ctx.schema, m[1]);
    if (!obj) return { error: null };
    const e = fieldError(ctx.schema, obj.name, m[2]);
    return { error: e };
  }
  const rt = report.reportType;
  const allowed = rt.startsWith('CustomEntity$') ? CUSTOM_ENTITY_COLUMNS : STANDARD_REPORT_COLUMNS[rt];
  if (!allowed) return { error: null };
  const token = allowed.includes(col) ? col : col.replace(/\d+$/, '');
  if (allowed.includes(token)) return { error: null };
  return {
    error: null,
    warning: `not in the documented column list of the standard report type ${rt} (tooling/verify/reports.ts STANDARD_REPORT_COLUMNS); the org checks it.`,
  };
}

/** The column references of a summary formula: X:SUM, X:AVG, ... (RowCount and grouping names need none). */
export function formulaColumns(formula: string): string[] {
  return [...formula.matchAll(/([A-Za-z][\w.$%]*):(SUM|AVG|MAX|MIN|UNIQUE)\b/g)].map((m) => m[1]);
}

function checkReport(
  ctx: Ctx,
  report: ReportDef,
  types: Map<string, ReportTypeDef>,
  folders: Set<string>,
): void {
  const content = readFileSync(report.file, 'utf8');
  const line = (needle: string): number => locator(content)(needle);
  // unfiled$public is Salesforce's own; ns__Folder comes with the package of that namespace
  if (report.folder !== 'unfiled$public' && !packagedFolder(report.folder) && !folders.has(report.folder))
    err(
      ctx,
      report.file,
      1,
      `Report ${report.name} is in folder '${report.folder}', which the tree does not define: add reports/${report.folder}.reportFolder-meta.xml.`,
    );
  let type: ReportTypeDef | undefined;
  // CustomEntity$Object__c is the standard report type of a custom object, not a custom report type
  if (report.reportType.endsWith('__c') && !report.reportType.includes('$')) {
    type = types.get(report.reportType.slice(0, -3));
    if (!type) {
      err(
        ctx,
        report.file,
        line(`<reportType>`),
        `Report ${report.name} names the custom report type '${report.reportType}', which the tree does not define (reportTypes/${report.reportType.slice(0, -3)}.reportType-meta.xml).`,
      );
      return;
    }
  } else if (types.has(report.reportType)) {
    err(
      ctx,
      report.file,
      line(`<reportType>`),
      `Report ${report.name}: a report names the custom report type ${report.reportType} as '${report.reportType}__c'.`,
    );
    return;
  }
  const uses: [string, string, boolean][] = [
    ...report.columns.map(
      (c) => [c.field, `<field>${escaped(c.field)}</field>`, false] as [string, string, boolean],
    ),
    ...report.filters.map(
      (f) => [f.column, `<column>${escaped(f.column)}</column>`, false] as [string, string, boolean],
    ),
    ...[...report.groupingsDown, ...report.groupingsAcross].map(
      (g) => [g.field, `<field>${escaped(g.field)}</field>`, false] as [string, string, boolean],
    ),
    ...(report.timeFrameFilter?.dateColumn
      ? [[report.timeFrameFilter.dateColumn, `<dateColumn>`, false] as [string, string, boolean]]
      : []),
    ...report.aggregates.flatMap((a) =>
      formulaColumns(a.calculatedFormula).map(
        (c) =>
          [c, `<developerName>${escaped(a.developerName)}</developerName>`, true] as [
            string,
            string,
            boolean,
          ],
      ),
    ),
  ];
  for (const [column, needle, dotted] of uses) {
    const r = checkColumn(ctx, report, type, column, dotted);
    const where = `Report ${report.name}, ${dotted ? 'summary formula' : 'column'} '${column}'`;
    if (r.error) err(ctx, report.file, line(needle), `${where}: ${r.error}`);
    else if (r.warning) warn(ctx, report.file, line(needle), `${where}: ${r.warning}`);
  }
  const groups = new Set([...report.groupingsDown, ...report.groupingsAcross].map((g) => g.field));
  for (const a of report.aggregates) {
    for (const g of [a.downGroupingContext, a.acrossGroupingContext]) {
      if (g && !/GRAND_SUMMARY$/.test(g) && !groups.has(g))
        err(
          ctx,
          report.file,
          line(`<developerName>${escaped(a.developerName)}</developerName>`),
          `Report ${report.name}: summary formula ${a.developerName} is shown at grouping '${g}', which the report does not group by.`,
        );
    }
  }
}

function checkDashboards(ctx: Ctx, tree: ReturnType<typeof loadReportTree>): void {
  for (const d of tree.dashboards) {
    const content = readFileSync(d.file, 'utf8');
    const at = locator(content);
    if (!tree.dashboardFolders.has(d.folder))
      err(
        ctx,
        d.file,
        1,
        `Dashboard ${d.name} is in folder '${d.folder}', which the tree does not define: add dashboards/${d.folder}.dashboardFolder-meta.xml.`,
      );
    if (d.dashboardType === 'SpecifiedUser' && !d.runningUser)
      err(
        ctx,
        d.file,
        locator(content)('<dashboardType>'),
        `Dashboard ${d.name} runs as a specified user but names no <runningUser>: name one, or use <dashboardType>LoggedInUser</dashboardType>.`,
      );
    else if (d.dashboardType !== 'LoggedInUser')
      ctx.problems.push(
        asPolicy(
          problemOf(
            'deploy',
            d.file,
            locator(content)('<dashboardType>'),
            `Dashboard ${d.name} runs as ${d.dashboardType}${d.runningUser ? ` (${d.runningUser})` : ''}: a username exists in one org only; use LoggedInUser so each viewer sees what they may see.`,
          ),
        ),
      );
    for (const c of d.components) {
      const line = at(`<report>${escaped(c.report)}</report>`);
      const report = tree.reports.get(c.report);
      if (!report) {
        err(
          ctx,
          d.file,
          line,
          `Dashboard ${d.name}, component '${c.header}': no report '${c.report}' in the tree (reports/${c.report}.report-meta.xml).`,
        );
        continue;
      }
      const summaries = new Set([
        'RowCount',
        ...report.aggregates.map((a) => a.developerName),
        ...report.columns.filter((x) => x.aggregateTypes.length).map((x) => x.field),
      ]);
      for (const s of c.chartSummaries)
        if (!summaries.has(s.column))
          err(
            ctx,
            d.file,
            line,
            `Dashboard ${d.name}, component '${c.header}': summary '${s.column}' is not one the report ${c.report} has (${[...summaries].join(', ')}).`,
          );
      const groups = [...report.groupingsDown, ...report.groupingsAcross].map((g) => g.field);
      for (const g of c.groupingColumns)
        if (!groups.includes(g))
          err(
            ctx,
            d.file,
            line,
            `Dashboard ${d.name}, component '${c.header}': grouping '${g}' is not a grouping of the report ${c.report} (${groups.join(', ') || 'none'}).`,
          );
    }
  }
}

/** The reports-and-dashboards check (reported under `deploy`). */
export function checkReports(input: CheckInput, schema: ProjectSchema): Problem[] {
  const tree = loadReportTree(input.root);
  const ctx: Ctx = { schema, problems: [] };
  for (const t of tree.reportTypes.values()) checkReportType(ctx, t);
  for (const r of tree.reports.values()) checkReport(ctx, r, tree.reportTypes, tree.reportFolders);
  checkDashboards(ctx, tree);
  return ctx.problems;
}
