import { LightningElement, api, wire } from 'lwc';
import { getRecord } from 'lightning/uiRecordApi';
import { refreshOnSave } from 'c/revopsRefresh';
import { NavigationMixin } from 'lightning/navigation';
import getPipelineHygiene from '@salesforce/apex/PipelineHygieneController.getPipelineHygiene';
import { formatDate, formatDateTime, formatLabel, formatNumber } from 'c/revopsFormat';
import TITLE from '@salesforce/label/c.RevOps_Pipeline_Title';
import DAYS_IN_STAGE from '@salesforce/label/c.RevOps_Pipeline_Days_In_Stage';
import DAY_IN_STAGE from '@salesforce/label/c.RevOps_Pipeline_Day_In_Stage';
import STALE from '@salesforce/label/c.RevOps_Pipeline_Stale';
import FRESH from '@salesforce/label/c.RevOps_Pipeline_Fresh';
import CLOSED from '@salesforce/label/c.RevOps_Pipeline_Closed';
import BENCHMARK from '@salesforce/label/c.RevOps_Pipeline_Benchmark';
import NO_BENCHMARK from '@salesforce/label/c.RevOps_Pipeline_No_Benchmark';
import MISSING from '@salesforce/label/c.RevOps_Pipeline_Missing';
import READY from '@salesforce/label/c.RevOps_Pipeline_Ready';
import EDIT_FIELD from '@salesforce/label/c.RevOps_Pipeline_Edit_Field';
import SKIPS from '@salesforce/label/c.RevOps_Pipeline_Skips';
import NO_SKIPS from '@salesforce/label/c.RevOps_Pipeline_No_Skips';
import SKIP from '@salesforce/label/c.RevOps_Pipeline_Skip';
import PUSHES from '@salesforce/label/c.RevOps_Pipeline_Pushes';
import PUSHED_ONCE from '@salesforce/label/c.RevOps_Pipeline_Pushed_Once';
import NO_PUSHES from '@salesforce/label/c.RevOps_Pipeline_No_Pushes';
import PUSH from '@salesforce/label/c.RevOps_Pipeline_Push';
import NO_POLICY from '@salesforce/label/c.RevOps_Pipeline_No_Policy';

/**
 * Pipeline hygiene (Opportunity): days in stage against the team average and the stale threshold,
 * the fields the next stage requires (each one a button to edit the record), stage skips and
 * close-date pushes with their reasons.
 */
export default class RevopsPipelineHygiene extends NavigationMixin(LightningElement) {
  @api recordId;

  hygiene;
  error;
  labels = { TITLE, SKIPS, NO_SKIPS, NO_PUSHES };

  wired;
  savedAt;

  @wire(getPipelineHygiene, { recordId: '$recordId' })
  wiredHygiene(result) {
    this.wired = result;
    this.hygiene = result.data;
    this.error = result.error;
  }

  /** A save of the deal (the Edit field button's, any other) reads the panel again. */
  @wire(getRecord, { recordId: '$recordId', fields: ['Opportunity.LastModifiedDate'] })
  recordSaved({ data }) {
    this.savedAt = refreshOnSave(this.savedAt, data, this.wired);
  }

  get isLoading() {
    return !this.hygiene && !this.error;
  }

  get isEmpty() {
    return !!this.hygiene && !this.hygiene.hasPolicy;
  }

  /** Guards the slotted content: the panel would evaluate it even while c-revops-panel shows a state. */
  get hasContent() {
    return !this.isLoading && !this.error && !this.isEmpty;
  }

  /** Bound to c-revops-panel in every state, so it must not assume data. */
  get emptyText() {
    return this.isEmpty ? formatLabel(NO_POLICY, this.hygiene.stageName) : '';
  }

  get daysText() {
    const days = this.hygiene.daysInStage;
    return formatLabel(
      Number(days) === 1 ? DAY_IN_STAGE : DAYS_IN_STAGE,
      formatNumber(days),
      this.hygiene.stageName,
    );
  }

  get staleLabel() {
    if (this.hygiene.isClosed) {
      return CLOSED;
    }
    return this.hygiene.isStale ? STALE : FRESH;
  }

  get staleClass() {
    if (this.hygiene.isClosed) {
      return 'slds-m-left_x-small slds-badge_lightest';
    }
    return this.hygiene.isStale
      ? 'slds-m-left_x-small slds-theme_error'
      : 'slds-m-left_x-small slds-theme_success';
  }

  get benchmarkText() {
    const h = this.hygiene;
    if (h.teamAverageDays === null || h.teamAverageDays === undefined) {
      return NO_BENCHMARK;
    }
    return formatLabel(
      BENCHMARK,
      formatNumber(h.teamAverageDays),
      formatNumber(h.staleThresholdDays),
      formatNumber(h.staleMultiplier),
    );
  }

  get hasNextStage() {
    return !!this.hygiene.nextStage;
  }

  get missingFields() {
    return (this.hygiene.missingFields || []).map((f) => ({
      key: f.apiName,
      apiName: f.apiName,
      label: f.label,
      buttonLabel: formatLabel(EDIT_FIELD, f.label),
    }));
  }

  get hasMissingFields() {
    return this.missingFields.length > 0;
  }

  get missingText() {
    return formatLabel(this.hasMissingFields ? MISSING : READY, this.hygiene.nextStage);
  }

  get skips() {
    return (this.hygiene.stageSkips || []).map((s, index) => ({
      key: `s${index}`,
      text: formatLabel(SKIP, s.fromStage, s.toStage, s.skipped, formatDateTime(s.at)),
    }));
  }

  get hasSkips() {
    return this.skips.length > 0;
  }

  get pushesHeading() {
    const count = this.hygiene.closeDatePushCount || 0;
    return count === 1 ? PUSHED_ONCE : formatLabel(PUSHES, formatNumber(count));
  }

  get pushes() {
    return (this.hygiene.closeDatePushes || []).map((p, index) => ({
      key: `p${index}`,
      text: formatLabel(PUSH, formatDate(p.fromDate), formatDate(p.toDate), formatDateTime(p.at)),
      reason: p.reason,
    }));
  }

  get hasPushes() {
    return this.pushes.length > 0;
  }

  handleEditField() {
    this[NavigationMixin.Navigate]({
      type: 'standard__recordPage',
      attributes: { recordId: this.recordId, objectApiName: 'Opportunity', actionName: 'edit' },
    });
  }
}
