import { findKey, quoteAround } from "../../suite/text-match.js";
import type { Grader } from "../types.js";
import { botTurns, grade } from "./shared.js";

/** Every fact's keys (all of them; an inner list is alternatives) must appear in some bot turn. */
export const gradeFacts: Grader = ({ scenario, conversation }) => {
  const turns = botTurns(conversation.transcript);
  return scenario.expect.facts.map((fact) => {
    const missing: string[] = [];
    const evidence: { turn: number; quote: string }[] = [];
    for (const key of fact.keys) {
      const alternatives = Array.isArray(key) ? key : [key];
      let found = false;
      for (const t of turns) {
        for (const alt of alternatives) {
          const m = findKey(t.text, alt);
          if (m) {
            evidence.push({ turn: t.turn, quote: quoteAround(t.text, m) });
            found = true;
            break;
          }
        }
        if (found) break;
      }
      if (!found) missing.push(alternatives.join(" | "));
    }
    const pass = missing.length === 0;
    return grade("facts", {
      criterion: "facts",
      pass,
      score: (fact.keys.length - missing.length) / fact.keys.length,
      reason: pass
        ? `communicated: ${fact.claim}`
        : `not communicated: ${fact.claim} (missing ${missing.map((m) => `"${m}"`).join(", ")})`,
      evidence,
      detail: { claim: fact.claim },
    });
  });
};
