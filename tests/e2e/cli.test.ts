// The revops CLI end to end: commands run in-process through main() (argv in, stdout/exit code out),
// against the demo generator, a Data Export folder and the loopback fake org.
import { describe, expect, it, beforeAll, afterAll, vi } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { toolingGate } from '../../scripts/commands/gate.ts';
import { generateDemo } from '../../scripts/lib/snapshot/generator.ts';
import { OBJECTS, SCHEMA } from '../../scripts/lib/snapshot/schema.ts';
import { runCli } from './runCli.ts';
import { FakeOrg, syntheticDataset } from './fakeOrg.ts';
import { tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';

afterAll(removeTmpDirs);

interface Run {
  code: number;
  out: string;
  err: string;
  json: {
    status: number;
    result: Record<string, unknown>;
    warnings: string[];
    name?: string;
    message?: string;
  };
}

const revops = (...argv: string[]): Promise<Run> => runCli<Run['json']>(...argv);

let org: FakeOrg;
const prefixes: Record<string, string> = {
  User: '005',
  Account: '001',
  Lead: '00Q',
  Contact: '003',
  Opportunity: '006',
};
beforeAll(async () => {
  const data = Object.fromEntries(
    OBJECTS.filter((o) => o !== 'Campaign').map((o) => [
      o,
      syntheticDataset(o, SCHEMA[o].fields, o === 'Lead' ? 1200 : 30, prefixes[o] ?? 'a0X'),
    ]),
  );
  org = await new FakeOrg({ data, pollsBeforeComplete: 1 }).start();
  // The sf CLI accepts an access token in place of a username, with the instance URL from the environment.
  process.env.SF_ORG_INSTANCE_URL = org.url;
});
afterAll(async () => {
  await org.stop();
  delete process.env.SF_ORG_INSTANCE_URL;
});

describe('revops snapshot', () => {
  it('builds the demo snapshot and reports row counts as JSON', async () => {
    const out = join(tmpDir('cli-demo'), 'demo.duckdb');
    const r = await revops('snapshot', '--demo', '--size', '1000', '--seed', '9', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(r.json.status).toBe(0);
    expect(r.json.result).toMatchObject({ out, source: 'demo', counts: { Lead: 1000 } });
    expect(existsSync(out)).toBe(true);
  });

  it('prints a table of tables and rows for people', async () => {
    const out = join(tmpDir('cli-demo-h'), 'demo.duckdb');
    const r = await revops('snapshot', '--demo', '--size', '300', '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Snapshot written: .*demo\.duckdb/);
    expect(r.out).toMatch(/^Lead\s+300$/m);
    expect(r.err).toMatch(/Generating the demo org/);
  });

  it('refuses to guess the source and says how to pick one', async () => {
    const r = await revops('snapshot', '--json');
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ name: 'SnapshotSourceRequired' });
    const bad = await revops('snapshot', '--demo', '--size', 'gigantic', '--json');
    expect(bad.code).toBe(1);
    expect(bad.json.message).toMatch(/--size must be small, large or a whole number/);
  });

  it('imports a Data Export folder', async () => {
    const dir = tmpDir('cli-export');
    generateDemo({ leads: 300, seed: 5, dir });
    const out = join(dir, 'snap.duckdb');
    const r = await revops('snapshot', '--from-export', dir, '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(r.json.result).toMatchObject({ source: 'export', counts: { Lead: 300 } });
  });

  it('pulls every object from an org with Bulk API 2.0 and shows API usage', async () => {
    const out = join(tmpDir('cli-org'), 'org.duckdb');
    const r = await revops('snapshot', '--from-org', org.accessToken, '--out', out, '--max-records', '500');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Lead\s+1,200$/m);
    expect(r.out).toMatch(/source org, org 00D5e000000FAKE/);
    expect(r.err).toMatch(/Lead: page 3, 1,200 rows/);
    expect(r.err).toMatch(/API usage after the pull: \d+\/15000/);
    expect(r.err).toMatch(/Campaign does not exist in this org/);
  });
});

describe('org auth', () => {
  it('explains how to log in when the org alias is unknown', async () => {
    const r = await revops('snapshot', '--from-org', 'no-such-alias-xyz', '--json');
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ name: 'OrgAuthError' });
    expect(r.json.message).toMatch(/no-such-alias-xyz/);
    expect((r.json as unknown as { actions: string[] }).actions.join(' ')).toMatch(
      /sf org login web --alias/,
    );
  });
});

describe('revops deploy', () => {
  let src: string;
  beforeAll(() => {
    // not under tests/.tmp: SDR skips dot-folders like .tmp when it collects source
    src = join(mkdtempSync(join(tmpdir(), 'revops-deploy-')), 'force-app');
    mkdirSync(join(src, 'main/default/classes'), { recursive: true });
    writeFileSync(
      join(src, 'main/default/classes/Greeter.cls'),
      'public with sharing class Greeter {\n  public static String hello() {\n    return greeting;\n  }\n}\n',
    );
    writeFileSync(
      join(src, 'main/default/classes/Greeter.cls-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>66.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n',
    );
  });
  afterAll(() => rmSync(dirname(src), { recursive: true, force: true }));

  it('renders a failed deploy as file:line:column: problem and exits 1', async () => {
    org.opts.deploy = {
      status: 'Failed',
      pollsBeforeDone: 1,
      componentsTotal: 1,
      failures: [
        {
          componentType: 'ApexClass',
          fullName: 'Greeter',
          fileName: 'classes/Greeter.cls',
          lineNumber: 3,
          columnNumber: 12,
          problem: 'Variable does not exist: greeting',
        },
      ],
    };
    const r = await revops(
      'deploy',
      '-o',
      org.accessToken,
      '--skip-verify',
      '--source-dir',
      src,
      '--wait',
      '1',
      '--execute',
    );
    expect(r.out + r.err).toMatch(/Deploy Failed/);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain(
      `${relative(process.cwd(), join(src, 'main/default/classes/Greeter.cls'))}:3:12: Variable does not exist: greeting (ApexClass Greeter)`,
    );
    expect(org.deployRequests.at(-1)).toMatchObject({ checkOnly: false });
    expect(r.err).toMatch(/Pending: 0\/1 components|InProgress/); // progress while it runs
  });

  it('is a check-only dry run without --execute, even with -o; --execute and --dry-run together are refused', async () => {
    org.opts.deploy = { status: 'Succeeded', pollsBeforeDone: 1, componentsTotal: 1 };
    const before = org.deployRequests.length;
    const r = await revops('deploy', '-o', org.accessToken, '--skip-verify', '--source-dir', src);
    expect(r.code, r.err).toBe(0);
    expect(org.deployRequests.slice(before).map((d) => d.checkOnly)).toEqual([true]);
    expect(r.err).toContain(
      'Dry run: a check-only validation, nothing changes in the org. Pass --execute to deploy.',
    );
    expect(r.out).toContain(
      'Nothing was changed in the org (a dry run). Deploy for real with: revops deploy -o <org> --execute',
    );
    const both = await revops(
      'deploy',
      '-o',
      org.accessToken,
      '--skip-verify',
      '--execute',
      '--dry-run',
      '--json',
    );
    expect(both.code).toBe(2);
    expect(both.json.message).toMatch(
      /--dry-run=true cannot also be provided when using --execute|cannot also be provided/,
    );
    expect(org.deployRequests.length).toBe(before + 1);
  });

  it('runs --dry-run as a check-only deploy with the test level, exit 0', async () => {
    org.opts.deploy = { status: 'Succeeded', pollsBeforeDone: 2, componentsTotal: 1 };
    const r = await revops(
      'deploy',
      '-o',
      org.accessToken,
      '--dry-run',
      '--test-level',
      'RunLocalTests',
      '--skip-verify',
      '--source-dir',
      src,
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.json.result).toMatchObject({ status: 'Succeeded', checkOnly: true, exitCode: 0 });
    expect(org.deployRequests.at(-1)).toMatchObject({ checkOnly: true, testLevel: 'RunLocalTests' });
  });

  it('exits 68 on a partial success', async () => {
    org.opts.deploy = {
      status: 'SucceededPartial',
      pollsBeforeDone: 1,
      componentsTotal: 1,
      failures: [
        {
          componentType: 'ApexClass',
          fullName: 'Greeter',
          fileName: 'classes/Greeter.cls',
          problem: 'Test coverage of selected Apex Class is 40%, at least 75% test coverage is required',
          problemType: 'Warning',
        },
      ],
    };
    const r = await revops(
      'deploy',
      '-o',
      org.accessToken,
      '--skip-verify',
      '--source-dir',
      src,
      '--execute',
    );
    expect(r.code).toBe(68);
    expect(org.deployRequests.at(-1)).toMatchObject({ checkOnly: false });
  });

  it('deploys nothing when the local verify gate fails', async () => {
    const before = org.deployRequests.length;
    const spy = vi.spyOn(toolingGate, 'verify').mockResolvedValue({
      ok: false,
      report: 'force-app/main/default/classes/Greeter.cls:3: error: Variable does not exist: greeting',
    });
    try {
      const r = await revops('deploy', '-o', org.accessToken, '--source-dir', src, '--json');
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ name: 'VerifyFailed' });
      expect(r.json.message).toContain('Greeter.cls:3');
      expect(org.deployRequests.length).toBe(before);
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects an unknown test level before contacting the org', async () => {
    const r = await revops(
      'deploy',
      '-o',
      org.accessToken,
      '--test-level',
      'RunSomeTests',
      '--skip-verify',
      '--json',
    );
    expect(r.code).toBe(2);
    expect(r.json.message).toMatch(
      /Expected --test-level=RunSomeTests to be one of: NoTestRun, RunLocalTests/,
    );
  });
});

describe('revops config', () => {
  let cwd: string;
  let dir: string;
  beforeAll(() => {
    dir = resolve(tmpDir('cli-config'));
    // the records and what they reference (fields of objects/, Lead queues of queues/)
    for (const folder of ['customMetadata', 'objects', 'queues'])
      cpSync(`force-app/main/default/${folder}`, join(dir, `force-app/main/default/${folder}`), {
        recursive: true,
      });
    cwd = process.cwd();
  });
  const inDir = async <T>(f: () => Promise<T>): Promise<T> => {
    process.chdir(dir);
    try {
      return await f();
    } finally {
      process.chdir(cwd);
    }
  };

  it('checks the shipped records', async () => {
    const r = await inDir(() => revops('config', 'check', '--json'));
    expect(r.code, r.out).toBe(0);
    expect(r.json.result).toMatchObject({ ok: true });
  });

  it('writes a sales-led profile: stricter fit, faster SLA for a high ACV, longer stale multipliers', async () => {
    const r = await inDir(() =>
      revops('config', 'init', '--motion', 'sales-led', '--acv', '120000', '--cycle-days', '120', '--json'),
    );
    expect(r.code, r.out).toBe(0);
    const changes = r.json.result.changes as Array<{ record: string; field: string; to: unknown }>;
    expect(changes).toContainEqual(
      expect.objectContaining({ record: 'Scoring_Setting.Default', field: 'MQL_Fit_Threshold__c', to: 55 }),
    );
    expect(
      changes.some(
        (c) => c.record.startsWith('SLA_Policy.') && c.field === 'Contact_Within_Hours__c' && c.to === 1,
      ),
    ).toBe(true);
    expect(changes.some((c) => c.record.startsWith('Stage_Policy.') && c.to === 2.5)).toBe(true);
    const xml = readFileSync(
      join(dir, 'force-app/main/default/customMetadata/Scoring_Setting.Default.md-meta.xml'),
      'utf8',
    );
    expect(xml).toMatch(/<field>MQL_Fit_Threshold__c<\/field>\s*<value xsi:type="xsd:double">55<\/value>/);
    const check = await inDir(() => revops('config', 'check', '--json'));
    expect(check.code).toBe(0);
  });

  it('names the record and field when a record is invalid', async () => {
    const file = join(dir, 'force-app/main/default/customMetadata/Scoring_Setting.Default.md-meta.xml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      good.replace(
        /(<field>MQL_Fit_Threshold__c<\/field>\s*<value xsi:type=")xsd:double(">)[^<]*/,
        '$1xsd:string$2lots',
      ),
    );
    try {
      const r = await inDir(() => revops('config', 'check', '--json'));
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ name: 'ConfigInvalid' });
      expect(r.json.message).toMatch(/Scoring_Setting\.Default.*MQL_Fit_Threshold__c/);
    } finally {
      writeFileSync(file, good);
    }
  });

  it('diffs the records in force-app against the org', async () => {
    // the org holds the shipped records, except one threshold someone changed in Setup
    const { findRecordFiles, readRecordFile, configQueries } =
      await import('../../scripts/lib/config/index.ts');
    const records = await inDir(async () => findRecordFiles('force-app').map(readRecordFile));
    for (const q of configQueries()) {
      const fields = [
        'DeveloperName',
        'MasterLabel',
        ...q.soql
          .replace(/^SELECT DeveloperName, MasterLabel, /, '')
          .replace(/ FROM .*$/, '')
          .split(', '),
      ];
      const rows = records.filter((r) => r.type === q.type);
      org.opts.data![`${q.type}__mdt`] = {
        fields,
        count: rows.length,
        row: (i) =>
          fields.map((f) =>
            f === 'DeveloperName'
              ? rows[i].name
              : f === 'MasterLabel'
                ? rows[i].label
                : f === 'MQL_Engagement_Threshold__c'
                  ? 99
                  : (rows[i].values[f] ?? null),
          ),
      };
    }
    const r = await inDir(() => revops('config', 'diff', '-o', org.accessToken, '--json'));
    expect(r.code, r.err).toBe(0);
    expect(r.json.result).toEqual({
      onlyInSource: [],
      onlyInOrg: [],
      changed: [
        {
          record: 'Scoring_Setting.Default',
          field: 'MQL_Engagement_Threshold__c',
          source: expect.any(String),
          org: '99',
        },
      ],
    });
  });
});
