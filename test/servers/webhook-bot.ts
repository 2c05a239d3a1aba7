import type { IncomingHttpHeaders } from "node:http";
import { type FaultPlan, type RequestContext, sendJson, startHarness, type TestServer } from "./harness.js";

/**
 * A deployed support bot behind a webhook, as many in-house bots look.
 *
 * Stateful mode (the bot keeps the history): POST {path} `{ "session_id"?, "message", "language"? }`;
 * without a session id the bot opens a session and returns its id.
 * Stateless mode (the caller sends the history): POST {path} `{ "session_id"?, "messages": [{ role, content }], "language"? }`.
 * Reply: `{ "session_id", "output": { "text" }, "handoff": { "requested", "reason", "summary" },
 * "conversation_ended", "actions": [{ "tool", "input" }] }`.
 */

export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
}

export interface WebhookTurn {
  sessionId: string;
  /** The customer's newest message. */
  message: string;
  /** The whole conversation so far, ending with `message`. */
  history: HistoryMessage[];
  language?: string;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface WebhookReply {
  text: string;
  handoff?: { reason: string; summary?: string };
  end?: boolean;
  /** The bot's own tool calls, exposed for grading. */
  actions?: { tool: string; input: unknown }[];
}

export type WebhookScript =
  | WebhookReply[]
  | ((turn: WebhookTurn, index: number) => WebhookReply | Promise<WebhookReply>);

export interface WebhookBotOptions {
  mode: "stateful" | "stateless";
  script: WebhookScript;
  faults?: FaultPlan;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Think time on every answer. */
  latencyMs?: number;
  /** Default "/chat". */
  path?: string;
}

export interface WebhookBotServer extends TestServer<unknown> {
  /** The full URL to post to. */
  endpoint: string;
  /** The bot's own memory in stateful mode, by session id. */
  sessions: Map<string, HistoryMessage[]>;
}

function errorBody(status: number, message: string): unknown {
  return { error: { status, message } };
}

function isHistory(value: unknown): value is HistoryMessage[] {
  return (
    Array.isArray(value) &&
    value.every(
      (m) =>
        m &&
        typeof m === "object" &&
        ((m as HistoryMessage).role === "user" || (m as HistoryMessage).role === "assistant") &&
        typeof (m as HistoryMessage).content === "string",
    )
  );
}

/** Starts the bot on a free loopback port. */
export async function startWebhookBotServer(options: WebhookBotOptions): Promise<WebhookBotServer> {
  const path = options.path ?? "/chat";
  const sessions = new Map<string, HistoryMessage[]>();
  let issued = 0;

  const handle = async (ctx: RequestContext<unknown>) => {
    const { res } = ctx;
    if (ctx.method !== "POST" || ctx.path !== path)
      return sendJson(res, 404, errorBody(404, `no route ${ctx.method} ${ctx.path}`));
    if (options.token !== undefined && ctx.headers.authorization !== `Bearer ${options.token}`) {
      return sendJson(res, 401, errorBody(401, `unauthorized: got ${String(ctx.headers.authorization)}`));
    }
    const body = (ctx.body && typeof ctx.body === "object" ? ctx.body : {}) as Record<string, unknown>;
    const language = typeof body.language === "string" ? body.language : undefined;
    let sessionId = typeof body.session_id === "string" && body.session_id !== "" ? body.session_id : "";
    let history: HistoryMessage[];
    if (options.mode === "stateful") {
      if (typeof body.message !== "string" || body.message === "")
        return sendJson(res, 400, errorBody(400, "message is required"));
      if (!sessionId) sessionId = `sess-${++issued}`;
      history = sessions.get(sessionId) ?? [];
      sessions.set(sessionId, history);
      history.push({ role: "user", content: body.message });
    } else {
      if (!isHistory(body.messages) || body.messages.at(-1)?.role !== "user") {
        return sendJson(res, 400, errorBody(400, "messages must be a list of {role, content} ending with the user"));
      }
      history = body.messages;
    }
    const message = history.at(-1)?.content ?? "";
    const turn: WebhookTurn = { sessionId, message, history: [...history], body: ctx.body, headers: ctx.headers };
    if (language !== undefined) turn.language = language;
    const script = options.script;
    const reply = typeof script === "function" ? await script(turn, ctx.answerIndex) : script[ctx.answerIndex];
    if (!reply) return sendJson(res, 500, errorBody(500, `the test script has no reply #${ctx.answerIndex}`));
    if (options.mode === "stateful") history.push({ role: "assistant", content: reply.text });
    sendJson(res, 200, {
      session_id: sessionId,
      output: { text: reply.text },
      handoff: {
        requested: reply.handoff !== undefined,
        reason: reply.handoff?.reason ?? null,
        summary: reply.handoff?.summary ?? null,
      },
      conversation_ended: reply.end ?? false,
      actions: reply.actions ?? [],
    });
  };

  const server = await startHarness<unknown>({
    faults: options.faults,
    latencyMs: options.latencyMs,
    errorBody,
    handle,
  });
  return { ...server, endpoint: `${server.url}${path}`, sessions };
}
