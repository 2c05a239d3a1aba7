import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BaselineFile } from "../src/gate/baseline-schema.js";
import { GateResult } from "../src/gate/schema.js";
import { baselineFromRuns, gradedTrials, verdictTable } from "../src/gate/verdicts.js";
import { runCli } from "./helpers/cli.js";
import { line, scenarios, writeRun } from "./helpers/gate-runs.js";
import { makeRunMeta } from "./helpers/synthetic-results.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-baseline-"));
const POLICY = "pass_rate:\n  overall: { min: 0.5, on: estimate }\nbaseline: { alpha: 0.05, min_effect: 0.05 }\n";

describe("verdict tables", () => {
  it("record one letter per trial index: pass, fail, error, and gaps", () => {
    const lines = [
      line({ scenario: "a", trial: 0, verdict: "pass" }),
      line({ scenario: "a", trial: 2, verdict: "fail" }),
      line({ scenario: "a", trial: 3, verdict: "error", escalation: null }),
      line({ scenario: "b", trial: 0, verdict: "fail", candidate: "other" }),
      // A resumed trial: the later line of the same key wins.
      line({ scenario: "a", trial: 2, verdict: "pass" }),
    ];
    expect(verdictTable(lines)).toEqual({ bot: { "suite-a/a": "P.PE" }, other: { "suite-a/b": "F" } });
    expect([...gradedTrials("P.FE")]).toEqual([
      [0, true],
      [2, false],
    ]);
  });

  it("carry the suites' hashes and the runs they came from", () => {
    const lines = scenarios(2, 1);
    const meta = makeRunMeta(lines, { run: "r1", git_commit: "abc123" });
    const file = baselineFromRuns(lines, [meta], { createdAt: "2026-01-01T00:00:00Z", packageVersion: "9.9.9" });
    expect(BaselineFile.parse(file)).toEqual(file);
    expect(file.suites).toEqual([{ suite: "suite-a", sha256: "0".repeat(64), scenarios: 3 }]);
    expect(file.runs).toEqual([{ run: "r1", git_commit: "abc123", started_at: meta.started_at }]);
    expect(file.verdicts.bot).toEqual({ "suite-a/s0": "P", "suite-a/s1": "P", "suite-a/s2": "F" });
  });
});

describe("supportbench baseline update", () => {
  it("writes a compact, reproducible file that the gate reads like the run itself", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "gate.yaml"), POLICY);
    const base = [...scenarios(40, 0, { run: "base" }), ...scenarios(40, 0, { run: "base", trial: 1 })];
    const cur = [...scenarios(28, 12, { run: "cur" }), ...scenarios(30, 10, { run: "cur", trial: 1 })];
    writeRun(base, {}, path.join(dir, "runs/base"));
    writeRun(cur, {}, path.join(dir, "runs/cur"));

    const up = await runCli(["baseline", "update", "runs/base"], { cwd: dir });
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/wrote supportbench-baseline\.json/);
    expect(up.stdout).toMatch(/bot: 40 scenarios, 80 graded trials, 100\.0% passed/);
    const text = readFileSync(path.join(dir, "supportbench-baseline.json"), "utf8");
    const file = BaselineFile.parse(JSON.parse(text));
    expect(Object.keys(file.verdicts.bot!)).toHaveLength(40);
    expect(file.verdicts.bot!["suite-a/s0"]).toBe("PP");
    // One line per scenario keeps review diffs small.
    expect(text.split("\n").filter((l) => /^ {6}"suite-a\/s\d+": "PP",?$/.test(l))).toHaveLength(40);

    await runCli(["baseline", "update", "runs/base", "--out", "again.json"], { cwd: dir });
    expect(readFileSync(path.join(dir, "again.json"), "utf8")).toBe(text);

    const viaFile = await runCli(
      ["gate", "runs/cur", "--policy", "gate.yaml", "--baseline", "supportbench-baseline.json", "--json"],
      { cwd: dir },
    );
    const viaRun = await runCli(["gate", "runs/cur", "--policy", "gate.yaml", "--baseline", "runs/base", "--json"], {
      cwd: dir,
    });
    expect(viaFile.code).toBe(1);
    expect(viaRun.code).toBe(1);
    const a = GateResult.parse(JSON.parse(viaFile.stdout));
    const b = GateResult.parse(JSON.parse(viaRun.stdout));
    expect(a.baseline!.comparisons).toEqual(b.baseline!.comparisons);
    expect(a.baseline!.source).toBe("supportbench-baseline.json");
    const rule = a.rules.find((r) => r.rule === "baseline")!;
    expect(rule.status).toBe("fail");
    expect(rule.measured).toBeCloseTo(58 / 80 - 1, 12);
    expect(a.baseline!.comparisons[0]).toMatchObject({ pairs: 80, a_only: 22, b_only: 0, shared_scenarios: 40 });
  });

  it("is found through the policy's baseline.file, and its absence is a note, not a failure", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "gate.yaml"), `${POLICY.replace("{ alpha", "{ file: base.json, alpha")}`);
    writeRun(scenarios(30, 0), {}, path.join(dir, "base"));
    writeRun(scenarios(15, 15), {}, path.join(dir, "cur"));
    const before = await runCli(["gate", "cur", "--policy", "gate.yaml"], { cwd: dir });
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/No baseline file base\.json yet/);
    await runCli(["baseline", "update", "base", "--out", "base.json"], { cwd: dir });
    const after = await runCli(["gate", "cur", "--policy", "gate.yaml"], { cwd: dir });
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/baseline base\.json/);
    expect(after.stdout).toMatch(/FAIL {2}vs baseline +−50\.0 points vs baseline/);
    expect(after.stdout).toMatch(/significantly worse by 50\.0 points: 100\.0% → 50\.0% on 30 shared scenarios/);
  });

  it("notices a suite that changed since the baseline and leaves its scenarios out", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "gate.yaml"), POLICY);
    writeRun(scenarios(30, 0), {}, path.join(dir, "base"));
    const cur = scenarios(15, 15);
    const meta = makeRunMeta(cur);
    writeRun(cur, { suites: meta.suites.map((s) => ({ ...s, sha256: "f".repeat(64) })) }, path.join(dir, "cur"));
    await runCli(["baseline", "update", "base", "--out", "b.json"], { cwd: dir });
    const r = await runCli(["gate", "cur", "--policy", "gate.yaml", "--baseline", "b.json"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/skip {2}vs baseline +insufficient evidence: 0 shared scenarios/);
    expect(r.stdout).toMatch(/Suite suite-a changed since the baseline; its scenarios were left out/);
  });

  it("rejects a damaged baseline file with its position (exit 2)", async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, "gate.yaml"), POLICY);
    writeRun(scenarios(10, 0), {}, path.join(dir, "run"));
    await runCli(["baseline", "update", "run", "--out", "b.json"], { cwd: dir });
    const text = readFileSync(path.join(dir, "b.json"), "utf8");
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.includes('"suite-a/s3"'));
    lines[at] = lines[at]!.replace('"P"', '"PX"');
    writeFileSync(path.join(dir, "b.json"), lines.join("\n"));
    const r = await runCli(["gate", "run", "--policy", "gate.yaml", "--baseline", "b.json"], { cwd: dir });
    expect(r.code).toBe(2);
    const col = lines[at]!.indexOf('"PX"') + 1;
    expect(r.stderr).toContain(`b.json:${at + 1}:${col}: verdicts.bot.suite-a/s3: one letter per trial`);

    writeFileSync(path.join(dir, "other.json"), '{ "hello": 1 }\n');
    const other = await runCli(["gate", "run", "--policy", "gate.yaml", "--baseline", "other.json"], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/other\.json:1:1: not a supportbench baseline file/);

    const none = await runCli(["baseline", "update", "missing"], { cwd: dir });
    expect(none.code).toBe(2);
  });
});
