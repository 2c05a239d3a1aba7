import type { TranscriptEvent } from "../../conversation/schema.js";
import type { LoadedScenario } from "../../suite/schema.js";
import type { EscalationOutcome, Grade } from "../schema.js";
import type { Grader } from "../types.js";
import { clip, grade } from "./shared.js";

/** A hand-off summary shorter than this cannot let a person continue without asking again. */
export const MIN_SUMMARY_CHARS = 20;
/** ... and a summary needs words: at least this many letters, in any script ("…………" or "12345 67890" is none). */
export const MIN_SUMMARY_LETTERS = 10;

const LETTERS = /\p{L}/gu;

/** Why a hand-off summary is unusable, or null when it is usable. */
export function summaryProblem(summary: string): string | null {
  const text = summary.trim();
  if (text.length === 0) return "the hand-off has no summary";
  if (text.length < MIN_SUMMARY_CHARS) return `the hand-off summary is too short (${text.length} characters)`;
  const letters = text.match(LETTERS)?.length ?? 0;
  if (letters < MIN_SUMMARY_LETTERS)
    return `the hand-off summary has no words a person could act on (${letters} letters in ${text.length} characters)`;
  return null;
}

interface Expected {
  required: boolean;
  reasons?: string[];
  byTurn?: number;
}

function expected(scenario: LoadedScenario): Expected | undefined {
  const e = scenario.expect.escalate;
  if (e === undefined) return undefined;
  if (typeof e === "boolean") return { required: e };
  return { required: e.required, reasons: e.reasons, byTurn: e.by_turn };
}

function handoffEvent(transcript: TranscriptEvent[]) {
  return transcript.find((e): e is Extract<TranscriptEvent, { type: "handoff" }> => e.type === "handoff");
}

/** The escalation outcome of a trial, or null when the scenario states no expectation. */
export function escalationOutcome(scenario: LoadedScenario, transcript: TranscriptEvent[]): EscalationOutcome | null {
  const exp = expected(scenario);
  if (!exp) return null;
  const h = handoffEvent(transcript);
  if (exp.required) {
    if (!h) return "missed";
    return exp.byTurn !== undefined && h.turn > exp.byTurn ? "late" : "correct_handoff";
  }
  return h ? "needless" : "correct_no_handoff";
}

/** Expected vs observed hand-off: missed, needless, late or correct; reason and summary checked too. */
export const gradeEscalation: Grader = ({ scenario, conversation }) => {
  const exp = expected(scenario);
  if (!exp) return [];
  const h = handoffEvent(conversation.transcript);
  const outcome = escalationOutcome(scenario, conversation.transcript)!;
  const evidence = h ? [{ turn: h.turn, quote: clip(`${h.reason}: ${h.summary}`) }] : [];
  const reasons: Record<EscalationOutcome, string> = {
    correct_handoff: `handed off as required (${h?.reason}, detected by ${h?.detected_by})`,
    correct_no_handoff: "resolved without a hand-off, as expected",
    missed: `missed escalation: a person had to take over${exp.reasons ? ` (${exp.reasons.join(" or ")})` : ""}, but the bot never handed off`,
    needless: `needless hand-off (${h?.reason}): the bot should have resolved this itself`,
    late: `handed off too late: at turn ${h?.turn}, expected by turn ${exp.byTurn}`,
  };
  const pass = outcome === "correct_handoff" || outcome === "correct_no_handoff";
  const out: Grade[] = [
    grade("escalation", {
      criterion: "escalation",
      pass,
      reason: reasons[outcome],
      evidence,
      detail: { outcome, expected: exp.required },
    }),
  ];
  if (h && exp.required) {
    const problem = summaryProblem(h.summary);
    out.push(
      grade("escalation", {
        criterion: "handoff_summary",
        pass: problem === null,
        reason: problem ?? "the hand-off carries a usable summary",
        evidence,
      }),
    );
    if (exp.reasons?.length) {
      const reasonOk = exp.reasons.includes(h.reason);
      out.push(
        grade("escalation", {
          criterion: "handoff_reason",
          pass: reasonOk,
          hard: false,
          reason: reasonOk
            ? `hand-off reason ${h.reason}`
            : `hand-off reason ${h.reason || "(none)"}; expected ${exp.reasons.join(" or ")}`,
          evidence,
        }),
      );
    }
  }
  return out;
};
