import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResultLine, RunMeta } from "../src/run/schema.js";
import {
  caseNumber,
  GOOD_REPLY,
  makeProject,
  type Project,
  readResults,
  runDirFrom,
  VAGUE_REPLY,
} from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";
import { judgeAnswer } from "./helpers/judge-answer.js";
import { type OpenAITestServer, startOpenAIServer } from "./servers/openai-server.js";

/**
 * The call cache through `supportbench run`: an identical re-run against the local OpenAI server
 * makes no call and reaches the same verdicts; `--no-cache` calls again. Between runs the server
 * changes its mind (every answer becomes vague), so an answer that did not come from the cache shows.
 */

const SCENARIOS = 10;
const TRIALS = 2;
const CANDIDATE = "openai:gpt-4o-mini";

function botTexts(l: ResultLine): string[] {
  return l.transcript.flatMap((e) => (e.type === "bot" ? [e.text] : []));
}

function byKey(lines: ResultLine[]): Map<string, ResultLine> {
  return new Map(lines.map((l) => [l.key, l]));
}

describe("a cached re-run through `supportbench run`", () => {
  let server: OpenAITestServer;
  let project: Project;
  let changed = false;
  let stdout = "";

  async function run(...flags: string[]): Promise<ResultLine[]> {
    const r = await runCli(["run", "--no-report", ...flags], { cwd: project.dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    stdout = r.stdout;
    return readResults(runDirFrom(r.stdout, project.dir));
  }

  beforeAll(async () => {
    server = await startOpenAIServer({
      script: (body) => {
        const opening = body.messages.find((m) => m.role === "user")?.content;
        const n = caseNumber(typeof opening === "string" ? opening : "");
        return { content: !changed && n % 2 === 0 ? GOOD_REPLY : VAGUE_REPLY };
      },
    });
    project = makeProject(
      { candidates: [{ provider: CANDIDATE, baseURL: server.baseURL }], concurrency: 8 },
      // One scripted follow-up: two calls per conversation, the second with the first answer in it.
      { scenarios: SCENARIOS, trials: TRIALS, turns: 1 },
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  it("makes zero calls the second time, with the same answers, verdicts, price and timing", async () => {
    const first = await run();
    const calls = SCENARIOS * TRIALS * 2;
    expect(server.stats.requests).toBe(calls);
    expect(first).toHaveLength(SCENARIOS * TRIALS);
    expect(first.every((l) => l.usage.calls === 2 && l.usage.cached_calls === 0)).toBe(true);
    expect(first.reduce((a, l) => a + l.usage.cost_usd, 0)).toBeGreaterThan(0);
    expect(new Set(first.map((l) => l.verdict))).toEqual(new Set(["pass", "fail"]));

    expect(stdout).not.toMatch(/from the cache/);
    changed = true;
    const second = await run();
    expect(server.stats.requests).toBe(calls);
    expect(stdout).toContain(`${CANDIDATE}: ${calls} of ${calls} calls answered from the cache`);
    const before = byKey(first);
    expect(second).toHaveLength(first.length);
    for (const l of second) {
      const was = before.get(l.key)!;
      expect(l.run).not.toBe(was.run);
      expect(l.verdict).toBe(was.verdict);
      expect(botTexts(l)).toEqual(botTexts(was));
      // The figures describe the bot, not the cache: a replayed answer keeps its price and its time.
      expect(l.usage).toMatchObject({ calls: 2, cached_calls: 2, cost_usd: was.usage.cost_usd });
      expect(l.usage.input_tokens).toBe(was.usage.input_tokens);
      expect(Math.abs(l.bot_ms - was.bot_ms)).toBeLessThanOrEqual(2);
    }
  });

  it("--no-cache calls the server again and neither reads nor writes the cache", async () => {
    const calls = server.stats.requests;
    const fresh = await run("--no-cache");
    expect(server.stats.requests).toBe(calls + SCENARIOS * TRIALS * 2);
    // The server now answers vaguely: every trial fails, so these answers are new.
    expect(fresh.every((l) => l.verdict === "fail" && l.usage.cached_calls === 0)).toBe(true);

    // The cache still holds the first answers, not the ones --no-cache got.
    const cached = await run();
    expect(server.stats.requests).toBe(calls + SCENARIOS * TRIALS * 2);
    const passes = cached.filter((l) => l.verdict === "pass");
    expect(passes).toHaveLength((SCENARIOS / 2) * TRIALS);
    expect(passes.every((l) => botTexts(l).every((t) => t === GOOD_REPLY))).toBe(true);
  });
});

describe("the judge through the call cache", () => {
  let bot: OpenAITestServer;
  let judgeServer: OpenAITestServer;
  let project: Project;

  beforeAll(async () => {
    bot = await startOpenAIServer({ script: () => ({ content: GOOD_REPLY }) });
    judgeServer = await startOpenAIServer({ script: judgeAnswer });
    project = makeProject(
      { candidates: [{ provider: CANDIDATE, baseURL: bot.baseURL }], concurrency: 4 },
      { scenarios: 4, trials: 1, turns: 0 },
    );
  });

  afterAll(async () => {
    await bot?.close();
    await judgeServer?.close();
  });

  it("re-grading an unchanged run asks the judge nothing, though every call fences the transcript with a new delimiter", async () => {
    const judge = `openai:judge-model?baseURL=${encodeURIComponent(judgeServer.baseURL)}`;
    const r = await runCli(["run", "--no-report"], { cwd: project.dir });
    expect(r.code).toBe(0);
    const runDir = runDirFrom(r.stdout, project.dir);
    const grade = async (out: string) => {
      const g = await runCli(["grade", runDir, "--judge", judge, "--out", out, "--no-report"], { cwd: project.dir });
      expect(g.stderr).not.toMatch(/internal error/);
      expect(g.code).toBe(0);
      const dir = /results: (.*)results\.jsonl/.exec(g.stdout)![1]!;
      return readRunJson(path.resolve(project.dir, dir));
    };
    const first = await grade("g1");
    expect(judgeServer.stats.requests).toBe(4);
    expect(first.judge_usage).toMatchObject({ calls: 4, cached_calls: 0 });
    expect(first.judge_usage!.input_tokens).toBeGreaterThan(0);
    const delimiters = new Set(
      judgeServer.requests.map((b) => /<<<DATA (\S+)>>>/.exec(JSON.stringify(b.messages))?.[1]),
    );
    expect(delimiters.size).toBe(4);

    const second = await grade("g2");
    expect(judgeServer.stats.requests).toBe(4);
    // What the judge spent: nothing; the four answers were paid for by the first grade.
    expect(second.judge_usage).toMatchObject({ calls: 4, cached_calls: 4, input_tokens: 0, cost_usd: 0 });
  });
});

function readRunJson(dir: string): RunMeta {
  return RunMeta.parse(JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")));
}
