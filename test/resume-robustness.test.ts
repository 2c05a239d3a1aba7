import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, rawLines, readMeta, readResults, runDirFrom } from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";

/**
 * --resume, grade and merge on run folders that are not as the run left them: resumed through
 * the `latest` link, with a torn or damaged results file, a damaged run.json, changed suites or
 * another judge. Every case is an ordinary run or a clear input error (exit 2), never a crash.
 */

const BOT = "module:./instant-bot.mjs";

async function finishedRun(scenarios = 6) {
  const project = makeProject({ candidates: [BOT] }, { scenarios });
  const r = await runCli(["run", "--no-report"], { cwd: project.dir });
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  return { project, runDir: runDirFrom(r.stdout, project.dir) };
}

describe("--resume", () => {
  it("through reports/latest: resumes the run it points at and leaves the link pointing there", async () => {
    const { project, runDir } = await finishedRun();
    // As if killed after two trials.
    writeFileSync(path.join(runDir, "results.jsonl"), `${rawLines(runDir).slice(0, 2).join("\n")}\n`);
    const r = await runCli(["run", "--resume", "reports/latest", "--no-report"], { cwd: project.dir });
    expect(r.stderr).not.toMatch(/internal error|ELOOP/);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("6 trials, 2 already done");
    const latest = path.join(project.reports, "latest");
    expect(lstatSync(latest).isSymbolicLink()).toBe(true);
    expect(readlinkSync(latest)).not.toBe("latest");
    expect(realpathSync(latest)).toBe(realpathSync(runDir));
    expect(readResults(runDir)).toHaveLength(6);
    expect(readMeta(runDir).status).toBe("complete");
    // Resuming a complete run through the link again changes nothing.
    const again = await runCli(["run", "--resume", "reports/latest", "--no-report"], { cwd: project.dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("6 trials, 6 already done");
    expect(realpathSync(latest)).toBe(realpathSync(runDir));
  });

  it("a truncated last line is cut and its trial run again, not counted as done", async () => {
    const { project, runDir } = await finishedRun();
    const file = path.join(runDir, "results.jsonl");
    const text = readFileSync(file, "utf8");
    // Drop the newline and the last 100 characters: a run killed in the middle of its last write.
    writeFileSync(file, text.slice(0, text.length - 101));
    const r = await runCli(["run", "--resume", path.relative(project.dir, runDir), "--no-report"], {
      cwd: project.dir,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("6 trials, 5 already done");
    const lines = readResults(runDir);
    expect(lines).toHaveLength(6);
    expect(new Set(lines.map((l) => l.key)).size).toBe(6);
    expect(readMeta(runDir).status).toBe("complete");
  });

  it("a damaged line inside results.jsonl is an input error naming file:line, and the run is left as it was", async () => {
    const { project, runDir } = await finishedRun();
    const file = path.join(runDir, "results.jsonl");
    const lines = rawLines(runDir);
    lines[2] = lines[2]!.slice(0, 40);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const before = readFileSync(file, "utf8");
    const r = await runCli(["run", "--resume", path.relative(project.dir, runDir), "--no-report"], {
      cwd: project.dir,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3:1: not JSON`);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(readMeta(runDir).status).toBe("complete");
  });

  it("refuses when the suites changed since the run started, naming the suite", async () => {
    const { project, runDir } = await finishedRun();
    writeFileSync(path.join(runDir, "results.jsonl"), `${rawLines(runDir).slice(0, 2).join("\n")}\n`);
    writeFileSync(project.suite, `${readFileSync(project.suite, "utf8")}# edited\n`);
    const r = await runCli(["run", "--resume", path.relative(project.dir, runDir), "--no-report"], {
      cwd: project.dir,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suite `executor` changed since the run started/);
    expect(r.stderr).toMatch(/hint: .*start a new run/);
    expect(rawLines(runDir)).toHaveLength(2);
  });

  it("refuses a judge other than the run's, and an unjudged run resumed with a judge", async () => {
    const { project, runDir } = await finishedRun();
    writeFileSync(path.join(runDir, "results.jsonl"), `${rawLines(runDir).slice(0, 2).join("\n")}\n`);
    const rel = path.relative(project.dir, runDir);
    const r = await runCli(
      ["run", "--resume", rel, "--no-report", "--judge", "openai:gpt-4.1?baseURL=http://127.0.0.1:9/v1"],
      { cwd: project.dir, env: { OPENAI_API_KEY: "sk-test" } },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the run has no judge, but this resume asks for `judge:openai:gpt-4\.1/);
    expect(rawLines(runDir)).toHaveLength(2);

    // A run recorded as judged, resumed with another judge.
    const meta = JSON.parse(readFileSync(path.join(runDir, "run.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(path.join(runDir, "run.json"), JSON.stringify({ ...meta, judge: "judge:openai:gpt-4.1" }));
    const other = await runCli(["run", "--resume", rel, "--no-report", "--judge", "anthropic:claude-haiku-4-5"], {
      cwd: project.dir,
      env: { ANTHROPIC_API_KEY: "sk-test" },
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/graded by `judge:openai:gpt-4\.1`, but this resume asks for/);
    expect(other.stderr).toMatch(/hint: resume with --judge openai:gpt-4\.1/);
    expect(rawLines(runDir)).toHaveLength(2);
  });

  it("a damaged run.json is an input error naming it, for --resume, grade and merge", async () => {
    const { project, runDir } = await finishedRun(2);
    const runJson = path.join(runDir, "run.json");
    const text = readFileSync(runJson, "utf8");
    writeFileSync(runJson, text.slice(0, text.length / 2));
    const rel = path.relative(project.dir, runDir);
    for (const args of [
      ["run", "--resume", rel, "--no-report"],
      ["grade", rel, "--no-report"],
      ["merge", rel, "--out", "merged", "--no-report"],
    ]) {
      const r = await runCli(args, { cwd: project.dir });
      expect(r.stderr, args.join(" ")).not.toMatch(/internal error/);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(`${runJson}:`);
      expect(r.stderr).toMatch(/run\.json is not valid JSON/);
    }
    // Valid JSON that does not fit the schema names the field.
    writeFileSync(runJson, JSON.stringify({ ...JSON.parse(text), planned_trials: "many" }));
    const r = await runCli(["grade", rel, "--no-report"], { cwd: project.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run\.json: planned_trials: /);
  });
});

describe("grade and merge read a torn last line as the report does", () => {
  it("skip it with a warning and go on", async () => {
    const { project, runDir } = await finishedRun(4);
    const file = path.join(runDir, "results.jsonl");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, `${text}{"v":1,"run":"torn","key":"executor/case-0`);
    const rel = path.relative(project.dir, runDir);
    const g = await runCli(["grade", rel, "--no-report", "--out", "regraded"], { cwd: project.dir });
    expect(g.stderr).not.toMatch(/internal error/);
    expect(g.code).toBe(0);
    expect(g.stderr).toMatch(/warning: .*results\.jsonl:5:1: torn last line/);
    expect(g.stdout).toContain("re-graded 4 trials");
    const m = await runCli(["merge", rel, "--out", "merged", "--no-report"], { cwd: project.dir });
    expect(m.code).toBe(0);
    expect(m.stderr).toMatch(/warning: .*torn last line/);
    expect(m.stdout).toContain("4 trials");
    expect(existsSync(path.join(project.dir, "merged", "latest", "results.jsonl"))).toBe(true);
  });

  it("a damaged line that is not the last is still an error", async () => {
    const { project, runDir } = await finishedRun(4);
    const file = path.join(runDir, "results.jsonl");
    const lines = rawLines(runDir);
    lines[1] = "{not json";
    writeFileSync(file, `${lines.join("\n")}\n`);
    const m = await runCli(["merge", path.relative(project.dir, runDir), "--out", "merged", "--no-report"], {
      cwd: project.dir,
    });
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(`${file}:2:1: not JSON`);
  });
});
