// Errors with a stable name and suggested actions; the CLI prints them (and --json carries them).
export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly actions: string[] = [],
    name = 'SnapshotError',
  ) {
    super(message);
    this.name = name;
  }
}
