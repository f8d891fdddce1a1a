// The stub sfdx-lwc-jest ships is enough: tests read the rows and columns the queue sets and fire its row actions.
export { default } from '@salesforce/sfdx-lwc-jest/src/lightning-stubs/datatable/datatable';
