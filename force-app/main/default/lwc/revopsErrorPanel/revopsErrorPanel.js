import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/revopsErrors';

/** The error state every panel shows: a friendly line plus the server's messages. */
export default class RevopsErrorPanel extends LightningElement {
  /** One error or a list of errors, in any shape reduceErrors understands. */
  @api errors;
  /** What went wrong, in the rep's words. */
  @api friendlyMessage;

  get messages() {
    return reduceErrors(this.errors).map((text, index) => ({ key: `m${index}`, text }));
  }
}
