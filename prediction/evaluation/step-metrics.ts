/**
 * Step (per-row) ranking metrics of a score against binary labels.
 *
 * Both follow scikit-learn so that figures can be compared with published ones:
 * - ROC-AUC is the Mann-Whitney U statistic divided by P*N, with tied scores
 *   given their average rank (a tie between a positive and a negative counts 1/2),
 *   which equals `sklearn.metrics.roc_auc_score`.
 * - PR-AUC is average precision, `sklearn.metrics.average_precision_score`:
 *   AP = sum_n (R_n - R_(n-1)) * P_n over the distinct score thresholds taken in
 *   decreasing order (tied scores enter together; no interpolation).
 */

/** Rows to include: `mask[i] === true` keeps row i (e.g. false inside an ongoing failure). */
export type RowMask = ArrayLike<boolean>;

export interface StepMetrics {
  rocAuc: number | null;
  prAuc: number | null;
  positives: number;
  negatives: number;
}

interface Pair {
  score: number;
  label: 0 | 1;
}

/** Included (score, label) pairs; throws when lengths differ, labels are not 0/1 or a kept score is not finite. */
function collect(scores: ArrayLike<number>, labels: ArrayLike<number>, mask?: RowMask): Pair[] {
  if (scores.length !== labels.length) {
    throw new RangeError(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
  }
  if (mask && mask.length !== scores.length) {
    throw new RangeError(`mask (${mask.length}) and scores (${scores.length}) differ in length`);
  }
  const out: Pair[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (mask && !mask[i]) continue;
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new RangeError(`label at row ${i} is ${y}, expected 0 or 1`);
    const s = scores[i];
    if (!Number.isFinite(s)) throw new RangeError(`score at row ${i} is ${s}; mask rows without a score`);
    out.push({ score: s, label: y });
  }
  return out;
}

function countPositives(pairs: Pair[]): number {
  let p = 0;
  for (const x of pairs) p += x.label;
  return p;
}

/** ROC-AUC with average ranks for ties; null when only one class is present among the kept rows. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, mask?: RowMask): number | null {
  const pairs = collect(scores, labels, mask).sort((a, b) => a.score - b.score);
  const pos = countPositives(pairs);
  const neg = pairs.length - pos;
  if (pos === 0 || neg === 0) return null;
  let rankSumPos = 0;
  for (let i = 0; i < pairs.length; ) {
    let j = i;
    while (j < pairs.length && pairs[j].score === pairs[i].score) j++;
    const avgRank = (i + 1 + j) / 2; // ranks i+1..j, 1-based
    for (let k = i; k < j; k++) if (pairs[k].label === 1) rankSumPos += avgRank;
    i = j;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision (sklearn definition); null when there is no positive among the kept rows. */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, mask?: RowMask): number | null {
  const pairs = collect(scores, labels, mask).sort((a, b) => b.score - a.score);
  const pos = countPositives(pairs);
  if (pos === 0) return null;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let i = 0; i < pairs.length; ) {
    let j = i;
    while (j < pairs.length && pairs[j].score === pairs[i].score) {
      if (pairs[j].label === 1) tp++;
      else fp++;
      j++;
    }
    const recall = tp / pos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    i = j;
  }
  return ap;
}

export function stepMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, mask?: RowMask): StepMetrics {
  const pairs = collect(scores, labels, mask);
  const positives = countPositives(pairs);
  return {
    rocAuc: rocAuc(scores, labels, mask),
    prAuc: prAuc(scores, labels, mask),
    positives,
    negatives: pairs.length - positives,
  };
}
