import { z } from "zod";
import { TranscriptEvent } from "../../conversation/schema.js";
import { Escalation, Intent, LanguageTag, Tier } from "../../suite/schema.js";

/**
 * Labelled transcripts for judge calibration: `datasets/calibration/*.jsonl` (one item per line)
 * or `*.yaml` (a list of items). Written by hand, so the transcript has a short form:
 * `{customer: "…"}`, `{bot: "…"}`, `{tool: name, args, result}`, `{handoff: {reason, summary}}`;
 * full TranscriptEvent objects (with `type` and `turn`) are accepted as well.
 */

const ShortCustomer = z.strictObject({ customer: z.string().min(1) });
const ShortBot = z.strictObject({ bot: z.string() });
const ShortTool = z.strictObject({
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
  result: z.unknown().optional(),
  error: z.string().optional(),
});
const ShortHandoff = z.strictObject({
  handoff: z.strictObject({ reason: z.string().min(1), summary: z.string() }),
  /** How the hand-off was signalled; a model's escalate_to_human call by default. */
  by: z.enum(["tool", "field", "judge"]).default("tool"),
});

export const CalibrationEvent = z.union([TranscriptEvent, ShortCustomer, ShortBot, ShortTool, ShortHandoff], {
  error:
    "an event is {customer: text}, {bot: text}, {tool: name, args, result}, {handoff: {reason, summary}} or a full transcript event with `type`",
});
export type CalibrationEvent = z.infer<typeof CalibrationEvent>;

/** 1–5, as in the rubrics' anchored levels. */
const Rating = z.number().int().min(1, "ratings are 1–5").max(5, "ratings are 1–5");

export const CalibrationContext = z.strictObject({
  language: LanguageTag,
  intent: Intent,
  tier: Tier,
  domain: z.string().default("fjordpay"),
  /** The part of the domain policy the labeller judged against; the judge sees the same text. */
  policy_excerpt: z.string().min(1, "quote the policy the conversation is about"),
  expected_escalation: Escalation,
  customer_goal: z.string().optional(),
  /** Facts the bot should communicate, as claims. */
  facts: z.array(z.string().min(1)).default([]),
  persona_mood: z.string().optional(),
});
export type CalibrationContext = z.infer<typeof CalibrationContext>;

export const CalibrationLabels = z.strictObject({
  accuracy: Rating,
  empathy: Rating,
  escalation_correct: z.boolean(),
  tone: Rating.optional(),
  resolution: Rating.optional(),
  /** Why the labeller chose these ratings: the part another labeller needs to agree or disagree. */
  notes: z.string().default(""),
  labeller: z.string().optional(),
});
export type CalibrationLabels = z.infer<typeof CalibrationLabels>;

export const CalibrationItem = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "use lower-case letters, digits, '.', '_' and '-'"),
  context: CalibrationContext,
  transcript: z.array(CalibrationEvent).min(1, "a transcript needs at least one event"),
  labels: CalibrationLabels,
});
export type CalibrationItem = z.infer<typeof CalibrationItem>;

/** Labels compared with grades: ordinal 1–5 ratings and one yes/no. */
export const ORDINAL_LABELS = ["accuracy", "empathy", "tone", "resolution"] as const;
export const BINARY_LABELS = ["escalation_correct"] as const;
export type LabelName = (typeof ORDINAL_LABELS)[number] | (typeof BINARY_LABELS)[number];

/**
 * The transcript with turn numbers as the engine writes them: the opening customer message is
 * turn 0, bot turn n (with its tool calls and hand-off) is n, and the customer's answer to it is n.
 */
export function toTranscript(events: readonly CalibrationEvent[]): TranscriptEvent[] {
  let botTurns = 0;
  return events.map((e): TranscriptEvent => {
    if ("type" in e) {
      if (e.type === "bot") botTurns = Math.max(botTurns, e.turn);
      return e;
    }
    if ("customer" in e) return { type: "customer", turn: botTurns, text: e.customer };
    if ("bot" in e) return { type: "bot", turn: ++botTurns, text: e.bot, latency_ms: 0 };
    if ("tool" in e) {
      return {
        type: "tool",
        turn: botTurns + 1,
        id: `call_${botTurns + 1}_${e.tool}`,
        name: e.tool,
        args: e.args,
        result: e.result ?? null,
        ...(e.error ? { error: e.error } : {}),
        changes: [],
      };
    }
    return {
      type: "handoff",
      turn: Math.max(botTurns, 1),
      reason: e.handoff.reason,
      summary: e.handoff.summary,
      detected_by: e.by,
    };
  });
}
