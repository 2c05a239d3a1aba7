import { z } from "zod";

/** The contract between the conversation engine and any bot, model or judge. */

export const ToolCall = z.object({
  id: z.string(),
  name: z.string(),
  args: z.unknown(),
});
export type ToolCall = z.infer<typeof ToolCall>;

/** Provider-neutral chat messages: the customer is `user`, the bot is `assistant`. */
export const Message = z.discriminatedUnion("role", [
  z.object({ role: z.literal("user"), content: z.string() }),
  z.object({
    role: z.literal("assistant"),
    content: z.string().default(""),
    toolCalls: z.array(ToolCall).default([]),
  }),
  z.object({ role: z.literal("tool"), toolCallId: z.string(), name: z.string(), content: z.string() }),
]);
export type Message = z.infer<typeof Message>;

export const Usage = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  /** The price of the answer; an answer replayed from the cache keeps the price it was bought at. */
  costUsd: z.number().min(0).optional(),
  /** Answered from the on-disk cache: no call was made now. */
  cached: z.boolean().optional(),
  /**
   * How long the call itself took, when a wrapper knows better than the engine's clock: after
   * retries, the attempt that answered (not the failed ones and the waits); from the call cache,
   * the call without the cache's disk work, or on a replay the time it took when it was made.
   * Latency figures then depend on neither retries nor the cache.
   */
  latencyMs: z.number().min(0).optional(),
});
export type Usage = z.infer<typeof Usage>;

/** A hand-off; a missing summary is an empty one, which the handoff_summary grade fails (not a bad answer). */
export const Handoff = z.object({ reason: z.string(), summary: z.string().default("") });
export type Handoff = z.infer<typeof Handoff>;

export const BotTurn = z.object({
  text: z.string().optional(),
  toolCalls: z.array(ToolCall).optional(),
  handoff: Handoff.optional(),
  end: z.boolean().optional(),
  usage: Usage.optional(),
});
export type BotTurn = z.infer<typeof BotTurn>;

/** A tool as offered to a model: JSON Schema parameters. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** What the engine knows about the conversation; offline bots may use it, remote ones ignore it. */
export interface ConversationContext {
  /** A stable id for the conversation: the same trial in a re-run has the same id (cache key). */
  conversationId: string;
  /** Unique to this run and trial: the session id of bots that keep state between calls. */
  sessionId?: string;
  language: string;
  scenarioId: string;
  domain: string;
}

export interface RespondRequest {
  messages: Message[];
  tools: ToolSpec[];
  system?: string;
  signal: AbortSignal;
  context: ConversationContext;
  /** Force a call of this tool (judges use it for structured output). */
  toolChoice?: string;
  temperature?: number;
  maxTokens?: number;
  /**
   * Text that differs on every call without changing what is asked (a judge's random fence
   * delimiter): the call cache leaves it out of its key, so an unchanged re-run still hits.
   */
  volatile?: readonly string[];
}

/** The bot under test (or a judge or customer simulator): answers one turn. */
export interface Candidate {
  id: string;
  /** Model family, for the same-family judge warning (e.g. "gpt", "claude"). */
  family?: string;
  respond(req: RespondRequest): Promise<BotTurn>;
  /**
   * The bot runs its own tools (a deployed bot behind HTTP): its tool calls are observations
   * to record and grade, not requests for the engine to execute.
   */
  runsOwnTools?: boolean;
  /** Releases sockets, child processes and the like. */
  close?(): Promise<void>;
}

/** An error whose kind the executor records; anything else is a harness bug. */
export class ProviderError extends Error {
  constructor(
    readonly kind: "timeout" | "rate_limit" | "bad_response" | "candidate_error" | "config",
    message: string,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}
