// The snapshot schema: one table per object, named by its API name, columns = field API names (this file is the contract).
// Types follow the contract: date/datetime -> TIMESTAMP (UTC), number/currency/percent -> DOUBLE,
// checkbox -> BOOLEAN, everything else (ids, text, picklists, JSON) -> VARCHAR. Unknown columns stay VARCHAR.

export type ColumnType = 'VARCHAR' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP';

export interface ObjectSchema {
  /** Fields in table order: [API name, type]. */
  fields: ReadonlyArray<readonly [string, ColumnType]>;
  /** Columns a Data Export / org pull must contain for the reports to work. */
  required: readonly string[];
  /** Formula / compound fields that exports omit, recomputed on import (SQL over the other columns). */
  derived?: Readonly<Record<string, string>>;
  /**
   * Fields only some orgs have, not in `fields`: a table gets one only when its source has it (an org pull asks for
   * it only when the org's describe lists it; a Data Export keeps its column), and its absence is the org's setup,
   * not a gap (no warning, not in _provenance's absent_fields). Opportunity.CurrencyIsoCode exists only in a
   * multi-currency org: a single-currency snapshot stays as it always was.
   */
  optional?: ReadonlyArray<readonly [string, ColumnType]>;
}

const S = 'VARCHAR' as const;
const N = 'DOUBLE' as const;
const B = 'BOOLEAN' as const;
const T = 'TIMESTAMP' as const;

type F = ReadonlyArray<readonly [string, ColumnType]>;

/** Lifecycle, scoring, SLA and routing fields shared by Lead and Contact. */
const FUNNEL: F = [
  ['Lifecycle_Stage__c', S],
  ['Lifecycle_Stage_Entered_At__c', T],
  ['Fit_Score__c', N],
  ['Engagement_Score__c', N],
  ['Negative_Score__c', N],
  ['Total_Score__c', N],
  ['Score_Breakdown__c', S],
  ['Scored_At__c', T],
  ['MQL_Date__c', T],
  ['SQL_Date__c', T],
  ['Recycled_Date__c', T],
  ['Recycle_Reason__c', S],
  ['SLA_Contact_Due__c', T],
  ['SLA_Qualify_Due__c', T],
  ['First_Touch_At__c', T],
  ['SLA_Status__c', S],
  ['Speed_To_Lead_Minutes__c', N],
  ['Routed_At__c', T],
  ['Routing_Rule__c', S],
  ['Preferred_Language__c', S],
  ['Product_Interest__c', S],
];

/** Total_Score__c is a formula (Fit + Engagement - Negative, BLANKVALUE'd): Data Exports never contain it. */
const TOTAL_SCORE =
  'coalesce("Fit_Score__c", 0) + coalesce("Engagement_Score__c", 0) - coalesce("Negative_Score__c", 0)';
const FULL_NAME = `nullif(concat_ws(' ', "FirstName", "LastName"), '')`;

export const SCHEMA: Readonly<Record<string, ObjectSchema>> = {
  User: {
    fields: [
      ['Id', S],
      ['Username', S],
      ['FirstName', S],
      ['LastName', S],
      ['Name', S],
      ['Email', S],
      ['IsActive', B],
      ['Title', S],
      ['Department', S],
      ['ManagerId', S],
      ['UserRoleId', S],
      ['TimeZoneSidKey', S],
      ['LanguageLocaleKey', S],
      ['CreatedDate', T],
    ],
    required: ['Id'],
    derived: { Name: FULL_NAME },
  },
  Rep_Availability__c: {
    fields: [
      ['Id', S],
      ['Name', S],
      ['User__c', S],
      ['Pool__c', S],
      ['Capacity__c', N],
      ['Open_Leads__c', N],
      ['Weight__c', N],
      ['Active__c', B],
      ['Out_Of_Office_Until__c', T],
      ['Languages__c', S],
      ['Product_Lines__c', S],
      ['Territory__c', S],
      ['Assignment_Count__c', N],
      ['Last_Assigned_At__c', T],
      ['CreatedDate', T],
    ],
    required: ['Id', 'User__c', 'Pool__c'],
  },
  Account: {
    fields: [
      ['Id', S],
      ['Name', S],
      ['Website', S],
      ['Phone', S],
      ['Industry', S],
      ['Type', S],
      ['NumberOfEmployees', N],
      ['AnnualRevenue', N],
      ['BillingCountry', S],
      ['BillingState', S],
      ['BillingStreet', S],
      ['BillingPostalCode', S],
      ['BillingCity', S],
      ['OwnerId', S],
      ['Segment__c', S],
      ['Territory__c', S],
      ['Is_System_Of_Record__c', B],
      ['Enrichment_Sources__c', S],
      ['CreatedDate', T],
      ['LastActivityDate', T],
    ],
    required: ['Id', 'Name'],
  },
  Lead: {
    fields: [
      ['Id', S],
      ['FirstName', S],
      ['LastName', S],
      ['Name', S],
      ['Email', S],
      ['Phone', S],
      ['Company', S],
      ['Website', S],
      ['Title', S],
      ['Industry', S],
      ['NumberOfEmployees', N],
      ['AnnualRevenue', N],
      ['Tech_Stack__c', S],
      ['Country', S],
      ['State', S],
      ['Street', S],
      ['PostalCode', S],
      ['City', S],
      ['LeadSource', S],
      ['Status', S],
      ['OwnerId', S],
      ['IsConverted', B],
      ['ConvertedDate', T],
      ['ConvertedAccountId', S],
      ['ConvertedContactId', S],
      ['ConvertedOpportunityId', S],
      ['HasOptedOutOfEmail', B],
      ['CreatedDate', T],
      ['LastModifiedDate', T],
      ...FUNNEL,
      ['Matched_Account__c', S],
      ['Enrichment_Sources__c', S],
    ],
    required: ['Id', 'CreatedDate', 'Status', 'OwnerId'],
    derived: { Total_Score__c: TOTAL_SCORE, Name: FULL_NAME },
  },
  Contact: {
    fields: [
      ['Id', S],
      ['AccountId', S],
      ['FirstName', S],
      ['LastName', S],
      ['Name', S],
      ['Email', S],
      ['Phone', S],
      ['Title', S],
      ['Tech_Stack__c', S],
      ['MailingCountry', S],
      ['MailingStreet', S],
      ['MailingPostalCode', S],
      ['MailingCity', S],
      ['LeadSource', S],
      ['OwnerId', S],
      ['HasOptedOutOfEmail', B],
      ['CreatedDate', T],
      ['LastModifiedDate', T],
      ['LastActivityDate', T],
      ...FUNNEL,
      ['Enrichment_Sources__c', S],
    ],
    required: ['Id', 'CreatedDate'],
    derived: { Total_Score__c: TOTAL_SCORE, Name: FULL_NAME },
  },
  Opportunity: {
    fields: [
      ['Id', S],
      ['Name', S],
      ['AccountId', S],
      ['OwnerId', S],
      ['StageName', S],
      ['Amount', N],
      ['CloseDate', T],
      ['Probability', N],
      ['ForecastCategoryName', S],
      ['IsClosed', B],
      ['IsWon', B],
      ['Type', S],
      ['LeadSource', S],
      ['CreatedDate', T],
      ['LastModifiedDate', T],
      ['LastActivityDate', T],
      ['Fit_Score_Snapshot__c', N],
      ['Segment__c', S],
      ['Discount_Percent__c', N],
      ['Contract_Term_Months__c', N],
      ['Non_Standard_Terms__c', S],
      ['Close_Date_Push_Reason__c', S],
      ['Close_Date_Push_Count__c', N],
      ['Stage_Entered_At__c', T],
      ['Previous_Stage__c', S],
      ['Approval_Status__c', S],
      ['Approval_Tier__c', S],
      ['Pain_Points__c', S],
      ['Current_Solution__c', S],
      ['Timeline__c', S],
      ['Technical_Requirements__c', S],
      ['Decision_Makers__c', S],
      ['Pricing_Notes__c', S],
      ['Terms_Summary__c', S],
      ['Stakeholder_Map__c', S],
      ['Redlines__c', S],
      ['Approval_Chain__c', S],
      ['Signed_Contract__c', B],
      ['Payment_Terms__c', S],
      ['Loss_Reason__c', S],
      ['Competitor__c', S],
    ],
    required: ['Id', 'StageName', 'CloseDate', 'CreatedDate'],
    // the deal's currency (multi-currency orgs only): Amount is in it; metrics convert with CurrencyType
    optional: [['CurrencyIsoCode', S]],
  },
  OpportunityHistory: {
    fields: [
      ['Id', S],
      ['OpportunityId', S],
      ['StageName', S],
      ['Amount', N],
      ['CloseDate', T],
      ['Probability', N],
      ['ForecastCategory', S],
      ['CreatedById', S],
      ['CreatedDate', T],
    ],
    required: ['Id', 'OpportunityId', 'StageName', 'CreatedDate'],
  },
  Task: {
    fields: [
      ['Id', S],
      ['WhoId', S],
      ['WhatId', S],
      ['OwnerId', S],
      ['Subject', S],
      ['Type', S],
      ['TaskSubtype', S],
      ['Status', S],
      ['ActivityDate', T],
      ['CompletedDateTime', T],
      ['CreatedDate', T],
    ],
    required: ['Id', 'CreatedDate'],
  },
  Event: {
    fields: [
      ['Id', S],
      ['WhoId', S],
      ['WhatId', S],
      ['OwnerId', S],
      ['Subject', S],
      ['Type', S],
      ['StartDateTime', T],
      ['EndDateTime', T],
      ['DurationInMinutes', N],
      ['CreatedDate', T],
    ],
    required: ['Id', 'CreatedDate'],
  },
  Campaign: {
    fields: [
      ['Id', S],
      ['Name', S],
      ['Type', S],
      ['Status', S],
      ['StartDate', T],
      ['EndDate', T],
      ['CreatedDate', T],
    ],
    required: ['Id'],
  },
  CampaignMember: {
    fields: [
      ['Id', S],
      ['CampaignId', S],
      ['LeadId', S],
      ['ContactId', S],
      ['Status', S],
      ['HasResponded', B],
      ['FirstRespondedDate', T],
      ['CreatedDate', T],
    ],
    required: ['Id', 'CampaignId'],
  },
  Engagement_Event__c: {
    fields: [
      ['Id', S],
      ['Lead__c', S],
      ['Contact__c', S],
      ['Record_Id__c', S],
      ['Signal__c', S],
      ['Occurred_At__c', T],
      ['Source__c', S],
      ['Url__c', S],
      ['CreatedDate', T],
    ],
    required: ['Id', 'Record_Id__c', 'Signal__c', 'Occurred_At__c'],
  },
  Lifecycle_Transition__c: {
    fields: [
      ['Id', S],
      ['Lead__c', S],
      ['Contact__c', S],
      ['Record_Id__c', S],
      ['Object_Type__c', S],
      ['From_Stage__c', S],
      ['To_Stage__c', S],
      ['Transitioned_At__c', T],
      ['Transitioned_By__c', S],
      ['Reason__c', S],
      ['Reason_Code__c', S],
      ['Is_Recycle__c', B],
      ['CreatedDate', T],
    ],
    required: ['Id', 'Record_Id__c', 'To_Stage__c', 'Transitioned_At__c'],
  },
  Routing_Decision__c: {
    fields: [
      ['Id', S],
      ['Lead__c', S],
      ['Record_Id__c', S],
      ['Rule_Matched__c', S],
      ['Method__c', S],
      ['Chosen_Owner_Id__c', S],
      ['Fallback_Used__c', B],
      ['Decided_At__c', T],
      ['Candidates__c', S],
      ['Trace__c', S],
      ['CreatedDate', T],
    ],
    required: ['Id', 'Record_Id__c', 'Decided_At__c'],
  },
  SLA_Event__c: {
    fields: [
      ['Id', S],
      ['Lead__c', S],
      ['Contact__c', S],
      ['Record_Id__c', S],
      ['Policy__c', S],
      ['Event_Type__c', S],
      ['Due_At__c', T],
      ['Met_At__c', T],
      ['Breached_At__c', T],
      ['Occurred_At__c', T],
      ['Escalated_To__c', S],
      ['CreatedDate', T],
    ],
    required: ['Id', 'Record_Id__c', 'Event_Type__c', 'Occurred_At__c'],
  },
};

/** Objects a snapshot holds, in load order. */
export const OBJECTS = Object.keys(SCHEMA);

/** The currencies of a multi-currency org (Salesforce's CurrencyType object). */
export const CURRENCY_TYPE = 'CurrencyType';

/**
 * Tables only some orgs have, not in SCHEMA or OBJECTS: made only when the source has them (never an empty stand-in,
 * never reported missing), with a _provenance row (their row count) then. CurrencyType: the currencies of a
 * multi-currency org and their static conversion rates against the corporate currency (IsCorporate, rate 1); a
 * single-currency org has no such object. An org pull reads it when Opportunity has CurrencyIsoCode; a Data Export
 * gives it as CurrencyType.csv when it has one. The metrics convert deal amounts with it (reports/metrics/currency.ts).
 */
export const OPTIONAL_TABLES: Readonly<Record<string, ObjectSchema>> = {
  [CURRENCY_TYPE]: {
    fields: [
      ['Id', S],
      ['IsoCode', S],
      ['ConversionRate', N],
      ['IsCorporate', B],
      ['IsActive', B],
    ],
    required: ['IsoCode', 'ConversionRate'],
  },
};

/** The schema of a snapshot object or of an optional table. */
export function schemaOf(object: string): ObjectSchema | undefined {
  return SCHEMA[object] ?? OPTIONAL_TABLES[object];
}

/** The optional fields (ObjectSchema.optional) of an object among `columns`. */
export function optionalFields(object: string, columns: readonly string[]): string[] {
  const have = new Set(columns);
  return (schemaOf(object)?.optional ?? []).map(([n]) => n).filter((n) => have.has(n));
}

/** Ground truth of planted duplicates (demo snapshots only). Ids absent from it are unique entities. */
export const DEDUP_TRUTH_TABLE = '_dedup_truth';
export const DEDUP_TRUTH_FIELDS: F = [
  ['Id', S],
  ['entity_id', S],
  ['object', S],
  ['variant', S],
];

export const PROVENANCE_TABLE = '_provenance';

export function columnType(object: string, field: string): ColumnType {
  const s = schemaOf(object);
  const f = [...(s?.fields ?? []), ...(s?.optional ?? [])].find(([name]) => name === field);
  return f ? f[1] : 'VARCHAR';
}

/** Double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Single-quoted SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
