import { LightningElement, api } from 'lwc';

// Preview stand-in for lightning-button: a native button (keyboard reachable) with the SLDS variant class.
export default class Button extends LightningElement {
  @api label;
  @api variant = 'neutral';

  get buttonClass() {
    return this.variant === 'base' ? 'slds-button' : `slds-button slds-button_${this.variant}`;
  }
}
