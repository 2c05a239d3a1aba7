import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  caseId,
  makeProject,
  rawLines,
  readMeta,
  readResults,
  runDirFrom,
  suiteYaml,
} from "./fixtures/executor/project.js";
import { BIN, runBin, runCli } from "./helpers/cli.js";

/**
 * Real runs of the built CLI (`npm run build` first) in a child process, killed or interrupted
 * half-way and then resumed: no trial may be lost, none run twice, and what was written stays.
 */

const SCENARIOS = 50;
const TRIALS = 2;
const PLANNED = SCENARIOS * TRIALS;
const BOT = "module:./slow-bot.mjs";

function plannedKeys(suite = "executor", scenarios = SCENARIOS, trials = TRIALS): string[] {
  return Array.from(
    { length: scenarios * trials },
    (_, i) => `${suite}/${caseId(Math.floor(i / trials))}/${BOT}#${i % trials}`,
  );
}

interface Started {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], cwd: string, env: NodeJS.ProcessEnv): Started {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

/** Waits until the newest run under reports/ holds at least n whole lines; returns that run's folder. */
async function waitForLines(reports: string, n: number, proc: Started): Promise<string> {
  const latest = path.join(reports, "latest");
  const deadline = Date.now() + 60_000;
  let exitedEarly = false;
  void proc.exited.then(() => {
    exitedEarly = true;
  });
  while (Date.now() < deadline) {
    const file = path.join(latest, "results.jsonl");
    if (existsSync(file)) {
      const whole = readFileSync(file, "utf8").split("\n").length - 1;
      if (whole >= n) return path.resolve(reports, readlinkSync(latest));
    }
    if (exitedEarly) throw new Error(`the run ended before ${n} lines:\n${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no ${n} lines within a minute:\n${proc.stderr()}`);
}

function callsLogged(log: string): string[] {
  return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
}

describe("a killed run resumed", () => {
  it("SIGKILL half-way, then --resume: every trial exactly once, the written lines untouched", async () => {
    const project = makeProject({ candidates: [BOT] }, { scenarios: SCENARIOS, trials: TRIALS });
    const log = path.join(project.dir, "calls.log");
    const env = { SLOW_BOT_MS: "60", SLOW_BOT_LOG: log };
    const proc = start(["run", "--candidate", BOT, "--concurrency", "4", "--no-report"], project.dir, env);
    const runDir = await waitForLines(project.reports, PLANNED / 2, proc);
    proc.child.kill("SIGKILL");
    expect((await proc.exited).signal).toBe("SIGKILL");

    const resultsFile = path.join(runDir, "results.jsonl");
    const written = readFileSync(resultsFile, "utf8");
    const kept = written.slice(0, written.lastIndexOf("\n") + 1);
    const done = kept.split("\n").filter(Boolean).length;
    expect(done).toBeGreaterThanOrEqual(PLANNED / 2);
    expect(done).toBeLessThan(PLANNED);
    expect(readMeta(runDir).status).toBe("running");
    const callsBefore = callsLogged(log).length;
    // A kill in the middle of a write leaves half a line; the resumed run must cut it.
    appendFileSync(resultsFile, '{"v":1,"run":"torn","key":"executor/case-0');

    const r = await runBin(["run", "--resume", path.relative(project.dir, runDir), "--no-report"], {
      cwd: project.dir,
      env,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${PLANNED} trials, ${done} already done`);

    const after = readFileSync(resultsFile, "utf8");
    expect(after.startsWith(kept)).toBe(true);
    expect(after).not.toContain('"run":"torn"');
    const lines = readResults(runDir);
    expect(lines).toHaveLength(PLANNED);
    expect(lines.map((l) => l.key).sort()).toEqual(plannedKeys().sort());
    // The resumed run held only the missing conversations, one bot call each.
    expect(callsLogged(log).length - callsBefore).toBe(PLANNED - done);
    expect(new Set(lines.map((l) => l.run)).size).toBe(1);
    for (const l of lines) expect(l.verdict).toBe(Number(l.scenario.slice(-3)) % 2 === 0 ? "pass" : "fail");
    const meta = readMeta(runDir);
    expect(meta.status).toBe("complete");
    expect(meta.planned_trials).toBe(PLANNED);
    expect(meta.ended_at).not.toBeNull();
  }, 180_000);

  it("one Ctrl-C: exits 130 with what is done written and a resume hint that completes the run", async () => {
    const project = makeProject({ candidates: [BOT] }, { scenarios: SCENARIOS, trials: TRIALS });
    const env = { SLOW_BOT_MS: "60" };
    const proc = start(["run", "--candidate", BOT, "--concurrency", "4", "--no-report"], project.dir, env);
    const runDir = await waitForLines(project.reports, 20, proc);
    proc.child.kill("SIGINT");
    const { code } = await proc.exited;
    expect(code).toBe(130);
    const stderr = proc.stderr();
    expect(stderr).toMatch(/stopping: finishing what is done/);
    const hint = /interrupted: (\d+) trials written; finish with: supportbench (run --resume \S+)/.exec(stderr);
    expect(hint, stderr).not.toBeNull();
    const written = Number(hint![1]);
    expect(written).toBeGreaterThanOrEqual(20);
    expect(written).toBeLessThan(PLANNED);
    // Every line is whole: the in-flight conversations finished and were written, nothing after.
    expect(readFileSync(path.join(runDir, "results.jsonl"), "utf8").endsWith("\n")).toBe(true);
    expect(readResults(runDir)).toHaveLength(written);
    expect(readMeta(runDir).status).toBe("interrupted");

    const r = await runBin([...hint![2]!.split(" "), "--no-report"], { cwd: project.dir, env });
    expect(r.code).toBe(0);
    const lines = readResults(runDir);
    expect(lines.map((l) => l.key).sort()).toEqual(plannedKeys().sort());
    expect(readMeta(runDir).status).toBe("complete");
  }, 180_000);

  it("one Ctrl-C also stops a run whose bot never waits (an in-process bot)", async () => {
    const project = makeProject({ candidates: ["module:./instant-bot.mjs"] }, { scenarios: SCENARIOS, trials: 400 });
    const planned = SCENARIOS * 400;
    const proc = start(["run", "--no-report"], project.dir, {});
    const runDir = await waitForLines(project.reports, 200, proc);
    proc.child.kill("SIGINT");
    // A run that ignores the signal would go on for all 20,000 trials; give it a few seconds.
    const stopped = await Promise.race([
      proc.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000)),
    ]);
    if (!stopped) proc.child.kill("SIGKILL");
    expect(stopped?.code, proc.stderr().slice(-500)).toBe(130);
    expect(proc.stderr()).toMatch(/interrupted: \d+ trials written/);
    const written = readResults(runDir).length;
    expect(written).toBeLessThan(planned);
    expect(readMeta(runDir).status).toBe("interrupted");
  }, 120_000);

  it("the resume hint completes a run that was started on a suite named on the command line", async () => {
    const project = makeProject({ candidates: [BOT] }, { scenarios: 4, trials: 1 });
    writeFileSync(
      path.join(project.dir, "other.yaml"),
      suiteYaml({ scenarios: 6 }).replace("suite: executor", "suite: other"),
    );
    const env = { SLOW_BOT_MS: "1" };
    const first = await runCli(["run", "other.yaml", "--no-report"], { cwd: project.dir, env });
    expect(first.code).toBe(0);
    const runDir = runDirFrom(first.stdout, project.dir);
    // As if killed after two trials.
    writeFileSync(path.join(runDir, "results.jsonl"), `${rawLines(runDir).slice(0, 2).join("\n")}\n`);

    // The command the interrupt hint prints: no suite globs.
    const r = await runCli(["run", "--resume", path.relative(project.dir, runDir), "--no-report"], {
      cwd: project.dir,
      env,
    });
    expect(r.code).toBe(0);
    const keys = readResults(runDir).map((l) => l.key);
    expect(keys.sort()).toEqual(plannedKeys("other", 6, 1).sort());
    expect(readMeta(runDir).planned_trials).toBe(6);
  });
});
