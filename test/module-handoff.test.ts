import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ResultLine } from "../src/run/schema.js";
import { ROOT, runCli } from "./helpers/cli.js";

describe("a module bot's hand-off without a summary", () => {
  it("is graded as a hand-off with an unusable summary, not stored as a bad answer", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sb-handoff-"));
    writeFileSync(
      path.join(dir, "bot.mjs"),
      'export default () => ({ text: "Let me pass you to a colleague.", handoff: { reason: "customer_request" } });\n',
    );
    const r = await runCli(
      ["run", path.join(ROOT, "suites/en.yaml"), "--candidate", "module:./bot.mjs", "--no-report", "--out", "out"],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(path.join(realpathSync(path.join(dir, "out", "latest")), "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => ResultLine.parse(JSON.parse(l)));
    expect(lines.every((l) => l.verdict !== "error")).toBe(true);
    const due = lines.find((l) => l.scenario === "en-human-request-straight-away")!;
    expect(due.escalation).toBe("correct_handoff");
    const summary = due.grades.find((g) => g.criterion === "handoff_summary")!;
    expect(summary.pass).toBe(false);
    expect(due.verdict).toBe("fail");
  });
});
