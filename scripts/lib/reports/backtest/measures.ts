// Backtest step 2: the measures over the leads' columns: ranking (ROC, AUC, deciles), the MQL rule's precision and
// recall, the threshold grid searched on the training leads, and win rates.

/** Threshold grid step (points). */
export const STEP = 5;

export interface Thresholds {
  fit: number;
  engagement: number;
}

export interface RuleQuality {
  thresholds: Thresholds;
  flagged: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface DecileRow {
  decile: number; // 1 = highest scores
  leads: number;
  converted: number;
  rate: number;
  lift: number | null;
  cumulativeCapture: number | null;
}

export const div = (a: number, b: number): number | null => (b ? a / b : null);
export const f1 = (p: number | null, r: number | null): number | null =>
  p === null || r === null || p + r === 0 ? null : (2 * p * r) / (p + r);

/** Every lead as columns in bt_lead order: its side of the split, outcome and the scores being judged. */
export interface LeadColumns {
  n: number;
  /** 0 train, 1 test, NaN neither (no CreatedDate). */
  part: Float64Array;
  /** 1 when the lead converted to an opportunity. */
  y: Float64Array;
  closed: Float64Array;
  won: Float64Array;
  fit: Float64Array;
  eng: Float64Array;
  neg: Float64Array;
}

/** Leads and converted leads on one side of the split. */
export interface Side {
  n: number;
  p: number;
}

/** Test leads by total score, highest first (ties in lead order): ROC, AUC and deciles all read this order. */
export function rankTestLeads({ n, part, fit, eng, neg }: LeadColumns): {
  total: Float64Array;
  byScore: Int32Array;
} {
  const total = new Float64Array(n);
  const testIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    total[i] = fit[i] + eng[i] - neg[i];
    if (part[i] === 1) testIdx.push(i);
  }
  return { total, byScore: Int32Array.from(testIdx).sort((a, b) => total[b] - total[a] || a - b) };
}

/** ROC curve by distinct score (thinned to ~200 points), and ROC-AUC (Mann-Whitney: a positive above a negative counts 1, a tie ½). */
export function rocCurve(
  y: Float64Array,
  total: Float64Array,
  byScore: Int32Array,
  te: Side,
): { roc: [number, number][]; auc: number | null } {
  const negatives = te.n - te.p;
  const roc: [number, number][] = [[0, 0]];
  let cp = 0;
  let cn = 0;
  let wins = 0;
  for (let j = 0; j < byScore.length;) {
    const t = total[byScore[j]];
    let gp = 0;
    let gn = 0;
    for (; j < byScore.length && total[byScore[j]] === t; j++) {
      if (y[byScore[j]]) gp += 1;
      else gn += 1;
    }
    wins += gp * (negatives - cn - gn + gn / 2);
    cp += gp;
    cn += gn;
    roc.push([negatives ? cn / negatives : 0, te.p ? cp / te.p : 0]);
  }
  const auc = te.p && negatives ? wins / (te.p * negatives) : null;
  const every = Math.max(1, Math.ceil(roc.length / 200));
  return { roc: roc.filter((_, i) => i % every === 0 || i === roc.length - 1), auc };
}

/** Precision, recall and F1 of the MQL rule (fit and engagement at or above the thresholds) on one side. */
export function ruleQuality(
  { n, part, y, fit, eng }: LeadColumns,
  side: 0 | 1,
  t: Thresholds,
  positives: number,
): RuleQuality {
  let flagged = 0;
  let tp = 0;
  for (let i = 0; i < n; i++) {
    if (part[i] !== side || !(fit[i] >= t.fit && eng[i] >= t.engagement)) continue;
    flagged += 1;
    tp += y[i];
  }
  const precision = div(tp, flagged);
  const recall = div(tp, positives);
  return { thresholds: t, flagged, precision, recall, f1: f1(precision, recall) };
}

/** Grid search on the training leads: thresholds in steps of 5 on a 2-D histogram of (fit, engagement). */
export function bestThresholds(
  { n, part, y, fit, eng }: LeadColumns,
  trainPositives: number,
): { t: Thresholds; f1: number; precision: number } | null {
  const B = 100 / STEP + 1;
  const cells = new Float64Array(B * B * 2);
  for (let i = 0; i < n; i++) {
    if (part[i] !== 0) continue;
    const fb = Math.min(Math.floor(fit[i] / STEP), B - 1);
    const eb = Math.min(Math.floor(eng[i] / STEP), B - 1);
    if (!(fb >= 0 && eb >= 0)) continue; // below every threshold
    cells[(fb * B + eb) * 2] += 1;
    cells[(fb * B + eb) * 2 + 1] += y[i];
  }
  // Suffix sums: cell (f, e) counts the leads with fit bucket ≥ f and engagement bucket ≥ e.
  for (let f = B - 1; f >= 0; f--)
    for (let e = B - 1; e >= 0; e--)
      for (let k = 0; k < 2; k++) {
        const at = (ff: number, ee: number) => (ff < B && ee < B ? cells[(ff * B + ee) * 2 + k] : 0);
        cells[(f * B + e) * 2 + k] += at(f + 1, e) + at(f, e + 1) - at(f + 1, e + 1);
      }
  // Best F1, then best precision; among equals the lowest thresholds (grid order) win.
  let best: { t: Thresholds; f1: number; precision: number } | null = null;
  for (let f = 0; f < B; f++)
    for (let e = 0; e < B; e++) {
      const flagged = cells[(f * B + e) * 2];
      const tp = cells[(f * B + e) * 2 + 1];
      const p = div(tp, flagged);
      const score = f1(p, div(tp, trainPositives));
      if (score === null || p === null) continue;
      if (!best || score > best.f1 + 1e-12 || (Math.abs(score - best.f1) <= 1e-12 && p > best.precision))
        best = { t: { fit: f * STEP, engagement: e * STEP }, f1: score, precision: p };
    }
  return best;
}

/** Deciles as SQL's ntile(10): the first (leads mod 10) deciles hold one lead more. */
export function decileTable(y: Float64Array, byScore: Int32Array, te: Side): DecileRow[] {
  const base = div(te.p, te.n);
  const rows: DecileRow[] = [];
  let cum = 0;
  for (let d = 0, j = 0; d < 10; d++) {
    const size = Math.floor(te.n / 10) + (d < te.n % 10 ? 1 : 0);
    if (!size) break;
    let converted = 0;
    for (const end = j + size; j < end; j++) converted += y[byScore[j]];
    cum += converted;
    const rate = converted / size;
    rows.push({
      decile: d + 1,
      leads: size,
      converted,
      rate,
      lift: base ? rate / base : null,
      cumulativeCapture: div(cum, te.p),
    });
  }
  return rows;
}

/** Win rate of the test leads' closed deals, MQL against non-MQL. */
export interface WinRates {
  mql: number | null;
  nonMql: number | null;
  mqlDeals: number;
  nonMqlDeals: number;
}

/** Win rate of the converted test leads' deals, MQL (by the current thresholds) against non-MQL. */
export function winRates({ n, part, y, won, closed, fit, eng }: LeadColumns, current: Thresholds): WinRates {
  const w = { mw: 0, mc: 0, nw: 0, nc: 0 };
  for (let i = 0; i < n; i++) {
    if (part[i] !== 1 || !y[i]) continue;
    const mql = fit[i] >= current.fit && eng[i] >= current.engagement;
    if (mql) {
      w.mw += won[i] === 1 ? 1 : 0;
      w.mc += closed[i] === 1 ? 1 : 0;
    } else {
      w.nw += won[i] === 1 ? 1 : 0;
      w.nc += closed[i] === 1 ? 1 : 0;
    }
  }
  return { mql: div(w.mw, w.mc), nonMql: div(w.nw, w.nc), mqlDeals: w.mc, nonMqlDeals: w.nc };
}
