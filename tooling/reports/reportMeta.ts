// Salesforce report metadata read from a source tree: custom report types, reports and dashboards with their
// folders (reportTypes/X.reportType-meta.xml, reports/<Folder>/X.report-meta.xml, dashboards/<Folder>/X.dashboard-meta.xml).
// The verify gate checks these definitions (tooling/verify/reports.ts) and the evaluator (evaluate.ts) runs them over a
// snapshot. Element names follow the Metadata API (ReportType, Report, Dashboard).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

type Node = Record<string, unknown[]>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: () => true,
});

const nodes = (n: Node | undefined, key: string): Node[] =>
  ((n?.[key] ?? []) as unknown[]).filter((x): x is Node => !!x && typeof x === 'object');

const text = (n: Node | undefined, key: string): string | undefined => {
  const v = n?.[key]?.[0];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'object' ? '' : String(v);
};

const texts = (n: Node | undefined, key: string): string[] =>
  ((n?.[key] ?? []) as unknown[]).map((v) => (v && typeof v === 'object' ? '' : String(v)));

export interface ReportTypeSection {
  /** Base object, or the base object and the child relationships of the join: Lead.SLA_Events__r */
  table: string;
  fields: string[];
}

export interface ReportTypeDef {
  /** The developer name; reports name it with a __c suffix. */
  name: string;
  file: string;
  baseObject: string;
  /** The child relationships of the join, outermost first (Lead -> SLA_Events__r). */
  joins: string[];
  sections: ReportTypeSection[];
}

export interface ReportFilterItem {
  column: string;
  operator: string;
  value: string;
}

export interface ReportAggregate {
  developerName: string;
  calculatedFormula: string;
  datatype: string;
  downGroupingContext?: string;
  acrossGroupingContext?: string;
}

export interface ReportGrouping {
  field: string;
  dateGranularity: string;
}

export interface ReportDef {
  /** Folder/DeveloperName, as dashboards name it. */
  name: string;
  folder: string;
  file: string;
  reportType: string;
  format: string;
  columns: { field: string; aggregateTypes: string[] }[];
  filters: ReportFilterItem[];
  booleanFilter?: string;
  groupingsDown: ReportGrouping[];
  groupingsAcross: ReportGrouping[];
  aggregates: ReportAggregate[];
  timeFrameFilter?: { dateColumn: string; interval: string; startDate?: string; endDate?: string };
  buckets: string[];
}

export interface DashboardComponentDef {
  header: string;
  componentType: string;
  report: string;
  chartSummaries: { column: string; aggregate?: string }[];
  groupingColumns: string[];
}

export interface DashboardDef {
  name: string;
  folder: string;
  file: string;
  title: string;
  dashboardType: string;
  runningUser?: string;
  components: DashboardComponentDef[];
}

export interface ReportTree {
  reportTypes: Map<string, ReportTypeDef>;
  reports: Map<string, ReportDef>;
  dashboards: DashboardDef[];
  reportFolders: Set<string>;
  dashboardFolders: Set<string>;
  /** Files that are not well-formed XML (the deploy check reports them). */
  unreadable: string[];
}

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? (n === 'node_modules' || n.startsWith('.') ? [] : walk(p)) : [p];
  });
}

function root(file: string): Node | undefined {
  const content = readFileSync(file, 'utf8');
  if (XMLValidator.validate(content) !== true) return undefined;
  const doc = parser.parse(content) as Record<string, unknown[]>;
  const key = Object.keys(doc).find((k) => k !== '?xml');
  const r = key ? doc[key][0] : undefined;
  return r && typeof r === 'object' ? (r as Node) : {};
}

function joinChain(join: Node | undefined): string[] {
  if (!join) return [];
  const rel = text(join, 'relationship') ?? '';
  return [rel, ...joinChain(nodes(join, 'join')[0])];
}

export function parseReportType(file: string, r: Node): ReportTypeDef {
  return {
    name: basename(file).replace(/\.reportType-meta\.xml$/, ''),
    file,
    baseObject: text(r, 'baseObject') ?? '',
    joins: joinChain(nodes(r, 'join')[0]),
    sections: nodes(r, 'sections').map((s) => ({
      table: text(nodes(s, 'columns')[0], 'table') ?? '',
      fields: nodes(s, 'columns').map((c) => text(c, 'field') ?? ''),
    })),
  };
}

const grouping = (g: Node): ReportGrouping => ({
  field: text(g, 'field') ?? '',
  dateGranularity: text(g, 'dateGranularity') ?? 'None',
});

export function parseReport(file: string, r: Node): ReportDef {
  const folder = basename(dirname(file));
  const filter = nodes(r, 'filter')[0];
  const tf = nodes(r, 'timeFrameFilter')[0];
  return {
    name: `${folder}/${basename(file).replace(/\.report-meta\.xml$/, '')}`,
    folder,
    file,
    reportType: text(r, 'reportType') ?? '',
    format: text(r, 'format') ?? '',
    columns: nodes(r, 'columns').map((c) => ({
      field: text(c, 'field') ?? '',
      aggregateTypes: texts(c, 'aggregateTypes'),
    })),
    filters: nodes(filter, 'criteriaItems').map((c) => ({
      column: text(c, 'column') ?? '',
      operator: text(c, 'operator') ?? '',
      value: text(c, 'value') ?? '',
    })),
    booleanFilter: text(filter, 'booleanFilter'),
    groupingsDown: nodes(r, 'groupingsDown').map(grouping),
    groupingsAcross: nodes(r, 'groupingsAcross').map(grouping),
    aggregates: nodes(r, 'aggregates').map((a) => ({
      developerName: text(a, 'developerName') ?? '',
      calculatedFormula: text(a, 'calculatedFormula') ?? '',
      datatype: text(a, 'datatype') ?? '',
      downGroupingContext: text(a, 'downGroupingContext'),
      acrossGroupingContext: text(a, 'acrossGroupingContext'),
    })),
    timeFrameFilter: tf
      ? {
          dateColumn: text(tf, 'dateColumn') ?? '',
          interval: text(tf, 'interval') ?? '',
          startDate: text(tf, 'startDate'),
          endDate: text(tf, 'endDate'),
        }
      : undefined,
    buckets: nodes(r, 'buckets').map((b) => text(b, 'developerName') ?? ''),
  };
}

function component(c: Node): DashboardComponentDef {
  return {
    header: text(c, 'header') ?? text(c, 'title') ?? '',
    componentType: text(c, 'componentType') ?? '',
    report: text(c, 'report') ?? '',
    chartSummaries: nodes(c, 'chartSummary').map((s) => ({
      column: text(s, 'column') ?? '',
      aggregate: text(s, 'aggregate'),
    })),
    groupingColumns: texts(c, 'groupingColumn'),
  };
}

export function parseDashboard(file: string, r: Node): DashboardDef {
  const grid = nodes(nodes(r, 'dashboardGridLayout')[0], 'dashboardGridComponents').flatMap((g) =>
    nodes(g, 'dashboardComponent'),
  );
  const sections = ['leftSection', 'middleSection', 'rightSection'].flatMap((s) =>
    nodes(nodes(r, s)[0], 'components'),
  );
  const folder = basename(dirname(file));
  return {
    name: `${folder}/${basename(file).replace(/\.dashboard-meta\.xml$/, '')}`,
    folder,
    file,
    title: text(r, 'title') ?? '',
    dashboardType: text(r, 'dashboardType') ?? 'SpecifiedUser',
    runningUser: text(r, 'runningUser'),
    components: [...grid, ...sections].map(component),
  };
}

/** Every report type, report, dashboard and folder under a source root. */
export function loadReportTree(sourceRoot: string): ReportTree {
  const tree: ReportTree = {
    reportTypes: new Map(),
    reports: new Map(),
    dashboards: [],
    reportFolders: new Set(),
    dashboardFolders: new Set(),
    unreadable: [],
  };
  for (const file of walk(sourceRoot)) {
    const parent = basename(dirname(file));
    const kind = /\.reportType-meta\.xml$/.test(file)
      ? 'reportType'
      : /\.report-meta\.xml$/.test(file)
        ? 'report'
        : /\.dashboard-meta\.xml$/.test(file)
          ? 'dashboard'
          : /\.reportFolder-meta\.xml$/.test(file) && parent === 'reports'
            ? 'reportFolder'
            : /\.dashboardFolder-meta\.xml$/.test(file) && parent === 'dashboards'
              ? 'dashboardFolder'
              : undefined;
    if (!kind) continue;
    if (kind === 'reportFolder') {
      tree.reportFolders.add(basename(file).replace(/\.reportFolder-meta\.xml$/, ''));
      continue;
    }
    if (kind === 'dashboardFolder') {
      tree.dashboardFolders.add(basename(file).replace(/\.dashboardFolder-meta\.xml$/, ''));
      continue;
    }
    const r = root(file);
    if (!r) {
      tree.unreadable.push(file);
      continue;
    }
    if (kind === 'reportType') {
      const t = parseReportType(file, r);
      tree.reportTypes.set(t.name, t);
    } else if (kind === 'report') {
      const rep = parseReport(file, r);
      tree.reports.set(rep.name, rep);
    } else tree.dashboards.push(parseDashboard(file, r));
  }
  return tree;
}

/** A custom report type column `Table$Field` split into its table and field path ('Lead.SLA_Events__r', 'Owner'). */
export function splitColumn(column: string): { table: string; path: string } | undefined {
  const i = column.indexOf('$');
  if (i <= 0) return undefined;
  return { table: column.slice(0, i), path: column.slice(i + 1) };
}
