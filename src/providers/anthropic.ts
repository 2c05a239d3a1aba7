import Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
  MessageParam,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import { apiKeyFor, type ModelCandidateOptions, type OfficialApi } from "./model-options.js";
import { handoffFromToolCalls } from "./openai.js";
import { costOf } from "./pricing.js";
import { redact } from "./redact.js";
import { classifyError, errorFromStatus, NetworkError, ResponseShapeError } from "./retry.js";
import type { BotTurn, Candidate, Message, RespondRequest, ToolCall, Usage } from "./types.js";
import { ProviderError } from "./types.js";

/** Claude models through Anthropic's messages API with tool use. */

/** `maxTokens`: the API requires a limit; default 1024. */
export type AnthropicCandidateOptions = ModelCandidateOptions;

/**
 * Provider-neutral messages to Anthropic turns: tool results become `tool_result` blocks of a user
 * turn, and neighbouring turns of one role merge, since the API expects user and assistant to alternate.
 */
export function toAnthropicMessages(messages: readonly Message[]): MessageParam[] {
  const out: { role: "user" | "assistant"; content: ContentBlockParam[] }[] = [];
  const push = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === "user") push("user", m.content === "" ? [] : [{ type: "text", text: m.content }]);
    else if (m.role === "tool") {
      push("user", [
        { type: "tool_result", tool_use_id: m.toolCallId, ...(m.content === "" ? {} : { content: m.content }) },
      ]);
    } else {
      const blocks: ContentBlockParam[] = m.content === "" ? [] : [{ type: "text", text: m.content }];
      for (const call of m.toolCalls) {
        blocks.push({ type: "tool_use", id: call.id, name: call.name, input: asToolInput(call.args) });
      }
      push("assistant", blocks);
    }
  }
  return out;
}

/** tool_use input must be an object; anything else (e.g. unparsable arguments) is wrapped. */
function asToolInput(args: unknown): Record<string, unknown> {
  return args && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>) : { value: args };
}

const MessageResponse = z.object({
  model: z.string().optional(),
  content: z.array(
    z.union([
      z.object({ type: z.literal("text"), text: z.string() }),
      z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
      z.object({ type: z.string() }).loose(),
    ]),
  ),
  stop_reason: z.string().nullable(),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).loose(),
});

/** Anthropic's own API: the only place ANTHROPIC_API_KEY is sent unless `apiKeyEnv` names it. */
export const ANTHROPIC_API: OfficialApi = { keyEnv: "ANTHROPIC_API_KEY", host: "api.anthropic.com" };

/** Creates a candidate that talks to Anthropic's messages API through the official SDK. */
export function createAnthropicCandidate(opts: AnthropicCandidateOptions): Candidate {
  const env = opts.env ?? process.env;
  const id = opts.id ?? `anthropic:${opts.model}`;
  const apiKey = apiKeyFor(opts, id, ANTHROPIC_API);
  // An explicit key also keeps the SDK from looking for credentials in the home folder, and an
  // explicit baseURL from taking ANTHROPIC_BASE_URL, where the key chosen above was not meant to go.
  const client = new Anthropic({
    apiKey,
    baseURL: opts.baseURL ?? "https://api.anthropic.com",
    maxRetries: 0, // retries, with Retry-After and jitter, are withRetries'
    timeout: opts.timeoutMs ?? 600_000,
  });

  function params(req: RespondRequest): MessageCreateParamsNonStreaming {
    const system = opts.system ?? req.system;
    const temperature = req.temperature ?? opts.temperature;
    const tools: Tool[] = req.tools.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: { type: "object", ...t.parameters },
    }));
    return {
      model: opts.model,
      max_tokens: req.maxTokens ?? opts.maxTokens ?? 1024,
      messages: toAnthropicMessages(req.messages),
      ...(system ? { system } : {}),
      ...(tools.length > 0 ? { tools } : {}),
      ...(req.toolChoice ? { tool_choice: { type: "tool" as const, name: req.toolChoice } } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
    };
  }

  return {
    id,
    family: "claude",
    async respond(req) {
      let raw: unknown;
      try {
        raw = await client.messages.create(params(req), { signal: req.signal });
      } catch (err) {
        throw anthropicError(err, id, req.signal, env);
      }
      const parsed = MessageResponse.safeParse(raw);
      if (!parsed.success) {
        throw new ResponseShapeError(
          `${id}: the answer is not a message: ${redact(z.prettifyError(parsed.error), env)}`,
        );
      }
      const message = parsed.data;
      const texts: string[] = [];
      const toolCalls: ToolCall[] = [];
      for (const block of message.content) {
        if (block.type === "text" && typeof block.text === "string") texts.push(block.text);
        else if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string") {
          toolCalls.push({ id: block.id, name: block.name, args: block.input });
        }
      }
      // end_turn and stop_sequence end normally; a reply cut at max_tokens is still what the customer
      // would see, but a tool call cut there has unusable input, and another try would cut it again.
      if (message.stop_reason === "max_tokens" && toolCalls.length > 0) {
        throw new ProviderError("candidate_error", `${id}: a tool call was cut at max_tokens; raise maxTokens`);
      }
      if (message.stop_reason === "tool_use" && toolCalls.length === 0) {
        throw new ProviderError("bad_response", `${id}: stop_reason is tool_use but the answer has no tool_use block`);
      }
      const turn: BotTurn = {};
      const text = texts.join("\n");
      if (text !== "") turn.text = text;
      if (toolCalls.length > 0) {
        turn.toolCalls = toolCalls;
        const handoff = handoffFromToolCalls(toolCalls);
        if (handoff) turn.handoff = handoff;
      }
      const usage: Usage = { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens };
      const cost = costOf(opts.model, usage, opts.pricing);
      if (cost !== undefined) usage.costUsd = cost;
      turn.usage = usage;
      return turn;
    },
  };
}

/** SDK errors to ProviderErrors; an abort by the caller passes through as the caller's reason. */
function anthropicError(err: unknown, id: string, signal: AbortSignal, env: NodeJS.ProcessEnv): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof ProviderError) return err;
  if (err instanceof Anthropic.APIConnectionTimeoutError)
    return new ProviderError("timeout", `${id}: request timed out`);
  if (err instanceof Anthropic.APIUserAbortError) return new ProviderError("timeout", `${id}: request aborted`);
  if (err instanceof Anthropic.APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return Object.assign(new NetworkError(redact(`${id}: ${err.message}${cause}`, env)), { cause: err });
  }
  if (err instanceof Anthropic.APIError && typeof err.status === "number") {
    return errorFromStatus(err.status, redact(`${id}: ${err.message}`, env), err.headers);
  }
  if (err instanceof SyntaxError || err instanceof Anthropic.AnthropicError) {
    return new ProviderError("bad_response", redact(`${id}: unreadable answer: ${err.message}`, env));
  }
  return classifyError(err, id);
}
