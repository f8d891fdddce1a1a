// Preview stand-in for lightning/uiRecordApi: the preview holds no record cache, so a refresh request resolves.
export function notifyRecordUpdateAvailable() {
  return Promise.resolve();
}
