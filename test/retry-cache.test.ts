import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheKey, canonicalJson, withCache } from "../src/providers/cache.js";
import { createOpenAICandidate } from "../src/providers/openai.js";
import {
  backoffDelay,
  classifyError,
  errorFromStatus,
  isRetryable,
  NetworkError,
  parseRetryAfter,
  retryAfterFromHeaders,
  withRetries,
} from "../src/providers/retry.js";
import { type BotTurn, type Candidate, ProviderError, type RespondRequest } from "../src/providers/types.js";
import { failure } from "./helpers/failure.js";
import { type OpenAITestServer, startOpenAIServer } from "./servers/openai-server.js";
import { makeRequest, user } from "./servers/requests.js";

/** A hand-written candidate whose every call follows a list of outcomes. */
function scripted(outcomes: (BotTurn | Error | "hang")[]): Candidate & { calls: number; signals: AbortSignal[] } {
  const c = {
    id: "test:scripted",
    family: "test",
    calls: 0,
    signals: [] as AbortSignal[],
    async respond(req: RespondRequest): Promise<BotTurn> {
      c.signals.push(req.signal);
      const outcome = outcomes[c.calls++];
      if (outcome === undefined) throw new Error("no more outcomes");
      // A candidate that ignores its abort signal entirely.
      if (outcome === "hang") return new Promise<BotTurn>(() => {});
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
  return c;
}

function recorder() {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

describe("Retry-After and classification", () => {
  it("reads delta-seconds, HTTP dates and retry-after-ms", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterFromHeaders({ "Retry-After": "4" })).toBe(4000);
  });

  it("maps statuses to kinds and decides what is worth retrying", () => {
    expect(errorFromStatus(429, "x", { "retry-after": "2" })).toMatchObject({ kind: "rate_limit", retryAfterMs: 2000 });
    expect(errorFromStatus(401, "x").kind).toBe("config");
    expect(errorFromStatus(404, "x").kind).toBe("config");
    expect(errorFromStatus(503, "x", { "retry-after": "1" })).toMatchObject({
      kind: "candidate_error",
      status: 503,
      retryAfterMs: 1000,
    });
    expect(isRetryable(errorFromStatus(500, "x"))).toBe(true);
    expect(isRetryable(errorFromStatus(400, "x"))).toBe(false);
    expect(isRetryable(errorFromStatus(401, "x"))).toBe(false);
    expect(isRetryable(new NetworkError("reset"))).toBe(true);
    expect(isRetryable(new ProviderError("candidate_error", "bot threw"))).toBe(false);
    expect(classifyError(new SyntaxError("Unexpected end of JSON input")).kind).toBe("bad_response");
    const wrapped = classifyError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    expect(wrapped).toBeInstanceOf(NetworkError);
    expect(classifyError(new Error("key sk-abcdefghijklmnopqrstuv leaked")).message).not.toContain(
      "sk-abcdefghijklmnopqrstuv",
    );
  });

  it("draws full-jitter backoff under a doubling, capped ceiling", () => {
    expect(backoffDelay(1, 100, 10_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(200);
    expect(backoffDelay(20, 100, 10_000, () => 0.999)).toBe(9990);
    expect(backoffDelay(2, 100, 10_000, () => 0)).toBe(0);
  });
});

describe("withRetries", () => {
  it("retries retryable failures with backoff and returns the first answer", async () => {
    const bot = scripted([errorFromStatus(500, "boom"), new NetworkError("reset"), { text: "ok" }]);
    const { waits, sleep } = recorder();
    const turn = await withRetries(bot, { retries: 3, baseDelayMs: 100, random: () => 0.5, sleep }).respond(
      makeRequest([user("x")]),
    );
    expect(turn).toMatchObject({ text: "ok" });
    expect(bot.calls).toBe(3);
    expect(waits).toEqual([50, 100]);
  });

  it("after a retry, the bot's time is the attempt that answered, not the waits before it", async () => {
    const quick: BotTurn = { text: "ok", usage: { inputTokens: 10, outputTokens: 2 } };
    const bot = scripted([errorFromStatus(429, "slow down", { "retry-after": "1" }), quick]);
    const waited = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const started = performance.now();
    const turn = await withRetries(bot, { retries: 2, sleep: waited }).respond(makeRequest([user("x")]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(turn).toMatchObject({ text: "ok", usage: { inputTokens: 10, outputTokens: 2 } });
    expect(turn.usage?.latencyMs).toBeLessThan(500);
    // Without a retry nothing is added: the engine's own clock times the call.
    const once = await withRetries(scripted([quick]), { retries: 2 }).respond(makeRequest([user("x")]));
    expect(once).toEqual(quick);
  });

  it("never retries config errors or a plain 4xx", async () => {
    const config = scripted([new ProviderError("config", "no key")]);
    expect((await failure(withRetries(config, { retries: 5 }).respond(makeRequest([user("x")])))).kind).toBe("config");
    expect(config.calls).toBe(1);
    const badRequest = scripted([errorFromStatus(400, "context too long")]);
    await failure(withRetries(badRequest, { retries: 5 }).respond(makeRequest([user("x")])));
    expect(badRequest.calls).toBe(1);
  });

  it("gives up at once when Retry-After asks for more than allowed", async () => {
    const bot = scripted([errorFromStatus(429, "slow down", { "retry-after": "3600" })]);
    const { waits, sleep } = recorder();
    const err = await failure(
      withRetries(bot, { retries: 3, maxRetryAfterMs: 60_000, sleep }).respond(makeRequest([user("x")])),
    );
    expect(err.kind).toBe("rate_limit");
    expect(err.message).toContain("asked to wait 3600 s");
    expect(waits).toEqual([]);
  });

  it("times out a candidate that ignores its signal, and aborts the signal it was given", async () => {
    const bot = scripted(["hang", "hang"]);
    const started = Date.now();
    const err = await failure(
      withRetries(bot, { retries: 1, timeoutMs: 100, baseDelayMs: 1 }).respond(makeRequest([user("x")])),
    );
    expect(err.kind).toBe("timeout");
    expect(err.message).toContain("after 2 attempts");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(bot.signals.every((s) => s.aborted)).toBe(true);
  });

  it("wraps unknown exceptions as candidate errors and keeps the candidate's own fields", async () => {
    const bot = scripted([new TypeError("cannot read properties of undefined")]);
    const wrapped = withRetries(bot, { retries: 2 });
    expect(wrapped.family).toBe("test");
    expect(wrapped.calls).toBe(0);
    const err = await failure(wrapped.respond(makeRequest([user("x")])));
    expect(err.kind).toBe("candidate_error");
    expect(err.message).toContain("TypeError: cannot read properties of undefined");
    expect(err.cause).toBeInstanceOf(TypeError);
    expect(bot.calls).toBe(1);
  });

  it("stops waiting between attempts when the caller aborts", async () => {
    const bot = scripted([errorFromStatus(503, "down", { "retry-after": "30" })]);
    const controller = new AbortController();
    const reason = new Error("Ctrl-C");
    setTimeout(() => controller.abort(reason), 30);
    const started = Date.now();
    await expect(
      withRetries(bot, { retries: 3 }).respond(makeRequest([user("x")], { signal: controller.signal })),
    ).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("a fault mix against the local OpenAI server", () => {
  it("accounts for every call: answered or failed with a classified kind, never lost", async () => {
    const server = await startOpenAIServer({
      script: () => ({ content: "ok" }),
      faults: {
        seed: 42,
        rates: { rate_limit: 0.2, server_error: 0.1, delay: 0.05, malformed: 0.02 },
        delayMs: 5_000,
        retryAfter: 1,
      },
    });
    try {
      const bot = withRetries(createOpenAICandidate({ model: "gpt-4o-mini", baseURL: server.baseURL, env: {} }), {
        retries: 3,
        // Generous: client and server share one busy process here, and a cold start is slow.
        timeoutMs: 1_000,
        baseDelayMs: 1,
        sleep: async () => {},
      });
      const calls = 120;
      const outcomes: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < calls) {
            next++;
            try {
              outcomes.push((await bot.respond(makeRequest([user("x")]))).text === "ok" ? "ok" : "wrong");
            } catch (err) {
              outcomes.push(err instanceof ProviderError ? err.kind : "unclassified");
            }
          }
        }),
      );
      expect(outcomes).toHaveLength(calls);
      expect(
        outcomes.filter((o) => !["ok", "rate_limit", "candidate_error", "timeout", "bad_response"].includes(o)),
      ).toEqual([]);
      // Four attempts each make a failure rare; most calls get through.
      expect(outcomes.filter((o) => o === "ok").length).toBeGreaterThan(calls * 0.9);
      const { faults, requests } = server.stats;
      expect(requests).toBeGreaterThan(calls);
      // The seeded draw keeps close to the asked rates.
      expect(faults.rate_limit / requests).toBeGreaterThan(0.12);
      expect(faults.rate_limit / requests).toBeLessThan(0.28);
      expect(faults.server_error).toBeGreaterThan(0);
      expect(faults.delay).toBeGreaterThan(0);
      expect(requests - faults.rate_limit - faults.server_error - faults.malformed - faults.delay).toBe(
        server.stats.answered,
      );
    } finally {
      await server.close();
    }
  });
});

describe("withCache against a local OpenAI server", () => {
  let dir: string;
  let server: OpenAITestServer;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "supportbench-cache-"));
    server = await startOpenAIServer({
      script: (body) => ({
        content: `reply ${body.messages.length} @${body.temperature ?? "default"}`,
        usage: { prompt_tokens: 1_000, completion_tokens: 100 },
      }),
    });
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const model = (temperature = 0.5) =>
    createOpenAICandidate({ model: "gpt-4.1-mini", baseURL: server.baseURL, temperature, env: {} });

  /** The same three conversations, two turns each, as a run would make them. */
  async function run(candidate: Candidate): Promise<BotTurn[]> {
    const turns: BotTurn[] = [];
    for (const conversationId of ["s1#0", "s1#1", "s2#0"]) {
      const context = { conversationId, language: "en", scenarioId: conversationId.split("#")[0]!, domain: "fjordpay" };
      const first = await candidate.respond(makeRequest([user("Where is my refund?")], { context }));
      turns.push(first);
      turns.push(
        await candidate.respond(
          makeRequest(
            [
              user("Where is my refund?"),
              { role: "assistant", content: first.text ?? "", toolCalls: [] },
              user("Thanks"),
            ],
            {
              context,
            },
          ),
        ),
      );
    }
    return turns;
  }

  it("an unchanged re-run makes zero calls; the answers keep the price and time they were bought at", async () => {
    const first = await run(withCache(model(), { dir, params: { model: "gpt-4.1-mini", temperature: 0.5 } }));
    expect(server.stats.requests).toBe(6);
    expect(first.every((t) => t.usage?.cached !== true && (t.usage?.costUsd ?? 0) > 0)).toBe(true);

    const again = withCache(model(), { dir, params: { model: "gpt-4.1-mini", temperature: 0.5 } });
    const second = await run(again);
    expect(server.stats.requests).toBe(6);
    expect(again.cacheStats).toMatchObject({ hits: 6, misses: 0 });
    expect(second.map((t) => t.text)).toEqual(first.map((t) => t.text));
    second.forEach((t, i) => {
      expect(t.usage).toMatchObject({ cached: true, inputTokens: 1_000, costUsd: first[i]!.usage!.costUsd });
      expect(t.usage?.latencyMs).toEqual(expect.any(Number));
    });
  });

  it("misses when a parameter changes, and keeps trials independent unless scoped to content", async () => {
    await run(withCache(model(0.5), { dir, params: { temperature: 0.5 } }));
    expect(server.stats.requests).toBe(6);
    await run(withCache(model(0.9), { dir, params: { temperature: 0.9 } }));
    expect(server.stats.requests).toBe(12);

    // By content, the identical first turns of s1#0, s1#1 and s2#0 share one answer.
    const shared = withCache(model(0.5), { dir: join(dir, "content"), params: { temperature: 0.5 }, scope: "content" });
    await run(shared);
    expect(shared.cacheStats).toMatchObject({ misses: 2, hits: 4 });
  });

  it("never stores an answer holding secret-like text, and returns it as answered", async () => {
    const secretEnv = { SHOP_API_KEY: "shop-secret-value-123" };
    for (const text of [
      "debug: the key is shop-secret-value-123",
      "debug: sk-abcdefghijklmnop1234 in use",
      "Reset it here: https://example.com/reset?token=RST-2291-XK",
    ]) {
      const leaky: Candidate = { id: "test:leaky", respond: async () => ({ text }) };
      const cached = withCache(leaky, { dir, env: secretEnv });
      const req = makeRequest([user(text)]);
      expect((await cached.respond(req)).text).toBe(text);
      expect(cached.cacheStats).toMatchObject({ hits: 0, misses: 1, writes: 0, unstorable: 1 });
      const key = cacheKey("test:leaky", req);
      await expect(readdir(join(dir, key.slice(0, 2)))).rejects.toThrow(/ENOENT/);
    }
  });

  it("writes whole entries atomically and ignores broken ones", async () => {
    const plain: Candidate = { id: "test:plain", respond: async () => ({ text: "Your refund is on its way." }) };
    const req = makeRequest([user("x")]);
    await withCache(plain, { dir }).respond(req);
    const key = cacheKey("test:plain", req);
    expect(await readdir(join(dir, key.slice(0, 2)))).toEqual([`${key}.json`]);
    const stored = JSON.parse(await readFile(join(dir, key.slice(0, 2), `${key}.json`), "utf8"));
    expect(stored.turn.text).toBe("Your refund is on its way.");

    await writeFile(join(dir, key.slice(0, 2), `${key}.json`), '{"v":1,"turn":{"te');
    const fresh = withCache(plain, { dir });
    await fresh.respond(req);
    expect(fresh.cacheStats).toMatchObject({ hits: 0, misses: 1, writes: 1 });
    expect((await withCache(plain, { dir }).respond(req)).usage?.cached).toBe(true);
  });

  it("keys a call without its volatile text (a judge's random fence delimiter)", () => {
    const ask = (d: string) =>
      makeRequest([user(`<<<TRANSCRIPT ${d}>>> hello <<<END TRANSCRIPT ${d}>>>`)], {
        system: `Read between the ${d} markers.`,
        volatile: [d],
      });
    expect(cacheKey("judge", ask("a1b2c3d4e5f6a7b8c9d0e1f2"))).toBe(cacheKey("judge", ask("0f1e2d3c4b5a69788796a5b4")));
    const { volatile: _v, ...fixed } = ask("a1b2c3d4e5f6a7b8c9d0e1f2");
    expect(cacheKey("judge", fixed)).not.toBe(cacheKey("judge", ask("0f1e2d3c4b5a69788796a5b4")));
  });

  it("does not cache failures", async () => {
    const failing = scripted([errorFromStatus(500, "boom"), { text: "fine" }]);
    const cached = withCache(failing, { dir });
    await failure(cached.respond(makeRequest([user("x")])));
    expect((await cached.respond(makeRequest([user("x")]))).text).toBe("fine");
    expect(cached.cacheStats).toMatchObject({ hits: 0, misses: 2, writes: 1 });
  });

  it("keys do not depend on the order of object keys", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    const a = makeRequest([user("x")], {
      tools: [{ name: "t", description: "d", parameters: { type: "object", properties: {} } }],
    });
    const b = makeRequest([user("x")], {
      tools: [{ parameters: { properties: {}, type: "object" }, description: "d", name: "t" }],
    });
    expect(cacheKey("p", a)).toBe(cacheKey("p", b));
    expect(cacheKey("p", a)).not.toBe(cacheKey("q", a));
  });
});
