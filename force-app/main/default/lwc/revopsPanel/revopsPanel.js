import { LightningElement, api } from 'lwc';
import LOADING from '@salesforce/label/c.RevOps_Loading';
import LOAD_ERROR from '@salesforce/label/c.RevOps_Load_Error';

/**
 * The shell every rep-facing panel sits in: the card with its title and icon, the padding, and the loading,
 * error and empty states, checked in that order. The panel's own content goes into the default slot and shows
 * only when none of the states applies. The panel still renders what it slots while a state shows, so it keeps
 * that content under its own lwc:if (its getters assume data).
 */
export default class RevopsPanel extends LightningElement {
  /** Card title, in the rep's words. */
  @api title;
  /** SLDS icon of the card, e.g. standard:lead. */
  @api iconName;
  /** Shows a spinner until the panel's data arrives. */
  @api loading = false;
  /** Assistive text of the spinner. */
  @api loadingMessage = LOADING;
  /** The read failed: one error or a list, in any shape c-revops-error-panel understands. */
  @api errors;
  /** The line above the server's messages. */
  @api errorMessage = LOAD_ERROR;
  /** The data arrived but there is nothing to show: shows emptyMessage instead of the content. */
  @api empty = false;
  /** What the empty state says. */
  @api emptyMessage;
}
