import { LightningElement, api } from 'lwc';

// Preview stand-in for lightning-badge: like the real one, the host element carries slds-badge, so the
// theme classes a panel sets on <lightning-badge> colour it.
export default class Badge extends LightningElement {
  @api label;

  connectedCallback() {
    this.classList.add('slds-badge');
  }
}
