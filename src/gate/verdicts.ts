import { dedupeByKey, scenarioId } from "../analysis/figures.js";
import type { ResultLine, RunMeta } from "../run/schema.js";
import { BASELINE_FORMAT, BASELINE_VERSION, type BaselineFile, type BaselineSuite } from "./baseline-schema.js";

/** Verdict tables: each candidate's verdict per scenario and trial, the input of the paired test. */

const LETTER = { pass: "P", fail: "F", error: "E" } as const;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Suites of the runs by name; when runs disagree on a suite's hash the last one wins (merge refuses that case). */
export function suitesOf(metas: readonly RunMeta[]): BaselineSuite[] {
  const bySuite = new Map<string, BaselineSuite>();
  for (const m of metas)
    for (const s of m.suites) bySuite.set(s.suite, { suite: s.suite, sha256: s.sha256, scenarios: s.scenarios });
  return [...bySuite.values()].sort((a, b) => compare(a.suite, b.suite));
}

/** candidate → "suite/scenario" → letters by trial index, keys sorted so the file diffs cleanly. */
export function verdictTable(lines: readonly ResultLine[]): BaselineFile["verdicts"] {
  const table = new Map<string, Map<string, string[]>>();
  for (const l of dedupeByKey(lines).lines) {
    let scenarios = table.get(l.candidate);
    if (!scenarios) {
      scenarios = new Map();
      table.set(l.candidate, scenarios);
    }
    const id = scenarioId(l);
    const letters = scenarios.get(id) ?? [];
    while (letters.length <= l.trial) letters.push(".");
    letters[l.trial] = LETTER[l.verdict];
    scenarios.set(id, letters);
  }
  const out: BaselineFile["verdicts"] = {};
  for (const candidate of [...table.keys()].sort(compare)) {
    const scenarios = table.get(candidate)!;
    out[candidate] = Object.fromEntries(
      [...scenarios.entries()].sort(([a], [b]) => compare(a, b)).map(([id, letters]) => [id, letters.join("")]),
    );
  }
  return out;
}

/** The baseline record of runs: verdicts plus suite hashes and where they came from. */
export function baselineFromRuns(
  lines: readonly ResultLine[],
  metas: readonly RunMeta[],
  stamp: { createdAt: string; packageVersion: string },
): BaselineFile {
  return {
    format: BASELINE_FORMAT,
    v: BASELINE_VERSION,
    created_at: stamp.createdAt,
    package_version: stamp.packageVersion,
    runs: metas.map((m) => ({ run: m.run, git_commit: m.git_commit, started_at: m.started_at })),
    suites: suitesOf(metas),
    verdicts: verdictTable(lines),
  };
}

/** Graded outcomes of one scenario's letters: index → pass?; errors and gaps are left out. */
export function gradedTrials(letters: string): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (let i = 0; i < letters.length; i++) {
    if (letters[i] === "P") out.set(i, true);
    else if (letters[i] === "F") out.set(i, false);
  }
  return out;
}

/** JSON with one line per scenario, so a baseline update reads as a small diff in review. */
export function formatBaselineFile(file: BaselineFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
