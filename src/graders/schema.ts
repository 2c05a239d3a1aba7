import { z } from "zod";

/** Grades: what a grader says about one criterion of one trial, with its evidence. */

export const Evidence = z.object({ turn: z.number().int(), quote: z.string() });

export const Grade = z.object({
  criterion: z.string(),
  /** 0–1 for deterministic criteria; judged and heuristic scales are stated in `scale`. */
  score: z.number(),
  scale: z.tuple([z.number(), z.number()]).optional(),
  /** null: recorded but not decisive (e.g. a judged criterion without a judge). */
  pass: z.boolean().nullable(),
  /** A failed hard grade fails the trial. */
  hard: z.boolean(),
  reason: z.string(),
  evidence: z.array(Evidence).default([]),
  grader: z.string(),
  kind: z.enum(["deterministic", "judge", "heuristic"]),
  version: z.string(),
  /** Extra figures, e.g. escalation outcome or the judge's model. */
  detail: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
});
export type Grade = z.infer<typeof Grade>;
export type Evidence = z.infer<typeof Evidence>;

export const Verdict = z.enum(["pass", "fail", "error"]);
export type Verdict = z.infer<typeof Verdict>;

/** Escalation outcome of one trial, the basis of the confusion matrix and the risk figure. */
export const EscalationOutcome = z.enum(["correct_handoff", "correct_no_handoff", "missed", "needless", "late"]);
export type EscalationOutcome = z.infer<typeof EscalationOutcome>;

/** What an LLM judge spent: calls (repairs included), invalid answers, tokens and cost. */
export const JudgeUsage = z.object({
  calls: z.number(),
  repairs: z.number(),
  failures: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
  /** Calls answered from the on-disk cache (paid for by an earlier run): in `calls`, not in tokens or cost. */
  cached_calls: z.number().optional(),
});
export type JudgeUsage = z.infer<typeof JudgeUsage>;

/** A judge tally with nothing spent yet. */
export function noJudgeUsage(): Required<JudgeUsage> {
  return { calls: 0, repairs: 0, failures: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, cached_calls: 0 };
}
