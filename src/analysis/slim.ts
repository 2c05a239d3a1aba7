import type { TranscriptEvent } from "../conversation/schema.js";
import type { Grade } from "../graders/schema.js";
import type { ResultLine } from "../run/schema.js";

/**
 * A result line reduced to what the analyses, the summaries, JUnit and the table rows of the
 * report read, so that a run of many thousands of trials can be analysed in about half the
 * memory: the transcript keeps each event's kind, turn and timing but not its words; a grade
 * keeps its verdict and score, and a failed or errored one also its reason and first evidence
 * (the failure examples and JUnit messages); grader details and world changes go. The report
 * reads the whole lines of the conversations it embeds again (readLinesByKey).
 */
export function slimLine(line: ResultLine): ResultLine {
  return { ...line, transcript: line.transcript.map(slimEvent), world_diff: [], grades: line.grades.map(slimGrade) };
}

function slimEvent(e: TranscriptEvent): TranscriptEvent {
  switch (e.type) {
    case "customer":
      return { type: e.type, turn: e.turn, text: "" };
    case "bot":
      return { type: e.type, turn: e.turn, text: "", latency_ms: e.latency_ms };
    case "tool":
      return { type: e.type, turn: e.turn, id: e.id, name: e.name, args: null, result: null, changes: [] };
    case "handoff":
      return { ...e, summary: "" };
  }
}

function slimGrade(g: Grade): Grade {
  const { detail: _detail, ...rest } = g;
  const kept = g.pass === false || g.error !== undefined;
  return { ...rest, reason: kept ? g.reason : "", evidence: kept ? g.evidence.slice(0, 1) : [] };
}
