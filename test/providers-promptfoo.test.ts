import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  classifyPromptfooFailure,
  createPromptfooCandidate,
  PROMPTFOO_FORCED_ENV,
  turnFromOutput,
} from "../src/providers/promptfoo.js";
import { NetworkError, withRetries } from "../src/providers/retry.js";
import type { Message } from "../src/providers/types.js";
import { failure } from "./helpers/failure.js";
import { assistant, makeRequest, user } from "./servers/requests.js";
import { startWebhookBotServer, type WebhookBotServer } from "./servers/webhook-bot.js";

// promptfoo keeps an id file in its config folder on import; keep it out of the home folder.
process.env.PROMPTFOO_CONFIG_DIR = mkdtempSync(join(tmpdir(), "promptfoo-config-"));

const servers: WebhookBotServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** promptfoo's own http provider, configured as a user would in a promptfoo config. */
function httpOptions(server: WebhookBotServer) {
  return {
    config: {
      url: server.endpoint,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: { session_id: "{{sessionId}}", message: "{{prompt}}", language: "{{language}}" },
      transformResponse: "json.output.text",
    },
  };
}

describe("promptfoo candidate", () => {
  it("switches promptfoo's telemetry, update check and remote generation off before importing it", async () => {
    const seen: Record<string, string | undefined> = {};
    process.env.PROMPTFOO_DISABLE_TELEMETRY = "0";
    const err = await failure(
      createPromptfooCandidate("echo", {
        importPromptfoo: async () => {
          for (const name of [...Object.keys(PROMPTFOO_FORCED_ENV), "PROMPTFOO_CACHE_ENABLED"])
            seen[name] = process.env[name];
          return {};
        },
      }),
    );
    expect(err.kind).toBe("config");
    expect(seen).toMatchObject({
      PROMPTFOO_DISABLE_TELEMETRY: "1",
      PROMPTFOO_DISABLE_UPDATE: "1",
      PROMPTFOO_DISABLE_REMOTE_GENERATION: "true",
      PROMPTFOO_CACHE_ENABLED: "false",
    });
  });

  it("says how to install promptfoo when it is missing", async () => {
    const missing = Object.assign(
      new Error("Cannot find package 'promptfoo' imported from /app/dist/providers/promptfoo.js"),
      {
        code: "ERR_MODULE_NOT_FOUND",
      },
    );
    const err = await failure(
      createPromptfooCandidate("openai:gpt-4o", {
        importPromptfoo: async () => {
          throw missing;
        },
      }),
    );
    expect(err.kind).toBe("config");
    expect(err.message).toContain("npm install promptfoo");
  });

  it("runs promptfoo's http provider against a stateful webhook bot over several turns", async () => {
    const server = await startWebhookBotServer({
      mode: "stateful",
      script: (turn) => ({ text: `turn ${turn.history.filter((m) => m.role === "user").length}: ${turn.message}` }),
    });
    servers.push(server);
    const candidate = await createPromptfooCandidate("http", { options: httpOptions(server), prompt: "last-message" });
    expect(candidate.id).toBe("promptfoo:http");

    const context = { conversationId: "pf-conv-7", language: "sv", scenarioId: "s", domain: "d" };
    const history: Message[] = [user("Hej, var är min återbetalning?")];
    const first = await candidate.respond(makeRequest(history, { context }));
    expect(first.text).toBe("turn 1: Hej, var är min återbetalning?");
    history.push(assistant(first.text ?? ""), user("Order O-7781"));
    const second = await candidate.respond(makeRequest(history, { context }));
    expect(second.text).toBe("turn 2: Order O-7781");
    expect(server.requests).toEqual([
      { session_id: "pf-conv-7", message: "Hej, var är min återbetalning?", language: "sv" },
      { session_id: "pf-conv-7", message: "Order O-7781", language: "sv" },
    ]);
    await candidate.close?.();
  });

  it("classifies the http provider's failures and leaves retries to withRetries", async () => {
    const server = await startWebhookBotServer({
      mode: "stateful",
      script: () => ({ text: "ok" }),
      faults: [{ kind: "server_error" }, { kind: "rate_limit", retryAfter: 1 }, { kind: "reset" }, null],
    });
    servers.push(server);
    const candidate = await createPromptfooCandidate("http", { options: httpOptions(server), prompt: "last-message" });
    const ask = () => candidate.respond(makeRequest([user("x")]));
    expect(await failure(ask())).toMatchObject({ kind: "candidate_error", status: 500 });
    expect(server.stats.requests).toBe(1);
    expect((await failure(ask())).kind).toBe("rate_limit");
    const reset = await failure(ask());
    expect(reset.kind).toBe("candidate_error");
    expect(reset).toBeInstanceOf(NetworkError);
    expect((await ask()).text).toBe("ok");
    expect(server.stats.requests).toBe(4);

    const flaky = await startWebhookBotServer({
      mode: "stateful",
      script: () => ({ text: "back" }),
      faults: [{ kind: "server_error" }],
    });
    servers.push(flaky);
    const retried = withRetries(
      await createPromptfooCandidate("http", { options: httpOptions(flaky), prompt: "last-message" }),
      {
        retries: 2,
        baseDelayMs: 1,
      },
    );
    expect((await retried.respond(makeRequest([user("x")]))).text).toBe("back");
    expect(flaky.stats.requests).toBe(2);
  });

  it("sends the conversation as an OpenAI-style message list by default (echo provider)", async () => {
    const candidate = await createPromptfooCandidate("echo");
    const turn = await candidate.respond(
      makeRequest([user("Hi"), assistant("Hello"), user("Refund?")], { system: "Be brief." }),
    );
    expect(JSON.parse(turn.text ?? "")).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Refund?" },
    ]);
  });

  it("an unknown provider id is a config error", async () => {
    const err = await failure(createPromptfooCandidate("no-such-provider-xyz:model"));
    expect(err.kind).toBe("config");
  });
});

describe("promptfoo outputs and failures", () => {
  it("reads text, OpenAI-style tool calls and escalations", () => {
    expect(turnFromOutput("hello")).toEqual({ text: "hello" });
    const turn = turnFromOutput([
      {
        id: "call_1",
        type: "function",
        function: { name: "escalate_to_human", arguments: '{"reason":"fraud","summary":"s"}' },
      },
    ]);
    expect(turn.toolCalls).toEqual([
      { id: "call_1", name: "escalate_to_human", args: { reason: "fraud", summary: "s" } },
    ]);
    expect(turn.handoff).toEqual({ reason: "fraud", summary: "s" });
    expect(
      turnFromOutput({ content: "checking", tool_calls: [{ name: "lookup_order", input: { order_id: "1" } }] }),
    ).toMatchObject({
      text: "checking",
      toolCalls: [{ name: "lookup_order", args: { order_id: "1" } }],
    });
  });

  it("classifies failure texts and redacts them", () => {
    const env = { OPENAI_API_KEY: "sk-live-0123456789abcdef" };
    expect(classifyPromptfooFailure("Rate limited: 429 Too Many Requests after 1 attempts", "p", env).kind).toBe(
      "rate_limit",
    );
    expect(classifyPromptfooFailure("HTTP call failed with status 502 Bad Gateway", "p", env).status).toBe(502);
    expect(classifyPromptfooFailure("Request timed out after 300000 ms", "p", env).kind).toBe("timeout");
    expect(classifyPromptfooFailure("API error: 401 Unauthorized", "p", env).kind).toBe("config");
    expect(classifyPromptfooFailure("Unexpected token < in JSON at position 0", "p", env).kind).toBe("bad_response");
    expect(classifyPromptfooFailure("bad key sk-live-0123456789abcdef", "p", env).message).not.toContain("sk-live");
  });
});
