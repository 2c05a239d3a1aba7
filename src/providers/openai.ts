import OpenAI from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { z } from "zod";
import { modelFamily } from "./model-family.js";
import { apiKeyFor, isOfficialApi, type ModelCandidateOptions, type OfficialApi } from "./model-options.js";
import { costOf } from "./pricing.js";
import { redact } from "./redact.js";
import { classifyError, errorFromStatus, NetworkError, ResponseShapeError } from "./retry.js";
import type { BotTurn, Candidate, Handoff, Message, RespondRequest, ToolCall, Usage } from "./types.js";
import { ProviderError } from "./types.js";

/** Models behind OpenAI's chat completions API: OpenAI itself and compatible servers (vLLM, Ollama, LM Studio, Azure). */

export interface OpenAICandidateOptions extends ModelCandidateOptions {
  seed?: number;
  /** OpenAI's newer models want max_completion_tokens; many compatible servers know only max_tokens. */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** Stream the answer (SSE) and assemble it; usage comes from the final chunk. */
  stream?: boolean;
  /** Ask for that final usage chunk (default true); some older compatible servers reject stream_options. */
  streamUsage?: boolean;
}

/** The tool through which a model hands the conversation to a person. */
export const ESCALATION_TOOL = "escalate_to_human";

/** A hand-off read from an `escalate_to_human` tool call, if the turn has one. */
export function handoffFromToolCalls(toolCalls: readonly ToolCall[]): Handoff | undefined {
  const call = toolCalls.find((c) => c.name === ESCALATION_TOOL);
  if (!call) return undefined;
  const args = call.args && typeof call.args === "object" ? (call.args as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));
  return { reason: text(args.reason) || "unspecified", summary: text(args.summary) };
}

/** Tool arguments as JSON; text that is not JSON is kept as a string so the engine can report the bad call. */
export function parseToolArguments(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Provider-neutral messages to chat completion messages. */
export function toOpenAIMessages(
  system: string | undefined,
  messages: readonly Message[],
): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (system) out.push({ role: "system", content: system });
  for (const m of messages) {
    if (m.role === "user") out.push({ role: "user", content: m.content });
    else if (m.role === "tool") out.push({ role: "tool", tool_call_id: m.toolCallId, content: m.content });
    else if (m.toolCalls.length > 0) {
      out.push({
        role: "assistant",
        content: m.content === "" ? null : m.content,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: "function" as const,
          function: { name: c.name, arguments: typeof c.args === "string" ? c.args : JSON.stringify(c.args ?? {}) },
        })),
      });
    } else out.push({ role: "assistant", content: m.content });
  }
  return out;
}

const Completion = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          refusal: z.string().nullable().optional(),
          tool_calls: z
            .array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) }))
            .nullable()
            .optional(),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable().optional(),
});

/** OpenAI's own API: the only place OPENAI_API_KEY is sent unless `apiKeyEnv` names it. */
export const OPENAI_API: OfficialApi = { keyEnv: "OPENAI_API_KEY", host: "api.openai.com" };

/** Creates a candidate that talks to an OpenAI(-compatible) chat completions endpoint through the official SDK. */
export function createOpenAICandidate(opts: OpenAICandidateOptions): Candidate {
  const env = opts.env ?? process.env;
  const id = opts.id ?? `openai:${opts.model}`;
  const apiKey = apiKeyFor(opts, id, OPENAI_API);
  const official = isOfficialApi(opts.baseURL, OPENAI_API);
  const client = new OpenAI({
    apiKey,
    baseURL: opts.baseURL ?? "https://api.openai.com/v1",
    // The SDK would send OPENAI_ORG_ID and OPENAI_PROJECT_ID as headers to any server.
    ...(official ? {} : { organization: null, project: null }),
    maxRetries: 0, // retries, with Retry-After and jitter, are withRetries'
    timeout: opts.timeoutMs ?? 600_000,
  });
  const maxTokensField = opts.maxTokensField ?? (official ? "max_completion_tokens" : "max_tokens");

  function params(req: RespondRequest) {
    const tools: ChatCompletionTool[] = req.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    const temperature = req.temperature ?? opts.temperature;
    const maxTokens = req.maxTokens ?? opts.maxTokens;
    return {
      model: opts.model,
      messages: toOpenAIMessages(opts.system ?? req.system, req.messages),
      ...(tools.length > 0 ? { tools } : {}),
      ...(req.toolChoice ? { tool_choice: { type: "function" as const, function: { name: req.toolChoice } } } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(maxTokens !== undefined ? { [maxTokensField]: maxTokens } : {}),
    };
  }

  function turn(
    text: string,
    calls: { id: string; name: string; arguments: string }[],
    usage: Usage | undefined,
    finishReason: string | null | undefined,
  ): BotTurn {
    // A reply cut at the token limit is still what the customer would see; a cut tool call is unusable,
    // and another try would cut it again.
    if (finishReason === "length" && calls.length > 0) {
      throw new ProviderError("candidate_error", `${id}: a tool call was cut at the token limit; raise maxTokens`);
    }
    const out: BotTurn = {};
    if (text !== "") out.text = text;
    if (calls.length > 0) {
      out.toolCalls = calls.map((c) => ({ id: c.id, name: c.name, args: parseToolArguments(c.arguments) }));
      const handoff = handoffFromToolCalls(out.toolCalls);
      if (handoff) out.handoff = handoff;
    }
    if (usage) out.usage = usage;
    return out;
  }

  function usageOf(u: { prompt_tokens: number; completion_tokens: number } | null | undefined): Usage | undefined {
    if (!u) return undefined;
    const usage: Usage = { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens };
    const cost = costOf(opts.model, usage, opts.pricing);
    if (cost !== undefined) usage.costUsd = cost;
    return usage;
  }

  async function once(req: RespondRequest): Promise<BotTurn> {
    const body: ChatCompletionCreateParamsNonStreaming = params(req);
    const raw: unknown = await client.chat.completions.create(body, { signal: req.signal });
    const parsed = Completion.safeParse(raw);
    if (!parsed.success) {
      throw new ResponseShapeError(
        `${id}: the answer is not a chat completion: ${redact(z.prettifyError(parsed.error), env)}`,
      );
    }
    const choice = parsed.data.choices[0]!;
    const calls = (choice.message.tool_calls ?? []).map((c) => ({ id: c.id, ...c.function }));
    return turn(
      choice.message.content ?? choice.message.refusal ?? "",
      calls,
      usageOf(parsed.data.usage),
      choice.finish_reason,
    );
  }

  async function streamed(req: RespondRequest): Promise<BotTurn> {
    const body: ChatCompletionCreateParamsStreaming = {
      ...params(req),
      stream: true,
      stream_options: { include_usage: true },
    };
    const stream = await client.chat.completions.create(body, { signal: req.signal });
    let text = "";
    const calls: { id: string; name: string; arguments: string }[] = [];
    let usage: Usage | undefined;
    let finishReason: string | null | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = usageOf(chunk.usage);
      finishReason = chunk.choices?.[0]?.finish_reason ?? finishReason;
      const delta = chunk.choices?.[0]?.delta;
      if (!delta) continue;
      if (delta.content) text += delta.content;
      for (const part of delta.tool_calls ?? []) {
        const slot = calls[part.index] ?? { id: "", name: "", arguments: "" };
        calls[part.index] = slot;
        if (part.id) slot.id = part.id;
        // OpenAI sends the name once; some compatible servers repeat it in every delta.
        if (part.function?.name && !slot.name) slot.name = part.function.name;
        if (part.function?.arguments) slot.arguments += part.function.arguments;
      }
    }
    const assembled = calls.filter((c) => c !== undefined);
    if (assembled.some((c) => !c.id || !c.name)) {
      throw new ProviderError("bad_response", `${id}: a streamed tool call arrived without its id or name`);
    }
    return turn(text, assembled, usage, finishReason);
  }

  const candidate: Candidate = {
    id,
    async respond(req) {
      try {
        return await (opts.stream ? streamed(req) : once(req));
      } catch (err) {
        throw openAIError(err, id, req.signal, env);
      }
    },
  };
  const family = modelFamily(opts.model) ?? undefined;
  if (family) candidate.family = family;
  return candidate;
}

/** SDK errors to ProviderErrors; an abort by the caller passes through as the caller's reason. */
function openAIError(err: unknown, id: string, signal: AbortSignal, env: NodeJS.ProcessEnv): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof ProviderError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new ProviderError("timeout", `${id}: request timed out`);
  if (err instanceof OpenAI.APIUserAbortError) return new ProviderError("timeout", `${id}: request aborted`);
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return Object.assign(new NetworkError(redact(`${id}: ${err.message}${cause}`, env)), { cause: err });
  }
  if (err instanceof OpenAI.APIError && err.status !== undefined) {
    return errorFromStatus(err.status, redact(`${id}: ${err.message}`, env), err.headers);
  }
  if (err instanceof SyntaxError || err instanceof OpenAI.OpenAIError) {
    return new ProviderError("bad_response", redact(`${id}: unreadable answer: ${err.message}`, env));
  }
  return classifyError(err, id);
}
