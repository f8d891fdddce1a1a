import { LightningElement, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import listReviews from '@salesforce/apex/DedupReviewQueue.listReviews';
import getReview from '@salesforce/apex/DedupReviewQueue.getReview';
import acceptReview from '@salesforce/apex/DedupReviewQueue.accept';
import rejectReview from '@salesforce/apex/DedupReviewQueue.reject';
import changeSurvivor from '@salesforce/apex/DedupReviewQueue.changeSurvivor';
import undoReview from '@salesforce/apex/DedupReviewQueue.undo';
import { formatDateTime } from 'c/revopsFormat';

export const STATUSES = ['New', 'Merged', 'Converted', 'Rejected', 'Undone'];
const CONVERT = 'Convert Lead';
/** A match score (0-1) as the rules round it: two decimals. */
const scoreText = (score) => (score === null || score === undefined ? '' : Number(score).toFixed(2));
const DONE = {
  Merged: 'merged into the survivor',
  Converted: 'converted into the contact',
  Rejected: 'kept apart; its pairs will not be proposed again',
  Undone: 'undone; the merged records are back',
};

export const COLUMNS = [
  { label: 'Review', fieldName: 'name' },
  { label: 'Object', fieldName: 'objectName' },
  { label: 'Kind', fieldName: 'kind' },
  { label: 'Records', fieldName: 'memberCount', type: 'number' },
  { label: 'Score', fieldName: 'scoreText' },
  { label: 'Matched on', fieldName: 'reasons' },
  { label: 'Found', fieldName: 'foundText' },
  { type: 'button', typeAttributes: { label: 'Review', name: 'open', variant: 'base' } },
];

/**
 * The weekly dedup review (Dedup Review tab): the queue of clusters the weekly job found, and one review's records
 * side by side with the value that wins per field. The admin accepts (merge into the survivor, or convert a lead
 * into its contact), rejects (keeps the records apart for good), picks another survivor, or undoes a merge.
 */
export default class RevopsDedupReview extends LightningElement {
  status = 'New';
  columns = COLUMNS;
  rows;
  error;
  wired;
  detail;
  actionError;
  message;
  working = false;

  @wire(listReviews, { status: '$status' })
  wiredReviews(result) {
    this.wired = result;
    this.rows = result.data;
    this.error = result.error;
  }

  get isLoading() {
    return !this.detail && !this.rows && !this.error;
  }

  get isEmpty() {
    return !this.detail && !!this.rows && this.rows.length === 0;
  }

  get emptyMessage() {
    return `No ${this.status.toLowerCase()} reviews.`;
  }

  get showList() {
    return !this.detail && !!this.rows && this.rows.length > 0;
  }

  get statusButtons() {
    return STATUSES.map((s) => ({ key: s, label: s, variant: s === this.status ? 'brand' : 'neutral' }));
  }

  get tableRows() {
    return (this.rows || []).map((r) => ({
      ...r,
      scoreText: scoreText(r.score),
      foundText: r.foundAt ? formatDateTime(r.foundAt) : '',
    }));
  }

  get review() {
    return this.detail.review;
  }

  get isNew() {
    return this.review.status === 'New';
  }

  get isConversion() {
    return this.review.kind === CONVERT;
  }

  get canUndo() {
    return this.review.status === 'Merged';
  }

  get acceptLabel() {
    return this.isConversion ? 'Convert into the contact' : 'Merge into the survivor';
  }

  get heading() {
    const r = this.review;
    return `${r.name}: ${r.kind === CONVERT ? 'lead matching a contact' : `${r.memberCount} ${r.objectName} records`} · score ${scoreText(r.score)} · ${r.status}`;
  }

  get recordColumns() {
    return this.detail.records.map((c) => ({
      ...c,
      key: c.recordId,
      href: `/${c.recordId}`,
      title: c.name || c.recordId,
      caption: c.isSurvivor ? (this.isConversion ? 'Contact (converts into)' : 'Survivor') : c.objectName,
      canPick: this.isNew && !this.isConversion && !c.isSurvivor,
      pickLabel: `Make ${c.name || c.recordId} the survivor`,
    }));
  }

  get fieldRows() {
    return this.detail.fields.map((f) => ({
      key: f.apiName,
      label: f.label,
      winner: f.winner ?? '',
      cells: f.cells.map((c) => ({
        key: `${f.apiName}-${c.recordId}`,
        value: c.value ?? '',
        isWinner: c.isWinner,
        className: c.isWinner ? 'slds-theme_success' : '',
      })),
    }));
  }

  get hasMissing() {
    return this.detail.missing && this.detail.missing.length > 0;
  }

  get missingText() {
    return `No longer readable (merged or deleted since the job ran): ${this.detail.missing.join(', ')}`;
  }

  handleStatus(event) {
    this.status = event.target.dataset.status;
    this.message = undefined;
    // back to the queue of that status: an open review would hide the list the button asked for
    this.detail = undefined;
    this.actionError = undefined;
  }

  async handleRowAction(event) {
    if (event.detail.action.name === 'open') {
      await this.run(() => getReview({ reviewId: event.detail.row.reviewId }), false);
    }
  }

  handleBack() {
    this.detail = undefined;
    this.actionError = undefined;
  }

  async handlePick(event) {
    const survivorId = event.target.dataset.recordId;
    await this.run(() => changeSurvivor({ reviewId: this.review.reviewId, survivorId }), false);
  }

  async handleAccept() {
    await this.run(() => acceptReview({ reviewId: this.review.reviewId }), true);
  }

  async handleReject() {
    await this.run(() => rejectReview({ reviewId: this.review.reviewId }), true);
  }

  async handleUndo() {
    await this.run(() => undoReview({ reviewId: this.review.reviewId }), true);
  }

  /** Runs one server call, one at a time (a second click while one runs is ignored); a decision refreshes the queue. */
  async run(call, decides) {
    if (this.working) {
      return;
    }
    this.working = true;
    this.actionError = undefined;
    try {
      this.detail = await call();
      if (decides) {
        this.message = `${this.review.name} ${DONE[this.review.status] || this.review.status}.`;
        await refreshApex(this.wired);
      }
    } catch (error) {
      this.actionError = error;
    } finally {
      this.working = false;
    }
  }
}
