import type { TranscriptEvent } from "../../conversation/schema.js";
import type { Grade } from "../schema.js";

/** Grader versions are bumped when their behaviour changes, so stored grades stay comparable. */
export const DETERMINISTIC_VERSION = "1";

/** The bot's turns with text, in order. */
export function botTurns(transcript: TranscriptEvent[]): { turn: number; text: string }[] {
  return transcript.flatMap((e) => (e.type === "bot" && e.text.trim() ? [{ turn: e.turn, text: e.text }] : []));
}

/** The tool calls of a transcript, in order. */
export function toolEvents(transcript: TranscriptEvent[]): Extract<TranscriptEvent, { type: "tool" }>[] {
  return transcript.filter((e): e is Extract<TranscriptEvent, { type: "tool" }> => e.type === "tool");
}

/** A deterministic grade with the common fields filled in. */
export function grade(
  grader: string,
  fields: Pick<Grade, "criterion" | "pass" | "reason"> & Partial<Pick<Grade, "score" | "hard" | "evidence" | "detail">>,
): Grade {
  return {
    score: fields.pass === false ? 0 : 1,
    hard: true,
    evidence: [],
    kind: "deterministic",
    version: DETERMINISTIC_VERSION,
    grader,
    ...fields,
  };
}

/** Shorten a quote for evidence. */
export function clip(text: string, max = 160): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
