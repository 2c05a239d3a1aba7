import { z } from "zod";
import { Usage } from "../providers/types.js";

/** Transcripts and trials: what a conversation leaves behind for the graders. */

/** One recorded change of the world, made by a tool. */
export const Change = z.object({
  /** `set` changes one field (`collection.id.field`); `insert` adds a record (`collection.id`). */
  op: z.enum(["set", "insert"]).default("set"),
  path: z.string(),
  /** null when the field or record did not exist. */
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  tool: z.string().optional(),
});
export type Change = z.infer<typeof Change>;

export const TranscriptEvent = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("customer"),
    turn: z.number().int(),
    text: z.string(),
    simulated: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("bot"),
    turn: z.number().int(),
    text: z.string(),
    latency_ms: z.number(),
    usage: Usage.optional(),
  }),
  z.object({
    type: z.literal("tool"),
    turn: z.number().int(),
    id: z.string(),
    name: z.string(),
    args: z.unknown(),
    result: z.unknown(),
    error: z.string().optional(),
    changes: z.array(Change).default([]),
  }),
  z.object({
    type: z.literal("handoff"),
    turn: z.number().int(),
    reason: z.string(),
    summary: z.string(),
    detected_by: z.enum(["tool", "field", "judge"]),
  }),
]);
export type TranscriptEvent = z.infer<typeof TranscriptEvent>;

export const EndReason = z.enum(["bot_closed", "handoff", "customer_done", "max_turns", "error"]);
export type EndReason = z.infer<typeof EndReason>;

export const TrialError = z.object({
  kind: z.enum(["timeout", "rate_limit", "bad_response", "candidate_error", "config", "harness_bug", "grader_error"]),
  message: z.string(),
});
export type TrialError = z.infer<typeof TrialError>;

export const TotalUsage = z.object({
  input_tokens: z.number().int().min(0),
  output_tokens: z.number().int().min(0),
  cost_usd: z.number().min(0),
  calls: z.number().int().min(0),
  cached_calls: z.number().int().min(0).default(0),
});
export type TotalUsage = z.infer<typeof TotalUsage>;

/** One conversation: the product of the engine, before grading. */
export const Conversation = z.object({
  transcript: z.array(TranscriptEvent),
  end_reason: EndReason,
  world_diff: z.array(Change),
  usage: TotalUsage,
  latency_ms: z.number(),
  bot_ms: z.number(),
  error: TrialError.optional(),
  /** Bot mode: the bot ran its own tools, so its calls were recorded but the world was never touched. */
  tools_observed: z.boolean().optional(),
});
export type Conversation = z.infer<typeof Conversation>;
