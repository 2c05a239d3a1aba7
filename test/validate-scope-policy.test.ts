import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { scenarios, writeRun } from "./helpers/gate-runs.js";

/** `report --policy`: a bad scope policy is reported like a bad suite, at file:line:col with a hint. */

function setup(policy?: string | Buffer): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-scope-policy-"));
  writeRun(scenarios(9, 1), {}, path.join(dir, "run"));
  const file = path.join(dir, "scope.yaml");
  if (policy !== undefined) writeFileSync(file, policy);
  return { dir, file };
}

async function report(dir: string) {
  return runCli(["report", "run", "--policy", "scope.yaml", "--no-html", "--out", "out"], { cwd: dir });
}

describe("supportbench report --policy", () => {
  it("names a missing policy file with exit 2, not a raw ENOENT", async () => {
    const { dir, file } = setup();
    const r = await report(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1:1: scope policy not found`);
    expect(r.stderr).not.toMatch(/ENOENT/);
  });

  it("points at a YAML syntax error", async () => {
    const { dir, file } = setup("automate:\n  min_pass_lower: [0.8\n");
    const r = await report(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: YAML: `, "m"));
  });

  it("points at an unknown key with a suggestion, and at a bad value", async () => {
    const { dir, file } = setup("min_scenarios: 5\nautomate:\n  min_pass_lower: 1.5\n  max_missed_escalaton: 0.1\n");
    const r = await report(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3:19: automate.min_pass_lower: Too big: expected number to be <=1`);
    expect(r.stderr).toContain(`${file}:4:3: unknown key \`max_missed_escalaton\` in automate`);
    expect(r.stderr).toContain("hint: did you mean `max_missed_escalation`?");
  });

  it("rejects a policy that is not UTF-8", async () => {
    const { dir, file } = setup(Buffer.from("name: Größe\n", "latin1"));
    const r = await report(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:1:9: the file is not UTF-8`);
  });

  it("accepts the bundled policy", async () => {
    const { dir } = setup();
    const r = await runCli(["report", "run", "--policy", path.resolve("policies/scope.yaml"), "--no-html"], {
      cwd: dir,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
