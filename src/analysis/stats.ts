import type { Rng } from "./random.js";

/** The statistics the analysis rests on: pure functions over counts and numbers. */

/** The standard normal quantile (Acklam's rational approximation, one Newton step: |error| < 1e-12). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new RangeError(`normalQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  }
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // One Halley step against the accurate CDF brings the approximation to full double precision.
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** The standard normal CDF, via the complementary error function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // The series loses relative accuracy in the tail, where the continued fraction converges fast.
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    // erf series: converges fast for small |x|.
    let sum = ax;
    let term = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Lentz continued fraction for erfc, accurate in the tail.
    const x2 = ax * ax;
    let f = ax;
    let C = ax;
    let D = 0;
    for (let n = 1; n < 300; n++) {
      const an = n / 2;
      D = ax + an * D;
      D = D === 0 ? 1e-300 : 1 / D;
      C = ax + an / C;
      if (C === 0) C = 1e-300;
      const delta = C * D;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    r = Math.exp(-x2) / (f * Math.sqrt(Math.PI));
  }
  return x >= 0 ? r : 2 - r;
}

/** z for a two-sided interval of the given confidence (0.95 → 1.95996…). */
export function zFor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** Wilson score interval for count/n; null when n is 0. */
export function wilson(count: number, n: number, confidence = 0.95): { low: number; high: number } | null {
  if (n <= 0) return null;
  if (count < 0 || count > n) throw new RangeError(`wilson: count ${count} outside 0..${n}`);
  return wilsonRate(count / n, n, confidence);
}

/** Wilson interval for an observed rate over a possibly fractional (effective) sample size n > 0. */
export function wilsonRate(p: number, n: number, confidence = 0.95): { low: number; high: number } {
  const z = zFor(confidence);
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact bounds at 0 and 1, free of rounding.
  return { low: p <= 0 ? 0 : Math.max(0, centre - half), high: p >= 1 ? 1 : Math.min(1, centre + half) };
}

/** P(X = k) and P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialHalf(n: number, k: number): { pmf: number; cdf: number } {
  // Log-space recursion pmf(i) = pmf(i−1)·(n−i+1)/i: exact enough and safe from overflow for large n.
  let logPmf = -n * Math.LN2;
  let pmf = Math.exp(logPmf);
  let cdf = pmf;
  for (let i = 1; i <= k; i++) {
    logPmf += Math.log((n - i + 1) / i);
    pmf = Math.exp(logPmf);
    cdf += pmf;
  }
  return { pmf, cdf: Math.min(1, cdf) };
}

/**
 * McNemar's test on the discordant pairs b (only A passed) and c (only B passed): the exact two-sided
 * binomial p-value and the mid-p variant (less conservative, recommended by Fagerland et al. 2013).
 */
export function mcnemar(b: number, c: number): { p: number; midP: number } {
  const n = b + c;
  if (n === 0) return { p: 1, midP: 1 };
  const k = Math.min(b, c);
  const { pmf, cdf } = binomialHalf(n, k);
  const p = Math.min(1, 2 * cdf);
  const midP = Math.min(1, 2 * cdf - pmf);
  return { p, midP };
}

/** One scenario's results for two candidates: passes and graded trials of each. */
export interface PairedCluster {
  aPasses: number;
  aN: number;
  bPasses: number;
  bN: number;
}

/** Pass-rate difference b − a over clusters (a ratio of sums, so scenarios weigh by their trials). */
export function pairedDiff(clusters: readonly PairedCluster[]): number | null {
  let ap = 0;
  let an = 0;
  let bp = 0;
  let bn = 0;
  for (const c of clusters) {
    ap += c.aPasses;
    an += c.aN;
    bp += c.bPasses;
    bn += c.bN;
  }
  if (an === 0 || bn === 0) return null;
  return bp / bn - ap / an;
}

/**
 * Paired bootstrap percentile interval of b − a: resample scenarios with replacement, keeping each
 * scenario's trials of both candidates together, so the pairing and the within-scenario correlation survive.
 */
export function pairedBootstrap(
  clusters: readonly PairedCluster[],
  rng: Rng,
  resamples = 2000,
  confidence = 0.95,
): { low: number; high: number } | null {
  const m = clusters.length;
  if (m === 0 || resamples <= 0) return null;
  // Flat typed arrays: this loop runs resamples × scenarios times and dominates the analysis.
  const ap = new Float64Array(m);
  const an = new Float64Array(m);
  const bp = new Float64Array(m);
  const bn = new Float64Array(m);
  clusters.forEach((c, i) => {
    ap[i] = c.aPasses;
    an[i] = c.aN;
    bp[i] = c.bPasses;
    bn[i] = c.bN;
  });
  const diffs = new Float64Array(resamples);
  let used = 0;
  for (let r = 0; r < resamples; r++) {
    let sap = 0;
    let san = 0;
    let sbp = 0;
    let sbn = 0;
    for (let k = 0; k < m; k++) {
      const i = Math.floor(rng() * m);
      sap += ap[i]!;
      san += an[i]!;
      sbp += bp[i]!;
      sbn += bn[i]!;
    }
    if (san === 0 || sbn === 0) continue;
    diffs[used++] = sbp / sbn - sap / san;
  }
  if (used === 0) return null;
  const sorted = diffs.subarray(0, used).sort();
  const tail = (1 - confidence) / 2;
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) };
}

/**
 * Cluster-robust standard error of a mean (CR1: G/(G−1) small-sample factor), for outcomes y grouped
 * in clusters such as intents. Null with fewer than two clusters, where it cannot be estimated.
 */
export function clusteredStandardError(units: ReadonlyArray<{ cluster: string; y: number }>): {
  mean: number;
  se: number;
  naiveSe: number;
  clusters: number;
} | null {
  const n = units.length;
  if (n === 0) return null;
  let total = 0;
  for (const u of units) total += u.y;
  const mean = total / n;
  const resid = new Map<string, number>();
  let ss = 0;
  for (const u of units) {
    const e = u.y - mean;
    resid.set(u.cluster, (resid.get(u.cluster) ?? 0) + e);
    ss += e * e;
  }
  const g = resid.size;
  const naiveSe = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
  if (g < 2) return null;
  let between = 0;
  for (const r of resid.values()) between += r * r;
  const se = Math.sqrt(((g / (g - 1)) * between) / (n * n));
  return { mean, se, naiveSe, clusters: g };
}

/** τ-bench pass^k for one scenario: the chance that k trials drawn without replacement from n all pass, C(c,k)/C(n,k). */
export function passHatK(c: number, n: number, k: number): number {
  if (k < 1 || k > n) throw new RangeError(`pass^k needs 1 ≤ k ≤ n, got k=${k}, n=${n}`);
  if (c < 0 || c > n) throw new RangeError(`pass^k: passes ${c} outside 0..${n}`);
  let value = 1;
  for (let i = 0; i < k; i++) value *= (c - i) / (n - i);
  return Math.max(0, value);
}

/** Mean pass^k over scenarios that have at least k trials; null when none has. */
export function meanPassHatK(
  scenarios: ReadonlyArray<{ passes: number; n: number }>,
  k: number,
): {
  value: number | null;
  scenarios: number;
} {
  let sum = 0;
  let count = 0;
  for (const s of scenarios) {
    if (s.n < k) continue;
    sum += passHatK(s.passes, s.n, k);
    count++;
  }
  return { value: count === 0 ? null : sum / count, scenarios: count };
}

/** Linear-interpolated quantile (type 7, as R and NumPy default) of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0]!;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** p50 and p95 (and mean, max) of unsorted values; figures null when empty. */
export function percentiles(values: ArrayLike<number>): {
  n: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
} {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { n: 0, mean: null, p50: null, p95: null, max: null };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n,
    mean: sum / n,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    max: sorted[n - 1]!,
  };
}

export function mean(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

/** Sample standard deviation (n − 1); null below two values. */
export function standardDeviation(values: ArrayLike<number>): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - m) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

/**
 * Scenarios needed for a one-sided one-sample test to tell a true pass rate `p1` from a threshold `p0`
 * (normal approximation): the power note behind `min_scenarios`.
 */
export function scenariosToDistinguish(p1: number, p0: number, alpha = 0.05, power = 0.8): number {
  if (p1 === p0) return Number.POSITIVE_INFINITY;
  const za = normalQuantile(1 - alpha);
  const zb = normalQuantile(power);
  const num = za * Math.sqrt(p0 * (1 - p0)) + zb * Math.sqrt(p1 * (1 - p1));
  return Math.ceil((num / (p1 - p0)) ** 2);
}

/**
 * Discordant-pair count for McNemar to detect a difference between two candidates on the same scenarios:
 * scenarios needed when they disagree on a share `discordant` of them and the better one wins a share
 * `favour` of the disagreements (Connor 1987 normal approximation, two-sided α).
 */
export function pairedScenariosToDistinguish(discordant: number, favour: number, alpha = 0.05, power = 0.8): number {
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const diff = discordant * (2 * favour - 1);
  if (diff === 0) return Number.POSITIVE_INFINITY;
  const num = za * Math.sqrt(discordant) + zb * Math.sqrt(discordant - diff * diff);
  return Math.ceil((num / diff) ** 2);
}
