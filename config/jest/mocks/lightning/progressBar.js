// The stub sfdx-lwc-jest ships is enough: tests read the properties the panel sets on it.
export { default } from '@salesforce/sfdx-lwc-jest/src/lightning-stubs/progressBar/progressBar';
