/** Combining the answers of a panel of judges, each possibly sampled several times. */

export type Aggregate = "mean" | "majority";

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The most frequent value; a tie goes to the lower value, so a split panel never rounds up. */
export function mode(xs: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = Number.POSITIVE_INFINITY;
  let bestCount = 0;
  for (const [x, n] of counts) {
    if (n > bestCount || (n === bestCount && x < best)) {
      best = x;
      bestCount = n;
    }
  }
  return best;
}

/**
 * One figure from `perJudge[j]` = judge j's sample values: each judge is first reduced over its
 * samples, so every judge weighs the same however many of its samples succeeded.
 */
export function aggregateValues(perJudge: readonly (readonly number[])[], how: Aggregate): number {
  const judged = perJudge.filter((xs) => xs.length > 0);
  if (!judged.length) throw new Error("aggregateValues needs at least one value");
  const reduce = how === "mean" ? mean : mode;
  const value = reduce(judged.map((xs) => reduce(xs)));
  return Math.round(value * 1000) / 1000;
}
