import { LightningElement, api } from 'lwc';

export default class RevopsHello extends LightningElement {
  @api label = 'RevOps Engine';
}
