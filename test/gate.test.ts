import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analysis/analyze.js";
import { scenariosToDistinguish, wilson } from "../src/analysis/stats.js";
import { compareWithBaseline } from "../src/gate/compare-baseline.js";
import { evaluateGate } from "../src/gate/evaluate.js";
import { GatePolicy, type GatePolicyInput } from "../src/gate/policy-schema.js";
import { pairedScenarios, renderPowerTables, thresholdScenarios } from "../src/gate/power.js";
import { readGatePolicy } from "../src/gate/read-policy.js";
import { renderGateMarkdown, renderGateText } from "../src/gate/render.js";
import { GateResult } from "../src/gate/schema.js";
import { suitesOf, verdictTable } from "../src/gate/verdicts.js";
import type { ResultLine } from "../src/run/schema.js";
import { InputError } from "../src/suite/problems.js";
import { ROOT, runCli } from "./helpers/cli.js";
import { line, scenarios, writeRun } from "./helpers/gate-runs.js";
import { makeResultLines, makeRunMeta } from "./helpers/synthetic-results.js";

const policy = (input: GatePolicyInput) => GatePolicy.parse(input);
const analysisOf = (lines: ResultLine[], minScenarios = 5) =>
  analyze(lines, [makeRunMeta(lines)], { minScenarios, generatedAt: null });
const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-gate-"));

function policyFile(text: string): string {
  const file = path.join(tmp(), "gate.yaml");
  writeFileSync(file, text);
  return file;
}

function inputProblems(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems;
  }
  throw new Error("expected an InputError");
}

function byRule(result: GateResult, rule: string, candidate = "bot") {
  const r = result.rules.find((x) => x.rule === rule && x.candidate === candidate);
  if (!r) throw new Error(`no rule ${rule} for ${candidate}: ${result.rules.map((x) => x.rule).join(", ")}`);
  return r;
}

const compareSettings = { alpha: 0.05, minEffect: 0.05, minScenarios: 5, changedSuites: "skip" as const };
function comparison(current: ResultLine[], baseline: ResultLine[], settings = compareSettings) {
  return compareWithBaseline(
    { verdicts: verdictTable(current), suites: suitesOf([makeRunMeta(current)]) },
    { verdicts: verdictTable(baseline), suites: suitesOf([makeRunMeta(baseline)]) },
    settings,
    "baseline-run",
  );
}

describe("gate policy file", () => {
  it("reads the shipped example policy", () => {
    const p = readGatePolicy(path.join(ROOT, "policies/gate.yaml"));
    expect(p.pass_rate.overall).toEqual({ min: 0.8, on: "lower_bound" });
    expect(p.pass_rate.tier["3"]).toEqual({ min: 0.7, on: "estimate" });
    expect(p.baseline).toMatchObject({ alpha: 0.05, min_effect: 0.05, file: "supportbench-baseline.json" });
  });

  it("points at the line and column of an unknown key, with a suggestion", () => {
    const file = policyFile("version: 1\npass_rate:\n  overal: { min: 0.8, on: estimate }\n");
    const [p] = inputProblems(() => readGatePolicy(file, "gate.yaml"));
    expect(p).toMatchObject({ file: "gate.yaml", line: 3, col: 3 });
    expect(p!.message).toMatch(/unknown key `overal`/);
    expect(p!.hint).toMatch(/did you mean `overall`/);
  });

  it("requires `on` and says which figures a floor may read", () => {
    const missing = inputProblems(() => readGatePolicy(policyFile("pass_rate:\n  overall: { min: 0.8 }\n"), "g.yaml"));
    expect(missing[0]).toMatchObject({
      line: 2,
      message: expect.stringMatching(/missing `on`: say which figure is compared, estimate or lower_bound/),
    });
    const wrong = inputProblems(() =>
      readGatePolicy(policyFile("error_rate:\n  max: 0.1\n  on: lower_bound\n"), "g.yaml"),
    );
    expect(wrong[0]).toMatchObject({ line: 3, col: 7 });
    expect(wrong[0]!.message).toMatch(/estimate or upper_bound/);
  });

  it("rejects a rate above 1, a tier that does not exist and broken YAML", () => {
    const rate = inputProblems(() => readGatePolicy(policyFile("pass_rate:\n  overall: { min: 80, on: estimate }\n")));
    expect(rate[0]!.line).toBe(2);
    const tier = inputProblems(() =>
      readGatePolicy(policyFile("pass_rate:\n  tier:\n    three: { min: 0.8, on: estimate }\n")),
    );
    expect(tier[0]).toMatchObject({ line: 3, col: 5, message: "unknown key `three` in pass_rate.tier" });
    expect(tier[0]!.hint).toMatch(/1, 2, 3, \*/);
    const yaml = inputProblems(() => readGatePolicy(policyFile("pass_rate:\n  overall: { min: 0.8, on: estimate\n")));
    expect(yaml[0]!.message).toMatch(/^YAML:/);
  });
});

describe("evaluateGate: absolute thresholds", () => {
  // 18 of 20 scenarios pass: estimate 90%, Wilson lower bound about 70%.
  const lines = scenarios(18, 2);
  const analysis = analysisOf(lines);

  it("reads the estimate or the Wilson lower bound, as the policy says, and reports the margin", () => {
    const r = evaluateGate(
      analysis,
      policy({
        pass_rate: { overall: { min: 0.85, on: "estimate" } },
      }),
    );
    const overall = byRule(r, "pass_rate.overall");
    expect(overall).toMatchObject({ status: "pass", on: "estimate", measured: 0.9 });
    expect(overall.margin).toBeCloseTo(0.05, 10);
    expect(r.passed).toBe(true);

    const strict = evaluateGate(analysis, policy({ pass_rate: { overall: { min: 0.85, on: "lower_bound" } } }));
    const low = wilson(18, 20)!.low;
    const o2 = byRule(strict, "pass_rate.overall");
    expect(o2.status).toBe("fail");
    expect(o2.measured).toBeCloseTo(low, 10);
    expect(o2.margin).toBeCloseTo(low - 0.85, 10);
    expect(strict.passed).toBe(false);
    expect(strict.counts).toEqual({ pass: 0, fail: 1, skip: 0 });
  });

  it("applies `*` to every group present, lets a named group override it, and skips thin groups", () => {
    const mixed = [
      ...scenarios(6, 0, { language: "en" }, "en"),
      ...scenarios(3, 3, { language: "de" }, "de"),
      ...scenarios(2, 0, { language: "fr" }, "fr"),
    ];
    const r = evaluateGate(
      analysisOf(mixed),
      policy({
        pass_rate: {
          language: {
            "*": { min: 0.8, on: "estimate" },
            de: { min: 0.4, on: "estimate" },
          },
        },
      }),
    );
    expect(byRule(r, "pass_rate.language.en")).toMatchObject({ status: "pass", measured: 1 });
    expect(byRule(r, "pass_rate.language.de")).toMatchObject({ status: "pass", measured: 0.5, threshold: 0.4 });
    expect(byRule(r, "pass_rate.language.fr")).toMatchObject({ status: "skip", measured: null });
    expect(byRule(r, "pass_rate.language.fr").detail).toMatch(/insufficient evidence: 2 scenarios, needs 5/);
    expect(r.passed).toBe(true);
    // A named group that no trial of the run has is most likely a typo: bad input, not a skipped rule.
    const sv = policy({ pass_rate: { language: { sv: { min: 0.5, on: "estimate" } } } });
    expect(inputProblems(() => evaluateGate(analysisOf(mixed), sv))[0]!.message).toMatch(/no trial of the run has/);

    const strict = evaluateGate(
      analysisOf(mixed),
      policy({ insufficient: "fail", pass_rate: { language: { "*": { min: 0.4, on: "estimate" } } } }),
    );
    expect(byRule(strict, "pass_rate.language.fr").status).toBe("fail");
    expect(strict.passed).toBe(false);
  });

  it("gates tiers and intents from the analysis' groups", () => {
    const lines = [
      ...scenarios(5, 0, { tier: 1, intent: "refund.status" }, "a"),
      ...scenarios(2, 3, { tier: 3, intent: "hardship" }, "b"),
    ];
    const r = evaluateGate(
      analysisOf(lines),
      policy({
        pass_rate: { tier: { "3": { min: 0.6, on: "estimate" } }, intent: { hardship: { min: 0.3, on: "estimate" } } },
      }),
    );
    const tier3 = byRule(r, "pass_rate.tier.3");
    expect(tier3).toMatchObject({ status: "fail", measured: 0.4, label: "pass rate, tier 3" });
    expect(tier3.margin).toBeCloseTo(-0.2, 10);
    expect(byRule(r, "pass_rate.intent.hardship").status).toBe("pass");
  });

  it("caps missed escalations and errors, on the estimate or the Wilson upper bound", () => {
    const lines = [
      ...scenarios(10, 0, { escalation: "correct_handoff", tier: 3 }, "h"),
      line({ scenario: "m0", verdict: "fail", escalation: "missed", tier: 3 }),
      ...scenarios(8, 0, {}, "ok"),
      line({ scenario: "e0", verdict: "error", escalation: null }),
    ];
    const a = analysisOf(lines);
    const r = evaluateGate(
      a,
      policy({
        missed_escalation_rate: { max: 0.1, on: "estimate" },
        error_rate: { max: 0.1, on: "upper_bound" },
      }),
    );
    const missed = byRule(r, "missed_escalation_rate");
    expect(missed).toMatchObject({ status: "pass", measured: 1 / 11 });
    const errors = byRule(r, "error_rate");
    expect(errors.measured).toBeCloseTo(wilson(1, 20)!.high, 10);
    expect(errors.status).toBe("fail");
    expect(errors.detail).toMatch(/1 of 20 trials ended in an error/);
  });

  it("gates only the chosen candidates", () => {
    const lines = [...scenarios(10, 0, { candidate: "good" }), ...scenarios(0, 10, { candidate: "bad" })];
    const p = policy({ pass_rate: { overall: { min: 0.5, on: "estimate" } } });
    expect(evaluateGate(analysisOf(lines), p).passed).toBe(false);
    const only = evaluateGate(analysisOf(lines), p, null, { candidates: ["good"] });
    expect(only.passed).toBe(true);
    expect(only.candidates).toEqual(["good"]);
  });

  it("says so when no rule could be checked", () => {
    const r = evaluateGate(
      analysisOf(scenarios(3, 0)),
      policy({ pass_rate: { overall: { min: 0.5, on: "estimate" } } }),
    );
    expect(r.passed).toBe(true);
    expect(r.counts.skip).toBe(1);
    expect(r.notes.join("\n")).toMatch(/No rule could be checked/);
  });
});

describe("evaluateGate: paired comparison with the baseline", () => {
  const p = policy({});

  it("fails a significant drop of at least min_effect and says by how much", () => {
    const baseline = scenarios(40, 0);
    const current = scenarios(30, 10);
    const cmp = comparison(current, baseline);
    const r = evaluateGate(analysisOf(current), p, cmp);
    const rule = byRule(r, "baseline");
    expect(rule.status).toBe("fail");
    expect(rule.measured).toBeCloseTo(-0.25, 10);
    expect(rule.margin).toBeCloseTo(-0.2, 10);
    expect(rule.detail).toMatch(/significantly worse by 25\.0 points/);
    expect(rule.detail).toMatch(/100\.0% → 75\.0% on 40 shared scenarios/);
    expect(r.passed).toBe(false);
  });

  it("does not fail on noise: a small, non-significant drop passes", () => {
    const cmp = comparison(scenarios(38, 2), scenarios(40, 0));
    const rule = byRule(evaluateGate(analysisOf(scenarios(38, 2)), p, cmp), "baseline");
    expect(cmp.comparisons[0]!.significant).toBe(false);
    expect(rule.status).toBe("pass");
    expect(rule.detail).toMatch(/no significant difference/);
  });

  it("does not fail a significant drop smaller than min_effect", () => {
    // 400 scenarios, 16 newly failing: McNemar is decisive, but the drop is 4 points < 5.
    const baseline = scenarios(400, 0);
    const current = scenarios(384, 16);
    const cmp = comparison(current, baseline);
    expect(cmp.comparisons[0]!.significant).toBe(true);
    const rule = byRule(evaluateGate(analysisOf(current), p, cmp), "baseline");
    expect(rule.status).toBe("pass");
    expect(rule.detail).toMatch(/by less than the 5\.0 points/);
    const strict = compareWithBaseline(
      { verdicts: verdictTable(current), suites: [] },
      { verdicts: verdictTable(baseline), suites: [] },
      { ...compareSettings, minEffect: 0.02 },
      "b",
    );
    expect(byRule(evaluateGate(analysisOf(current), p, strict), "baseline").status).toBe("fail");
  });

  it("agrees with the analysis' own paired comparison on the same data", () => {
    const base = makeResultLines({ candidates: [{ id: "bot", skill: 0.85 }], scenarios: 60, trials: 2, seed: 3 });
    const cur = makeResultLines({ candidates: [{ id: "bot", skill: 0.6 }], scenarios: 60, trials: 2, seed: 3 });
    const fromAnalysis = analyze(cur, [makeRunMeta(cur)], {
      baseline: { lines: base, metas: [makeRunMeta(base)] },
      alpha: 0.05,
      confidence: 0.95,
    }).baseline[0]!;
    const ours = comparison(cur, base).comparisons[0]!;
    for (const k of ["shared_scenarios", "pairs", "a_only", "b_only", "a_rate", "b_rate", "mcnemar_mid_p"] as const)
      expect(ours[k], k).toBeCloseTo(fromAnalysis[k] as number, 12);
    expect(ours.diff).toBeCloseTo(fromAnalysis.diff!, 12);
    expect(ours.significant).toBe(fromAnalysis.significant);
    expect(ours.bootstrap.low!).toBeCloseTo(fromAnalysis.bootstrap.low!, 1);
  });

  it("leaves a changed suite out of the pairing and says why", () => {
    const baseline = scenarios(40, 0);
    const current = scenarios(20, 20);
    const cmp = compareWithBaseline(
      { verdicts: verdictTable(current), suites: [{ suite: "suite-a", sha256: "new", scenarios: 40 }] },
      { verdicts: verdictTable(baseline), suites: [{ suite: "suite-a", sha256: "old", scenarios: 40 }] },
      compareSettings,
      "b",
    );
    expect(cmp.changed_suites).toEqual([{ suite: "suite-a", baseline: "old", current: "new" }]);
    expect(cmp.skipped_scenarios).toBe(40);
    const r = evaluateGate(analysisOf(current), p, cmp);
    expect(byRule(r, "baseline").status).toBe("skip");
    expect(r.notes.join("\n")).toMatch(/Suite suite-a changed since the baseline; its scenarios were left out/);
    const anyway = compareWithBaseline(
      { verdicts: verdictTable(current), suites: [{ suite: "suite-a", sha256: "new", scenarios: 40 }] },
      { verdicts: verdictTable(baseline), suites: [{ suite: "suite-a", sha256: "old", scenarios: 40 }] },
      { ...compareSettings, changedSuites: "compare" },
      "b",
    );
    expect(byRule(evaluateGate(analysisOf(current), p, anyway), "baseline").status).toBe("fail");
  });

  it("pairs a renamed candidate with the baseline's only one, and not when the baseline has several", () => {
    const cur = scenarios(10, 0, { candidate: "new-model" });
    const one = comparison(cur, scenarios(10, 0, { candidate: "old-model" }));
    expect(one.comparisons[0]).toMatchObject({ a: "old-model", b: "new-model" });
    const two = comparison(cur, [...scenarios(10, 0, { candidate: "x" }), ...scenarios(10, 0, { candidate: "y" })]);
    expect(two.unmatched[0]!.candidate).toBe("new-model");
    const rule = byRule(evaluateGate(analysisOf(cur), p, two), "baseline", "new-model");
    expect(rule.status).toBe("skip");
    expect(rule.detail).toMatch(/none is named new-model/);
  });
});

describe("gate screen and Markdown", () => {
  it("puts failures first with their figures, then passes, then skips", () => {
    const lines = [...scenarios(8, 2, { tier: 1 }, "a"), ...scenarios(1, 4, { tier: 3 }, "b")];
    const r = evaluateGate(
      analysisOf(lines),
      policy({
        pass_rate: {
          overall: { min: 0.5, on: "estimate" },
          tier: { "3": { min: 0.7, on: "estimate" }, "2": { min: 0.7, on: "estimate" } },
        },
      }),
    );
    const text = renderGateText(r, { policy: "policies/gate.yaml" });
    const rows = text.split("\n");
    expect(rows[0]).toBe("supportbench gate: FAILED: 1 of 3 rules failed (1 passed, 1 skipped)");
    const fail = rows.findIndex((l) => l.startsWith("  FAIL  pass rate, tier 3"));
    const pass = rows.findIndex((l) => l.startsWith("  pass  pass rate, overall"));
    expect(fail).toBeGreaterThan(0);
    expect(pass).toBeGreaterThan(fail);
    expect(rows[fail]).toMatch(/20\.0% < 70\.0% \(estimate\)\s+short by 50\.0 points/);
    expect(rows[fail + 1]).toMatch(/1 of 5 trials passed on 5 scenarios/);
    expect(rows[pass]).toMatch(/60\.0% ≥ 50\.0% \(estimate\)\s+10\.0 points to spare/);
    const skip = rows.findIndex((l) => /^ {2}skip {2}pass rate, tier 2 +no graded trials in this run$/.test(l));
    expect(skip).toBeGreaterThan(pass);
    const md = renderGateMarkdown(r);
    expect(md).toMatch(/^### supportbench gate: failed/);
    expect(md.split("\n").filter((l) => l.startsWith("| ❌")).length).toBe(1);
    expect(md).toMatch(/\| ➖ \| bot \| pass rate, tier 2 \|/);
  });
});

describe("supportbench gate (CLI)", () => {
  const strictPolicy = "pass_rate:\n  overall: { min: 0.7, on: estimate }\nerror_rate: { max: 0.1, on: estimate }\n";

  it("exits 0 when every rule passes and 1 when one fails, with the rule on screen", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "gate.yaml"), strictPolicy);
    const good = writeRun(scenarios(9, 1), {}, path.join(dir, "good"));
    const bad = writeRun(scenarios(5, 5), {}, path.join(dir, "bad"));
    const ok = await runCli(["gate", good, "--policy", "gate.yaml"], { cwd: dir });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^supportbench gate: PASSED/);
    expect(ok.stdout).toMatch(/No baseline given/);
    const no = await runCli(["gate", bad, "--policy", "gate.yaml"], { cwd: dir });
    expect(no.code).toBe(1);
    expect(no.stdout).toMatch(/FAIL {2}pass rate, overall +50\.0% < 70\.0% \(estimate\)\s+short by 20\.0 points/);
  });

  it("compares with a baseline run and prints JSON and Markdown on request", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "gate.yaml"), `${strictPolicy}baseline: { alpha: 0.05, min_effect: 0.05 }\n`);
    const base = writeRun(scenarios(40, 0, { run: "base" }), {}, path.join(dir, "base"));
    const cur = writeRun(scenarios(30, 10, { run: "cur" }), {}, path.join(dir, "cur"));
    const summary = path.join(dir, "summary.md");
    appendFileSync(summary, "# before\n");
    const r = await runCli(
      ["gate", "cur", "--policy", "gate.yaml", "--baseline", "base", "--json", "--markdown", "summary.md"],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    const result = GateResult.parse(JSON.parse(r.stdout));
    expect(result.passed).toBe(false);
    expect(result.rules.find((x) => x.rule === "baseline")).toMatchObject({ status: "fail" });
    expect(result.rules.find((x) => x.rule === "pass_rate.overall")).toMatchObject({ status: "pass" });
    expect(result.baseline?.source).toBe("base (run)");
    const md = readFileSync(summary, "utf8");
    expect(md.startsWith("# before\n### supportbench gate: failed")).toBe(true);
    expect(base && cur).toBeTruthy();
  });

  it("exits 2 with positions on a bad policy, a missing run and an unknown candidate", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "gate.yaml"), "pass_rate:\n  overall: { min: 0.7, on: estimat }\n");
    writeRun(scenarios(9, 1), {}, path.join(dir, "run"));
    const bad = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^gate\.yaml:2:28: pass_rate\.overall\.on: `on` is estimate or lower_bound/m);
    writeFileSync(path.join(dir, "ok.yaml"), strictPolicy);
    const missing = await runCli(["gate", "nowhere", "--policy", "ok.yaml"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such folder/);
    const who = await runCli(["gate", "run", "--policy", "ok.yaml", "--candidate", "ghost"], { cwd: dir });
    expect(who.code).toBe(2);
    expect(who.stderr).toMatch(/not in the run: ghost/);
    writeFileSync(path.join(dir, "empty.yaml"), "version: 1\n");
    const nothing = await runCli(["gate", "run", "--policy", "empty.yaml"], { cwd: dir });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/the policy checks nothing/);
  });
});

describe("power figures for choosing thresholds", () => {
  it("come from the analysis' power helpers", () => {
    expect(thresholdScenarios(0.9, 0.1)).toBe(scenariosToDistinguish(0.8, 0.9));
    // More disagreement between versions needs more scenarios to see the same drop.
    expect(pairedScenarios(0.3, 0.05)!).toBeGreaterThan(pairedScenarios(0.1, 0.05)!);
    expect(pairedScenarios(0.1, 0.15)).toBeNull();
  });

  it("are printed in docs/ci.md exactly as the code computes them", () => {
    const doc = readFileSync(path.join(ROOT, "docs/ci.md"), "utf8");
    const tables = renderPowerTables().trim().split("\n\n");
    expect(tables).toHaveLength(2);
    for (const table of tables) expect(doc).toContain(table);
  });
});
