// Preview stand-in for lightning/platformShowToastEvent: a toast is a lightning__showtoast event whose detail is
// the toast (the page has no toast container, so nothing is drawn).
export class ShowToastEvent extends CustomEvent {
  constructor(toast) {
    super('lightning__showtoast', { composed: true, cancelable: true, bubbles: true, detail: toast });
  }
}
