import type { TranscriptEvent } from "../../conversation/schema.js";
import type { Evidence } from "../schema.js";

/** Evidence the judge cites is kept only if the quote really occurs in the turn it names. */

function normalise(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

function eventText(e: TranscriptEvent): string {
  switch (e.type) {
    case "customer":
    case "bot":
      return e.text;
    case "handoff":
      return `${e.reason}\n${e.summary}`;
    case "tool":
      return `${e.name} ${JSON.stringify(e.args ?? null)} ${JSON.stringify(e.result ?? null)} ${e.error ?? ""}`;
  }
  return "";
}

/** The quotes that occur (up to case, spacing and quote marks) in the named turn; the rest are dropped. */
export function verifyEvidence(
  cited: readonly { turn: number; quote: string }[],
  transcript: readonly TranscriptEvent[],
): { kept: Evidence[]; dropped: number } {
  const byTurn = new Map<number, string[]>();
  for (const e of transcript) byTurn.set(e.turn, [...(byTurn.get(e.turn) ?? []), normalise(eventText(e))]);
  const kept: Evidence[] = [];
  let dropped = 0;
  for (const ev of cited) {
    // Judges like to wrap quotes in quote marks or ellipses; those are not part of the text.
    const quote = normalise(ev.quote)
      .replace(/^["'\s]+|["'\s]+$/g, "")
      .replace(/^(\.\.\.|…)\s*|\s*(\.\.\.|…)$/g, "");
    const texts = byTurn.get(ev.turn) ?? [];
    if (quote.length >= 3 && texts.some((t) => t.includes(quote))) kept.push({ turn: ev.turn, quote: ev.quote.trim() });
    else dropped++;
  }
  return { kept, dropped };
}
