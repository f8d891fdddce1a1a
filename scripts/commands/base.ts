// The base of every `sf revops` command: SfCommand (flags, --json envelope, errors, spinner) plus what our commands
// share: progress that is a spinner on a terminal, plain stderr lines in a pipe and nothing under --json; the org
// named by -o or the default target org; the verify gate handed in from outside (gate.ts is the one door to tooling).
import { Messages, SfError } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { toolingGate, type VerifyGate } from './gate.ts';
import type { CommandResult } from './types.ts';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('revops-engine', 'revops.shared');

/** Loads the messages (messages/<bundle>.md) of one command. */
export const loadMessages = (bundle: string): Messages<string> =>
  Messages.loadMessages('revops-engine', bundle);

/** -o/--target-org as a name (alias, username or access token): the lib resolves it, or the default org when absent. */
export const targetOrgFlag = (required = false) =>
  Flags.string({
    char: 'o',
    summary: messages.getMessage('flags.target-org.summary'),
    description: messages.getMessage('flags.target-org.description'),
    helpValue: '<alias|username>',
    required,
  });

/** --snapshot FILE, shared by the report commands. */
export const snapshotFlag = () =>
  Flags.file({ summary: messages.getMessage('flags.snapshot.summary'), helpValue: '<file>' });
/** --config DIR: the folder holding the config records. */
export const configFlag = () =>
  Flags.directory({ summary: messages.getMessage('flags.config.summary'), helpValue: '<dir>' });
/** --html FILE: where the self-contained HTML report goes. */
export const htmlFlag = () =>
  Flags.string({ summary: messages.getMessage('flags.html.summary'), helpValue: '<file>' });
/** --csv DIR: one CSV file per table of the report. */
export const csvFlag = () =>
  Flags.directory({ summary: messages.getMessage('flags.csv.summary'), helpValue: '<dir>' });
/** --instance-url URL: the org record Ids link to (an org snapshot records its own). */
export const instanceUrlFlag = () =>
  Flags.string({ summary: messages.getMessage('flags.instance-url.summary'), helpValue: '<url>' });

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'] as const;

export abstract class RevopsCommand<T> extends SfCommand<T> {
  /** The verify gate deploy and config push run; scripts/cli.ts may hand in another (tests do). */
  static gate: VerifyGate = toolingGate;

  private readonly signalListeners = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  private spinning = false;

  public async init(): Promise<void> {
    // SfCommand answers Ctrl-C by throwing from the signal handler; our imports and pulls stop cleanly on their own
    // (partial files removed, exit 130), and in-process runs would pile a listener per run: keep the handlers that
    // were there before this command.
    for (const s of SIGNALS)
      for (const l of process.listeners(s))
        if (!this.signalListeners.get(s)!.includes(l)) process.off(s, l as () => void);
    await super.init();
  }

  protected get gate(): VerifyGate {
    return (this.constructor as typeof RevopsCommand).gate;
  }

  /** True when stdout and stderr are a terminal: then progress is a spinner, else plain lines on stderr. */
  protected get interactive(): boolean {
    return Boolean(process.stdout.isTTY && process.stderr.isTTY) && !this.jsonEnabled();
  }

  /**
   * A progress or status line: the spinner's status on a terminal, a stderr line in a pipe or a log, nothing under
   * --json. Bound, so the lib can take it as its `progress` callback.
   */
  protected progress_ = (message: string): void => {
    if (this.jsonEnabled()) return;
    if (this.interactive) {
      if (!this.spinning) {
        this.spinner.start(this.id?.replaceAll(':', ' ') ?? 'revops');
        this.spinning = true;
      }
      this.spinner.status = message;
    } else this.logToStderr(message);
  };

  /** A lasting note on stderr (a file written, a hint); stops the spinner first so it stays visible. */
  protected note(message: string): void {
    if (this.jsonEnabled()) return;
    this.stopSpinner();
    this.logToStderr(message);
  }

  /** A warning, collected for the --json envelope (SfCommand.warn) and bound for the lib. */
  protected warn_ = (message: string): void => {
    this.stopSpinner();
    this.warn(message);
  };

  private stopSpinner(): void {
    if (this.spinning) this.spinner.stop();
    this.spinning = false;
  }

  /** The org a command reads: -o as given, else the default target org (sf config set target-org). */
  protected orgOrDefault(flag: string | undefined, example: string): string {
    if (flag) return flag;
    const configured = this.configAggregator?.getPropertyValue<string>('target-org');
    if (configured) return configured;
    throw new SfError(
      'No org given and no default org set.',
      'NoDefaultOrg',
      [`Pass -o: ${example}`, 'Or set a default org: sf config set target-org my-org'],
      2,
    );
  }

  /** Prints the human rendering (not under --json), sets a non-zero exit code for the envelope, returns the result. */
  protected finish<R extends T>(out: CommandResult<R>): R {
    this.stopSpinner();
    if (out.human && !this.jsonEnabled()) this.log(out.human.replace(/\n$/, ''));
    if (out.exitCode) process.exitCode = out.exitCode;
    return out.result;
  }

  public async finally(err: Error | undefined): Promise<unknown> {
    this.stopSpinner();
    return super.finally(err);
  }
}

/** An invalid flag value: exit code 2 as oclif's own flag errors, with what to pass instead. */
export function invalidFlag(message: string, actions: string[] = []): SfError {
  return new SfError(message, 'InvalidFlag', actions, 2);
}
