/**
 * Recursive sums for a weighted least-squares fit with exponential forgetting, solved with a
 * small ridge towards zero: with little or flat data the coefficients stay near 0, which the
 * forecaster reads as "no change from the last value".
 */
export class ForgettingLeastSquares {
  private readonly xx: Float64Array;
  private readonly xy: Float64Array;
  pairs = 0;

  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {
    this.xx = new Float64Array(size * size);
    this.xy = new Float64Array(size);
  }

  add(x: readonly number[], y: number): void {
    const p = this.size;
    for (let i = 0; i < p; i++) {
      this.xy[i] = this.keep * this.xy[i] + x[i] * y;
      for (let j = 0; j < p; j++) this.xx[i * p + j] = this.keep * this.xx[i * p + j] + x[i] * x[j];
    }
    this.pairs++;
  }

  /** Coefficients, or null when the system is singular. */
  solve(ridgeShare = 1e-3): number[] | null {
    const p = this.size;
    let trace = 0;
    for (let i = 0; i < p; i++) trace += this.xx[i * p + i];
    const ridge = ridgeShare * (trace / p) + 1e-9;
    const a: number[][] = [];
    for (let i = 0; i < p; i++) {
      a.push([...this.xx.subarray(i * p, i * p + p), this.xy[i]]);
      a[i][i] += ridge;
    }
    return gaussSolve(a);
  }
}

/** Gaussian elimination with partial pivoting on an augmented matrix [A | b] (modified). */
export function gaussSolve(a: number[][]): number[] | null {
  const n = a.length;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (!(Math.abs(a[piv][c]) > 1e-12)) return null;
    [a[c], a[piv]] = [a[piv], a[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r][n];
    for (let k = r + 1; k < n; k++) s -= a[r][k] * x[k];
    x[r] = s / a[r][r];
  }
  return x;
}
