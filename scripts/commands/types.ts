/** What a command's run hands to RevopsCommand.finish. */
export interface CommandResult<T = unknown> {
  /** Becomes `result` in the `--json` payload. */
  result: T;
  /** Human rendering (tables) printed on stdout when not in --json mode. */
  human?: string;
  /** Process exit code (default 0); the --json envelope's status. */
  exitCode?: number;
}
