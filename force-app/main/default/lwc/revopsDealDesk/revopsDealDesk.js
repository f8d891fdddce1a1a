import { LightningElement, api, wire } from 'lwc';
import { getRecord } from 'lightning/uiRecordApi';
import { refreshOnSave } from 'c/revopsRefresh';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import getDealDesk from '@salesforce/apex/DealDeskController.getDealDesk';
import submitForApproval from '@salesforce/apex/DealDeskSubmitter.submitForApproval';
import { reduceErrors } from 'c/revopsErrors';
import { formatDateTime, formatLabel, formatNumber } from 'c/revopsFormat';
import TITLE from '@salesforce/label/c.RevOps_Deal_Title';
import TERMS from '@salesforce/label/c.RevOps_Deal_Terms';
import NO_TERM from '@salesforce/label/c.RevOps_Deal_No_Term';
import TERM_MONTHS from '@salesforce/label/c.RevOps_Deal_Term_Months';
import NO_APPROVERS from '@salesforce/label/c.RevOps_Deal_No_Approvers';
import STANDARD_TERMS from '@salesforce/label/c.RevOps_Deal_Standard_Terms';
import TIER from '@salesforce/label/c.RevOps_Deal_Tier';
import NO_APPROVAL from '@salesforce/label/c.RevOps_Deal_No_Approval';
import APPROVERS_SEQUENCE from '@salesforce/label/c.RevOps_Deal_Approvers_Sequence';
import APPROVERS_PARALLEL from '@salesforce/label/c.RevOps_Deal_Approvers_Parallel';
import STATUS from '@salesforce/label/c.RevOps_Deal_Status';
import LADDER from '@salesforce/label/c.RevOps_Deal_Ladder';
import COL_TIER from '@salesforce/label/c.RevOps_Deal_Col_Tier';
import COL_WHEN from '@salesforce/label/c.RevOps_Deal_Col_When';
import COL_APPROVERS from '@salesforce/label/c.RevOps_Deal_Col_Approvers';
import REQUIRED from '@salesforce/label/c.RevOps_Deal_Required';
import HISTORY from '@salesforce/label/c.RevOps_Deal_History';
import NO_HISTORY from '@salesforce/label/c.RevOps_Deal_No_History';
import STEP from '@salesforce/label/c.RevOps_Deal_Step';
import SUBMIT from '@salesforce/label/c.RevOps_Deal_Submit';
import SUBMIT_DONE from '@salesforce/label/c.RevOps_Deal_Submit_Done';

const STANDARD_TIER = 'Standard';
/** Approval_Status__c values under which the deal is not submitted again (waiting, or done). */
const IN_APPROVAL = ['Pending', 'Approved'];
const STATUS_CLASS = {
  Approved: 'slds-theme_success',
  Pending: 'slds-theme_warning',
  Rejected: 'slds-theme_error',
};

/**
 * Deal desk (Opportunity): discount and terms, the approval tier and approvers they require, status and history;
 * a deal whose tier needs approval and that is not pending or approved can be submitted from here
 * (DealDeskSubmitter.submitForApproval: the tier's approval process, entry criteria checked). Salesforce's refusal
 * or the submitter's reason is shown in the panel.
 */
export default class RevopsDealDesk extends LightningElement {
  @api recordId;

  deal;
  error;
  wired;
  submitting = false;
  submitError;
  labels = { TITLE, LADDER, COL_TIER, COL_WHEN, COL_APPROVERS, HISTORY, NO_HISTORY, SUBMIT };

  @wire(getDealDesk, { recordId: '$recordId' })
  wiredDeal(result) {
    this.wired = result;
    this.deal = result.data;
    this.error = result.error;
  }

  savedAt;

  /** A save of the deal (a new discount, terms, an approval's field update) reads the panel again. */
  @wire(getRecord, { recordId: '$recordId', fields: ['Opportunity.LastModifiedDate'] })
  recordSaved({ data }) {
    this.savedAt = refreshOnSave(this.savedAt, data, this.wired);
  }

  get isLoading() {
    return !this.deal && !this.error;
  }

  /** Guards the slotted content: the panel would evaluate it even while c-revops-panel shows a state. */
  get hasContent() {
    return !this.isLoading && !this.error;
  }

  /** Discount, term, segment and payment terms, the blank ones left out (a new deal has no segment yet). */
  get termsText() {
    const d = this.deal;
    return [
      formatLabel(TERMS, formatNumber(d.discountPercent || 0)),
      d.termMonths ? formatLabel(TERM_MONTHS, formatNumber(d.termMonths)) : NO_TERM,
      d.segment,
      d.paymentTerms,
    ]
      .filter((part) => part && String(part).trim())
      .join(' · ');
  }

  get nonStandardTerms() {
    return (this.deal.nonStandardTerms || []).map((term) => ({ key: term, label: term }));
  }

  get hasNonStandardTerms() {
    return this.nonStandardTerms.length > 0;
  }

  get standardTermsText() {
    return STANDARD_TERMS;
  }

  get needsApproval() {
    return !!this.deal.tier && this.deal.tier !== STANDARD_TIER;
  }

  get tierText() {
    return this.needsApproval ? formatLabel(TIER, this.deal.tier) : NO_APPROVAL;
  }

  get approversText() {
    const names = (this.deal.approvers || []).join(', ') || NO_APPROVERS;
    return formatLabel(this.deal.inParallel ? APPROVERS_PARALLEL : APPROVERS_SEQUENCE, names);
  }

  get canSubmit() {
    return this.needsApproval && !IN_APPROVAL.includes(this.deal.approvalStatus);
  }

  get submitErrorText() {
    if (!this.submitError) return '';
    return typeof this.submitError === 'string' ? this.submitError : reduceErrors(this.submitError).join(' ');
  }

  async handleSubmit() {
    this.submitting = true;
    this.submitError = undefined;
    try {
      const outcome = await submitForApproval({ oppId: this.recordId });
      if (!outcome.submitted) {
        this.submitError = outcome.message;
        return;
      }
      this.dispatchEvent(
        new ShowToastEvent({
          title: TITLE,
          message: formatLabel(SUBMIT_DONE, outcome.approvalProcess),
          variant: 'success',
        }),
      );
      await notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
      await refreshApex(this.wired);
    } catch (e) {
      this.submitError = e;
    } finally {
      this.submitting = false;
    }
  }

  get hasStatus() {
    return !!this.deal.approvalStatus;
  }

  get statusText() {
    return formatLabel(STATUS, this.deal.approvalStatus || '');
  }

  get statusClass() {
    return `slds-m-left_x-small ${STATUS_CLASS[this.deal.approvalStatus] || 'slds-badge_lightest'}`;
  }

  get tiers() {
    return (this.deal.tiers || []).map((t) => ({
      key: t.tier,
      tier: t.isRequired ? `${t.tier} (${REQUIRED})` : t.tier,
      appliesWhen: t.appliesWhen,
      approvers: t.approvers,
      rowClass: t.isRequired ? 'slds-is-selected' : '',
    }));
  }

  get hasTiers() {
    return this.tiers.length > 0;
  }

  get history() {
    return (this.deal.history || []).map((h, index) => ({
      key: `h${index}`,
      text: formatLabel(STEP, formatDateTime(h.at), h.status, h.actor),
      comments: h.comments,
    }));
  }

  get hasHistory() {
    return this.history.length > 0;
  }
}
