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
      "forbidden_restyled",
      "fact_removed",
      "date_swapped",
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

describe("realistic mutants", () => {
  it("restyle a forbidden phrase as typed and swap a dotted date's day and month", async () => {
    const { mutantsOf } = await import("../src/graders/selftest/mutants.js");
    const { loadSuites } = await import("../src/suite/load.js");
    const path = await import("node:path");
    const root = path.resolve(import.meta.dirname, "..");
    const loaded = await loadSuites(["suites/de.yaml", "suites/en.yaml"], {
      cwd: root,
      domainsDir: path.join(root, "datasets", "domains"),
    });
    const all = loaded.scenarios.flatMap((s) => mutantsOf(s, loaded.domains.get(s.domain)!));
    const says = (m: (typeof all)[number]) => m.reference.flatMap((r) => ("say" in r ? [r.say] : [])).join("\n");
    const restyled = all.filter((m) => m.mutation === "forbidden_restyled").map(says);
    expect(restyled.some((t) => t.includes("\u2019"))).toBe(true);
    // A swapped reference no longer states the fact's date in any form, though it did before.
    const { findKey } = await import("../src/suite/text-match.js");
    const swapped = loaded.scenarios.flatMap((s) =>
      mutantsOf(s, loaded.domains.get(s.domain)!)
        .filter((m) => m.mutation === "date_swapped")
        .map((m) => ({ s, text: says(m) })),
    );
    expect(swapped.length).toBeGreaterThan(0);
    for (const { s, text } of swapped) {
      const iso = s.expect.facts
        .flatMap((f) => f.keys)
        .find((k) => typeof k === "string" && /^\d{4}-\d{2}-\d{2}$/.test(k));
      const before = s.reference.flatMap((r) => ("say" in r ? [r.say] : [])).join("\n");
      expect(findKey(before, iso as string), s.id).not.toBeNull();
      expect(findKey(text, iso as string), s.id).toBeNull();
    }
  });
});
