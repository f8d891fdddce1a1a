// Preview stand-in for lightning/uiRecordApi: the preview holds no records, so getRecord never answers (a panel
// that wires it for its LastModifiedDate sees no save) and a refresh request resolves.
export function getRecord() {}
getRecord.adapter = class {
  connect() {}
  disconnect() {}
  update() {}
};

export function notifyRecordUpdateAvailable() {
  return Promise.resolve();
}
