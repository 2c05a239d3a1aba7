import { seededRng } from "../analysis/random.js";
import type { PairedComparison } from "../analysis/schema.js";
import { mcnemar, type PairedCluster, pairedBootstrap, pairedDiff } from "../analysis/stats.js";
import type { BaselineFile } from "./baseline-schema.js";
import type { BaselineComparison, SuiteChange } from "./schema.js";
import { gradedTrials } from "./verdicts.js";

/**
 * The paired test of a run against its baseline, over verdict tables, so a stored run and a committed
 * baseline file are compared the same way. The statistics are the analysis' own (McNemar mid-p and the
 * scenario-clustered paired bootstrap), at the gate's α.
 */

export interface CompareBaselineSettings {
  alpha: number;
  minEffect: number;
  /** Shared scenarios the comparison needs; fewer: insufficient, never significant. */
  minScenarios: number;
  changedSuites: "skip" | "compare";
  resamples?: number;
  seed?: number;
}

type Verdicts = Pick<BaselineFile, "verdicts" | "suites">;

/** A stable 32-bit FNV-1a hash, so each candidate pair gets its own reproducible bootstrap stream. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Suites present on both sides whose files differ. */
export function changedSuites(current: Verdicts["suites"], baseline: Verdicts["suites"]): SuiteChange[] {
  const before = new Map(baseline.map((s) => [s.suite, s.sha256]));
  return current
    .filter((s) => before.has(s.suite) && before.get(s.suite) !== s.sha256)
    .map((s) => ({ suite: s.suite, baseline: before.get(s.suite) ?? null, current: s.sha256 }));
}

function suiteOf(scenario: string): string {
  const slash = scenario.indexOf("/");
  return slash < 0 ? scenario : scenario.slice(0, slash);
}

/** Compare one candidate's verdicts (b) with its baseline counterpart's (a); diff is b − a. */
export function pairVerdicts(
  a: Record<string, string>,
  b: Record<string, string>,
  names: { a: string; b: string },
  settings: CompareBaselineSettings,
  skip: (scenario: string) => boolean = () => false,
): PairedComparison {
  const clusters: PairedCluster[] = [];
  let bothPass = 0;
  let aOnly = 0;
  let bOnly = 0;
  let neither = 0;
  for (const [scenario, aLetters] of Object.entries(a)) {
    const bLetters = b[scenario];
    if (bLetters === undefined || skip(scenario)) continue;
    const aTrials = gradedTrials(aLetters);
    const bTrials = gradedTrials(bLetters);
    if (aTrials.size === 0 || bTrials.size === 0) continue;
    const cluster: PairedCluster = { aPasses: 0, aN: aTrials.size, bPasses: 0, bN: bTrials.size };
    for (const pass of aTrials.values()) if (pass) cluster.aPasses++;
    for (const pass of bTrials.values()) if (pass) cluster.bPasses++;
    clusters.push(cluster);
    // Trial i is paired with trial i: repeats are exchangeable, so the index is a fair pairing.
    for (const [trial, aPass] of aTrials) {
      const bPass = bTrials.get(trial);
      if (bPass === undefined) continue;
      if (aPass && bPass) bothPass++;
      else if (aPass) aOnly++;
      else if (bPass) bOnly++;
      else neither++;
    }
  }
  const pairs = bothPass + aOnly + bOnly + neither;
  const level = 1 - settings.alpha;
  const sufficient = clusters.length >= settings.minScenarios && pairs > 0;
  const base = {
    a: names.a,
    b: names.b,
    source: "baseline" as const,
    shared_scenarios: clusters.length,
    pairs,
    both_pass: bothPass,
    a_only: aOnly,
    b_only: bOnly,
    neither,
  };
  if (!sufficient) {
    return {
      ...base,
      a_rate: null,
      b_rate: null,
      diff: null,
      mcnemar_p: null,
      mcnemar_mid_p: null,
      bootstrap: { low: null, high: null, level, resamples: 0 },
      significant: false,
      better: null,
      sufficient,
    };
  }
  const resamples = settings.resamples ?? 2000;
  const totals = clusters.reduce(
    (t, c) => ({ ap: t.ap + c.aPasses, an: t.an + c.aN, bp: t.bp + c.bPasses, bn: t.bn + c.bN }),
    { ap: 0, an: 0, bp: 0, bn: 0 },
  );
  const diff = pairedDiff(clusters);
  const test = mcnemar(aOnly, bOnly);
  const rng = seededRng((settings.seed ?? 20260115) ^ hash32(`gate|${names.a}|${names.b}`));
  const ci = pairedBootstrap(clusters, rng, resamples, level);
  const significant =
    test.midP < settings.alpha && ci !== null && (ci.low > 0 || ci.high < 0) && diff !== null && diff !== 0;
  return {
    ...base,
    a_rate: totals.an > 0 ? totals.ap / totals.an : null,
    b_rate: totals.bn > 0 ? totals.bp / totals.bn : null,
    diff,
    mcnemar_p: test.p,
    mcnemar_mid_p: test.midP,
    bootstrap: { low: ci?.low ?? null, high: ci?.high ?? null, level, resamples },
    significant,
    better: significant && diff !== null ? (diff > 0 ? names.b : names.a) : null,
    sufficient,
  };
}

/** Each current candidate against its baseline counterpart: the same name, else the baseline's only candidate. */
export function compareWithBaseline(
  current: Verdicts,
  baseline: Verdicts,
  settings: CompareBaselineSettings,
  source: string,
): BaselineComparison {
  const changed = changedSuites(current.suites, baseline.suites);
  const changedNames = new Set(changed.map((c) => c.suite));
  const skip = (scenario: string) => settings.changedSuites === "skip" && changedNames.has(suiteOf(scenario));
  const baselineNames = Object.keys(baseline.verdicts);
  const only = baselineNames.length === 1 ? baselineNames[0]! : null;
  const comparisons: PairedComparison[] = [];
  const unmatched: BaselineComparison["unmatched"] = [];
  const skipped = new Set<string>();
  for (const [candidate, verdicts] of Object.entries(current.verdicts)) {
    const counterpart = candidate in baseline.verdicts ? candidate : only;
    if (counterpart === null) {
      unmatched.push({
        candidate,
        reason:
          baselineNames.length === 0
            ? "the baseline has no candidates"
            : `the baseline has ${baselineNames.length} candidates and none is named ${candidate}`,
      });
      continue;
    }
    const before = baseline.verdicts[counterpart]!;
    for (const scenario of Object.keys(verdicts)) if (scenario in before && skip(scenario)) skipped.add(scenario);
    comparisons.push(pairVerdicts(before, verdicts, { a: counterpart, b: candidate }, settings, skip));
  }
  return {
    source,
    alpha: settings.alpha,
    min_effect: settings.minEffect,
    comparisons,
    unmatched,
    changed_suites: changed,
    skipped_scenarios: skipped.size,
  };
}
