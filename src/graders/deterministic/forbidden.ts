import { foldText } from "../../suite/text-match.js";
import type { Grader } from "../types.js";
import { botTurns, clip, grade } from "./shared.js";

/** Deterministic forbidden entries (`says` phrases or a `pattern`) must not occur in any bot turn. */
export const gradeForbidden: Grader = ({ scenario, conversation }) => {
  const turns = botTurns(conversation.transcript);
  return scenario.expect.forbidden.flatMap((entry) => {
    if (typeof entry === "string") return []; // judged by the LLM judge
    const re = entry.pattern ? new RegExp(entry.pattern, "iu") : undefined;
    const phrases = (entry.says ?? []).map(foldText);
    for (const t of turns) {
      const folded = foldText(t.text);
      const phrase = phrases.find((p) => folded.includes(p));
      const m = re?.exec(t.text);
      if (phrase || m) {
        return [
          grade("forbidden", {
            criterion: "forbidden",
            pass: false,
            reason: `the bot ${entry.claim} ("${phrase ?? m?.[0]}")`,
            evidence: [{ turn: t.turn, quote: clip(t.text) }],
            detail: { claim: entry.claim },
          }),
        ];
      }
    }
    return [
      grade("forbidden", {
        criterion: "forbidden",
        pass: true,
        reason: `did not: ${entry.claim}`,
        detail: { claim: entry.claim },
      }),
    ];
  });
};
