import { LightningElement, api, wire } from 'lwc';
import getScoreCard from '@salesforce/apex/ScoreCardController.getScoreCard';
import { formatDateTime, formatLabel, formatNumber, formatPoints } from 'c/revopsFormat';
import TITLE from '@salesforce/label/c.RevOps_Score_Title';
import EMPTY from '@salesforce/label/c.RevOps_Score_Empty';
import MQL from '@salesforce/label/c.RevOps_Score_Mql';
import NOT_MQL from '@salesforce/label/c.RevOps_Score_Not_Mql';
import MQL_REASON from '@salesforce/label/c.RevOps_Score_Mql_Reason';
import NOT_YET from '@salesforce/label/c.RevOps_Score_Not_Yet';
import NOT_YET_FIT from '@salesforce/label/c.RevOps_Score_Not_Yet_Fit';
import NOT_YET_ENGAGEMENT from '@salesforce/label/c.RevOps_Score_Not_Yet_Engagement';
import FIT from '@salesforce/label/c.RevOps_Score_Fit';
import ENGAGEMENT from '@salesforce/label/c.RevOps_Score_Engagement';
import NEGATIVE from '@salesforce/label/c.RevOps_Score_Negative';
import OUT_OF from '@salesforce/label/c.RevOps_Score_Out_Of';
import THRESHOLD_MET from '@salesforce/label/c.RevOps_Score_Threshold_Met';
import THRESHOLD_SHORT from '@salesforce/label/c.RevOps_Score_Threshold_Short';
import NEGATIVE_NOTE from '@salesforce/label/c.RevOps_Score_Negative_Note';
import TOTAL from '@salesforce/label/c.RevOps_Score_Total';
import RULES from '@salesforce/label/c.RevOps_Score_Rules';
import NO_RULES from '@salesforce/label/c.RevOps_Score_No_Rules';
import SCORED_AT from '@salesforce/label/c.RevOps_Score_Scored_At';

/**
 * Lead score card (Lead, Contact): fit, engagement and negative scores against the MQL thresholds,
 * the verdict in words, every rule that fired with its points and decay arithmetic.
 */
export default class RevopsScoreCard extends LightningElement {
  @api recordId;

  card;
  error;
  labels = { TITLE, EMPTY, RULES, NO_RULES };

  @wire(getScoreCard, { recordId: '$recordId' })
  wiredScoreCard({ data, error }) {
    this.card = data;
    this.error = error;
  }

  get isLoading() {
    return !this.card && !this.error;
  }

  get isEmpty() {
    return !!this.card && !this.card.scoredAt;
  }

  /** Guards the slotted content: the panel would evaluate it even while c-revops-panel shows a state. */
  get hasContent() {
    return !this.isLoading && !this.error && !this.isEmpty;
  }

  get isMql() {
    const c = this.card;
    return Number(c.fit) >= Number(c.fitThreshold) && Number(c.engagement) >= Number(c.engagementThreshold);
  }

  get verdictLabel() {
    return this.isMql ? MQL : NOT_MQL;
  }

  get verdictClass() {
    return this.isMql ? 'slds-theme_success' : 'slds-theme_warning';
  }

  get verdictText() {
    const c = this.card;
    if (this.isMql) {
      return formatLabel(
        MQL_REASON,
        formatNumber(c.fit),
        formatNumber(c.fitThreshold),
        formatNumber(c.engagement),
        formatNumber(c.engagementThreshold),
      );
    }
    const short = [];
    if (Number(c.fit) < Number(c.fitThreshold)) {
      short.push(formatLabel(NOT_YET_FIT, formatNumber(c.fit), formatNumber(c.fitThreshold)));
    }
    if (Number(c.engagement) < Number(c.engagementThreshold)) {
      short.push(
        formatLabel(NOT_YET_ENGAGEMENT, formatNumber(c.engagement), formatNumber(c.engagementThreshold)),
      );
    }
    return formatLabel(NOT_YET, short.join(', '));
  }

  get totalText() {
    return formatLabel(TOTAL, formatNumber(this.card.total));
  }

  get bars() {
    const c = this.card;
    return [
      this.bar('fit', FIT, c.fit, c.fitThreshold),
      this.bar('engagement', ENGAGEMENT, c.engagement, c.engagementThreshold),
      this.bar('negative', NEGATIVE, c.negative, null),
    ];
  }

  bar(key, label, value, threshold) {
    const cap = Number(this.card.scoreCap) || 100;
    const score = Number(value) || 0;
    let note = NEGATIVE_NOTE;
    if (threshold !== null) {
      note =
        score >= Number(threshold)
          ? formatLabel(THRESHOLD_MET, formatNumber(threshold))
          : formatLabel(THRESHOLD_SHORT, formatNumber(threshold), formatNumber(Number(threshold) - score));
    }
    return {
      key,
      label,
      value: formatLabel(OUT_OF, formatNumber(score), formatNumber(cap)),
      percent: Math.max(0, Math.min(100, Math.round((score / cap) * 100))),
      note,
    };
  }

  get rules() {
    return (this.card.entries || []).map((entry, index) => ({
      key: `r${index}`,
      name: `${entry.model} · ${entry.rule}`,
      points: formatPoints(entry.points),
      detail: entry.detail,
    }));
  }

  get hasRules() {
    return this.rules.length > 0;
  }

  get scoredAtText() {
    return formatLabel(SCORED_AT, formatDateTime(this.card.scoredAt));
  }
}
