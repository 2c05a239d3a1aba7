import type { TranscriptEvent } from "../../conversation/schema.js";
import type { LoadedScenario } from "../../suite/schema.js";
import type { EscalationOutcome, Grade } from "../schema.js";
import type { Grader } from "../types.js";
import { clip, grade } from "./shared.js";

/** A hand-off summary shorter than this cannot let a person continue without asking again. */
export const MIN_SUMMARY_CHARS = 20;

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
    const summaryOk = h.summary.trim().length >= MIN_SUMMARY_CHARS;
    out.push(
      grade("escalation", {
        criterion: "handoff_summary",
        pass: summaryOk,
        reason: summaryOk
          ? "the hand-off carries a usable summary"
          : `the hand-off summary is missing or too short (${h.summary.trim().length} characters)`,
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
