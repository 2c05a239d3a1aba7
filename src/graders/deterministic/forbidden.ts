import { findKey, foldText, isIsoDate } from "../../suite/text-match.js";
import type { Grader } from "../types.js";
import { botTurns, clip, grade } from "./shared.js";

/**
 * Deterministic forbidden entries (`says` phrases or a `pattern`) must not occur in any bot turn. A
 * phrase is matched as folded text; a phrase that is an ISO date (`1985-06-30`) as the facts grader
 * matches a date key, in every written form (30.06.1985, 30/06/85, 1985年6月30日…).
 */
export const gradeForbidden: Grader = ({ scenario, conversation }) => {
  const turns = botTurns(conversation.transcript);
  return scenario.expect.forbidden.flatMap((entry) => {
    if (typeof entry === "string") return []; // judged by the LLM judge
    const re = entry.pattern ? new RegExp(entry.pattern, "iu") : undefined;
    const phrases = (entry.says ?? []).map((p) => ({ date: isIsoDate(p) ? p.trim() : null, folded: foldText(p) }));
    for (const t of turns) {
      const folded = foldText(t.text);
      let said: string | undefined;
      for (const p of phrases) {
        if (p.date === null) {
          if (folded.includes(p.folded)) said = `"${p.folded}"`;
        } else {
          const m = findKey(t.text, p.date);
          if (m) {
            const written = t.text.normalize("NFC").slice(m.index, m.index + m.length);
            said = written === p.date ? `"${written}"` : `"${written}", the date ${p.date}`;
          }
        }
        if (said !== undefined) break;
      }
      const m = re?.exec(t.text);
      if (said !== undefined || m) {
        return [
          grade("forbidden", {
            criterion: "forbidden",
            pass: false,
            reason: `the bot ${entry.claim} (${said ?? `"${m?.[0]}"`})`,
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
