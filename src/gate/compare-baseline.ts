import { compareOutcomes, type TrialOutcomes } from "../analysis/compare.js";
import type { PairedComparison } from "../analysis/schema.js";
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
  const outcomes = (verdicts: Record<string, string>): TrialOutcomes =>
    new Map(
      Object.entries(verdicts).flatMap(([scenario, letters]) =>
        skip(scenario) ? [] : [[scenario, gradedTrials(letters)]],
      ),
    );
  return compareOutcomes(
    outcomes(a),
    outcomes(b),
    { ...names, source: "baseline" },
    {
      minScenarios: settings.minScenarios,
      confidence: 1 - settings.alpha,
      alpha: settings.alpha,
      resamples: settings.resamples ?? 2000,
      seed: settings.seed ?? 20260115,
    },
  );
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
