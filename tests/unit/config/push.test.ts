// revops config push against the loopback fake org: the set is checked in source, then by the verify gate's deploy
// check, then against the target org's describe and Lead queues, and only then deployed: check-only unless
// --execute, which first backs up the org's records so --restore can put them back. A refused push sends no deploy
// and prints no token.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOrg, type Dataset } from '../../e2e/fakeOrg.ts';
import { runCli } from '../../e2e/runCli.ts';

interface Out {
  status: number;
  result: Record<string, unknown>;
  name?: string;
  message?: string;
  actions?: string[];
}

const dir = mkdtempSync(join(tmpdir(), 'revops-push-'));
const CMDT = join(dir, 'force-app', 'main', 'default', 'customMetadata');
// the records, what they reference (objects, queues) and the Apex classes Trigger_Action records name
for (const folder of ['customMetadata', 'objects', 'queues', 'classes'])
  cpSync(join('force-app', 'main', 'default', folder), join(dir, 'force-app', 'main', 'default', folder), {
    recursive: true,
  });
cpSync('sfdx-project.json', join(dir, 'sfdx-project.json'));

/** A describe-able object with these fields (no rows). */
const object = (fields: string[]): Dataset => ({ fields: ['Id', ...fields], count: 0, row: () => [] });
const LEAD = [
  'Country',
  'Industry',
  'NumberOfEmployees',
  'AnnualRevenue',
  'Title',
  'Email',
  'HasOptedOutOfEmail',
  'LastName',
  'Company',
  'LeadSource',
];
const orgData = (): Record<string, Dataset> => ({
  Lead: object([...LEAD, 'Tech_Stack__c', 'Matched_Account__c', 'Preferred_Language__c']),
  Contact: object([
    'MailingCountry',
    'Title',
    'Email',
    'HasOptedOutOfEmail',
    'Tech_Stack__c',
    'AccountId',
    'LastName',
    'LeadSource',
  ]),
  Opportunity: object([
    'Amount',
    'CloseDate',
    'LeadSource',
    'Fit_Score_Snapshot__c',
    'Pain_Points__c',
    'Current_Solution__c',
    'Timeline__c',
    'Technical_Requirements__c',
    'Decision_Makers__c',
    'Pricing_Notes__c',
    'Terms_Summary__c',
    'Stakeholder_Map__c',
    'Redlines__c',
    'Approval_Chain__c',
    'Signed_Contract__c',
    'Payment_Terms__c',
    'Loss_Reason__c',
    'Competitor__c',
  ]),
  Account: object(['Is_System_Of_Record__c']),
  Group: {
    fields: ['Id', 'DeveloperName'],
    count: 2,
    row: (i) => [['00G000000000001AAA', '00G000000000002AAA'][i], ['Lead_Fallback', 'Deal_Desk'][i]],
  },
  QueueSobject: {
    fields: ['Id', 'QueueId'],
    count: 1,
    row: () => ['03g000000000001AAA', '00G000000000001AAA'],
  },
  // the org's scoring rules: one the push changes (the org gives a demo request 99 points) and one only the org has;
  // the org has no other config type yet, so every other pushed record is one the push adds
  Scoring_Rule__mdt: {
    fields: ['Id', 'DeveloperName', 'MasterLabel', 'Active__c', 'Points__c', 'Signal__c', 'Description__c'],
    count: 2,
    row: (i) =>
      [
        [
          'm00000000000001AAA',
          'Eng_Demo_Request',
          'Demo request',
          true,
          99,
          'Demo Request',
          'Org\'s "own" <rule>',
        ],
        ['m00000000000002AAA', 'Org_Only_Rule', 'Org only', false, 5, 'Webinar', null],
      ][i],
  },
});

let org: FakeOrg;
let cwd: string;
beforeAll(async () => {
  org = await new FakeOrg({ data: orgData(), deploy: { status: 'Succeeded', pollsBeforeDone: 1 } }).start();
  process.env.SF_ORG_INSTANCE_URL = org.url;
  cwd = process.cwd();
});
afterAll(async () => {
  await org.stop();
  delete process.env.SF_ORG_INSTANCE_URL;
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(org.opts.data as object, orgData());
});

async function push(...extra: string[]) {
  const deploysBefore = org.deployRequests.length;
  const requestsBefore = org.log.length;
  process.chdir(dir);
  try {
    const r = await runCli<Out>('config', 'push', '-o', org.accessToken, '--json', ...extra);
    expect(r.out + r.err, 'the access token is never printed').not.toContain(org.accessToken);
    return {
      ...r,
      deploys: org.deployRequests.slice(deploysBefore),
      requests: org.log.slice(requestsBefore).map((l) => l.path),
    };
  } finally {
    process.chdir(cwd);
  }
}

/** Edit one record file for the duration of `f`. */
async function withFile<T>(name: string, edit: (xml: string) => string, f: () => Promise<T>): Promise<T> {
  const file = join(CMDT, name);
  const good = readFileSync(file, 'utf8');
  const bad = edit(good);
  expect(bad, `the edit of ${name} changed nothing`).not.toBe(good);
  writeFileSync(file, bad);
  try {
    return await f();
  } finally {
    writeFileSync(file, good);
  }
}

describe('revops config push', () => {
  it('pushes the shipped records after checking the org describes every referenced field', async () => {
    const r = await push('--execute', '--backup-dir', join(dir, 'backup-first'));
    expect(r.code, r.out + r.err).toBe(0);
    const described = r.requests
      .filter((p) => /\/sobjects\/\w+\/describe$/.test(p))
      .map((p) => p.split('/').at(-2));
    expect(described.slice(0, 4)).toEqual(['Lead', 'Contact', 'Opportunity', 'Account']);
    // then the backup reads each pushed type
    expect(described.slice(4)).toContain('Trigger_Action__mdt');
    expect(described.slice(4).every((o) => o?.endsWith('__mdt'))).toBe(true);
    expect(r.deploys).toHaveLength(1);
    expect(r.deploys[0].checkOnly).toBe(false);
    expect(
      r.deploys[0].entries.filter((e) => !e.startsWith('customMetadata/')),
      'only the records',
    ).toEqual(['package.xml']);
    expect(r.deploys[0].entries).toContain('customMetadata/Approval_Tier.Manager.md');
  });

  it('refuses an approval-tier gap before contacting the org', async () => {
    const r = await withFile(
      'Approval_Tier.Manager.md-meta.xml',
      (x) => x.replace(/(<field>Max_Discount__c<\/field>\s*<value xsi:type="xsd:double">)20/, '$115'),
      () => push(),
    );
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ name: 'ConfigInvalid' });
    expect(r.json.message).toContain(
      'Approval_Tier.Manager: discounts from 15% up to 20% match no approval tier',
    );
    expect(r.json.message).toContain('Set Approval_Tier.Manager.Max_Discount__c to 20');
    expect(r.deploys).toEqual([]);
    expect(r.requests).toEqual([]);
  });

  it("runs the verify gate's deploy check on the pushed files (a Trigger_Action record the loader does not read)", async () => {
    const r = await withFile(
      'Trigger_Action.Account_BI_DomainKey.md-meta.xml',
      (x) =>
        x.replace('<value xsi:type="xsd:boolean">true</value>', '<value xsi:type="xsd:boolean">yes</value>'),
      () => push(),
    );
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ name: 'VerifyFailed' });
    expect(r.json.message).toMatch(
      /Trigger_Action\.Account_BI_DomainKey\.md-meta\.xml:6: \[deploy\] Trigger_Action__mdt\.Active__c is a Checkbox but the record has "yes"/,
    );
    expect(r.deploys).toEqual([]);
  });

  it('refuses a field the target org does not have (deploy the data model first), naming the record and the org', async () => {
    org.opts.data!.Contact = object(['MailingCountry', 'Title', 'Email', 'HasOptedOutOfEmail']);
    const r = await push();
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ name: 'ConfigInvalid' });
    expect(r.json.message).toContain('checked against the org');
    expect(r.json.message).toContain(
      "Scoring_Rule.Fit_Tech_Stack: Field__c 'Tech_Stack__c': Contact has no field Tech_Stack__c (checked the describe of Contact in the org",
    );
    expect(r.json.actions?.join('\n')).toContain('deploy the data model first (revops deploy -o <org>)');
    expect(r.deploys).toEqual([]);
  });

  it('refuses when the org has no Lead_Fallback queue for leads', async () => {
    org.opts.data!.QueueSobject = { fields: ['Id', 'QueueId'], count: 0, row: () => [] };
    const r = await push();
    expect(r.code).toBe(1);
    expect(r.json.message).toContain(
      'Routing_Rule: the Lead_Fallback queue, where leads that no rule places go, is not a Lead queue in the org',
    );
    expect(r.json.message).toContain(
      "Routing_Rule.Territory_EMEA: Fallback_Owner__c 'Lead_Fallback' is not a Lead queue",
    );
    expect(r.deploys).toEqual([]);
  });

  it('is a check-only dry run without --execute, and writes no backup', async () => {
    const r = await push('--backup-dir', join(dir, 'backup-dry'));
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.deploys.map((d) => d.checkOnly)).toEqual([true]);
    expect(r.json.result.backup).toBeUndefined();
    expect(existsSync(join(dir, 'backup-dry'))).toBe(false);
  });

  it('backs up the org records it replaces before --execute deploys, and --restore puts them back', async () => {
    const backupDir = join(dir, 'backup-undo');
    const pushed = await push('--execute', '--backup-dir', backupDir);
    expect(pushed.code, pushed.out + pushed.err).toBe(0);
    expect(pushed.deploys.map((d) => d.checkOnly)).toEqual([false]);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'backup.json'), 'utf8')) as {
      org: string;
      types: string[];
      records: number;
      added: string[];
    };
    expect(manifest.records).toBe(2);
    expect(manifest.types).toContain('Trigger_Action');
    expect(manifest.added).toContain('Approval_Tier.Manager');
    expect(manifest.added, 'the org had this record: the push replaces it').not.toContain(
      'Scoring_Rule.Eng_Demo_Request',
    );
    expect(pushed.json.result).toMatchObject({ backup: { dir: backupDir, records: 2 } });
    // the org's values, as a deploy takes them
    const saved = readFileSync(
      join(backupDir, 'customMetadata', 'Scoring_Rule.Eng_Demo_Request.md-meta.xml'),
      'utf8',
    );
    expect(saved).toContain('<field>Points__c</field>\n        <value xsi:type="xsd:double">99</value>');
    expect(saved).toContain('<value xsi:type="xsd:boolean">true</value>');
    expect(saved).toContain("Org's &quot;own&quot; &lt;rule&gt;");

    const undo = await push('--restore', backupDir, '--execute', '--backup-dir', join(dir, 'backup-of-undo'));
    expect(undo.code, undo.out + undo.err).toBe(0);
    expect(undo.deploys).toHaveLength(1);
    expect(undo.deploys[0].checkOnly).toBe(false);
    expect(undo.deploys[0].entries.sort()).toEqual([
      'customMetadata/Scoring_Rule.Eng_Demo_Request.md',
      'customMetadata/Scoring_Rule.Org_Only_Rule.md',
      'destructiveChangesPost.xml',
      'package.xml',
    ]);
    const deletes = org.deployedFiles.get('destructiveChangesPost.xml') ?? '';
    expect(deletes).toContain('<members>Approval_Tier.Manager</members>');
    expect(deletes).not.toContain('Eng_Demo_Request');
    expect(org.deployedFiles.get('customMetadata/Scoring_Rule.Eng_Demo_Request.md')).toContain(
      '<value xsi:type="xsd:double">99</value>',
    );
    // the restore was backed up too, so it can be undone
    expect(existsSync(join(dir, 'backup-of-undo', 'backup.json'))).toBe(true);
    expect(undo.json.result).toMatchObject({ restoredFrom: backupDir });
  });

  it('refuses a backup of another org, an incomplete backup and a backup folder in use, before deploying', async () => {
    const backupDir = join(dir, 'backup-other');
    expect((await push('--execute', '--backup-dir', backupDir)).code).toBe(0);
    const file = join(backupDir, 'backup.json');
    const good = readFileSync(file, 'utf8');

    writeFileSync(file, good.replace(/"org": "[^"]*"/, '"org": "00D000000000OTHER"'));
    const other = await push('--restore', backupDir, '--execute');
    expect(other.code).toBe(1);
    expect(other.json).toMatchObject({ name: 'BackupOfAnotherOrg' });
    expect(other.json.message).toContain('is a backup of the org 00D000000000OTHER');
    expect(other.deploys).toEqual([]);
    writeFileSync(file, good);

    const again = await push('--execute', '--backup-dir', backupDir);
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ name: 'BackupFailed' });
    expect(again.json.message).toContain('holds a backup already');
    expect(again.deploys).toEqual([]);

    unlinkSync(join(backupDir, 'customMetadata', 'Scoring_Rule.Org_Only_Rule.md-meta.xml'));
    const partial = await push('--restore', backupDir, '--execute');
    expect(partial.code).toBe(1);
    expect(partial.json).toMatchObject({ name: 'BackupInvalid' });
    expect(partial.json.message).toContain('holds 1 record file(s) where');
    expect(partial.deploys).toEqual([]);
  });
});
