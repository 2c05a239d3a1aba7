import type { isReplyInLanguage as Check } from "../language-id.js";
import type { Grader } from "../types.js";
import { botTurns, clip, grade } from "./shared.js";

let check: typeof Check | undefined;

/** Load the language identifier (a large n-gram model) once, only when a trial is graded. */
export async function prepareLanguageGrader(): Promise<void> {
  check ??= (await import("../language-id.js")).isReplyInLanguage;
}

/** Every bot turn is written in the scenario's language (turns too short to identify are skipped). */
export const gradeLanguage: Grader = ({ scenario, conversation }) => {
  const isReplyInLanguage = check;
  if (!isReplyInLanguage) throw new Error("prepareLanguageGrader() must run before gradeLanguage");
  const turns = botTurns(conversation.transcript);
  const judged = turns
    .map((t) => ({ t, r: isReplyInLanguage(t.text, scenario.language) }))
    .filter((x) => x.r.ok !== null);
  if (judged.length === 0) {
    return [
      grade("language", {
        criterion: "language",
        pass: null,
        hard: false,
        reason: "no bot turn long enough to identify its language",
      }),
    ];
  }
  const wrong = judged.filter((x) => x.r.ok === false);
  return [
    grade("language", {
      criterion: "language",
      pass: wrong.length === 0,
      score: (judged.length - wrong.length) / judged.length,
      reason: wrong.length
        ? `${wrong.length} of ${judged.length} bot turns not in ${scenario.language} (${wrong.map((w) => w.r.reason).join("; ")})`
        : `all ${judged.length} identifiable bot turns in ${scenario.language}`,
      evidence: wrong.slice(0, 3).map((w) => ({ turn: w.t.turn, quote: clip(w.t.text) })),
    }),
  ];
};
