import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { CloseActionScreenEvent } from 'lightning/actions';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import getDecision from '@salesforce/apex/SlaDecisionController.getDecision';
import accept from '@salesforce/apex/SlaDecisionController.accept';
import reject from '@salesforce/apex/SlaDecisionController.reject';
import { reduceErrors } from 'c/revopsErrors';
import { formatLabel } from 'c/revopsFormat';
import TITLE from '@salesforce/label/c.RevOps_Decision_Title';
import ACCEPT from '@salesforce/label/c.RevOps_Decision_Accept';
import REJECT from '@salesforce/label/c.RevOps_Decision_Reject';
import REASON from '@salesforce/label/c.RevOps_Decision_Reason';
import CONFIRM_REJECT from '@salesforce/label/c.RevOps_Decision_Confirm_Reject';
import CANCEL from '@salesforce/label/c.RevOps_Decision_Cancel';
import NOT_MQL from '@salesforce/label/c.RevOps_Decision_Not_Mql';
import NO_STAGE from '@salesforce/label/c.RevOps_Decision_No_Stage';
import NO_ACCESS from '@salesforce/label/c.RevOps_Decision_No_Access';
import ACCEPTED from '@salesforce/label/c.RevOps_Decision_Accepted';
import REJECTED from '@salesforce/label/c.RevOps_Decision_Rejected';

/**
 * Rep accept / reject (Lead, Contact; record page or the "Accept or Reject" quick action): accept moves the MQL to SQL,
 * reject asks for a recycle reason and recycles it. The Apex controller saves in user mode; its refusal is shown here.
 */
export default class RevopsSlaDecision extends LightningElement {
  @api recordId;

  decision;
  error;
  rejecting = false;
  reason;
  saving = false;
  saveError;
  wired;
  /** The control to focus after the next render (the one that replaced the button the rep clicked). */
  focusNext;
  labels = { TITLE, ACCEPT, REJECT, REASON, CONFIRM_REJECT, CANCEL };

  @wire(getDecision, { recordId: '$recordId' })
  wiredDecision(result) {
    this.wired = result;
    this.decision = result.data;
    this.error = result.error;
  }

  get isLoading() {
    return !this.decision && !this.error;
  }

  get hasContent() {
    return !!this.decision;
  }

  get canDecide() {
    return this.decision?.canDecide === true;
  }

  /** Why the rep cannot decide: an MQL they may not edit, a record without a stage, or another stage. */
  get notMqlText() {
    const stage = this.decision?.stage;
    if (stage === 'MQL') {
      return NO_ACCESS;
    }
    return stage ? formatLabel(NOT_MQL, stage) : NO_STAGE;
  }

  renderedCallback() {
    if (this.focusNext) {
      this.template.querySelector(`[data-id="${this.focusNext}"]`)?.focus();
      this.focusNext = undefined;
    }
  }

  get reasonOptions() {
    return this.decision?.reasons ?? [];
  }

  get confirmDisabled() {
    return this.saving || !this.reason;
  }

  get saveErrorText() {
    return this.saveError ? reduceErrors(this.saveError).join(' ') : '';
  }

  handleReject() {
    this.rejecting = true;
    this.focusNext = 'reason';
  }

  handleCancel() {
    this.rejecting = false;
    this.reason = undefined;
    this.focusNext = 'reject';
  }

  handleReason(event) {
    this.reason = event.detail.value;
  }

  handleAccept() {
    return this.run(accept({ recordId: this.recordId }), ACCEPTED);
  }

  handleConfirmReject() {
    const label = this.reasonOptions.find((o) => o.value === this.reason)?.label ?? this.reason;
    return this.run(
      reject({ recordId: this.recordId, reasonCode: this.reason }),
      formatLabel(REJECTED, label),
    );
  }

  async run(call, message) {
    this.saving = true;
    this.saveError = undefined;
    try {
      await call;
      this.dispatchEvent(new ShowToastEvent({ title: TITLE, message, variant: 'success' }));
      this.rejecting = false;
      await notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
      await refreshApex(this.wired);
      this.dispatchEvent(new CloseActionScreenEvent());
    } catch (e) {
      this.saveError = e;
    } finally {
      this.saving = false;
    }
  }
}
