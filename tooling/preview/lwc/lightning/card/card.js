import { LightningElement, api } from 'lwc';

// Preview stand-in for lightning-card: the SLDS card blueprint with a title, an icon and a body slot.
export default class Card extends LightningElement {
  @api title;
  @api iconName;

  get iconUrl() {
    const [category, name] = (this.iconName || '').split(':');
    return name ? `assets/icons/${category}/${name}.svg` : null;
  }

  get iconClass() {
    const [category, name] = (this.iconName || '').split(':');
    return `slds-icon_container slds-icon-${category}-${name.replace(/_/g, '-')}`;
  }
}
