import {
  type FaultPlan,
  type RequestContext,
  roughTokens,
  sendJson,
  startHarness,
  type TestServer,
} from "./harness.js";

/** A local server speaking Anthropic's messages protocol (tool use, tool results, stop reasons), scripted by the test. */

export type AnthropicBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | {
      type: "tool_result";
      tool_use_id: string;
      content?: string | { type: "text"; text: string }[];
      is_error?: boolean;
    };

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  system?: string | { type: "text"; text: string }[];
  messages: { role: "user" | "assistant"; content: string | AnthropicBlock[] }[];
  tools?: { name: string; description?: string; input_schema: { type: "object"; [key: string]: unknown } }[];
  tool_choice?: { type: "auto" | "any" | "none" } | { type: "tool"; name: string };
  temperature?: number;
  stream?: boolean;
}

export interface AnthropicReply {
  text?: string;
  toolUses?: { id?: string; name: string; input: unknown }[];
  stopReason?: "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal";
  usage?: { input_tokens: number; output_tokens: number };
  model?: string;
}

export type AnthropicScript =
  | AnthropicReply[]
  | ((body: AnthropicRequest, index: number) => AnthropicReply | Promise<AnthropicReply>);

export interface AnthropicServerOptions {
  script: AnthropicScript;
  faults?: FaultPlan;
  /** When set, requests must carry the key (x-api-key or Bearer); others get a 401 that echoes it. */
  apiKey?: string;
  latencyMs?: number;
}

function errorType(status: number): string {
  if (status === 429) return "rate_limit_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 529) return "overloaded_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

function errorBody(status: number, message: string): unknown {
  return { type: "error", error: { type: errorType(status), message } };
}

function blocksOf(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

/** The checks of the real API that catch a wrong message mapping; null when the request is valid. */
export function validateMessagesRequest(body: unknown): string | null {
  if (!body || typeof body !== "object") return "messages: request body is not valid JSON";
  const req = body as Partial<AnthropicRequest>;
  if (typeof req.model !== "string" || req.model === "") return "model: Field required";
  if (!Number.isInteger(req.max_tokens) || (req.max_tokens ?? 0) < 1) return "max_tokens: Field required";
  if (!Array.isArray(req.messages) || req.messages.length === 0) return "messages: at least one message is required";
  if (req.messages[0]?.role !== "user") return 'messages: first message must use the "user" role';
  const toolNames = new Set<string>();
  for (const [i, tool] of (req.tools ?? []).entries()) {
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name))
      return `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
    if (tool.input_schema?.type !== "object") return `tools.${i}.input_schema.type: Input should be 'object'`;
    toolNames.add(tool.name);
  }
  if (req.tool_choice?.type === "tool" && !toolNames.has(req.tool_choice.name)) {
    return `tool_choice: tool '${req.tool_choice.name}' not found in tools`;
  }
  const last = req.messages.length - 1;
  for (const [i, m] of req.messages.entries()) {
    if (m.role !== "user" && m.role !== "assistant") return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const blocks = blocksOf(m.content);
    if (blocks.length === 0 && !(i === last && m.role === "assistant")) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (const b of blocks) {
      if (b.type === "text" && b.text === "") return `messages.${i}: text content blocks must be non-empty`;
      if (b.type === "tool_use" && m.role !== "assistant")
        return `messages.${i}: tool_use blocks are only allowed in assistant messages`;
      if (b.type === "tool_result" && m.role !== "user")
        return `messages.${i}: tool_result blocks are only allowed in user messages`;
    }
    const uses = blocks.filter((b) => b.type === "tool_use").map((b) => b.id);
    if (uses.length > 0) {
      const next = req.messages[i + 1];
      const answered = new Set(
        next ? blocksOf(next.content).flatMap((b) => (b.type === "tool_result" ? [b.tool_use_id] : [])) : [],
      );
      const missing = uses.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    const results = blocks.flatMap((b) => (b.type === "tool_result" ? [b.tool_use_id] : []));
    if (results.length > 0) {
      const prev = req.messages[i - 1];
      const used = new Set(prev ? blocksOf(prev.content).flatMap((b) => (b.type === "tool_use" ? [b.id] : [])) : []);
      const orphan = results.find((id) => !used.has(id));
      if (orphan) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${orphan}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  return null;
}

function message(body: AnthropicRequest, reply: AnthropicReply, index: number): unknown {
  const content: unknown[] = [];
  if (reply.text) content.push({ type: "text", text: reply.text, citations: null });
  (reply.toolUses ?? []).forEach((use, i) => {
    content.push({ type: "tool_use", id: use.id ?? `toolu_test${index}_${i}`, name: use.name, input: use.input });
  });
  const stop = reply.stopReason ?? (reply.toolUses?.length ? "tool_use" : "end_turn");
  return {
    id: `msg_test${index}`,
    type: "message",
    role: "assistant",
    model: reply.model ?? body.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: {
      input_tokens:
        reply.usage?.input_tokens ??
        roughTokens(body.messages) + roughTokens(body.system ?? "") + roughTokens(body.tools ?? []),
      output_tokens: reply.usage?.output_tokens ?? roughTokens(content),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: "standard",
    },
  };
}

/** Starts the server; give the SDK `url` as baseURL. */
export async function startAnthropicServer(options: AnthropicServerOptions): Promise<TestServer<AnthropicRequest>> {
  const { script } = options;
  const handle = async (ctx: RequestContext<AnthropicRequest>) => {
    const { res } = ctx;
    if (ctx.method !== "POST" || ctx.path !== "/v1/messages") {
      return sendJson(res, 404, errorBody(404, `Not found: ${ctx.method} ${ctx.path}`));
    }
    // Older SDKs send x-api-key, newer ones Authorization: Bearer; the API takes both.
    const key = ctx.headers["x-api-key"] ?? ctx.headers.authorization?.replace(/^Bearer /, "");
    if (options.apiKey !== undefined && key !== options.apiKey) {
      return sendJson(res, 401, errorBody(401, `invalid x-api-key: ${String(key)}`));
    }
    if (!ctx.headers["anthropic-version"])
      return sendJson(res, 400, errorBody(400, "anthropic-version: header is required"));
    const invalid = validateMessagesRequest(ctx.body);
    if (invalid) return sendJson(res, 400, errorBody(400, invalid));
    if (ctx.body.stream) return sendJson(res, 400, errorBody(400, "stream: this test server does not stream"));
    const reply = typeof script === "function" ? await script(ctx.body, ctx.answerIndex) : script[ctx.answerIndex];
    if (!reply) return sendJson(res, 500, errorBody(500, `the test script has no reply #${ctx.answerIndex}`));
    sendJson(res, 200, message(ctx.body, reply, ctx.index), { "request-id": `req_test${ctx.index}` });
  };
  return startHarness<AnthropicRequest>({ faults: options.faults, latencyMs: options.latencyMs, errorBody, handle });
}
