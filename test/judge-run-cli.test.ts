import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOOD_REPLY, makeProject, rawLines, readMeta, readResults, runDirFrom } from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";
import { judgeAnswer } from "./helpers/judge-answer.js";
import { type OpenAITestServer, startOpenAIServer } from "./servers/openai-server.js";

/**
 * A judged run through the CLI against a local OpenAI-protocol server that plays both the
 * candidate and the judge: what the judge spent is printed, a resumed run keeps its judge, the
 * same-family warning names `--candidate` models, Ctrl-C during `grade` stops it as interrupted,
 * and a calibration in which every judge call failed does not pass for a result.
 */

const isJudge = (body: ChatCompletionCreateParams) => {
  const tool = body.tools?.[0];
  return tool?.type === "function" && tool.function.name === "submit_grades";
};

let server: OpenAITestServer;
let broken: OpenAITestServer;
let judgeCalls = 0;
/** When set, the judge request with this number (from 1) presses Ctrl-C. */
let interruptAtJudgeCall: number | undefined;

const spec = (s: OpenAITestServer, model: string) => `openai:${model}?baseURL=${encodeURIComponent(s.baseURL)}`;

beforeAll(async () => {
  server = await startOpenAIServer({
    script: (body) => {
      if (!isJudge(body)) return { content: GOOD_REPLY };
      judgeCalls++;
      if (judgeCalls === interruptAtJudgeCall) process.emit("SIGINT");
      return judgeAnswer(body);
    },
  });
  // A judge that never calls the submit tool: every judge call fails.
  broken = await startOpenAIServer({ script: () => ({ content: "I would rather not grade this." }) });
});
afterAll(async () => {
  await server.close();
  await broken.close();
});

const SPEND =
  /^judge: (\d+) calls \((\d+) repairs, (\d+) failures\), \S+ tokens in \/ \S+ out, \$\d+\.\d\d — ([\d,]+) tokens a judged conversation$/m;

function checkSpend(stdout: string, runDir: string): void {
  const m = SPEND.exec(stdout);
  expect(m, stdout).not.toBeNull();
  const usage = readMeta(runDir).judge_usage!;
  expect(Number(m![1])).toBe(usage.calls);
  expect(Number(m![2])).toBe(usage.repairs);
  expect(Number(m![3])).toBe(usage.failures);
  const judged = readResults(runDir).filter((l) => l.grades.some((g) => g.kind === "judge")).length;
  expect(judged).toBeGreaterThan(0);
  expect(Number(m![4]!.replace(/,/g, ""))).toBe(Math.round((usage.input_tokens + usage.output_tokens) / judged));
}

describe("a judged run through the CLI", () => {
  it("prints what the judge spent after run and grade, and warns when judge and --candidate share a family", async () => {
    const project = makeProject({ candidates: ["builtin:reference"] }, { scenarios: 3 });
    const candidate = spec(server, "gpt-4.1-mini");
    const judge = spec(server, "gpt-4.1");
    const r = await runCli(["run", "--candidate", candidate, "--judge", judge, "--no-report", "--no-cache"], {
      cwd: project.dir,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: judge openai:gpt-4\.1\S* and candidate openai:gpt-4\.1-mini\S* are both gpt models/,
    );
    const runDir = runDirFrom(r.stdout, project.dir);
    expect(readMeta(runDir).judge_usage?.calls).toBe(3);
    checkSpend(r.stdout, runDir);

    const g = await runCli(["grade", runDir, "--judge", judge, "--no-report", "--no-cache", "--out", "regraded"], {
      cwd: project.dir,
    });
    expect(g.code).toBe(0);
    checkSpend(g.stdout, runDirFrom(g.stdout, project.dir));

    // Without a judge there is nothing to say.
    const plain = await runCli(["run", "--no-report"], { cwd: project.dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toMatch(/^judge: /m);
  });

  it("a run killed midway and resumed without --judge keeps its judge for the rest", async () => {
    const project = makeProject({ candidates: ["builtin:reference"] }, { scenarios: 4 });
    const judge = spec(server, "judge-model");
    const r = await runCli(["run", "--judge", judge, "--no-report", "--no-cache"], { cwd: project.dir });
    expect(r.code).toBe(0);
    const runDir = runDirFrom(r.stdout, project.dir);
    // As if killed after two trials.
    writeFileSync(path.join(runDir, "results.jsonl"), `${rawLines(runDir).slice(0, 2).join("\n")}\n`);
    const before = readMeta(runDir).judge_usage!.calls;
    const resumed = await runCli(["run", "--resume", path.relative(project.dir, runDir), "--no-report", "--no-cache"], {
      cwd: project.dir,
    });
    expect(resumed.stderr).not.toMatch(/internal error/);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming with the run's judge: judge:openai:judge-model/);
    const lines = readResults(runDir);
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(
        l.grades.some((g) => g.kind === "judge"),
        l.key,
      ).toBe(true);
      expect(
        l.grades.some((g) => g.kind === "heuristic"),
        l.key,
      ).toBe(false);
    }
    const meta = readMeta(runDir);
    expect(meta.judge).toBe(`judge:${judge}`);
    // Judge spending is summed over both sessions.
    expect(meta.judge_usage!.calls).toBe(before + 2);
  });

  it("Ctrl-C during grade: exit 130, the partial run marked interrupted with no reports, and how to finish", async () => {
    const project = makeProject({ candidates: ["builtin:reference"] }, { scenarios: 8 });
    const r = await runCli(["run", "--no-report"], { cwd: project.dir });
    expect(r.code).toBe(0);
    const runDir = runDirFrom(r.stdout, project.dir);
    judgeCalls = 0;
    interruptAtJudgeCall = 3;
    try {
      const g = await runCli(
        ["grade", runDir, "--judge", spec(server, "judge-model"), "--no-cache", "--out", "regraded"],
        {
          cwd: project.dir,
        },
      );
      expect(g.stderr).not.toMatch(/internal error/);
      expect(g.code).toBe(130);
      expect(g.stderr).toMatch(/re-grading cannot be resumed: run `supportbench grade .* --judge .*` again/);
      const out = runDirFrom(g.stdout, project.dir);
      const meta = readMeta(out);
      expect(meta.status).toBe("interrupted");
      expect(meta.regraded_from).toBe(readMeta(runDir).run);
      const lines = readResults(out);
      expect(lines.length).toBeLessThan(8);
      // No trial graded while its judge call was cut short is stored.
      expect(lines.every((l) => l.verdict !== "error")).toBe(true);
      expect(existsSync(path.join(out, "index.html"))).toBe(false);
      expect(existsSync(path.join(out, "summary.json"))).toBe(false);
    } finally {
      interruptAtJudgeCall = undefined;
    }
  });

  it("calibrate fails when every judge call failed, instead of reporting nothing as a result", async () => {
    const attach = makeProject({ candidates: ["builtin:reference"] }, { scenarios: 1 });
    const run = await runCli(["run", "--no-report"], { cwd: attach.dir });
    const runDir = runDirFrom(run.stdout, attach.dir);
    const before = readFileSync(path.join(runDir, "run.json"), "utf8");
    const r = await runCli(["calibrate", "--judge", spec(broken, "judge-model"), "--no-cache", "--attach", runDir]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/graded none of the \d+ transcripts \(\d+ grader errors; first: /);
    expect(readFileSync(path.join(runDir, "run.json"), "utf8")).toBe(before);
  });
});
