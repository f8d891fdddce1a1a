// Field labels for report tables: what an admin sees in Setup, not the API name. Our custom fields carry their
// label in force-app (objects/<Object>/fields/<Field>.field-meta.xml); standard fields use Salesforce's label where
// it differs from the spaced-out API name (OwnerId -> Owner), else the API name with spaces (LeadSource -> Lead Source).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Standard fields whose Salesforce label is not their API name with spaces. */
const STANDARD: Record<string, string> = {
  Id: 'Record ID',
  OwnerId: 'Owner',
  AccountId: 'Account Name',
  StageName: 'Stage',
  NumberOfEmployees: 'Employees',
  IsWon: 'Won',
  IsClosed: 'Closed',
  ForecastCategoryName: 'Forecast Category',
  CreatedDate: 'Created Date',
  ConvertedOpportunityId: 'Converted Opportunity',
};

const spaced = (api: string): string =>
  api
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim();

/** Labels of one config folder's fields, read once per file. */
export function fieldLabeler(
  configDir: string | undefined = 'force-app',
): (object: string, api: string) => string {
  const cache = new Map<string, string>();
  return (object, api) => {
    const key = `${object}.${api}`;
    let label = cache.get(key);
    if (label !== undefined) return label;
    label = STANDARD[api] ?? spaced(api);
    if (api.endsWith('__c')) {
      const file = join(
        configDir ?? 'force-app',
        'main',
        'default',
        'objects',
        object,
        'fields',
        `${api}.field-meta.xml`,
      );
      const m = existsSync(file) ? /<label>([^<]*)<\/label>/.exec(readFileSync(file, 'utf8')) : null;
      if (m) label = m[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    }
    cache.set(key, label);
    return label;
  };
}
