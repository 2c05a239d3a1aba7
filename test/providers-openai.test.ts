import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { afterEach, describe, expect, it } from "vitest";
import { modelFamily } from "../src/providers/model-family.js";
import { apiKeyFor, isLoopbackUrl, isOfficialApi } from "../src/providers/model-options.js";
import { createOpenAICandidate, OPENAI_API, toOpenAIMessages } from "../src/providers/openai.js";
import { NetworkError, withRetries } from "../src/providers/retry.js";
import { ProviderError } from "../src/providers/types.js";
import { failure } from "./helpers/failure.js";
import type { TestServer } from "./servers/harness.js";
import { type OpenAIReply, type OpenAITestServer, startOpenAIServer } from "./servers/openai-server.js";
import { assistant, makeRequest, toolResult, user } from "./servers/requests.js";

const servers: TestServer<unknown>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Parameters<typeof startOpenAIServer>[0]): Promise<OpenAITestServer> {
  const server = await startOpenAIServer(options);
  servers.push(server as TestServer<unknown>);
  return server;
}

const KEY = "sk-test-4f8a1c2e9b7d6f5a3c1e0b9d";
const env = { TEST_OPENAI_KEY: KEY };

function candidate(server: OpenAITestServer, extra: Partial<Parameters<typeof createOpenAICandidate>[0]> = {}) {
  return createOpenAICandidate({
    model: "gpt-4o-mini",
    baseURL: server.baseURL,
    apiKeyEnv: "TEST_OPENAI_KEY",
    env,
    ...extra,
  });
}

/** A bot that looks the order up first, then answers from the tool result. */
function orderBot(body: ChatCompletionCreateParams): OpenAIReply {
  const last = body.messages.at(-1);
  if (last?.role === "tool") {
    const order = JSON.parse(String(last.content)) as { status: string };
    return { content: `Your order is ${order.status}.`, usage: { prompt_tokens: 120, completion_tokens: 8 } };
  }
  return { toolCalls: [{ id: "call_lookup", name: "lookup_order", arguments: { order_id: "O-7781" } }] };
}

describe("openai candidate against a local chat completions server", () => {
  it("sends model, system prompt, tools and sampling parameters, and maps the reply and its cost", async () => {
    const server = await serve({
      script: [{ content: "Hello! How can I help?", usage: { prompt_tokens: 1000, completion_tokens: 500 } }],
    });
    const bot = candidate(server, { temperature: 0.2, seed: 7, maxTokens: 300 });
    const turn = await bot.respond(makeRequest([user("Hi")]));

    expect(turn.text).toBe("Hello! How can I help?");
    expect(turn.toolCalls).toBeUndefined();
    // gpt-4o-mini: $0.15 / $0.60 per 1M tokens.
    expect(turn.usage?.inputTokens).toBe(1000);
    expect(turn.usage?.outputTokens).toBe(500);
    expect(turn.usage?.costUsd).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 12);

    const sent = server.requests[0]!;
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.temperature).toBe(0.2);
    expect(sent.seed).toBe(7);
    expect(sent.max_tokens).toBe(300);
    expect(sent.messages[0]).toEqual({ role: "system", content: expect.stringContaining("FjordPay") });
    expect(sent.tools?.map((t) => (t.type === "function" ? t.function.name : ""))).toEqual([
      "lookup_order",
      "escalate_to_human",
    ]);
    expect(server.headers[0]!.authorization).toBe(`Bearer ${KEY}`);
    expect(bot.id).toBe("openai:gpt-4o-mini");
    expect(bot.family).toBe("gpt");
  });

  it("round-trips a tool call: the tool result goes back and the answer uses it", async () => {
    const server = await serve({ script: orderBot });
    const bot = candidate(server);
    const first = await bot.respond(makeRequest([user("Where is my refund for O-7781?")]));
    expect(first.text).toBeUndefined();
    expect(first.toolCalls).toEqual([{ id: "call_lookup", name: "lookup_order", args: { order_id: "O-7781" } }]);

    const history = [
      user("Where is my refund for O-7781?"),
      assistant("", first.toolCalls),
      toolResult("call_lookup", "lookup_order", { id: "O-7781", status: "returned" }),
    ];
    const second = await bot.respond(makeRequest(history));
    expect(second.text).toBe("Your order is returned.");
    // The server checks the tool_call_id pairing as the real API does; the request passed it.
    const sent = server.requests[1]!;
    expect(sent.messages.slice(1)).toEqual([
      { role: "user", content: "Where is my refund for O-7781?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_lookup",
            type: "function",
            function: { name: "lookup_order", arguments: '{"order_id":"O-7781"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_lookup", content: '{"id":"O-7781","status":"returned"}' },
    ]);
  });

  it("forces a tool with toolChoice and lets a request's temperature win over the option", async () => {
    const server = await serve({ script: [{ toolCalls: [{ name: "lookup_order", arguments: { order_id: "O-1" } }] }] });
    const bot = candidate(server, { temperature: 0.9 });
    await bot.respond(makeRequest([user("x")], { toolChoice: "lookup_order", temperature: 0 }));
    expect(server.requests[0]!.tool_choice).toEqual({ type: "function", function: { name: "lookup_order" } });
    expect(server.requests[0]!.temperature).toBe(0);
  });

  it("maps an escalate_to_human call to a hand-off and keeps the tool call", async () => {
    const server = await serve({
      script: [
        {
          content: "I am passing you to a colleague.",
          toolCalls: [
            {
              id: "call_esc",
              name: "escalate_to_human",
              arguments: { reason: "bereavement", summary: "Customer's husband died; wants the card closed." },
            },
          ],
        },
      ],
    });
    const turn = await candidate(server).respond(makeRequest([user("My husband passed away")]));
    expect(turn.handoff).toEqual({ reason: "bereavement", summary: "Customer's husband died; wants the card closed." });
    expect(turn.toolCalls?.[0]?.name).toBe("escalate_to_human");
    expect(turn.text).toBe("I am passing you to a colleague.");
  });

  it("keeps tool arguments that are not JSON as text, for the engine to report", async () => {
    const server = await serve({
      script: [{ toolCalls: [{ id: "c1", name: "lookup_order", arguments: "{order_id: O-1" }] }],
    });
    const turn = await candidate(server).respond(makeRequest([user("x")]));
    expect(turn.toolCalls?.[0]?.args).toBe("{order_id: O-1");
  });

  it("streams: assembles text, several tool calls split over deltas, and usage from the last chunk", async () => {
    const server = await serve({
      chunkSize: 2,
      script: [
        {
          content: "Let me check both orders for you.",
          toolCalls: [
            { id: "call_a", name: "lookup_order", arguments: { order_id: "O-7781" } },
            { id: "call_b", name: "lookup_order", arguments: { order_id: "O-9910" } },
          ],
          usage: { prompt_tokens: 321, completion_tokens: 45 },
        },
      ],
    });
    const turn = await candidate(server, { stream: true }).respond(makeRequest([user("Two orders")]));
    expect(turn.text).toBe("Let me check both orders for you.");
    expect(turn.toolCalls).toEqual([
      { id: "call_a", name: "lookup_order", args: { order_id: "O-7781" } },
      { id: "call_b", name: "lookup_order", args: { order_id: "O-9910" } },
    ]);
    expect(turn.usage).toMatchObject({ inputTokens: 321, outputTokens: 45 });
    expect(server.requests[0]!.stream).toBe(true);
    expect(server.requests[0]!.stream_options).toEqual({ include_usage: true });
  });

  it("a missing key is a config error that names the variable, unless a loopback server needs none", async () => {
    const noKey = () => createOpenAICandidate({ model: "gpt-4o", env: {} });
    expect(noKey).toThrow(ProviderError);
    try {
      noKey();
    } catch (err) {
      expect((err as ProviderError).kind).toBe("config");
      expect((err as ProviderError).message).toContain("OPENAI_API_KEY");
    }
    expect(() => createOpenAICandidate({ model: "m", baseURL: "https://llm.example.com/v1", env: {} })).toThrow(
      /OPENAI_API_KEY/,
    );
    expect(() =>
      createOpenAICandidate({ model: "m", baseURL: "http://127.0.0.1:1/v1", apiKeyEnv: "VLLM_KEY", env: {} }),
    ).toThrow(/VLLM_KEY/);

    const server = await serve({ script: [{ content: "ok" }] });
    const local = createOpenAICandidate({ model: "llama3.1:8b", baseURL: server.baseURL, env: {} });
    expect((await local.respond(makeRequest([user("hi")]))).text).toBe("ok");
    expect(local.family).toBe("llama");
    expect(server.requests[0]!.max_tokens).toBeUndefined();
  });

  it("a rejected key is a config error whose message never shows the key", async () => {
    const server = await serve({ script: [], apiKey: "sk-the-right-key-000000000000" });
    const err = await failure(candidate(server).respond(makeRequest([user("hi")])));
    expect(err.kind).toBe("config");
    expect(err.status).toBe(401);
    expect(err.message).toContain("Incorrect API key");
    expect(err.message).not.toContain(KEY);
    expect(err.message).toContain("[redacted]");
  });

  it("classifies a malformed body as bad_response, streamed or not", async () => {
    const server = await serve({ script: [], faults: [{ kind: "malformed" }, { kind: "malformed" }] });
    expect((await failure(candidate(server).respond(makeRequest([user("a")])))).kind).toBe("bad_response");
    expect((await failure(candidate(server, { stream: true }).respond(makeRequest([user("a")])))).kind).toBe(
      "bad_response",
    );
  });

  it("a tool call cut at the token limit is a candidate error that is not retried", async () => {
    const server = await serve({
      script: [{ toolCalls: [{ id: "c", name: "lookup_order", arguments: '{"order_' }], finishReason: "length" }],
    });
    const bot = withRetries(candidate(server), { retries: 3, sleep: async () => {} });
    const err = await failure(bot.respond(makeRequest([user("x")])));
    expect(err.kind).toBe("candidate_error");
    expect(server.stats.requests).toBe(1);
  });

  it("honours Retry-After on 429 through withRetries, and reports rate_limit when retries run out", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const server = await serve({
      script: [{ content: "finally" }],
      faults: [
        { kind: "rate_limit", retryAfter: 2 },
        { kind: "rate_limit", retryAfter: 7 },
      ],
    });
    const turn = await withRetries(candidate(server), { retries: 3, sleep }).respond(makeRequest([user("x")]));
    expect(turn.text).toBe("finally");
    expect(waits).toEqual([2000, 7000]);
    expect(server.stats).toMatchObject({ requests: 3, answered: 1, faults: { rate_limit: 2 } });

    const busy = await serve({ script: [], faults: () => ({ kind: "rate_limit", retryAfter: 1 }) });
    const err = await failure(withRetries(candidate(busy), { retries: 2, sleep }).respond(makeRequest([user("x")])));
    expect(err.kind).toBe("rate_limit");
    expect(err.retryAfterMs).toBe(1000);
    expect(err.message).toMatch(/after 3 attempts/);
    expect(busy.stats.requests).toBe(3);
  });

  it("waits for real on a Retry-After of one second", async () => {
    const server = await serve({ script: [{ content: "ok" }], faults: [{ kind: "rate_limit", retryAfter: 1 }] });
    const started = Date.now();
    await withRetries(candidate(server), { retries: 1 }).respond(makeRequest([user("x")]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("retries a 500 and a dropped connection, then answers", async () => {
    const server = await serve({
      script: [{ content: "recovered" }],
      faults: [{ kind: "server_error" }, { kind: "reset" }, { kind: "server_error", status: 503 }],
    });
    const errors: ProviderError[] = [];
    const bot = withRetries(candidate(server), { retries: 3, baseDelayMs: 1, onRetry: (e) => errors.push(e.error) });
    expect((await bot.respond(makeRequest([user("x")]))).text).toBe("recovered");
    expect(errors.map((e) => [e.kind, e.status])).toEqual([
      ["candidate_error", 500],
      ["candidate_error", undefined],
      ["candidate_error", 503],
    ]);
    expect(errors[1]).toBeInstanceOf(NetworkError);
  });

  it("classifies an answer slower than the per-call timeout as timeout, and retries it", async () => {
    const server = await serve({
      script: [{ content: "slow" }, { content: "fast" }],
      faults: [{ kind: "delay", ms: 10_000 }],
    });
    const started = Date.now();
    // Room for a busy machine to answer the retry, far below the injected delay.
    const bot = withRetries(candidate(server), { retries: 1, timeoutMs: 1_500, baseDelayMs: 1 });
    expect((await bot.respond(makeRequest([user("x")]))).text).toBe("slow");
    expect(Date.now() - started).toBeLessThan(8_000);

    const stuck = await serve({ script: [], faults: () => ({ kind: "delay", ms: 3_000 }) });
    const err = await failure(
      withRetries(candidate(stuck, { stream: true }), { retries: 1, timeoutMs: 150, baseDelayMs: 1 }).respond(
        makeRequest([user("x")]),
      ),
    );
    expect(err.kind).toBe("timeout");
    expect(stuck.stats.requests).toBe(2);
  });

  it("passes the caller's abort through unclassified", async () => {
    const server = await serve({ script: [], faults: () => ({ kind: "delay", ms: 3_000 }) });
    const controller = new AbortController();
    const reason = new Error("interrupted by the user");
    setTimeout(() => controller.abort(reason), 50);
    const bot = withRetries(candidate(server), { retries: 3, timeoutMs: 10_000 });
    await expect(bot.respond(makeRequest([user("x")], { signal: controller.signal }))).rejects.toBe(reason);
  });
});

describe("openai helpers", () => {
  it("maps an empty assistant text without tool calls to an empty string, not null", () => {
    expect(toOpenAIMessages(undefined, [assistant("")])).toEqual([{ role: "assistant", content: "" }]);
  });
  it("knows loopback addresses and model families", () => {
    expect(isLoopbackUrl("http://localhost:11434/v1")).toBe(true);
    expect(isLoopbackUrl("http://[::1]:8000/v1")).toBe(true);
    expect(isLoopbackUrl("http://127.0.0.5/v1")).toBe(true);
    expect(isLoopbackUrl("https://api.openai.com/v1")).toBe(false);
    expect(isLoopbackUrl("http://10.0.0.2/v1")).toBe(false);
    expect(modelFamily("o3-mini")).toBe("gpt");
    expect(modelFamily("Qwen/Qwen2.5-7B-Instruct")).toBe("qwen");
    expect(modelFamily("my-model")).toBeNull();
  });
  it("sends OPENAI_API_KEY only to OpenAI's own API over https", () => {
    const env = { OPENAI_API_KEY: "sk-proj-0000000000000000", GW_KEY: "gw-0000000000" };
    expect(isOfficialApi(undefined, OPENAI_API)).toBe(true);
    expect(isOfficialApi("https://api.openai.com/v1", OPENAI_API)).toBe(true);
    expect(isOfficialApi("http://api.openai.com/v1", OPENAI_API)).toBe(false);
    expect(isOfficialApi("https://api.openai.com.evil.example/v1", OPENAI_API)).toBe(false);
    expect(apiKeyFor({ model: "m", env }, "x", OPENAI_API)).toBe(env.OPENAI_API_KEY);
    expect(apiKeyFor({ model: "m", baseURL: "https://api.openai.com/v1", env }, "x", OPENAI_API)).toBe(
      env.OPENAI_API_KEY,
    );
    expect(() => apiKeyFor({ model: "m", baseURL: "https://gw.example.com/v1", env }, "x", OPENAI_API)).toThrow(
      "x: no API key for the server at https://gw.example.com/v1: name the environment variable that holds its key with apiKeyEnv (OPENAI_API_KEY is sent only to api.openai.com)",
    );
    expect(
      apiKeyFor({ model: "m", baseURL: "https://gw.example.com/v1", apiKeyEnv: "GW_KEY", env }, "x", OPENAI_API),
    ).toBe(env.GW_KEY);
    expect(apiKeyFor({ model: "m", baseURL: "http://127.0.0.1:8000/v1", env }, "x", OPENAI_API)).toBe("no-key");
  });
});
