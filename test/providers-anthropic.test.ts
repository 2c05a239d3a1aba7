import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicCandidate, toAnthropicMessages } from "../src/providers/anthropic.js";
import { withRetries } from "../src/providers/retry.js";
import { failure } from "./helpers/failure.js";
import {
  type AnthropicReply,
  type AnthropicRequest,
  startAnthropicServer,
  validateMessagesRequest,
} from "./servers/anthropic-server.js";
import type { TestServer } from "./servers/harness.js";
import { assistant, makeRequest, toolResult, user } from "./servers/requests.js";

const servers: TestServer<AnthropicRequest>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Parameters<typeof startAnthropicServer>[0]) {
  const server = await startAnthropicServer(options);
  servers.push(server);
  return server;
}

const KEY = "sk-ant-api03-test-9c8b7a6f5e4d3c2b1a00";
const env = { TEST_ANTHROPIC_KEY: KEY };

function candidate(
  server: TestServer<AnthropicRequest>,
  extra: Partial<Parameters<typeof createAnthropicCandidate>[0]> = {},
) {
  return createAnthropicCandidate({
    model: "claude-sonnet-4-20250514",
    baseURL: server.url,
    apiKeyEnv: "TEST_ANTHROPIC_KEY",
    env,
    ...extra,
  });
}

/** Looks the order up, then answers from the tool_result block. */
function orderBot(body: AnthropicRequest): AnthropicReply {
  const last = body.messages.at(-1)!;
  const result = typeof last.content === "string" ? undefined : last.content.find((b) => b.type === "tool_result");
  if (result?.type === "tool_result") {
    const order = JSON.parse(String(result.content)) as { status: string };
    return { text: `Your order is ${order.status}.` };
  }
  return {
    text: "Let me look that up.",
    toolUses: [{ id: "toolu_lookup", name: "lookup_order", input: { order_id: "O-7781" } }],
  };
}

describe("anthropic candidate against a local messages server", () => {
  it("sends system, tools and max_tokens, and maps text, usage and cost", async () => {
    const server = await serve({
      script: [{ text: "Hello!", usage: { input_tokens: 2000, output_tokens: 100 } }],
      apiKey: KEY,
    });
    const bot = candidate(server, { temperature: 0.3, maxTokens: 512 });
    const turn = await bot.respond(makeRequest([user("Hi")]));
    expect(turn.text).toBe("Hello!");
    // claude-sonnet-4: $3 / $15 per 1M tokens.
    expect(turn.usage).toMatchObject({ inputTokens: 2000, outputTokens: 100 });
    expect(turn.usage?.costUsd).toBeCloseTo((2000 * 3 + 100 * 15) / 1e6, 12);

    const sent = server.requests[0]!;
    expect(sent.model).toBe("claude-sonnet-4-20250514");
    expect(sent.max_tokens).toBe(512);
    expect(sent.temperature).toBe(0.3);
    expect(sent.system).toContain("FjordPay");
    expect(sent.tools?.[0]).toMatchObject({
      name: "lookup_order",
      input_schema: { type: "object", required: ["order_id"] },
    });
    expect(server.headers[0]!["anthropic-version"]).toBeTruthy();
    expect(bot.family).toBe("claude");
  });

  it("round-trips tool_use and tool_result blocks", async () => {
    const server = await serve({ script: orderBot });
    const bot = candidate(server);
    const first = await bot.respond(makeRequest([user("Where is my refund for O-7781?")]));
    expect(first.text).toBe("Let me look that up.");
    expect(first.toolCalls).toEqual([{ id: "toolu_lookup", name: "lookup_order", args: { order_id: "O-7781" } }]);

    const second = await bot.respond(
      makeRequest([
        user("Where is my refund for O-7781?"),
        assistant(first.text ?? "", first.toolCalls),
        toolResult("toolu_lookup", "lookup_order", { status: "returned" }),
      ]),
    );
    expect(second.text).toBe("Your order is returned.");
    expect(server.requests[1]!.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Where is my refund for O-7781?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look that up." },
          { type: "tool_use", id: "toolu_lookup", name: "lookup_order", input: { order_id: "O-7781" } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_lookup", content: '{"status":"returned"}' }],
      },
    ]);
  });

  it("merges several tool results and a following customer message into one user turn", () => {
    const messages = toAnthropicMessages([
      user("two orders"),
      assistant("", [
        { id: "a", name: "lookup_order", args: { order_id: "1" } },
        { id: "b", name: "lookup_order", args: { order_id: "2" } },
      ]),
      toolResult("a", "lookup_order", "{}"),
      toolResult("b", "lookup_order", "{}"),
      user("and?"),
    ]);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(validateMessagesRequest({ model: "m", max_tokens: 10, messages })).toBeNull();
    const last = messages[2]!.content as { type: string }[];
    expect(last.map((b) => b.type)).toEqual(["tool_result", "tool_result", "text"]);
  });

  it("forces a tool with toolChoice", async () => {
    const server = await serve({ script: [{ toolUses: [{ name: "lookup_order", input: { order_id: "O-1" } }] }] });
    const turn = await candidate(server).respond(makeRequest([user("x")], { toolChoice: "lookup_order" }));
    expect(server.requests[0]!.tool_choice).toEqual({ type: "tool", name: "lookup_order" });
    expect(turn.toolCalls?.[0]?.args).toEqual({ order_id: "O-1" });
  });

  it("maps escalate_to_human to a hand-off", async () => {
    const server = await serve({
      script: [
        {
          toolUses: [
            { name: "escalate_to_human", input: { reason: "fraud", summary: "Card used abroad without consent." } },
          ],
        },
      ],
    });
    const turn = await candidate(server).respond(makeRequest([user("Someone used my card")]));
    expect(turn.handoff).toEqual({ reason: "fraud", summary: "Card used abroad without consent." });
  });

  it("returns a reply cut at max_tokens as it is, but fails a tool call cut there", async () => {
    const server = await serve({
      script: [
        { text: "Your refund will arrive within", stopReason: "max_tokens" },
        { toolUses: [{ name: "lookup_order", input: {} }], stopReason: "max_tokens" },
      ],
    });
    const bot = candidate(server);
    expect((await bot.respond(makeRequest([user("x")]))).text).toBe("Your refund will arrive within");
    expect((await failure(bot.respond(makeRequest([user("x")])))).kind).toBe("candidate_error");
  });

  it("a missing key is a config error naming the variable; a wrong one is redacted", async () => {
    expect(() => createAnthropicCandidate({ model: "claude-3-5-haiku-latest", env: {} })).toThrow(/ANTHROPIC_API_KEY/);
    const server = await serve({ script: [], apiKey: "sk-ant-the-right-one-0000000" });
    const err = await failure(candidate(server).respond(makeRequest([user("x")])));
    expect(err.kind).toBe("config");
    expect(err.message).toContain("invalid x-api-key");
    expect(err.message).not.toContain(KEY);
  });

  it("honours Retry-After on 429 and retries 529 overloaded", async () => {
    const waits: number[] = [];
    const retryAt = new Date(Date.now() + 30_000).toUTCString();
    const server = await serve({
      script: [{ text: "ok" }],
      faults: [
        { kind: "rate_limit", retryAfter: retryAt },
        { kind: "server_error", status: 529 },
      ],
    });
    const bot = withRetries(candidate(server), {
      retries: 2,
      baseDelayMs: 100,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect((await bot.respond(makeRequest([user("x")]))).text).toBe("ok");
    // An HTTP date has second precision; the wait is what is left until then.
    expect(waits[0]).toBeGreaterThan(27_000);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
    // The second retry backs off with jitter: half of 100·2.
    expect(waits[1]).toBe(100);
  });

  it("classifies malformed bodies as bad_response and slow answers as timeout", async () => {
    const server = await serve({ script: [], faults: [{ kind: "malformed" }, { kind: "delay", ms: 3_000 }] });
    const bot = candidate(server);
    expect((await failure(bot.respond(makeRequest([user("x")])))).kind).toBe("bad_response");
    const err = await failure(withRetries(bot, { retries: 0, timeoutMs: 150 }).respond(makeRequest([user("x")])));
    expect(err.kind).toBe("timeout");
  });
});
