// Every command as sf plugins define them (typed flags with summaries, examples, -o on every org command) and the
// sf conventions the standalone entry (scripts/cli.ts main, the same command classes) keeps: topic help, help for
// a command, exit code 2 and the --json error envelope for a bad flag, "did you mean" for a mistyped command.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../scripts/commands/index.ts';
import { runCli } from '../../e2e/runCli.ts';

interface ErrorEnvelope {
  status: number;
  exitCode: number;
  name: string;
  message: string;
  actions?: string[];
}

/** The commands that read or write an org. */
const ORG_COMMANDS = [
  'revops:snapshot',
  'revops:deploy',
  'revops:config:diff',
  'revops:config:push',
  'revops:dedup',
  'revops:dedup:undo',
];

describe('the command classes', () => {
  it.each(Object.entries(COMMANDS))(
    '%s has a summary, a description, examples and described flags',
    (id, C) => {
      expect(C.summary, id).toMatch(/\w{3}/);
      expect(C.description, id).toMatch(/\w{3}/);
      expect(C.examples?.length, id).toBeGreaterThan(0);
      for (const e of C.examples ?? []) expect(String(e)).toContain('<%= config.bin %> <%= command.id %>');
      for (const [name, flag] of Object.entries(C.flags ?? {}))
        expect((flag as { summary?: string }).summary, `${id} --${name}`).toMatch(/\w{3}/);
    },
  );

  it.each(ORG_COMMANDS)('%s takes -o/--target-org', (id) => {
    const flag = COMMANDS[id].flags?.['target-org'] as { char?: string } | undefined;
    expect(flag?.char).toBe('o');
  });

  it('keeps --from-org as a deprecated alias of snapshot -o', () => {
    const flag = COMMANDS['revops:snapshot'].flags?.['target-org'] as {
      aliases?: string[];
      deprecateAliases?: boolean;
    };
    expect(flag.aliases).toEqual(['from-org']);
    expect(flag.deprecateAliases).toBe(true);
  });
});

describe('help', () => {
  it('lists the topics and commands', async () => {
    const r = await runCli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('revops config');
    expect(r.out).toMatch(/^ {2}revops report\s+Audit and metrics/m);
  });

  it('shows a topic: config --help lists its four commands', async () => {
    const r = await runCli('config', '--help');
    expect(r.code).toBe(0);
    for (const c of ['init', 'check', 'diff', 'push']) expect(r.out).toContain(`revops config ${c}`);
  });

  it('shows a command through "help report": flags with summaries, defaults and examples', async () => {
    const r = await runCli('help', 'report');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /--html=<file>\s+\[default: out\/revops-report\.html\] Where to write\s+the\s+HTML\s+report/,
    );
    expect(r.out).toContain('EXAMPLES');
    expect(r.out).toContain('sf revops report --demo');
  });

  it('marks a required flag', async () => {
    const r = await runCli('config', 'init', '--help');
    expect(r.out).toMatch(/--motion=<option>\s+\(required\)/);
  });
});

describe('errors', () => {
  it('exits 2 for an unknown flag, with the sf --json envelope', async () => {
    const r = await runCli<ErrorEnvelope>('report', '--demo', '--no-such-flag', '--json');
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({
      status: 2,
      exitCode: 2,
      message: expect.stringMatching(/Nonexistent flag: --no-such-flag/),
    });
  });

  it("exits 2 for a value outside a flag's options, naming them", async () => {
    const r = await runCli<ErrorEnvelope>('config', 'init', '--motion', 'enterprise', '--json');
    expect(r.code).toBe(2);
    expect(r.json.message).toMatch(/Expected --motion=enterprise to be one of: plg, sales-led, hybrid/);
  });

  it("carries a lib error's name, actions and exit code (an SfError) into the envelope", async () => {
    const r = await runCli<ErrorEnvelope>('snapshot', '-o', 'no-such-alias-xyz', '--json');
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ status: 1, exitCode: 1, name: 'OrgAuthError' });
    expect(r.json.actions?.join(' ')).toMatch(/sf org login web/);
  });

  it('still takes snapshot --from-org, with a deprecation warning', async () => {
    const r = await runCli<ErrorEnvelope>('snapshot', '--from-org', 'no-such-alias-xyz');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/"--from-org" flag has been deprecated/);
    expect(r.err).toMatch(/no-such-alias-xyz/);
  });

  it('suggests the nearest command for a mistyped one', async () => {
    const r = await runCli('config', 'chek');
    expect(r.code).toBe(127);
    expect(r.err).toContain('Did you mean "revops config check"?');
  });
});
