import type { Analysis } from "../../analysis/schema.js";
import type { ResultLine, RunMeta } from "../../run/schema.js";
import { TIER_LABEL } from "./format.js";
import { renderPage } from "./page.js";
import { ESCALATION_LABEL } from "./sections/trials.js";
import { trialDetail, trialRow } from "./trial-data.js";

export { comparisonSentence } from "./sections/candidates.js";
export { heatmap } from "./sections/summary.js";

export interface HtmlReportOptions {
  /** The page's heading; defaults to a plain description of the question the report answers. */
  title?: string;
  /** Rows per page of the conversation list (default 100). */
  pageSize?: number;
}

const LABELS = {
  escalation: ESCALATION_LABEL,
  tier: TIER_LABEL,
  kind: { deterministic: "exact check", judge: "LLM judge", heuristic: "heuristic" },
  endReason: {
    bot_closed: "the bot closed",
    handoff: "handed over",
    customer_done: "the customer was done",
    max_turns: "turn limit reached",
    error: "an error",
  },
  detectedBy: {
    tool: "the bot called escalate_to_human",
    field: "the bot's hand-off field",
    judge: "judged from the transcript",
  },
};

/** Renders the self-contained index.html: summary, comparisons, graders, cost, and every transcript. */
export function renderHtmlReport(
  analysis: Analysis,
  lines: readonly ResultLine[],
  metas: readonly RunMeta[],
  options: HtmlReportOptions = {},
): string {
  return renderPage({
    title: options.title ?? "Which conversations can the bot take?",
    analysis,
    metas,
    rows: lines.map(trialRow),
    details: lines.map(trialDetail),
    pageSize: Math.max(1, Math.floor(options.pageSize ?? 100)),
    detailChunk: 100,
    labels: LABELS,
  });
}
