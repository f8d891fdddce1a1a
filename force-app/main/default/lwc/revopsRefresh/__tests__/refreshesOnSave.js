// Shared by the panels' jest tests: a panel wired through c/revopsRefresh reads its Apex again after a save.
import { getRecord } from 'lightning/uiRecordApi';
import { refreshApex } from '@salesforce/apex';

const saved = (at) => ({ fields: { LastModifiedDate: { value: at } } });

/**
 * The record as first seen, then saved again: how many times the panel's Apex was read again after each ([0, 1]
 * when it refreshes on the save only).
 */
export async function refreshesOnSave() {
  getRecord.emit(saved('2026-03-02T10:00:00.000Z'));
  await Promise.resolve();
  const first = refreshApex.mock.calls.length;
  getRecord.emit(saved('2026-03-02T10:04:00.000Z'));
  await Promise.resolve();
  return [first, refreshApex.mock.calls.length];
}
