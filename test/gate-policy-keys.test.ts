import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GateResult } from "../src/gate/schema.js";
import { runCli } from "./helpers/cli.js";
import { scenarios, writeRun } from "./helpers/gate-runs.js";

/** The gate must not pass by accident: a misspelled group or an unfinished run is never a green build. */

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-gate-keys-"));

function setup(policy: string | Buffer, runMeta: Parameters<typeof writeRun>[1] = {}) {
  const dir = tmp();
  writeFileSync(path.join(dir, "gate.yaml"), policy);
  const lines = [
    ...scenarios(9, 1, { language: "en", intent: "refund.status" }, "a"),
    ...scenarios(5, 0, { language: "de", intent: "payment.late_fee" }, "b"),
  ];
  writeRun(lines, runMeta, path.join(dir, "run"));
  return dir;
}

describe("supportbench gate: policy keys are checked against the run", () => {
  it("exits 2 on a language or intent that no trial has, with position, did-you-mean and the known values", async () => {
    const dir = setup(
      [
        "pass_rate:",
        "  language:",
        "    english: { min: 0.99, on: estimate }",
        "    de: { min: 0.5, on: estimate }",
        "  intent:",
        "    refund.stauts: { min: 0.99, on: estimate }",
        "    claims.fraud: { min: 0.99, on: estimate }",
        "",
      ].join("\n"),
    );
    const r = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n");
    expect(lines).toContain("gate.yaml:3:5: pass_rate.language: no trial of the run has language `english`");
    expect(lines).toContain("  hint: did you mean `en`? the run's languages: de, en");
    expect(lines).toContain("gate.yaml:6:5: pass_rate.intent: no trial of the run has intent `refund.stauts`");
    expect(lines).toContain("  hint: did you mean `refund.status`? the run's intents: payment.late_fee, refund.status");
    expect(lines).toContain("gate.yaml:7:5: pass_rate.intent: no trial of the run has intent `claims.fraud`");
    expect(lines).toContain("  hint: the run's intents: payment.late_fee, refund.status");
    expect(r.stderr).toMatch(/3 problems found/);
  });

  it("still accepts `*` and groups the run has", async () => {
    const dir = setup(
      "pass_rate:\n  language:\n    '*': { min: 0.5, on: estimate }\n    en: { min: 0.5, on: estimate }\n  intent:\n    refund.status: { min: 0.5, on: estimate }\n",
    );
    const r = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^supportbench gate: PASSED \(3 passed of 3 rules\)/);
  });
});

describe("supportbench gate: incomplete runs", () => {
  const policy = "pass_rate:\n  overall: { min: 0.5, on: estimate }\n";

  it("fails (exit 1) on an interrupted run, saying what is missing and what to do", async () => {
    const dir = setup(policy, { status: "interrupted", planned_trials: 30 });
    const r = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^supportbench gate: FAILED: 1 of 2 rules failed \(1 passed\)/);
    expect(r.stdout).toMatch(
      /FAIL {2}run complete +run run-1 is interrupted, 15 of 30 planned trials recorded: finish it with `supportbench run --resume <run-dir>`, or set `allow_incomplete: true` in the policy/,
    );
    const json = await runCli(["gate", "run", "--policy", "gate.yaml", "--json"], { cwd: dir });
    const result = GateResult.parse(JSON.parse(json.stdout));
    expect(result.rules.find((x) => x.rule === "run_complete")).toMatchObject({ status: "fail", on: "run_status" });
  });

  it("fails on a run marked complete that recorded fewer trials than planned", async () => {
    const dir = setup(policy, { status: "complete", planned_trials: 16 });
    const r = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/run run-1 is complete, 15 of 16 planned trials recorded/);
  });

  it("passes an incomplete run when the policy allows it, with a note", async () => {
    const dir = setup(`${policy}allow_incomplete: true\n`, { status: "interrupted", planned_trials: 30 });
    const r = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^supportbench gate: PASSED \(1 passed of 1 rule\)/);
    expect(r.stdout).toMatch(/Incomplete run allowed by the policy \(allow_incomplete: true\)/);
  });

  it("passes a complete run without the rule", async () => {
    const r = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: setup(policy) });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/run complete/);
  });
});

describe("supportbench gate: a policy that is not UTF-8", () => {
  it("exits 2 naming the encoding", async () => {
    const dir = setup(
      Buffer.from("# Schwellenwerte für Größe\npass_rate:\n  overall: { min: 0.5, on: estimate }\n", "latin1"),
    );
    const r = await runCli(["gate", "run", "--policy", "gate.yaml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("gate.yaml:1:19: the file is not UTF-8: byte 0xFC is not valid UTF-8");
  });
});
