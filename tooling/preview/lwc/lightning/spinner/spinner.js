import { LightningElement, api } from 'lwc';

// Preview stand-in for lightning-spinner (SLDS spinner blueprint with its assistive text).
export default class Spinner extends LightningElement {
  @api alternativeText;
  @api size = 'medium';

  get spinnerClass() {
    return `slds-spinner slds-spinner_${this.size} slds-spinner_brand`;
  }
}
