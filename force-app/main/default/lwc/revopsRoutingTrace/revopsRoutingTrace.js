import { LightningElement, api, wire } from 'lwc';
import getRoutingTrace from '@salesforce/apex/RoutingTraceController.getRoutingTrace';
import { formatDateTime, formatLabel } from 'c/revopsFormat';
import TITLE from '@salesforce/label/c.RevOps_Routing_Title';
import EMPTY from '@salesforce/label/c.RevOps_Routing_Empty';
import ASSIGNED from '@salesforce/label/c.RevOps_Routing_Assigned';
import DECIDED_AT from '@salesforce/label/c.RevOps_Routing_Decided_At';
import FALLBACK_USED from '@salesforce/label/c.RevOps_Routing_Fallback_Used';
import NO_FALLBACK from '@salesforce/label/c.RevOps_Routing_No_Fallback';
import RULES_TRIED from '@salesforce/label/c.RevOps_Routing_Rules_Tried';
import REPS from '@salesforce/label/c.RevOps_Routing_Reps';
import COL_REP from '@salesforce/label/c.RevOps_Routing_Col_Rep';
import COL_RESULT from '@salesforce/label/c.RevOps_Routing_Col_Result';
import CHOSEN from '@salesforce/label/c.RevOps_Routing_Chosen';
import SKIPPED from '@salesforce/label/c.RevOps_Routing_Skipped';
import NOT_CHOSEN from '@salesforce/label/c.RevOps_Routing_Not_Chosen';
import POINTER from '@salesforce/label/c.RevOps_Routing_Pointer';
import MATCHED from '@salesforce/label/c.RevOps_Routing_Matched';
import NOT_MATCHED from '@salesforce/label/c.RevOps_Routing_Not_Matched';
import SKIP_INACTIVE from '@salesforce/label/c.RevOps_Routing_Skip_Inactive';
import SKIP_OUT_OF_OFFICE from '@salesforce/label/c.RevOps_Routing_Skip_Out_Of_Office';
import SKIP_AT_CAPACITY from '@salesforce/label/c.RevOps_Routing_Skip_At_Capacity';
import SKIP_SKILL from '@salesforce/label/c.RevOps_Routing_Skip_Skill_Mismatch';
import SKIP_ZERO_WEIGHT from '@salesforce/label/c.RevOps_Routing_Skip_Zero_Weight';

// Candidates__c skippedReason codes (scripts/lib/rules/routing.ts SkipReason) in the rep's words.
const SKIP_REASONS = {
  inactive: SKIP_INACTIVE,
  out_of_office: SKIP_OUT_OF_OFFICE,
  at_capacity: SKIP_AT_CAPACITY,
  skill_mismatch: SKIP_SKILL,
  zero_weight: SKIP_ZERO_WEIGHT,
};

/** Routing trace (Lead): why this lead went to this owner, and why every other rep did not get it. */
export default class RevopsRoutingTrace extends LightningElement {
  @api recordId;

  trace;
  error;
  labels = { TITLE, EMPTY, RULES_TRIED, REPS, COL_REP, COL_RESULT };

  @wire(getRoutingTrace, { recordId: '$recordId' })
  wiredTrace({ data, error }) {
    this.trace = data;
    this.error = error;
  }

  get isLoading() {
    return !this.trace && !this.error;
  }

  get isEmpty() {
    return !!this.trace && !this.trace.decidedAt;
  }

  /** Guards the slotted content: the panel would evaluate it even while c-revops-panel shows a state. */
  get hasContent() {
    return !this.isLoading && !this.error && !this.isEmpty;
  }

  get headline() {
    const t = this.trace;
    return formatLabel(ASSIGNED, t.ownerName, t.ruleMatched, t.method);
  }

  get decidedAtText() {
    return formatLabel(DECIDED_AT, formatDateTime(this.trace.decidedAt));
  }

  get fallbackLabel() {
    return this.trace.fallbackUsed ? FALLBACK_USED : NO_FALLBACK;
  }

  get fallbackClass() {
    return this.trace.fallbackUsed ? 'slds-theme_warning' : 'slds-badge_lightest';
  }

  get rulesTried() {
    return (this.trace.rulesTried || []).map((r, index) => ({
      key: `t${index}`,
      text: formatLabel(r.matched ? MATCHED : NOT_MATCHED, r.rule, r.note),
    }));
  }

  get hasRulesTried() {
    return this.rulesTried.length > 0;
  }

  get candidates() {
    const chosenId = this.trace.chosenOwnerId;
    return (this.trace.candidates || []).map((c, index) => {
      const chosen = c.userId === chosenId && !c.skippedReason;
      let result = NOT_CHOSEN;
      if (chosen) {
        result = CHOSEN;
      } else if (c.skippedReason) {
        result = formatLabel(SKIPPED, SKIP_REASONS[c.skippedReason] || c.skippedReason);
      }
      return {
        key: `c${index}`,
        name: c.name || c.userId,
        result,
        rowClass: chosen ? 'slds-is-selected' : '',
      };
    });
  }

  get hasCandidates() {
    return this.candidates.length > 0;
  }

  get pointerText() {
    const t = this.trace;
    return t.pool ? formatLabel(POINTER, t.pool, t.pointerBefore, t.pointerAfter) : '';
  }
}
