import { refreshApex } from '@salesforce/apex';

/**
 * A panel's cached Apex read (cacheable=true) is not read again when the rep saves the record, so the panel would
 * keep showing what the save fixed (a required field still "missing", the old tier). A panel also wires
 * getRecord on the record's LastModifiedDate (Lightning Data Service sees every save made in the page) and hands
 * each result here: when the stamp moved on from the one it saw, its Apex result is read again.
 * @param {string|undefined} previous the stamp seen so far (undefined before the first)
 * @param {object|undefined} record getRecord's data
 * @param {object|undefined} wired the panel's wired Apex result (what refreshApex takes)
 * @returns {string|undefined} the stamp to keep
 */
export function refreshOnSave(previous, record, wired) {
  const stamp = record?.fields?.LastModifiedDate?.value;
  if (previous && stamp && stamp !== previous && wired) {
    refreshApex(wired);
  }
  return stamp ?? previous;
}
