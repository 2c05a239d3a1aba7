import type { Analysis } from "../../analysis/schema.js";
import type { ResultLine, RunMeta } from "../../run/schema.js";
import type { HtmlRenderer } from "../write.js";
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
  /**
   * Conversations embedded in full (transcript, grades, world changes), failures and errors
   * first; every trial keeps its row. Default DEFAULT_MAX_CONVERSATIONS.
   */
  maxConversations?: number;
  /**
   * The whole lines of the embedded trials, by key, when `lines` are slim (see slimLine); without
   * it the embedded conversations come from `lines` themselves.
   */
  wholeLines?: ReadonlyMap<string, ResultLine>;
}

/**
 * A report of a 20,000-trial run that embeds every conversation is about 64 MB: slow to open,
 * and at some 170,000 trials more text than one JavaScript string can hold. Runs up to this size
 * embed all of them.
 */
export const DEFAULT_MAX_CONVERSATIONS = 10_000;

const maxConversationsOf = (options: Pick<HtmlReportOptions, "maxConversations">): number =>
  Math.max(0, Math.floor(options.maxConversations ?? DEFAULT_MAX_CONVERSATIONS));

/**
 * The renderer writeReports calls with slim lines: it reads the whole lines of the conversations
 * it embeds, and only those.
 */
export function htmlRenderer(options: Omit<HtmlReportOptions, "wholeLines"> = {}): HtmlRenderer {
  return async (analysis, lines, metas, wholeLines) => {
    const keys = new Set([...embeddedLines(lines, maxConversationsOf(options))].map((i) => lines[i]!.key));
    return renderHtmlReport(analysis, lines, metas, { ...options, wholeLines: await wholeLines(keys) });
  };
}

/** Which lines are embedded in full: errors and failures first, then passes, each in file order. */
export function embeddedLines(lines: readonly ResultLine[], max: number): Set<number> {
  const chosen = new Set<number>();
  for (const wanted of [["error", "fail"], ["pass"]]) {
    for (let i = 0; i < lines.length && chosen.size < max; i++) {
      if (wanted.includes(lines[i]!.verdict)) chosen.add(i);
    }
  }
  return chosen;
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

/** Renders the self-contained index.html: summary, comparisons, graders, cost, and the transcripts (up to maxConversations). */
export function renderHtmlReport(
  analysis: Analysis,
  lines: readonly ResultLine[],
  metas: readonly RunMeta[],
  options: HtmlReportOptions = {},
): string {
  const embedded = embeddedLines(lines, maxConversationsOf(options));
  const whole = (line: ResultLine) => options.wholeLines?.get(line.key) ?? line;
  return renderPage({
    title: options.title ?? "Which conversations can the bot take?",
    analysis,
    metas,
    rows: lines.map(trialRow),
    details: lines.map((line, i) => (embedded.has(i) ? trialDetail(whole(line)) : null)),
    pageSize: Math.max(1, Math.floor(options.pageSize ?? 100)),
    detailChunk: 100,
    labels: LABELS,
  });
}
