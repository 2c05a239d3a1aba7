import type { Domain } from "../../suite/domain-schema.js";
import { kbIndexFor } from "../../suite/kb-index.js";
import type { BotTurn, Candidate } from "../types.js";
import { ANSWER_LEADS, HANDOFF_LINES, SENSITIVE_CUES } from "./faq-cues.js";

/** BM25 score below which the FAQ bot admits it has no answer and hands off. */
export const MIN_RETRIEVAL_SCORE = 2.5;
/** Characters of an article the bot quotes. */
const EXCERPT = 480;

function excerpt(body: string): string {
  const text = body
    .replace(/^#.*$/gm, "")
    .replace(/[*_`>]/g, "")
    .replace(/\n{2,}/g, "\n")
    .trim();
  if (text.length <= EXCERPT) return text;
  const cut = text.slice(0, EXCERPT);
  const stop = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("。"), cut.lastIndexOf("\n"));
  return stop > 120 ? cut.slice(0, stop + 1) : `${cut}…`;
}

function sensitiveReason(text: string, allowed: string[]): string | undefined {
  const lower = text.toLowerCase();
  for (const [reason, cues] of Object.entries(SENSITIVE_CUES)) {
    if (allowed.includes(reason) && cues.some((c) => lower.includes(c))) return reason;
  }
  return undefined;
}

/**
 * `builtin:faq-bot`: the retrieval baseline companies ran before LLMs. BM25 over the domain's
 * help-centre articles in the customer's language; hands off on sensitive cues or low confidence.
 */
export function faqBotCandidate(domains: Map<string, Domain>, id = "builtin:faq-bot"): Candidate {
  return {
    id,
    async respond(req): Promise<BotTurn> {
      const domain = domains.get(req.context.domain);
      const last = [...req.messages].reverse().find((m) => m.role === "user");
      const question = last && last.role === "user" ? last.content : "";
      const lang = req.context.language.split("-")[0]!;
      const handoffLine = HANDOFF_LINES[lang] ?? HANDOFF_LINES.en!;
      const reasons = domain?.handoffReasons ?? [];
      const handoff = (reason: string, why: string): BotTurn => ({
        text: handoffLine,
        toolCalls: [
          {
            id: `faq-${req.messages.length}`,
            name: "escalate_to_human",
            args: { reason, summary: `${why} Customer wrote: "${question.slice(0, 300)}"` },
          },
        ],
      });
      const sensitive = sensitiveReason(question, reasons);
      if (sensitive) return handoff(sensitive, `Sensitive topic detected (${sensitive}).`);
      if (!domain) return handoff(reasons[0] ?? "technical", "No help centre for this domain.");
      const { index, language } = kbIndexFor(domain.kb, req.context.language);
      const [hit] = index.search(question, 1);
      const fallback = reasons.includes("policy_exception") ? "policy_exception" : (reasons[0] ?? "technical");
      if (!hit || hit.score < MIN_RETRIEVAL_SCORE)
        return handoff(fallback, "No help-centre article matched with confidence.");
      const lead = ANSWER_LEADS[language] ?? ANSWER_LEADS.en!;
      return { text: `${lead} (${hit.article.title}):\n${excerpt(hit.article.body)}` };
    },
  };
}
