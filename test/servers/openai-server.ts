import type { ServerResponse } from "node:http";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import {
  type FaultPlan,
  type RequestContext,
  roughTokens,
  sendJson,
  startHarness,
  type TestServer,
} from "./harness.js";

/** A local server speaking OpenAI's chat completions protocol (JSON and SSE streaming), scripted by the test. */

export interface OpenAIToolCallReply {
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent as is (so a test can send broken arguments). */
  arguments: string | Record<string, unknown>;
}

export interface OpenAIReply {
  content?: string | null;
  toolCalls?: OpenAIToolCallReply[];
  finishReason?: "stop" | "tool_calls" | "length" | "content_filter";
  /** Default: a rough count of the request and reply. */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** The model the answer claims to come from; default the requested one. */
  model?: string;
}

export type OpenAIScript =
  | OpenAIReply[]
  | ((body: ChatCompletionCreateParams, index: number) => OpenAIReply | Promise<OpenAIReply>);

export interface OpenAIServerOptions {
  script: OpenAIScript;
  faults?: FaultPlan;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`; others get a 401 that echoes the key. */
  apiKey?: string;
  /** Characters per streamed content delta (default 3). */
  chunkSize?: number;
  latencyMs?: number;
}

export interface OpenAITestServer extends TestServer<ChatCompletionCreateParams> {
  /** What to give the SDK as baseURL: `${url}/v1`. */
  baseURL: string;
}

function errorBody(status: number, message: string): unknown {
  const type =
    status === 429
      ? "requests"
      : status === 401
        ? "invalid_request_error"
        : status >= 500
          ? "server_error"
          : "invalid_request_error";
  const code = status === 429 ? "rate_limit_exceeded" : status === 401 ? "invalid_api_key" : null;
  return { error: { message, type, param: null, code } };
}

/** The checks of the real API that catch a wrong message mapping; null when the request is valid. */
export function validateChatRequest(body: unknown): string | null {
  if (!body || typeof body !== "object") return "We could not parse the JSON body of your request.";
  const req = body as Partial<ChatCompletionCreateParams>;
  if (typeof req.model !== "string" || req.model === "") return "you must provide a model parameter";
  if (!Array.isArray(req.messages) || req.messages.length === 0) return "'messages' must be a non-empty array";
  const toolNames = new Set((req.tools ?? []).map((t) => (t.type === "function" ? t.function.name : "")));
  for (const tool of req.tools ?? []) {
    if (tool.type !== "function" || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.function.name)) {
      return "Invalid 'tools': each tool must be a function with a valid name";
    }
  }
  const choice = req.tool_choice;
  if (choice && typeof choice === "object" && choice.type === "function" && !toolNames.has(choice.function.name)) {
    return `Invalid value for 'tool_choice': function '${choice.function.name}' is not among the tools`;
  }
  let pending = new Set<string>();
  for (const [i, m] of (req.messages as ChatCompletionMessageParam[]).entries()) {
    if (m.role === "tool") {
      if (!pending.has(m.tool_call_id)) {
        return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[${i}]).`;
      }
      pending.delete(m.tool_call_id);
      continue;
    }
    if (pending.size > 0) {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(", ")}`;
    }
    if (!["system", "developer", "user", "assistant"].includes(m.role)) return `Invalid role in messages[${i}]`;
    if (m.role === "assistant" && m.tool_calls?.length) {
      pending = new Set(m.tool_calls.map((c) => c.id));
      for (const c of m.tool_calls) {
        if (c.type !== "function") return `messages[${i}].tool_calls: unsupported type`;
        try {
          JSON.parse(c.function.arguments);
        } catch {
          return `messages[${i}].tool_calls: arguments are not valid JSON`;
        }
      }
    } else if (m.role === "assistant" && (m.content === null || m.content === undefined)) {
      return `messages[${i}]: an assistant message needs content or tool_calls`;
    }
  }
  if (pending.size > 0) return `tool_call_ids without response messages: ${[...pending].join(", ")}`;
  return null;
}

function usageOf(body: ChatCompletionCreateParams, reply: OpenAIReply): CompletionUsage {
  const prompt = reply.usage?.prompt_tokens ?? roughTokens(body.messages) + (body.tools ? roughTokens(body.tools) : 0);
  const completion =
    reply.usage?.completion_tokens ?? roughTokens((reply.content ?? "") + JSON.stringify(reply.toolCalls ?? []));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function toolCallsOf(reply: OpenAIReply, index: number) {
  return (reply.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${index}_${i}`,
    type: "function" as const,
    function: { name: c.name, arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments) },
  }));
}

function finishOf(reply: OpenAIReply): NonNullable<OpenAIReply["finishReason"]> {
  return reply.finishReason ?? (reply.toolCalls?.length ? "tool_calls" : "stop");
}

function completion(body: ChatCompletionCreateParams, reply: OpenAIReply, index: number): ChatCompletion {
  const toolCalls = toolCallsOf(reply, index);
  return {
    id: `chatcmpl-test${index}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? body.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.content ?? null,
          refusal: null,
          annotations: [],
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishOf(reply),
      },
    ],
    usage: usageOf(body, reply),
    service_tier: "default",
    system_fingerprint: "fp_supportbench",
  };
}

/** The chunks OpenAI sends for one answer: role, content deltas, tool call deltas, finish, then usage. */
export function completionChunks(
  body: ChatCompletionCreateParams,
  reply: OpenAIReply,
  index: number,
  chunkSize = 3,
): ChatCompletionChunk[] {
  const includeUsage = body.stream === true && body.stream_options?.include_usage === true;
  const base = {
    id: `chatcmpl-test${index}`,
    object: "chat.completion.chunk" as const,
    created: Math.floor(Date.now() / 1000),
    model: reply.model ?? body.model,
    service_tier: "default" as const,
    system_fingerprint: "fp_supportbench",
    ...(includeUsage ? { usage: null } : {}),
  };
  const chunk = (
    delta: ChatCompletionChunk.Choice["delta"],
    finish: ChatCompletionChunk.Choice["finish_reason"] = null,
  ): ChatCompletionChunk => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const chunks: ChatCompletionChunk[] = [];
  const content = reply.content ?? "";
  const toolCalls = toolCallsOf(reply, index);
  chunks.push(chunk({ role: "assistant", content: content || toolCalls.length === 0 ? "" : null, refusal: null }));
  for (let i = 0; i < content.length; i += chunkSize) chunks.push(chunk({ content: content.slice(i, i + chunkSize) }));
  toolCalls.forEach((call, i) => {
    chunks.push(
      chunk({
        tool_calls: [
          { index: i, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } },
        ],
      }),
    );
    const args = call.function.arguments;
    for (let j = 0; j < args.length; j += chunkSize * 2) {
      chunks.push(chunk({ tool_calls: [{ index: i, function: { arguments: args.slice(j, j + chunkSize * 2) } }] }));
    }
  });
  chunks.push(chunk({}, finishOf(reply)));
  if (includeUsage) chunks.push({ ...base, choices: [], usage: usageOf(body, reply) });
  return chunks;
}

function writeSse(res: ServerResponse, events: string[]): void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  for (const data of events) res.write(`data: ${data}\n\n`);
  res.end();
}

/** Starts the server; point the SDK at `baseURL`. */
export async function startOpenAIServer(options: OpenAIServerOptions): Promise<OpenAITestServer> {
  const { script } = options;
  const answer = async (body: ChatCompletionCreateParams, index: number): Promise<OpenAIReply | undefined> =>
    typeof script === "function" ? script(body, index) : script[index];

  const handle = async (ctx: RequestContext<ChatCompletionCreateParams>) => {
    const { res } = ctx;
    if (ctx.method !== "POST" || ctx.path !== "/v1/chat/completions") {
      return sendJson(res, 404, errorBody(404, `Invalid URL (${ctx.method} ${ctx.path})`));
    }
    if (options.apiKey !== undefined) {
      const given = (ctx.headers.authorization ?? "").replace(/^Bearer /, "");
      if (given !== options.apiKey) {
        return sendJson(res, 401, errorBody(401, `Incorrect API key provided: ${given}.`));
      }
    }
    const invalid = validateChatRequest(ctx.body);
    if (invalid) return sendJson(res, 400, errorBody(400, invalid));
    const body = ctx.body;
    const reply = await answer(body, ctx.answerIndex);
    if (!reply) return sendJson(res, 500, errorBody(500, `the test script has no reply #${ctx.answerIndex}`));
    if (body.stream) {
      const events = completionChunks(body, reply, ctx.index, options.chunkSize).map((c) => JSON.stringify(c));
      return writeSse(res, [...events, "[DONE]"]);
    }
    sendJson(res, 200, completion(body, reply, ctx.index), { "x-request-id": `req_test${ctx.index}` });
  };

  const server = await startHarness<ChatCompletionCreateParams>({
    faults: options.faults,
    latencyMs: options.latencyMs,
    errorBody,
    handle,
    malformed: (ctx) => {
      if (ctx.body && typeof ctx.body === "object" && ctx.body.stream) {
        return writeSse(ctx.res, [
          '{"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"He',
          "[DONE]",
        ]);
      }
      ctx.res.writeHead(200, { "content-type": "application/json" });
      ctx.res.end('{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis');
    },
  });
  return { ...server, baseURL: `${server.url}/v1` };
}
