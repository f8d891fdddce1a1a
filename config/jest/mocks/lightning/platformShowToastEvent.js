// The stub sfdx-lwc-jest ships: a lightning__showtoast CustomEvent whose detail is the toast.
export * from '@salesforce/sfdx-lwc-jest/src/lightning-stubs/platformShowToastEvent/platformShowToastEvent';
