import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { makeProject, runDirFrom } from "./fixtures/executor/project.js";
import { type CliResult, runCli } from "./helpers/cli.js";

/**
 * Bad input reaches the user as `file:line:col: message` and exit 2 — never "internal error"
 * (exit 3): provider specs of judges and simulators, paths the CLI cannot write, numbers out of
 * range.
 */

const BOT = "module:./instant-bot.mjs";
const NO_KEYS = { OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "" };

function inputError(r: CliResult, what: string): void {
  expect(r.stderr, what).not.toMatch(/internal error/);
  expect(r.code, `${what}\n${r.stderr}`).toBe(2);
}

async function storedRun() {
  const project = makeProject({ candidates: [BOT] }, { scenarios: 2 });
  const r = await runCli(["run", "--no-report"], { cwd: project.dir });
  expect(r.code).toBe(0);
  return { project, runDir: runDirFrom(r.stdout, project.dir) };
}

describe("judge, simulator and candidate specs", () => {
  it("a bad --judge is an input error on run, grade and calibrate", async () => {
    const { project, runDir } = await storedRun();
    const run = await runCli(["run", "--judge", "foo:bar", "--no-report"], { cwd: project.dir });
    inputError(run, "run --judge foo:bar");
    expect(run.stderr).toMatch(/^--judge:1:1: judge foo:bar: unknown provider "foo"/m);

    const grade = await runCli(["grade", runDir, "--judge", "openai:gpt-4.1", "--no-report"], {
      cwd: project.dir,
      env: NO_KEYS,
    });
    inputError(grade, "grade --judge openai:gpt-4.1 without a key");
    expect(grade.stderr).toMatch(/--judge:1:1: judge openai:gpt-4\.1: .*OPENAI_API_KEY/);

    const cal = await runCli(["calibrate", "--judge", "foo:bar"]);
    inputError(cal, "calibrate --judge foo:bar");
    expect(cal.stderr).toMatch(/unknown provider "foo"/);
  });

  it("bad providers in the config name the config file, line and column", async () => {
    const project = makeProject({ candidates: [BOT] }, { scenarios: 2 });
    const config = path.join(project.dir, "supportbench.config.yaml");
    const base = { suites: ["suite.yaml"], out: "reports" };

    writeFileSync(config, stringify({ ...base, candidates: [BOT], judge: "foo:bar" }));
    const judge = await runCli(["run", "--no-report"], { cwd: project.dir });
    inputError(judge, "config judge: foo:bar");
    expect(judge.stderr).toMatch(/^supportbench\.config\.yaml:\d+:\d+: judge foo:bar: unknown provider "foo"/m);

    writeFileSync(config, stringify({ ...base, candidates: [BOT], simulator: "foo:bar" }));
    const sim = await runCli(["run", "--no-report"], { cwd: project.dir });
    inputError(sim, "config simulator: foo:bar");
    expect(sim.stderr).toMatch(/^supportbench\.config\.yaml:\d+:\d+: simulator foo:bar: unknown provider "foo"/m);

    writeFileSync(config, `suites: [suite.yaml]\nout: reports\ncandidates:\n  - ${BOT}\n  - nosuch:thing\n`);
    const cand = await runCli(["run", "--no-report"], { cwd: project.dir });
    inputError(cand, "config candidates: nosuch:thing");
    expect(cand.stderr).toMatch(/^supportbench\.config\.yaml:5:5: candidate nosuch:thing: unknown provider "nosuch"/m);
    expect(cand.stderr).not.toMatch(/^--candidate/m);

    // On the command line it is still the flag.
    const flag = await runCli(["run", "--candidate", "nosuch:thing", "--no-report"], { cwd: project.dir });
    inputError(flag, "--candidate nosuch:thing");
    expect(flag.stderr).toMatch(/^--candidate:1:1: candidate nosuch:thing/m);
  });
});

describe("paths that cannot be written", () => {
  it("are input errors naming the path, for every command that writes", async () => {
    const { project, runDir } = await storedRun();
    const file = path.join(project.dir, "somefile");
    writeFileSync(file, "x");
    const cases: [string, string[], RegExp][] = [
      ["run --out somefile", ["run", "--out", "somefile", "--no-report"], /somefile.*(ENOTDIR|EEXIST)/],
      ["run --out /dev/null/x", ["run", "--out", "/dev/null/x", "--no-report"], /\/dev\/null\/x.*ENOTDIR/],
      ["init /dev/null/x", ["init", "/dev/null/x"], /\/dev\/null.*(ENOTDIR|EEXIST)/],
      ["report --out /dev/null/x", ["report", runDir, "--out", "/dev/null/x"], /\/dev\/null\/x.*ENOTDIR/],
      [
        "export promptfoo --out /dev/null/x.yaml",
        ["export", "promptfoo", "--out", "/dev/null/x.yaml"],
        /\/dev\/null.*(ENOTDIR|EEXIST)/,
      ],
      [
        "baseline update --out /dev/null/x",
        ["baseline", "update", runDir, "--out", "/dev/null/x"],
        /\/dev\/null.*(ENOTDIR|EEXIST)/,
      ],
    ];
    for (const [what, args, message] of cases) {
      const r = await runCli(args, { cwd: project.dir });
      inputError(r, what);
      expect(r.stderr, what).toMatch(message);
      expect(r.stderr, what).toMatch(/hint: /);
    }
  });
});

describe("numbers", () => {
  it("out of range or not numbers are input errors", async () => {
    const project = makeProject({ candidates: [BOT] }, { scenarios: 2 });
    const turns = await runCli(["run", "--max-turns", "1000", "--no-report"], { cwd: project.dir });
    inputError(turns, "--max-turns 1000");
    expect(turns.stderr).toMatch(/--max-turns takes a whole number from 1 to 50, got "1000"/);

    const trials = await runCli(["run", "--trials", "1e9", "--no-report"], { cwd: project.dir });
    inputError(trials, "--trials 1e9");
    expect(trials.stderr).toMatch(/--trials takes a whole number from 1 to 1000, got "1e9"/);

    // A suite's own trials are held to the same limit.
    const suite = parse(readFileSync(project.suite, "utf8")) as Record<string, unknown>;
    writeFileSync(project.suite, stringify({ ...suite, defaults: { language: "en", trials: 5000 } }));
    const suiteTrials = await runCli(["run", "--no-report"], { cwd: project.dir });
    inputError(suiteTrials, "suite trials: 5000");
    expect(suiteTrials.stderr).toMatch(/suite\.yaml:\d+:1: case-000: 5000 trials is more than the 1000 a run allows/);

    const cal = await runCli(["calibrate", "--concurrency", "abc"]);
    inputError(cal, "calibrate --concurrency abc");
    expect(cal.stderr).toMatch(/--concurrency takes a whole number/);
  });
});

describe("grade --no-report", () => {
  it("names no report it did not write", async () => {
    const { project, runDir } = await storedRun();
    const out = mkdtempSync(path.join(tmpdir(), "sb-grade-"));
    const r = await runCli(["grade", runDir, "--no-report", "--out", out], { cwd: project.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/results: /);
    expect(r.stdout).not.toMatch(/report: /);
    const withReport = await runCli(["grade", runDir, "--out", out], { cwd: project.dir });
    expect(withReport.code).toBe(0);
    expect(withReport.stdout).toMatch(/report: .*index\.html/);
  });
});
