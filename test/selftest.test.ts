import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

describe("supportbench selftest", () => {
  it("passes on a bundled suite: every gold reference passes, every mutant is caught", async () => {
    const r = await runCli(["selftest", "suites/en.yaml", "suites/ja.yaml", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      gold: { total: number; passed: number };
      mutations: { mutation: string; applicable: number; sensitivity: number }[];
      graders: { grader: string; sensitivity: number | null; specificity: number | null }[];
    };
    expect(report.gold.total).toBe(24);
    expect(report.gold.passed).toBe(24);
    for (const m of report.mutations) expect(m.sensitivity, m.mutation).toBeGreaterThanOrEqual(0.95);
    expect(report.mutations.map((m) => m.mutation)).toEqual([
      "handoff_removed",
      "handoff_added",
      "language_swapped",
      "forbidden_inserted",
      "fact_removed",
      "wrong_tool_argument",
      "change_before_verification",
    ]);
    expect(report.graders.find((g) => g.grader === "escalation")?.specificity).toBe(1);
  });

  it("fails (exit 1) and names the scenario when a gold reference does not pass its own checks", async () => {
    const r = await runCli(["selftest", "test/fixtures/valid/weak-grading.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("GOLD FAILS weak-schedule");
    expect(r.stdout).toMatch(/facts: not communicated: the next payment date/);
    expect(r.stdout).toMatch(/self-test below 0\.95/);
  });
});
