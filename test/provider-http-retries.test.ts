import { afterEach, describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/config/schema.js";
import { createHttpBotCandidate } from "../src/providers/http-bot.js";
import { errorFromStatus, isRetryable, NetworkError, ResponseShapeError, withRetries } from "../src/providers/retry.js";
import { ProviderError } from "../src/providers/types.js";
import { makeProject, readResults, runDirFrom } from "./fixtures/executor/project.js";
import { runCli } from "./helpers/cli.js";
import { failure } from "./helpers/failure.js";
import { startOpenAIServer } from "./servers/openai-server.js";
import { makeRequest, user } from "./servers/requests.js";
import { startWebhookBotServer, type WebhookBotOptions, type WebhookBotServer } from "./servers/webhook-bot.js";

/**
 * What is sent again after a failure: never a request a stateful bot may already hold, never an
 * answer whose mapping cannot fit; model APIs keep their retries.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(options: WebhookBotOptions): Promise<WebhookBotServer> {
  const server = await startWebhookBotServer(options);
  closers.push(() => server.close());
  return server;
}

const REPLY = "Refunds are paid within 5 business days after the merchant confirms the return.";

async function run(config: Partial<ConfigInput>) {
  const p = makeProject({ retries: 4, ...config }, { scenarios: 1, trials: 1 });
  const r = await runCli(["run", "--no-report"], { cwd: p.dir });
  expect(r.stderr).not.toMatch(/internal error/);
  return readResults(runDirFrom(r.stdout, p.dir));
}

describe("retries of deployed bots", () => {
  it("stateful: a slow answer is not sent again, so the bot's session holds the message once", async () => {
    let release: () => void = () => {};
    const slowFirst = new Promise<void>((resolve) => {
      release = resolve;
    });
    const bot = await serve({
      mode: "stateful",
      // The bot takes the message into its session, then thinks past the client's timeout.
      script: async (_turn, i) => {
        if (i === 0) await slowFirst;
        return { text: REPLY, end: true };
      },
    });
    const [line] = await run({
      timeout_ms: 300,
      candidates: [
        { id: "bot", provider: bot.endpoint, options: { session: "stateful", response: { text: "output.text" } } },
      ],
    });
    release();
    expect(line!.error).toMatchObject({ kind: "timeout" });
    expect(line!.error!.message).toContain("not retried: the bot keeps state and may have received the request");
    expect(bot.stats.requests).toBe(1);
    const [session] = [...bot.sessions.values()];
    expect(session!.filter((m) => m.role === "user")).toHaveLength(1);
  });

  it("stateful: a 429 and a refused connection are retried, a 5xx is not", async () => {
    const limited = await serve({
      mode: "stateful",
      script: () => ({ text: REPLY, end: true }),
      faults: [{ kind: "rate_limit", retryAfter: "0.01" }],
    });
    const [ok] = await run({
      candidates: [
        { id: "bot", provider: limited.endpoint, options: { session: "stateful", response: { text: "output.text" } } },
      ],
    });
    expect(ok!.error).toBeUndefined();
    expect(limited.stats.requests).toBe(2);

    const failing = await serve({
      mode: "stateful",
      script: () => ({ text: REPLY, end: true }),
      faults: [{ kind: "server_error", status: 502 }],
    });
    const [error] = await run({
      candidates: [
        { id: "bot", provider: failing.endpoint, options: { session: "stateful", response: { text: "output.text" } } },
      ],
    });
    expect(error!.error).toMatchObject({ kind: "candidate_error" });
    expect(failing.stats.requests).toBe(1);

    // Nothing listens on port 9 of this machine: the request never left, so trying again is safe.
    const refused = withRetries(
      createHttpBotCandidate(
        { url: "http://127.0.0.1:9/chat", session: "stateful", response: { text: "reply" } },
        { env: {} },
      ),
      { retries: 2, baseDelayMs: 1, stateful: true },
    );
    const err = await failure(refused.respond(makeRequest([user("x")])));
    expect(err.message).toMatch(/ECONNREFUSED.*after 3 attempts/);
  });

  it("history: a 5xx is still retried, since the bot gets the whole conversation each time", async () => {
    const bot = await serve({
      mode: "stateless",
      script: () => ({ text: REPLY, end: true }),
      faults: [{ kind: "server_error" }],
    });
    const [line] = await run({
      candidates: [
        { id: "bot", provider: bot.endpoint, options: { session: "history", response: { text: "output.text" } } },
      ],
    });
    expect(line!.error).toBeUndefined();
    expect(bot.stats.requests).toBe(2);
  });

  it("a response mapping that finds no text is never retried", async () => {
    const bot = await serve({ mode: "stateless", script: () => ({ text: REPLY }) });
    const [line] = await run({
      candidates: [{ id: "bot", provider: bot.endpoint, options: { session: "history", response: { text: "reply" } } }],
    });
    expect(line!.error).toMatchObject({ kind: "bad_response" });
    expect(line!.error!.message).toContain('no reply text at "reply"');
    expect(line!.error!.message).not.toContain("attempts");
    expect(bot.stats.requests).toBe(1);
  });
});

describe("what is worth another try", () => {
  it("never an answer of the wrong shape; still a body cut off on the way", () => {
    expect(isRetryable(new ResponseShapeError("no reply text"))).toBe(false);
    expect(isRetryable(new ProviderError("bad_response", "the answer is not JSON"))).toBe(true);
    expect(isRetryable(errorFromStatus(503, "x"))).toBe(true);
    expect(isRetryable(new NetworkError("reset"))).toBe(true);
  });
});

describe("retries of model APIs", () => {
  it("still retry 429, 5xx and slow answers", async () => {
    const server = await startOpenAIServer({
      script: () => ({ content: REPLY }),
      faults: [{ kind: "rate_limit", retryAfter: "0.01" }, { kind: "server_error" }, { kind: "delay", ms: 2_000 }],
    });
    closers.push(() => server.close());
    const p = makeProject({ retries: 4, timeout_ms: 500 }, { scenarios: 1, trials: 1 });
    const r = await runCli(
      ["run", "--no-report", "--no-cache", "--candidate", `openai:gpt-4o-mini?baseURL=${server.baseURL}`],
      {
        cwd: p.dir,
      },
    );
    const [line] = readResults(runDirFrom(r.stdout, p.dir));
    expect(line!.error).toBeUndefined();
    expect(server.stats.requests).toBe(4);
  });
});
