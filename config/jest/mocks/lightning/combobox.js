// The stub sfdx-lwc-jest ships is enough: tests read the options the action sets and fire its change event.
export { default } from '@salesforce/sfdx-lwc-jest/src/lightning-stubs/combobox/combobox';
