import { readFileSync } from "node:fs";
import path from "node:path";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSummaryJson } from "../src/report/summary-json.js";
import type { ResultLine } from "../src/run/schema.js";
import {
  caseId,
  caseNumber,
  GOOD_REPLY,
  makeProject,
  rawLines,
  readMeta,
  readResults,
  runDirFrom,
  VAGUE_REPLY,
} from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";
import { type Fault, type FaultKind, seededRandom } from "./servers/harness.js";
import { type OpenAITestServer, startOpenAIServer } from "./servers/openai-server.js";

/**
 * 500 trials (50 single-turn scenarios × 10) through `supportbench run` against the local OpenAI
 * protocol server, through the official SDK, while the server answers 20% of requests with 429
 * (Retry-After 50 ms), 10% with 500, delays 5% past the per-call timeout and breaks 2% of bodies.
 * Four scenarios fail every attempt in one fixed way, so each error kind is seen end to end.
 */

const SCENARIOS = 50;
const TRIALS = 10;
const RETRIES = 2;
// Roomy: server and client share one process on a shared 2-core machine; a slow answer is a delay fault.
const TIMEOUT_MS = 5_000;
const MODEL = "gpt-4o-mini";
const CANDIDATE = `openai:${MODEL}`;

/** Cases whose every request draws the same fault, and the error kind each must end in. */
const DOOMED: Record<number, { fault: Fault; kind: string; message: RegExp }> = {
  45: { fault: { kind: "rate_limit", retryAfter: "0.05" }, kind: "rate_limit", message: /429/ },
  46: { fault: { kind: "server_error" }, kind: "candidate_error", message: /500/ },
  47: { fault: { kind: "delay", ms: 60_000 }, kind: "timeout", message: /no answer within 5000 ms/ },
  48: { fault: { kind: "malformed" }, kind: "bad_response", message: /unreadable answer|not a chat completion/ },
};

/** What each error kind's message must say, so a kind cannot be a mislabel. */
const MESSAGE_OF_KIND: Record<string, RegExp> = {
  rate_limit: /429/,
  candidate_error: /500/,
  timeout: /no answer within 5000 ms/,
  bad_response: /unreadable answer|not a chat completion/,
};

/** The seeded mix for every other case: 20% 429, 10% 500, 5% too slow, 2% malformed. */
function mixedFaults(seed: number): (body: ChatCompletionCreateParams) => Fault | null {
  const random = seededRandom(seed);
  return () => {
    const r = random();
    if (r < 0.2) return { kind: "rate_limit", retryAfter: "0.05" };
    if (r < 0.3) return { kind: "server_error" };
    if (r < 0.35) return { kind: "delay", ms: 60_000 };
    if (r < 0.37) return { kind: "malformed" };
    return null;
  };
}

/** A request index as letters ("ref-bcd" for 123), so it cannot add a number the facts grader would read. */
function refToken(index: number): string {
  return `ref-${[...String(index)].map((d) => String.fromCharCode(97 + Number(d))).join("")}`;
}

function openingOf(body: ChatCompletionCreateParams): string {
  const first = body.messages.find((m) => m.role === "user");
  return typeof first?.content === "string" ? first.content : "";
}

describe("500 trials through `supportbench run` under injected faults", () => {
  let server: OpenAITestServer;
  let lines: ResultLine[];
  let raw: string[];
  let stdout: string;
  let runDir: string;
  /** Requests per case and what the mixed cases drew. */
  const requestsByCase = new Map<number, number>();
  const answered = new Set<string>();
  const mixed: Record<FaultKind | "none", number> = {
    none: 0,
    rate_limit: 0,
    server_error: 0,
    delay: 0,
    malformed: 0,
    reset: 0,
  };

  beforeAll(async () => {
    const draw = mixedFaults(20_250_404);
    server = await startOpenAIServer({
      // Even cases get the fact, odd ones a vague answer: pass and fail must both survive the faults.
      // Each answer carries its own token, so a trial can be traced to the one answer it used.
      script: (body, index) => {
        const token = refToken(index);
        answered.add(token);
        return { content: `${caseNumber(openingOf(body)) % 2 === 0 ? GOOD_REPLY : VAGUE_REPLY} (${token})` };
      },
      faults: (_index, body) => {
        const n = caseNumber(openingOf(body as ChatCompletionCreateParams));
        requestsByCase.set(n, (requestsByCase.get(n) ?? 0) + 1);
        const doomed = DOOMED[n];
        if (doomed) return doomed.fault;
        const fault = draw(body as ChatCompletionCreateParams);
        mixed[fault?.kind ?? "none"]++;
        return fault;
      },
    });
    const project = makeProject(
      {
        candidates: [{ provider: CANDIDATE, baseURL: server.baseURL }],
        timeout_ms: TIMEOUT_MS,
        retries: RETRIES,
        concurrency: 50,
      },
      { scenarios: SCENARIOS, trials: TRIALS },
    );
    const r = await runCli(["run", "--no-cache"], { cwd: project.dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    stdout = r.stdout;
    runDir = runDirFrom(r.stdout, project.dir);
    raw = rawLines(runDir);
    lines = readResults(runDir);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it("writes exactly one valid line per planned trial: 500 lines, 500 distinct keys, none missing", () => {
    expect(raw).toHaveLength(SCENARIOS * TRIALS);
    const keys = new Set(lines.map((l) => l.key));
    expect(keys.size).toBe(SCENARIOS * TRIALS);
    const planned = new Set(
      Array.from({ length: SCENARIOS * TRIALS }, (_, i) => {
        const s = Math.floor(i / TRIALS);
        return `executor/${caseId(s)}/${CANDIDATE}#${i % TRIALS}`;
      }),
    );
    expect(keys).toEqual(planned);
    const meta = readMeta(runDir);
    expect(meta.status).toBe("complete");
    expect(meta.planned_trials).toBe(SCENARIOS * TRIALS);
  });

  it("gives every trial a verdict of pass, fail or error, and an error exactly when the conversation failed", () => {
    for (const l of lines) {
      expect(["pass", "fail", "error"]).toContain(l.verdict);
      expect(l.verdict === "error").toBe(l.error !== undefined);
    }
  });

  it("never turns a fault into a pass or a fail: answered trials get the verdict their answer deserves", () => {
    for (const l of lines.filter((x) => x.verdict !== "error")) {
      const n = Number(l.scenario.slice(-3));
      expect(DOOMED[n]).toBeUndefined();
      expect(l.verdict).toBe(n % 2 === 0 ? "pass" : "fail");
      expect(l.end_reason).toBe("customer_done");
      expect(l.usage.calls).toBe(1);
    }
    // Each graded trial holds one answer the server really sent, and no answer serves two trials.
    const used = lines
      .filter((l) => l.verdict !== "error")
      .map((l) => {
        const bot = l.transcript.find((e) => e.type === "bot");
        return bot?.type === "bot" ? (/\((ref-[a-j]+)\)/.exec(bot.text)?.[1] ?? "none") : "none";
      });
    expect(used.filter((t) => !answered.has(t))).toEqual([]);
    expect(new Set(used).size).toBe(used.length);
    // Answers the client gave up on (late on a busy machine) are the only ones not used.
    expect(server.stats.answered).toBeGreaterThanOrEqual(used.length);
  });

  it("classifies each error by what the server did, after the configured retries", () => {
    for (const [n, doomed] of Object.entries(DOOMED)) {
      const trials = lines.filter((l) => l.scenario === caseId(Number(n)));
      expect(trials).toHaveLength(TRIALS);
      for (const l of trials) {
        expect(l.verdict).toBe("error");
        expect(l.error?.kind).toBe(doomed.kind);
        expect(l.error?.message).toMatch(doomed.message);
        expect(l.error?.message).toMatch(`after ${RETRIES + 1} attempts`);
      }
      // The first attempt and exactly RETRIES more, for every trial.
      expect(requestsByCase.get(Number(n))).toBe(TRIALS * (RETRIES + 1));
    }
    const mixedErrors = lines.filter(
      (l) => l.verdict === "error" && DOOMED[Number(l.scenario.slice(-3))] === undefined,
    );
    for (const l of mixedErrors) {
      const kind = l.error!.kind;
      expect(Object.keys(MESSAGE_OF_KIND)).toContain(kind);
      expect(l.error!.message).toMatch(MESSAGE_OF_KIND[kind]!);
    }
  });

  it("retried most faults away: the seeded mix hit at about the asked rates, and few mixed trials failed", () => {
    const drawn = Object.values(mixed).reduce((a, b) => a + b, 0);
    expect(drawn).toBeGreaterThan(460);
    const rate = (k: FaultKind) => mixed[k] / drawn;
    expect(rate("rate_limit")).toBeGreaterThan(0.14);
    expect(rate("rate_limit")).toBeLessThan(0.26);
    expect(rate("server_error")).toBeGreaterThan(0.05);
    expect(rate("server_error")).toBeLessThan(0.15);
    expect(mixed.delay).toBeGreaterThan(0);
    expect(mixed.malformed).toBeGreaterThan(0);
    // A trial errs only when all three attempts fault: about 0.37³ ≈ 5% of 460.
    const mixedTrials = lines.filter((l) => DOOMED[Number(l.scenario.slice(-3))] === undefined);
    const errors = mixedTrials.filter((l) => l.verdict === "error").length;
    expect(errors).toBeLessThan(mixedTrials.length * 0.15);
    expect(mixedTrials.filter((l) => l.verdict !== "error").length).toBeGreaterThan(mixedTrials.length * 0.85);
  });

  it("keeps errors out of the pass rates of the analysis and counts them by kind", () => {
    const summary = parseSummaryJson(readFileSync(path.join(runDir, "summary.json"), "utf8"));
    const c = summary.candidates.find((x) => x.candidate === CANDIDATE)!;
    const count = (v: string) => lines.filter((l) => l.verdict === v).length;
    expect(c.trials).toBe(SCENARIOS * TRIALS);
    expect(c.graded).toBe(count("pass") + count("fail"));
    expect(c.pass.n).toBe(count("pass") + count("fail"));
    expect(c.pass.passes).toBe(count("pass"));
    expect(c.errors.total).toBe(count("error"));
    const byKind: Record<string, number> = {};
    for (const l of lines) if (l.error) byKind[l.error.kind] = (byKind[l.error.kind] ?? 0) + 1;
    expect(c.errors.by_kind).toEqual(byKind);
  });

  it("reports the errors in the terminal summary apart from passes and fails", () => {
    const row = stdout.split("\n").find((l) => l.startsWith(CANDIDATE));
    expect(row).toBeDefined();
    const cells = row!.trim().split(/\s+/);
    const errors = lines.filter((l) => l.verdict === "error").length;
    expect(cells[1]).toBe(String(SCENARIOS * TRIALS));
    expect(cells[8]).toBe(String(errors));
  });
});
