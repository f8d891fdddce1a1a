import { LightningElement, api } from 'lwc';

// Preview stand-in for lightning-progress-bar (SLDS progress bar blueprint).
export default class ProgressBar extends LightningElement {
  @api value = 0;
  @api size = 'medium';

  get barClass() {
    return `slds-progress-bar slds-progress-bar_${this.size}`;
  }

  get valueStyle() {
    return `width: ${Number(this.value) || 0}%`;
  }
}
