import { gradeActions } from "./deterministic/actions.js";
import { gradeEfficiency } from "./deterministic/efficiency.js";
import { escalationOutcome, gradeEscalation } from "./deterministic/escalation.js";
import { gradeFacts } from "./deterministic/facts.js";
import { gradeForbidden } from "./deterministic/forbidden.js";
import { gradeLanguage, prepareLanguageGrader } from "./deterministic/language.js";
import { gradePolicy } from "./deterministic/policy.js";
import { gradeState } from "./deterministic/state.js";
import type { EscalationOutcome, Grade, Verdict } from "./schema.js";
import type { AsyncGrader, GradeInput, Grader } from "./types.js";

/** The always-on offline graders, in the order their grades are stored. */
export const DETERMINISTIC_GRADERS: Grader[] = [
  gradeEscalation,
  gradeFacts,
  gradeForbidden,
  gradeActions,
  gradeState,
  gradePolicy,
  gradeLanguage,
  gradeEfficiency,
];

export interface Graded {
  grades: Grade[];
  verdict: Verdict;
  escalation: EscalationOutcome | null;
}

/** error if the conversation or a grader failed; fail if a hard grade failed; pass otherwise. */
export function verdictOf(grades: Grade[], conversationFailed: boolean): Verdict {
  if (conversationFailed || grades.some((g) => g.error !== undefined)) return "error";
  return grades.some((g) => g.hard && g.pass === false) ? "fail" : "pass";
}

function graderError(name: string, err: unknown): Grade {
  return {
    criterion: name,
    score: 0,
    pass: null,
    hard: true,
    reason: `grader failed: ${err instanceof Error ? err.message : String(err)}`,
    evidence: [],
    grader: name,
    kind: "deterministic",
    version: "1",
    error: err instanceof Error ? err.message : String(err),
  };
}

/**
 * Judged expectations recorded as not graded when no judge runs: visible, never a free pass. These
 * placeholders are not scores: the analysis recognises them by grader "judge" and version "none"
 * (`isUnjudged` in src/analysis/figures.ts) and counts them as "not judged", never as judge grades.
 */
export function unjudged({ scenario }: GradeInput): Grade[] {
  const lines = [
    ...scenario.expect.rubric.map((claim) => ({ criterion: "rubric", claim })),
    ...scenario.expect.forbidden.flatMap((f) => (typeof f === "string" ? [{ criterion: "forbidden", claim: f }] : [])),
  ];
  return lines.map(({ criterion, claim }) => ({
    criterion,
    score: 0,
    pass: null,
    hard: false,
    reason: `not judged (no judge configured; run with --judge): ${claim}`,
    evidence: [],
    grader: "judge",
    kind: "judge" as const,
    version: "none",
    detail: { claim, judged: false },
  }));
}

/** Grade one finished trial: deterministic graders first, then extra (heuristic) and async (judge) ones. */
export async function gradeTrial(
  input: GradeInput,
  opts: { extra?: Grader[]; judge?: AsyncGrader; signal?: AbortSignal } = {},
): Promise<Graded> {
  // A conversation that failed is not graded: its fragment would earn passes it never deserved.
  if (input.conversation.error) return { grades: [], verdict: "error", escalation: null };
  await prepareLanguageGrader();
  const grades: Grade[] = [];
  for (const g of [...DETERMINISTIC_GRADERS, ...(opts.extra ?? [])]) {
    try {
      grades.push(...g(input));
    } catch (err) {
      grades.push(graderError(g.name || "grader", err));
    }
  }
  if (!opts.judge) grades.push(...unjudged(input));
  // A failed conversation is not judged: the judge would grade a fragment.
  if (opts.judge && !input.conversation.error) {
    try {
      grades.push(...(await opts.judge(input, opts.signal ?? new AbortController().signal)));
    } catch (err) {
      grades.push({ ...graderError("judge", err), kind: "judge" });
    }
  }
  return {
    grades,
    verdict: verdictOf(grades, input.conversation.error !== undefined),
    escalation: escalationOutcome(input.scenario, input.conversation.transcript),
  };
}
