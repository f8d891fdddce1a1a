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
  /** Leads the rule makes MQLs (its MQL volume on these leads). */
  flagged: number;
  /** flagged / leads on this side of the split. */
  flaggedShare: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Flagged leads whose deal was won, and the share of all won deals they hold. */
  won: number;
  winRecall: number | null;
}

/** One candidate threshold pair: its MQL volume on the training leads, and how it does on the test leads. */
export interface Candidate {
  /** The best engagement threshold (by training F1) for this fit threshold. */
  thresholds: Thresholds;
  trainF1: number;
  trainFlagged: number;
  trainFlaggedShare: number;
  /** Why the guard rails rule this pair out (too many MQLs, or one fit criterion alone qualifies), else null. */
  excluded: string | null;
}

/** The guard rails a recommendation must pass. */
export interface Guard {
  /** Largest share of the training leads it may make MQLs. */
  maxShare: number;
  /** Smallest fit threshold: above the points of any single fit rule, so no one criterion qualifies alone. */
  minFit: number;
}

/**
 * The smallest grid fit threshold above the points of every single active Lead fit rule (0 without fit rules): a
 * lower threshold lets one criterion, such as geography, make a lead fit on its own.
 */
export function fitFloor(
  rules: { model: string; object?: string | null; points: number; active?: boolean }[],
): number {
  const single = Math.max(
    0,
    ...rules
      .filter((r) => r.model === 'Fit' && r.active !== false && (r.object ?? 'Any') !== 'Contact')
      .map((r) => r.points),
  );
  return single > 0 ? (Math.floor(single / STEP) + 1) * STEP : 0;
}

export interface DecileRow {
  decile: number; // 1 = highest scores
  leads: number;
  converted: number;
  /** Leads whose deal was won. */
  won: number;
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

/** Leads, converted leads and won deals on one side of the split. */
export interface Side {
  n: number;
  p: number;
  w: number;
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
  { n, part, y, won, fit, eng }: LeadColumns,
  side: 0 | 1,
  t: Thresholds,
  totals: Side,
): RuleQuality {
  let flagged = 0;
  let tp = 0;
  let w = 0;
  for (let i = 0; i < n; i++) {
    if (part[i] !== side || !(fit[i] >= t.fit && eng[i] >= t.engagement)) continue;
    flagged += 1;
    tp += y[i];
    w += won[i] === 1 ? 1 : 0;
  }
  const precision = div(tp, flagged);
  const recall = div(tp, totals.p);
  return {
    thresholds: t,
    flagged,
    flaggedShare: div(flagged, totals.n),
    precision,
    recall,
    f1: f1(precision, recall),
    won: w,
    winRecall: div(w, totals.w),
  };
}

/**
 * Grid search on the training leads: thresholds in steps of 5 on a 2-D histogram of (fit, engagement). The
 * recommendation is the pair with the best F1 among those that pass the guard rails (at most `maxShare` of the
 * training leads MQLs; a fit threshold no single fit rule meets alone); the candidates are, per fit threshold, the
 * engagement threshold with the best F1, with the MQL volume it would produce.
 */
export function searchThresholds(
  { n, part, y, fit, eng }: LeadColumns,
  train: Side,
  guard: Guard,
): { best: { t: Thresholds; f1: number; precision: number } | null; candidates: Candidate[] } {
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
  type Best = { t: Thresholds; f1: number; precision: number; flagged: number };
  const better = (x: Best, than: Best | null) =>
    !than || x.f1 > than.f1 + 1e-12 || (Math.abs(x.f1 - than.f1) <= 1e-12 && x.precision > than.precision);
  let best: Best | null = null;
  const candidates: Candidate[] = [];
  const excluded = (fitAt: number, flagged: number): string | null =>
    fitAt < guard.minFit
      ? `fit below ${guard.minFit}: one fit rule alone qualifies`
      : flagged > guard.maxShare * train.n
        ? `over ${Math.round(guard.maxShare * 1000) / 10}% of leads`
        : null;
  for (let f = 0; f < B; f++) {
    let perFit: Best | null = null;
    for (let e = 0; e < B; e++) {
      const flagged = cells[(f * B + e) * 2];
      const tp = cells[(f * B + e) * 2 + 1];
      const p = div(tp, flagged);
      const score = f1(p, div(tp, train.p));
      if (score === null || p === null) continue;
      const x = { t: { fit: f * STEP, engagement: e * STEP }, f1: score, precision: p, flagged };
      if (better(x, perFit)) perFit = x;
      if (!excluded(x.t.fit, flagged) && better(x, best)) best = x;
    }
    if (perFit)
      candidates.push({
        thresholds: perFit.t,
        trainF1: perFit.f1,
        trainFlagged: perFit.flagged,
        trainFlaggedShare: perFit.flagged / train.n,
        excluded: excluded(perFit.t.fit, perFit.flagged),
      });
  }
  return { best: best && { t: best.t, f1: best.f1, precision: best.precision }, candidates };
}

/** Deciles as SQL's ntile(10): the first (leads mod 10) deciles hold one lead more. */
export function decileTable(y: Float64Array, won: Float64Array, byScore: Int32Array, te: Side): DecileRow[] {
  const base = div(te.p, te.n);
  const rows: DecileRow[] = [];
  let cum = 0;
  for (let d = 0, j = 0; d < 10; d++) {
    const size = Math.floor(te.n / 10) + (d < te.n % 10 ? 1 : 0);
    if (!size) break;
    let converted = 0;
    let w = 0;
    for (const end = j + size; j < end; j++) {
      converted += y[byScore[j]];
      w += won[byScore[j]] === 1 ? 1 : 0;
    }
    cum += converted;
    const rate = converted / size;
    rows.push({
      decile: d + 1,
      leads: size,
      converted,
      won: w,
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
