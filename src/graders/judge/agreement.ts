/** Agreement between two raters (a judge and a labeller): confusion matrices and weighted kappa. */

/** A K×K confusion matrix of two raters over the ordered levels; unknown ratings throw. */
export function confusionMatrix<T>(a: readonly T[], b: readonly T[], levels: readonly T[]): number[][] {
  if (a.length !== b.length) throw new RangeError(`confusionMatrix: ${a.length} vs ${b.length} ratings`);
  const index = new Map(levels.map((l, i) => [l, i]));
  const m = levels.map(() => levels.map(() => 0));
  for (let i = 0; i < a.length; i++) {
    const r = index.get(a[i]!);
    const c = index.get(b[i]!);
    if (r === undefined || c === undefined) throw new RangeError(`confusionMatrix: rating outside levels at ${i}`);
    m[r]![c]!++;
  }
  return m;
}

/**
 * Cohen's kappa of a K×K confusion matrix (rows rater A, columns rater B, ordered levels), with
 * quadratic (default), linear or no weights. Null when undefined (no ratings, or chance agreement is total).
 */
export function weightedKappa(
  matrix: readonly (readonly number[])[],
  weights: "quadratic" | "linear" | "none" = "quadratic",
): number | null {
  const k = matrix.length;
  if (k === 0 || matrix.some((row) => row.length !== k)) throw new RangeError("weightedKappa needs a square matrix");
  let n = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i]![j]!;
      n += v;
      rows[i]! += v;
      cols[j]! += v;
    }
  }
  if (n === 0) return null;
  const w = (i: number, j: number): number => {
    if (k === 1) return 0;
    const d = Math.abs(i - j) / (k - 1);
    return weights === "quadratic" ? d * d : weights === "linear" ? d : i === j ? 0 : 1;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      observed += w(i, j) * matrix[i]![j]!;
      expected += (w(i, j) * rows[i]! * cols[j]!) / n;
    }
  }
  if (expected === 0) return null;
  return 1 - observed / expected;
}
