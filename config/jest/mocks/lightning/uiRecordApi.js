// The stub sfdx-lwc-jest ships (notifyRecordUpdateAvailable is a resolved jest.fn, the wire adapters test adapters).
export * from '@salesforce/sfdx-lwc-jest/src/lightning-stubs/uiRecordApi/uiRecordApi';
