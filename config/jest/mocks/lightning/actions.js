// lightning/actions has no stub in sfdx-lwc-jest: the event a screen quick action dispatches to close itself.
export class CloseActionScreenEvent extends CustomEvent {
  constructor() {
    super('close', { bubbles: true, composed: true });
  }
}
