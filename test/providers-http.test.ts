import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpBotCandidate, getPath, type HttpBotOptions, renderTemplate } from "../src/providers/http-bot.js";
import { withRetries } from "../src/providers/retry.js";
import { type Message, ProviderError } from "../src/providers/types.js";
import { failure } from "./helpers/failure.js";
import { assistant, makeRequest, toolResult, user } from "./servers/requests.js";
import { startWebhookBotServer, type WebhookBotOptions, type WebhookBotServer } from "./servers/webhook-bot.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: WebhookBotOptions): Promise<WebhookBotServer> {
  const server = await startWebhookBotServer(options);
  servers.push(server);
  return server;
}

const TOKEN = "bot-token-7d1e5c3a9f";
const env = { BOT_TOKEN: TOKEN };

const RESPONSE = {
  text: "output.text",
  handoff: "handoff.requested",
  handoffReason: "handoff.reason",
  handoffSummary: "handoff.summary",
  toolCalls: "actions",
  end: "conversation_ended",
};

function bot(server: WebhookBotServer, extra: Partial<HttpBotOptions> = {}) {
  return createHttpBotCandidate(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${env:NAME} is the config syntax under test
    { url: server.endpoint, headers: { Authorization: "Bearer ${env:BOT_TOKEN}" }, response: RESPONSE, ...extra },
    { env },
  );
}

/** A bot that proves what it remembers: it counts the customer's messages it has seen. */
const countingScript: WebhookBotOptions["script"] = (turn) => ({
  text: `(${turn.history.filter((m) => m.role === "user").length}) you said: ${turn.message}`,
});

describe("http bot candidate against a local webhook bot", () => {
  it("stateful: sends only the newest message with the session id; the bot keeps the history", async () => {
    const server = await serve({ mode: "stateful", script: countingScript, token: TOKEN });
    const candidate = bot(server, { session: "stateful" });
    const history: Message[] = [user("Hallo")];
    const first = await candidate.respond(
      makeRequest(history, { context: { conversationId: "c-42", language: "de", scenarioId: "s", domain: "d" } }),
    );
    expect(first.text).toBe("(1) you said: Hallo");
    history.push(assistant(first.text ?? ""), user("Bestellung O-7781"));
    const second = await candidate.respond(
      makeRequest(history, { context: { conversationId: "c-42", language: "de", scenarioId: "s", domain: "d" } }),
    );
    expect(second.text).toBe("(2) you said: Bestellung O-7781");

    expect(server.requests).toEqual([
      { session_id: "c-42", message: "Hallo", language: "de" },
      { session_id: "c-42", message: "Bestellung O-7781", language: "de" },
    ]);
    expect(server.sessions.get("c-42")?.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(server.headers[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.headers[0]!["content-type"]).toBe("application/json");
    expect(candidate.id).toBe(`http:${new URL(server.endpoint).host}/chat`);
    expect(candidate.runsOwnTools).toBe(true);
  });

  it("history: posts the whole visible conversation each turn, without tool traffic", async () => {
    const server = await serve({ mode: "stateless", script: countingScript });
    const candidate = bot(server, { session: "history", headers: {} });
    const messages: Message[] = [
      user("Where is my refund?"),
      assistant("", [{ id: "t1", name: "lookup_order", args: { order_id: "O-1" } }]),
      toolResult("t1", "lookup_order", { status: "returned" }),
      assistant("It was returned."),
      user("And when does the money come?"),
    ];
    const turn = await candidate.respond(makeRequest(messages));
    expect(turn.text).toBe("(2) you said: And when does the money come?");
    expect(server.requests[0]).toEqual({
      session_id: "conv-1",
      language: "en",
      messages: [
        { role: "user", content: "Where is my refund?" },
        { role: "assistant", content: "It was returned." },
        { role: "user", content: "And when does the money come?" },
      ],
    });
  });

  it("uses a session id issued by the bot on later turns", async () => {
    const server = await serve({ mode: "stateful", script: countingScript, token: TOKEN });
    const candidate = bot(server, { session: "stateful", response: { ...RESPONSE, sessionId: "session_id" } });
    const history: Message[] = [user("one")];
    await candidate.respond(makeRequest(history));
    history.push(assistant("ok"), user("two"));
    const second = await candidate.respond(makeRequest(history));
    expect(second.text).toBe("(2) you said: two");
    expect(server.requests.map((r) => (r as { session_id: string }).session_id)).toEqual(["", "sess-1"]);
  });

  it("reads the hand-off flag, reason and summary, the end flag and the bot's own actions", async () => {
    const server = await serve({
      mode: "stateful",
      token: TOKEN,
      script: [
        {
          text: "I'm connecting you with a colleague.",
          handoff: { reason: "vulnerability", summary: "Customer cannot pay rent; asks for a payment break." },
          actions: [{ tool: "lookup_customer", input: { email: "a@example.com" } }],
        },
        { text: "Goodbye!", end: true },
      ],
    });
    const candidate = bot(server, { session: "stateful" });
    const first = await candidate.respond(makeRequest([user("I can't pay my rent")]));
    expect(first.handoff).toEqual({
      reason: "vulnerability",
      summary: "Customer cannot pay rent; asks for a payment break.",
    });
    expect(first.toolCalls).toEqual([
      { id: "lookup_customer-0", name: "lookup_customer", args: { email: "a@example.com" } },
    ]);
    expect(first.end).toBeUndefined();
    const second = await candidate.respond(makeRequest([user("bye")]));
    expect(second).toEqual({ text: "Goodbye!", end: true });
  });

  it("renders a custom body template and GET query placeholders", async () => {
    const seen: { url: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        seen.push({ url: req.url ?? "", body });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: { replies: [{ text: "hi" }] } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const post = createHttpBotCandidate(
      {
        url: `${base}/v2/bot`,
        body: {
          input: { text: "[{{language}}] {{message}}", turns: "{{history}}" },
          meta: { scenario: "{{scenario_id}}", n: 3 },
        },
        response: { text: "data.replies[0].text" },
      },
      { env: {} },
    );
    expect((await post.respond(makeRequest([user('Say "hi"')]))).text).toBe("hi");
    expect(JSON.parse(seen[0]!.body)).toEqual({
      input: { text: '[en] Say "hi"', turns: [{ role: "user", content: 'Say "hi"' }] },
      meta: { scenario: "refund-status", n: 3 },
    });

    const get = createHttpBotCandidate(
      { url: `${base}/ask?q={{message}}&lang={{language}}`, method: "GET", response: { text: "data.replies.0.text" } },
      { env: {} },
    );
    await get.respond(makeRequest([user("a&b c")]));
    expect(seen[1]).toEqual({ url: "/ask?q=a%26b%20c&lang=en", body: "" });
  });

  it("refuses literal credentials in headers and names a missing env var", () => {
    const base = { url: "http://127.0.0.1:9/chat", response: { text: "reply" } };
    expect(() => createHttpBotCandidate({ ...base, headers: { Authorization: "Bearer abc123" } }, { env: {} })).toThrow(
      /from the environment/,
    );
    try {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${env:NAME} is the config syntax under test
      createHttpBotCandidate({ ...base, headers: { "X-Api-Key": "${env:MISSING_BOT_KEY}" } }, { env: {} });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe("config");
      expect((err as ProviderError).message).toContain("MISSING_BOT_KEY");
    }
    expect(() => createHttpBotCandidate({ ...base, response: { text: "" } }, { env: {} })).toThrow(ProviderError);
  });

  it("classifies 429, 500, 401, malformed bodies, missing text and slow answers", async () => {
    const server = await serve({
      mode: "stateful",
      token: "the-right-token-123456",
      script: () => ({ text: "unused" }),
      faults: [
        { kind: "rate_limit", retryAfter: 3 },
        { kind: "server_error", status: 502 },
        { kind: "malformed" },
        null,
        { kind: "delay", ms: 3_000 },
      ],
    });
    const candidate = bot(server, { session: "stateful" });
    const ask = () => candidate.respond(makeRequest([user("x")]));
    const limited = await failure(ask());
    expect([limited.kind, limited.status, limited.retryAfterMs]).toEqual(["rate_limit", 429, 3000]);
    expect(await failure(ask())).toMatchObject({ kind: "candidate_error", status: 502 });
    expect((await failure(ask())).kind).toBe("bad_response");
    const unauthorized = await failure(ask());
    expect(unauthorized.kind).toBe("config");
    expect(unauthorized.message).toContain("unauthorized");
    expect(unauthorized.message).not.toContain(TOKEN);
    const slow = await failure(
      withRetries(candidate, { retries: 0, timeoutMs: 150 }).respond(makeRequest([user("x")])),
    );
    expect(slow.kind).toBe("timeout");

    const wrongPath = await serve({ mode: "stateful", script: () => ({ text: "hello" }) });
    const mismapped = createHttpBotCandidate(
      { url: wrongPath.endpoint, session: "stateful", response: { text: "reply.text" } },
      { env: {} },
    );
    const err = await failure(mismapped.respond(makeRequest([user("x")])));
    expect(err.kind).toBe("bad_response");
    expect(err.message).toContain('no reply text at "reply.text"');
  });

  it("retries a 500 and a dropped connection through withRetries", async () => {
    const server = await serve({
      mode: "stateless",
      script: () => ({ text: "back" }),
      faults: [{ kind: "server_error" }, { kind: "reset" }],
    });
    const candidate = withRetries(bot(server, { headers: {} }), { retries: 2, baseDelayMs: 1 });
    expect((await candidate.respond(makeRequest([user("x")]))).text).toBe("back");
    expect(server.stats).toMatchObject({ requests: 3, answered: 1, faults: { server_error: 1, reset: 1 } });
  });
});

describe("templates and paths", () => {
  it("gets dot and bracket paths", () => {
    const value = { a: { b: [{ c: "x" }] } };
    expect(getPath(value, "a.b.0.c")).toBe("x");
    expect(getPath(value, "a.b[0].c")).toBe("x");
    expect(getPath(value, "a.z.c")).toBeUndefined();
  });
  it("keeps unknown placeholders and stringifies embedded lists", () => {
    expect(renderTemplate("{{nope}} {{history}}", { history: [1] })).toBe("{{nope}} [1]");
    expect(renderTemplate({ h: "{{history}}" }, { history: [1] })).toEqual({ h: [1] });
  });
});
