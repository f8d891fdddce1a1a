// Errors with a stable name and suggested actions; the CLI prints them (and --json carries them).
import { SfError } from '@salesforce/core/sfError';
export class SnapshotError extends SfError {
  declare actions: string[];
  constructor(message: string, actions: string[] = [], name = 'SnapshotError') {
    super(message, name, actions);
  }
}
