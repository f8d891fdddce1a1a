import { LightningElement, api, wire } from 'lwc';
import { getRecord } from 'lightning/uiRecordApi';
import getSlaTimer from '@salesforce/apex/SlaTimerController.getSlaTimer';
import { refreshOnSave } from 'c/revopsRefresh';
import { deadlineState, formatSpan } from 'c/revopsBusinessCalendar';
import { formatDateTime, formatDateTimeZoned, formatLabel } from 'c/revopsFormat';
import TITLE from '@salesforce/label/c.RevOps_Sla_Title';
import EMPTY from '@salesforce/label/c.RevOps_Sla_Empty';
import CONTACT from '@salesforce/label/c.RevOps_Sla_Contact';
import QUALIFY from '@salesforce/label/c.RevOps_Sla_Qualify';
import ON_TRACK from '@salesforce/label/c.RevOps_Sla_On_Track';
import AT_RISK from '@salesforce/label/c.RevOps_Sla_At_Risk';
import BREACHED from '@salesforce/label/c.RevOps_Sla_Breached';
import MET from '@salesforce/label/c.RevOps_Sla_Met';
import LEFT from '@salesforce/label/c.RevOps_Sla_Left';
import OVERDUE from '@salesforce/label/c.RevOps_Sla_Overdue';
import MET_AT from '@salesforce/label/c.RevOps_Sla_Met_At';
import DUE from '@salesforce/label/c.RevOps_Sla_Due';
import ESCALATED from '@salesforce/label/c.RevOps_Sla_Escalated';
import CALENDAR from '@salesforce/label/c.RevOps_Sla_Calendar';
import SPAN_HOURS from '@salesforce/label/c.RevOps_Sla_Span_Hours';
import SPAN_MINUTES from '@salesforce/label/c.RevOps_Sla_Span_Minutes';

const TICK_MS = 1000;
/** The countdown's units, translatable: {0} hours, {1} minutes, {2} seconds. */
const SPAN = { hours: SPAN_HOURS, minutes: SPAN_MINUTES };
const STATUS = {
  'On Track': { label: ON_TRACK, badgeClass: 'slds-m-left_x-small slds-theme_success' },
  'At Risk': { label: AT_RISK, badgeClass: 'slds-m-left_x-small slds-theme_warning' },
  Breached: { label: BREACHED, badgeClass: 'slds-m-left_x-small slds-theme_error' },
  Met: { label: MET, badgeClass: 'slds-m-left_x-small slds-badge_inverse' },
};

/**
 * SLA timer (Lead, Contact): live business-hours countdown to the contact and qualify deadlines.
 * The controller returns the business calendar once; every tick is computed here, without Apex.
 */
export default class RevopsSlaTimer extends LightningElement {
  @api recordId;
  @api objectApiName;

  sla;
  error;
  now = Date.now();
  timer;
  labels = { TITLE, EMPTY };
  wired;
  savedAt;

  @wire(getSlaTimer, { recordId: '$recordId' })
  wiredSla(result) {
    this.wired = result;
    this.sla = result.data;
    this.error = result.error;
    this.now = Date.now();
    this.syncTimer();
  }

  /** A save of the record (Accept or Reject, a logged touch, an edit) reads the deadlines again. */
  @wire(getRecord, { recordId: '$recordId', fields: '$stampFields' })
  recordSaved({ data }) {
    this.savedAt = refreshOnSave(this.savedAt, data, this.wired);
  }

  get stampFields() {
    return this.objectApiName ? [`${this.objectApiName}.LastModifiedDate`] : undefined;
  }

  disconnectedCallback() {
    this.stopTimer();
  }

  syncTimer() {
    const ticking = this.deadlines.some((d) => !d.done);
    if (ticking && !this.timer) {
      // eslint-disable-next-line @lwc/lwc/no-async-operation
      this.timer = setInterval(() => {
        this.now = Date.now();
      }, TICK_MS);
    } else if (!ticking) {
      this.stopTimer();
    }
  }

  stopTimer() {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get isLoading() {
    return !this.sla && !this.error;
  }

  get isEmpty() {
    return !!this.sla && !this.sla.contactDue && !this.sla.qualifyDue;
  }

  /** Guards the slotted content: the panel would evaluate it even while c-revops-panel shows a state. */
  get hasContent() {
    return !this.isLoading && !this.error && !this.isEmpty;
  }

  get deadlines() {
    const s = this.sla;
    if (!s || !s.calendar) {
      return [];
    }
    const specs = [
      {
        key: 'contact',
        template: CONTACT,
        due: s.contactDue,
        // qualifying or recycling is a contact too (rules/sla.ts)
        metAt: s.firstTouchAt ?? s.qualifiedAt,
        hours: s.contactWithinHours,
      },
      {
        key: 'qualify',
        template: QUALIFY,
        due: s.qualifyDue,
        metAt: s.qualifiedAt,
        hours: s.qualifyWithinHours,
      },
    ];
    return specs
      .filter((spec) => !!spec.due)
      .map((spec) => {
        const state = deadlineState({
          now: this.now,
          due: spec.due,
          metAt: spec.metAt,
          windowHours: spec.hours,
          warningPercent: s.warningPercent,
          calendar: s.calendar,
        });
        return {
          key: spec.key,
          label: formatLabel(spec.template, spec.hours),
          status: state.status,
          done: state.done,
          statusLabel: STATUS[state.status].label,
          badgeClass: STATUS[state.status].badgeClass,
          countdown: this.countdownText(state, spec.metAt),
          // the user's zone named: the calendar line below names the business calendar's, often another
          dueText: formatLabel(DUE, formatDateTimeZoned(spec.due)),
        };
      });
  }

  countdownText(state, metAt) {
    if (state.done) {
      const met = formatLabel(MET_AT, formatDateTime(metAt));
      return state.status === 'Met'
        ? met
        : `${met} · ${formatLabel(OVERDUE, formatSpan(state.remainingMs, SPAN))}`;
    }
    return formatLabel(state.status === 'Breached' ? OVERDUE : LEFT, formatSpan(state.remainingMs, SPAN));
  }

  get escalationText() {
    const breached = this.deadlines.some((d) => d.status === 'Breached');
    return breached && this.sla.escalationTarget ? formatLabel(ESCALATED, this.sla.escalationTarget) : '';
  }

  get calendarText() {
    const c = this.sla.calendar;
    return formatLabel(
      CALENDAR,
      this.sla.policyName,
      c.dayStart,
      c.dayEnd,
      c.timeZone,
      c.workdays.join(', '),
    );
  }
}
