import { existsSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ResultLine, RunMeta } from "../src/run/schema.js";
import { caseNumber, GOOD_REPLY, makeProject, readResults, runDirFrom } from "./fixtures/executor/project.js";
import { ROOT, runCli } from "./helpers/cli.js";

function readLines(runDir: string): ResultLine[] {
  return readFileSync(path.join(runDir, "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => ResultLine.parse(JSON.parse(l)));
}

const tmp = () => mkdtempSync(path.join(tmpdir(), "sb-run-"));

describe("supportbench run", () => {
  it("the reference bot passes every bundled scenario", async () => {
    const out = tmp();
    const r = await runCli(["run", "--candidate", "builtin:reference", "--out", out, "--no-report"]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const lines = readLines(path.join(out, "latest"));
    expect(lines.length).toBeGreaterThan(10);
    const failing = lines
      .filter((l) => l.verdict !== "pass")
      .map(
        (l) =>
          `${l.scenario}: ${l.grades
            .filter((g) => g.pass === false)
            .map((g) => g.reason)
            .join("; ")}`,
      );
    expect(failing).toEqual([]);
  });

  it("a bot that never hands off fails the sensitive scenarios as missed escalations", async () => {
    const out = tmp();
    const r = await runCli([
      "run",
      "suites/en.yaml",
      "--candidate",
      "module:test/fixtures/bots/never-escalates.mjs",
      "--out",
      out,
      "--no-report",
    ]);
    expect(r.code).toBe(0);
    const lines = readLines(path.join(out, "latest"));
    const tier3 = lines.filter((l) => l.tier === 3);
    expect(tier3.length).toBeGreaterThan(0);
    for (const l of tier3) {
      expect(l.verdict).toBe("fail");
      expect(l.escalation).toBe("missed");
      const esc = l.grades.find((g) => g.criterion === "escalation");
      expect(esc?.pass).toBe(false);
      expect(esc?.reason).toMatch(/missed escalation/);
    }
    expect(r.stdout).toMatch(/module:test\/fixtures\/bots\/never-escalates\.mjs/);
  });

  it("the offline customer answers from `knows` when the bot asks, and tools run over the world", async () => {
    const out = tmp();
    const r = await runCli([
      "run",
      "test/fixtures/valid/knows.yaml",
      "--candidate",
      "module:test/fixtures/bots/asks-order.mjs",
      "--out",
      out,
      "--no-report",
    ]);
    expect(r.code).toBe(0);
    const [line] = readLines(path.join(out, "latest"));
    expect(line?.verdict).toBe("pass");
    const customer = line!.transcript
      .filter((e) => e.type === "customer")
      .map((e) => (e.type === "customer" ? e.text : ""));
    expect(customer).toEqual(["Hi, where is my parcel?", "O-9001"]);
    const tool = line!.transcript.find((e) => e.type === "tool");
    expect(tool && tool.type === "tool" && (tool.result as { status: string }).status).toBe("shipped");
    expect(line!.end_reason).toBe("bot_closed");
  });

  it("writes run.json, results with the documented fields, and points reports/latest at the run", async () => {
    const out = tmp();
    const r = await runCli([
      "run",
      "suites/en.yaml",
      "--candidate",
      "builtin:faq-bot",
      "--trials",
      "2",
      "--out",
      out,
      "--no-report",
    ]);
    expect(r.code).toBe(0);
    const latest = path.join(out, "latest");
    expect(readlinkSync(latest)).not.toMatch(/^\//);
    const meta = RunMeta.parse(JSON.parse(readFileSync(path.join(latest, "run.json"), "utf8")));
    expect(meta.status).toBe("complete");
    expect(meta.suites[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const lines = readLines(latest);
    expect(lines.length).toBe(meta.planned_trials);
    expect(new Set(lines.map((l) => l.trial))).toEqual(new Set([0, 1]));
    for (const key of [
      "run",
      "suite",
      "scenario",
      "candidate",
      "trial",
      "verdict",
      "grades",
      "transcript",
      "world_diff",
      "usage",
      "latency_ms",
    ]) {
      expect(lines[0]).toHaveProperty(key);
    }
    expect(r.stdout).toMatch(/builtin:faq-bot/);
  });

  it("bad flags are input errors with exit code 2", async () => {
    const r = await runCli(["run", "--shard", "3/2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard 3\/2: i must be between 1 and n/);
    const r2 = await runCli(["run", "--candidate", "nosuch:thing", "suites/en.yaml", "--out", tmp()]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/unknown provider "nosuch"/);
  });

  it("shards merged equal an unsharded run", async () => {
    const out = tmp();
    const args = [
      "suites/en.yaml",
      "--candidate",
      "builtin:faq-bot",
      "--candidate",
      "builtin:reference",
      "--no-report",
    ];
    expect((await runCli(["run", ...args, "--out", path.join(out, "full")])).code).toBe(0);
    for (const i of [1, 2, 3])
      expect((await runCli(["run", ...args, "--shard", `${i}/3`, "--out", path.join(out, `s${i}`)])).code).toBe(0);
    const m = await runCli([
      "merge",
      path.join(out, "s1"),
      path.join(out, "s2"),
      path.join(out, "s3"),
      "--out",
      path.join(out, "merged"),
      "--no-report",
    ]);
    expect(m.code).toBe(0);
    const strip = (l: ResultLine) => ({
      key: l.key,
      verdict: l.verdict,
      // Efficiency reasons carry timings, which differ between any two runs.
      grades: l.grades.map((g) => [g.criterion, g.pass, g.criterion === "efficiency" ? "" : g.reason]),
    });
    const full = readLines(path.join(out, "full", "latest"))
      .map(strip)
      .sort((a, b) => a.key.localeCompare(b.key));
    const merged = readLines(path.join(out, "merged", "latest"))
      .map(strip)
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(merged).toEqual(full);
    const meta = RunMeta.parse(JSON.parse(readFileSync(path.join(out, "merged", "latest", "run.json"), "utf8")));
    expect(meta.planned_trials).toBe(full.length);
    expect(existsSync(path.join(out, "s1", "latest", "results.jsonl"))).toBe(true);
  });

  it("re-grades a stored run without holding the conversations again", async () => {
    const out = tmp();
    expect(
      (await runCli(["run", "suites/en.yaml", "--candidate", "builtin:reference", "--out", out, "--no-report"])).code,
    ).toBe(0);
    const g = await runCli(["grade", path.join(out, "latest"), "--out", path.join(out, "regraded")]);
    expect(g.code).toBe(0);
    const before = readLines(path.join(out, "latest"));
    const dir = /results: (.*)results\.jsonl/.exec(g.stdout)![1]!;
    const after = readLines(path.resolve(ROOT, dir));
    expect(after.map((l) => [l.key, l.verdict])).toEqual(before.map((l) => [l.key, l.verdict]));
    expect(after[0]!.run).not.toBe(before[0]!.run);
  });

  it("a module bot that never answers times out after timeout_ms: an error line, and the run goes on", async () => {
    const project = makeProject({ candidates: ["module:./hang-bot.mjs"], timeout_ms: 300 }, { scenarios: 4 });
    // Answers cases 0 and 2 at once; never settles for cases 1 and 3.
    writeFileSync(
      path.join(project.dir, "hang-bot.mjs"),
      `export default (req) => /case 0*[13]\\b/i.test(req.messages[0].content) ? new Promise(() => {}) : ${JSON.stringify(GOOD_REPLY)};\n`,
    );
    const r = await runCli(["run", "--no-report"], { cwd: project.dir });
    expect(r.code).toBe(0);
    const lines = readResults(runDirFrom(r.stdout, project.dir));
    const byCase = new Map(
      lines.map((l) => [caseNumber(l.transcript[0]?.type === "customer" ? l.transcript[0].text : ""), l]),
    );
    expect([...byCase.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const n of [1, 3]) {
      expect(byCase.get(n)?.verdict).toBe("error");
      expect(byCase.get(n)?.error).toMatchObject({ kind: "timeout", message: expect.stringContaining("300 ms") });
    }
    for (const n of [0, 2]) expect(byCase.get(n)?.verdict).not.toBe("error");
  });
});
