import { describe, expect, it } from "vitest";
import { designEffect, effectiveN } from "../src/analysis/figures.js";
import { seededRng } from "../src/analysis/random.js";
import {
  clusteredStandardError,
  mcnemar,
  meanPassHatK,
  normalCdf,
  normalQuantile,
  pairedBootstrap,
  pairedDiff,
  pairedScenariosToDistinguish,
  passHatK,
  percentiles,
  scenariosToDistinguish,
  wilson,
  wilsonRate,
} from "../src/analysis/stats.js";
import { confusionMatrix, weightedKappa } from "../src/graders/judge/agreement.js";

describe("normal distribution", () => {
  it("matches tabulated quantiles and CDF values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.6448536269514722, 12);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 9);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
  });
});

describe("Wilson interval", () => {
  it("gives the textbook bounds for 0/10, 5/10 and 10/10", () => {
    expect(wilson(0, 10)!.low).toBe(0);
    expect(wilson(0, 10)!.high).toBeCloseTo(0.27753, 5);
    expect(wilson(5, 10)!.low).toBeCloseTo(0.23659, 5);
    expect(wilson(5, 10)!.high).toBeCloseTo(0.76341, 5);
    expect(wilson(10, 10)!.low).toBeCloseTo(0.72247, 5);
    expect(wilson(10, 10)!.high).toBe(1);
  });

  it("narrows with n, widens with confidence, and is null without data", () => {
    const small = wilson(8, 10)!;
    const large = wilson(80, 100)!;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    const wide = wilson(8, 10, 0.99)!;
    expect(wide.low).toBeLessThan(small.low);
    expect(wilson(0, 0)).toBeNull();
    expect(() => wilson(11, 10)).toThrow(RangeError);
  });

  it("accepts a fractional effective sample size", () => {
    const full = wilsonRate(0.8, 30);
    const effective = wilsonRate(0.8, 10);
    expect(effective.low).toBeLessThan(full.low);
    expect(wilsonRate(0.8, 10).low).toBeCloseTo(wilson(8, 10)!.low, 12);
  });
});

describe("McNemar", () => {
  it("gives the exact binomial p and the mid-p on a known table", () => {
    // 1 pair only A passed, 6 pairs only B passed: P(X ≤ 1 | n=7) = 8/128.
    const r = mcnemar(1, 6);
    expect(r.p).toBeCloseTo(0.125, 12);
    expect(r.midP).toBeCloseTo(9 / 128, 12);
    expect(mcnemar(6, 1)).toEqual(r);
    const extreme = mcnemar(0, 10);
    expect(extreme.p).toBeCloseTo(2 / 1024, 12);
    expect(extreme.midP).toBeCloseTo(1 / 1024, 12);
  });

  it("finds no difference when discordant pairs balance or are absent", () => {
    expect(mcnemar(0, 0)).toEqual({ p: 1, midP: 1 });
    expect(mcnemar(3, 3).p).toBe(1);
    expect(mcnemar(3, 3).midP).toBeCloseTo(1, 12);
  });

  it("stays finite for large tables", () => {
    const r = mcnemar(5000, 5300);
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThan(0.01);
    expect(r.midP).toBeLessThan(r.p);
  });
});

describe("paired bootstrap", () => {
  // Per scenario b − a is +1, 0, +1, −1 in turn: mean 0.25, sd √0.6875.
  const make = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ aPasses: i % 2, aN: 1, bPasses: i % 4 === 3 ? 0 : 1, bN: 1 }));

  it("matches normal theory, brackets the difference and is reproducible from the seed", () => {
    const clusters = make(160);
    const diff = pairedDiff(clusters)!;
    expect(diff).toBeCloseTo(0.25, 12);
    const one = pairedBootstrap(clusters, seededRng(5), 4000)!;
    expect(pairedBootstrap(clusters, seededRng(5), 4000)).toEqual(one);
    const se = Math.sqrt(0.6875 / 160);
    expect(one.low).toBeCloseTo(diff - 1.96 * se, 1);
    expect(one.high).toBeCloseTo(diff + 1.96 * se, 1);
    expect((one.high - one.low) / (2 * 1.96 * se)).toBeGreaterThan(0.85);
    expect((one.high - one.low) / (2 * 1.96 * se)).toBeLessThan(1.15);
    expect(one.low).toBeGreaterThan(0);
  });

  it("includes zero when the same difference rests on few scenarios", () => {
    const few = pairedBootstrap(make(20), seededRng(5), 4000)!;
    expect(few.low).toBeLessThan(0);
    expect(few.high).toBeGreaterThan(0.25);
  });

  it("collapses to the difference when every scenario is alike", () => {
    const same = Array.from({ length: 10 }, () => ({ aPasses: 0, aN: 2, bPasses: 2, bN: 2 }));
    expect(pairedBootstrap(same, seededRng(1), 200)).toEqual({ low: 1, high: 1 });
    expect(pairedBootstrap([], seededRng(1))).toBeNull();
  });
});

describe("clustered standard error", () => {
  it("computes CR1 on a hand example", () => {
    const r = clusteredStandardError([
      { cluster: "a", y: 1 },
      { cluster: "a", y: 1 },
      { cluster: "b", y: 0 },
      { cluster: "b", y: 0 },
    ])!;
    expect(r.mean).toBe(0.5);
    expect(r.se).toBeCloseTo(0.5, 12);
    expect(r.naiveSe).toBeCloseTo(Math.sqrt(1 / 12), 12);
    expect(r.clusters).toBe(2);
  });

  it("equals the naive SE when every unit is its own cluster, and needs two clusters", () => {
    const units = [1, 0, 1, 1, 0, 1, 1, 1].map((y, i) => ({ cluster: String(i), y }));
    const r = clusteredStandardError(units)!;
    expect(r.se).toBeCloseTo(r.naiveSe, 12);
    expect(clusteredStandardError([{ cluster: "x", y: 1 }])).toBeNull();
  });

  it("design effect of repeated trials is 1 for single trials and grows with agreement", () => {
    expect(
      designEffect(
        [
          [1, 1],
          [0, 1],
          [1, 1],
        ],
        2 / 3,
        3,
      ),
    ).toBe(1);
    const agreeing: Array<[number, number]> = Array.from({ length: 10 }, (_, i) => [i % 2 === 0 ? 3 : 0, 3]);
    expect(designEffect(agreeing, 0.5, 30)).toBeCloseTo((3 * 10) / 9, 10);
  });

  it("design effect is undefined at 0% and 100% with repeats, and the effective n falls back to the scenarios", () => {
    const allPass: Array<[number, number]> = Array.from({ length: 21 }, () => [3, 3]);
    expect(designEffect(allPass, 1, 63)).toBeNull();
    expect(effectiveN(allPass, 1, 63)).toBe(21);
    const allFail: Array<[number, number]> = Array.from({ length: 12 }, () => [0, 3]);
    expect(effectiveN(allFail, 0, 36)).toBe(12);
    // One trial per scenario: n itself, whatever the rate.
    expect(
      effectiveN(
        Array.from({ length: 5 }, () => [1, 1] as [number, number]),
        1,
        5,
      ),
    ).toBe(5);
    // One scenario of several trials: one observation.
    expect(effectiveN([[2, 4]], 0.5, 4)).toBe(1);
  });
});

describe("pass^k", () => {
  it("uses the combinatorial estimator C(c,k)/C(n,k)", () => {
    expect(passHatK(3, 5, 2)).toBeCloseTo(3 / 10, 12);
    expect(passHatK(5, 5, 3)).toBe(1);
    expect(passHatK(2, 5, 3)).toBe(0);
    expect(passHatK(4, 8, 1)).toBe(0.5);
    expect(() => passHatK(1, 2, 3)).toThrow(RangeError);
  });

  it("averages over scenarios with enough trials", () => {
    const r = meanPassHatK(
      [
        { passes: 3, n: 3 },
        { passes: 1, n: 3 },
        { passes: 1, n: 1 },
      ],
      2,
    );
    expect(r.scenarios).toBe(2);
    expect(r.value).toBeCloseTo((1 + 0) / 2, 12);
    expect(meanPassHatK([{ passes: 1, n: 1 }], 2)).toEqual({ value: null, scenarios: 0 });
  });
});

describe("percentiles", () => {
  it("interpolates like R type 7", () => {
    const r = percentiles(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(r.p50).toBeCloseTo(50.5, 12);
    expect(r.p95).toBeCloseTo(95.05, 12);
    expect(r.max).toBe(100);
    expect(r.mean).toBeCloseTo(50.5, 12);
    expect(percentiles([])).toEqual({ n: 0, mean: null, p50: null, p95: null, max: null });
  });
});

describe("weighted kappa", () => {
  const a = [1, 1, 2, 2, 3, 3, 3, 1, 2, 3];
  const b = [1, 2, 2, 3, 3, 3, 2, 1, 1, 3];
  const m = confusionMatrix(a, b, [1, 2, 3]);

  it("agrees with the pairwise definition on a 3-level example", () => {
    expect(m).toEqual([
      [2, 1, 0],
      [1, 1, 1],
      [0, 1, 3],
    ]);
    expect(weightedKappa(m, "none")).toBeCloseTo(0.26 / 0.66, 12);
    expect(weightedKappa(m, "linear")).toBeCloseTo(5 / 9, 12);
    expect(weightedKappa(m)).toBeCloseTo(49 / 69, 12);
  });

  it("is 1 for perfect agreement, 0 at chance and 0.4 on a known 2×2", () => {
    expect(
      weightedKappa([
        [3, 0, 0],
        [0, 4, 0],
        [0, 0, 2],
      ]),
    ).toBe(1);
    expect(weightedKappa(confusionMatrix([1, 2, 3], [1, 2, 1], [1, 2, 3]))).toBeCloseTo(0, 12);
    expect(
      weightedKappa([
        [20, 5],
        [10, 15],
      ]),
    ).toBeCloseTo(0.4, 12);
    expect(weightedKappa([[0]])).toBeNull();
    expect(() => confusionMatrix([1], [4], [1, 2, 3])).toThrow(RangeError);
  });
});

describe("power", () => {
  it("says how many scenarios tell 90% from 80%", () => {
    expect(scenariosToDistinguish(0.9, 0.8)).toBe(83);
    expect(scenariosToDistinguish(0.9, 0.8, 0.05, 0.9)).toBe(109);
    expect(scenariosToDistinguish(0.8, 0.8)).toBe(Number.POSITIVE_INFINITY);
    // Discordant on 20% of scenarios, the better candidate winning 3 in 4 of them.
    expect(pairedScenariosToDistinguish(0.2, 0.75)).toBeGreaterThan(100);
  });
});
