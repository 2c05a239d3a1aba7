import type { ResultLine } from "../run/schema.js";
import { scenarioId } from "./figures.js";
import { seededRng } from "./random.js";
import type { PairedComparison } from "./schema.js";
import { mcnemar, type PairedCluster, pairedBootstrap, pairedDiff } from "./stats.js";

/** Paired comparison of two candidates on the scenarios both ran. */

export interface CompareSettings {
  minScenarios: number;
  confidence: number;
  alpha: number;
  resamples: number;
  seed: number;
}

/** A stable 32-bit hash, so each pair gets its own reproducible bootstrap stream. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Per scenario, trial index → passed; the shape both analysis and gate compare. */
export type TrialOutcomes = Map<string, Map<number, boolean>>;

/** Compare graded trials of `a` with those of `b`; diff is b − a. Lines of other candidates are ignored. */
export function comparePaired(
  aLines: readonly ResultLine[],
  bLines: readonly ResultLine[],
  names: { a: string; b: string; source: PairedComparison["source"] },
  settings: CompareSettings,
): PairedComparison {
  const byScenario = (lines: readonly ResultLine[]): TrialOutcomes => {
    const out: TrialOutcomes = new Map();
    for (const l of lines) {
      if (l.verdict === "error") continue;
      const id = scenarioId(l);
      let trials = out.get(id);
      if (!trials) {
        trials = new Map();
        out.set(id, trials);
      }
      trials.set(l.trial, l.verdict === "pass");
    }
    return out;
  };
  return compareOutcomes(byScenario(aLines), byScenario(bLines), names, settings);
}

/** The paired test itself: McNemar on trial pairs and a scenario-clustered bootstrap of the difference. */
export function compareOutcomes(
  a: TrialOutcomes,
  b: TrialOutcomes,
  names: { a: string; b: string; source: PairedComparison["source"] },
  settings: CompareSettings,
): PairedComparison {
  const clusters: PairedCluster[] = [];
  let bothPass = 0;
  let aOnly = 0;
  let bOnly = 0;
  let neither = 0;
  // Scenarios in a fixed order: the bootstrap resamples by position, so the interval must not
  // depend on the order the lines were read in (gate against report, merged shards against one run).
  const ids = [...a.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (const id of ids) {
    const aTrials = a.get(id)!;
    const bTrials = b.get(id);
    if (!bTrials || aTrials.size === 0 || bTrials.size === 0) continue;
    const cluster: PairedCluster = { aPasses: 0, aN: 0, bPasses: 0, bN: 0 };
    for (const pass of aTrials.values()) {
      cluster.aN++;
      if (pass) cluster.aPasses++;
    }
    for (const pass of bTrials.values()) {
      cluster.bN++;
      if (pass) cluster.bPasses++;
    }
    clusters.push(cluster);
    // McNemar pairs trial i with trial i: repeats are exchangeable, so the index is a fair pairing.
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
  const sufficient = clusters.length >= settings.minScenarios && pairs > 0;
  const base = {
    a: names.a,
    b: names.b,
    source: names.source,
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
      bootstrap: { low: null, high: null, level: settings.confidence, resamples: 0 },
      significant: false,
      better: null,
      sufficient,
    };
  }
  const totals = clusters.reduce(
    (t, c) => ({ ap: t.ap + c.aPasses, an: t.an + c.aN, bp: t.bp + c.bPasses, bn: t.bn + c.bN }),
    { ap: 0, an: 0, bp: 0, bn: 0 },
  );
  const diff = pairedDiff(clusters);
  const test = mcnemar(aOnly, bOnly);
  const rng = seededRng(settings.seed ^ hash32(`${names.source}|${names.a}|${names.b}`));
  const ci = pairedBootstrap(clusters, rng, settings.resamples, settings.confidence);
  const significant =
    test.midP < settings.alpha && ci !== null && (ci.low > 0 || ci.high < 0) && diff !== null && diff !== 0;
  return {
    ...base,
    a_rate: totals.an > 0 ? totals.ap / totals.an : null,
    b_rate: totals.bn > 0 ? totals.bp / totals.bn : null,
    diff,
    mcnemar_p: test.p,
    mcnemar_mid_p: test.midP,
    bootstrap: {
      low: ci?.low ?? null,
      high: ci?.high ?? null,
      level: settings.confidence,
      resamples: settings.resamples,
    },
    significant,
    better: significant && diff !== null ? (diff > 0 ? names.b : names.a) : null,
    sufficient,
  };
}
