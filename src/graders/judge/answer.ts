import { z } from "zod";
import type { BotTurn } from "../../providers/types.js";
import type { JudgedCriterion } from "./criteria.js";
import { SUBMIT_TOOL } from "./prompt.js";

/** Reading the judge's reply: a forced tool call, or JSON text from a model that answered in prose. */

const RawEvidence = z.object({ turn: z.coerce.number().int(), quote: z.string() });

// Models sometimes write "4" or "Yes"; that is the same answer, not a malformed one.
const Score = z.preprocess(
  (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)], {
    error: "score must be one of 1, 2, 3, 4, 5",
  }),
);
const YesNo = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
  z.enum(["yes", "no"], { error: 'answer must be "yes" or "no"' }),
);

export interface CriterionAnswer {
  /** 1–5 for scale criteria; for yes/no criteria 1 = yes, 0 = no. */
  value: number;
  reason: string;
  evidence: { turn: number; quote: string }[];
}

/** The zod schema of a valid submission for these criteria. */
export function answerSchema(criteria: readonly JudgedCriterion[]) {
  const shape: Record<string, z.ZodType<CriterionAnswer>> = {};
  for (const c of criteria) {
    const base = { reason: z.string().default(""), evidence: z.array(RawEvidence).default([]) };
    shape[c.key] =
      c.kind === "scale"
        ? z
            .object({ ...base, score: Score })
            .transform((a) => ({ value: a.score, reason: a.reason, evidence: a.evidence }))
        : z
            .object({ ...base, answer: YesNo })
            .transform((a) => ({ value: a.answer === "yes" ? 1 : 0, reason: a.reason, evidence: a.evidence }));
  }
  return z.object({ grades: z.object(shape) });
}

function parseJsonText(text: string): unknown {
  const attempts = [text.trim()];
  const block = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (block?.[1]) attempts.push(block[1].trim());
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first >= 0 && last > first) attempts.push(text.slice(first, last + 1));
  for (const a of attempts) {
    try {
      return JSON.parse(a);
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/** The submission inside a reply: the submit tool's arguments, else JSON in the text. */
export function extractSubmission(turn: BotTurn): { found: true; value: unknown } | { found: false; problem: string } {
  const calls = turn.toolCalls ?? [];
  const call = calls.find((c) => c.name === SUBMIT_TOOL) ?? calls[0];
  let value: unknown;
  if (call) {
    value = typeof call.args === "string" ? parseJsonText(call.args) : call.args;
    if (value === undefined) return { found: false, problem: "the tool arguments were not valid JSON" };
  } else if (turn.text?.trim()) {
    value = parseJsonText(turn.text);
    if (value === undefined) {
      return { found: false, problem: `no call of ${SUBMIT_TOOL} and no JSON object in the reply` };
    }
  } else {
    return { found: false, problem: `the reply was empty; call ${SUBMIT_TOOL}` };
  }
  // A bare map of criteria (without the `grades` wrapper) is the same submission.
  if (value && typeof value === "object" && !("grades" in value)) value = { grades: value };
  return { found: true, value };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 12)
    .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

/** Parse and validate one reply; a problem says what to fix, in words the model can act on. */
export function readAnswers(
  turn: BotTurn,
  criteria: readonly JudgedCriterion[],
): { ok: true; answers: Record<string, CriterionAnswer> } | { ok: false; problem: string } {
  const sub = extractSubmission(turn);
  if (!sub.found) return { ok: false, problem: sub.problem };
  const parsed = answerSchema(criteria).safeParse(sub.value);
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error.issues) };
  return { ok: true, answers: parsed.data.grades };
}
