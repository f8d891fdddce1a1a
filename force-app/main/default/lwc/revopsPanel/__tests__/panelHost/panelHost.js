import { LightningElement, api } from 'lwc';

// Test host for c-revops-panel: slots content into the shell the way the rep-facing panels do.
export default class PanelHost extends LightningElement {
  @api loading = false;
  @api errors;
  @api empty = false;
}
